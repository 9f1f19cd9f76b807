"""Session rules for logged-in accounts: idle timeout, second factor, forced password change.

Runs after django-otp's middleware, which tells whether this session passed the second factor. The
ballot and survey pages are anonymous and never reach these rules.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts import passwords, second_factor

LAST_SEEN = "kaohe_last_seen"
# Stamping every request would write the session on every click; a minute's slack is enough.
STAMP_EVERY = 60


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is logged in; not touching the session keeps `Vary: Cookie` off
        # the anonymous pages (the ballot page's headers match its lean path's).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_free_prefixes()):
            return self.get_response(request)
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            message = _("已超过 %(minutes)d 分钟未操作，请重新登录。") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT // 60
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=401)
            messages.info(request, message)
            return redirect(f"{reverse('login')}?next={request.path}")
        if last is None or now - last >= STAMP_EVERY:
            request.session[LAST_SEEN] = now
        step = _pending_step(request)
        if step is None or request.path == step[0]:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": step[1]}, status=403)
        return redirect(step[0])


def _free_prefixes() -> tuple[str, ...]:
    return (f"/{settings.STATIC_URL.lstrip('/')}", reverse("accounts:logout"))


def _pending_step(request) -> tuple[str, str] | None:
    """The page this session must go through first, and why; None when nothing is pending."""
    user = request.user
    if not user.is_verified():
        if second_factor.enrolled(user):
            return reverse("accounts:otp_verify"), _("请输入身份验证器上的动态口令。")
        if second_factor.required(user):
            return reverse("accounts:otp_setup"), _("您的角色须使用第二因素登录，请先绑定身份验证器。")
    reason = passwords.password_change_reason(user)
    if reason is not None:
        return reverse("accounts:password_change"), reason
    return None
