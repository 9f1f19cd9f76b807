"""Pages of the password and session rules, the second factor, and the security administrator's work."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from kaohe.accounts import access, actions, passwords, second_factor, security
from kaohe.accounts.forms import UserFilterForm
from kaohe.accounts.models import ADMIN_ROLES, LoginFailure, Role, User
from kaohe.accounts.security_forms import OwnPasswordForm, RoleForm, TokenForm
from kaohe.crypto.configured import active_suite


@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    form = OwnPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = passwords.own_password_change(user=request.user, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    reason = passwords.password_change_reason(request.user)
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify(request):
    if request.user.is_verified() or not second_factor.enrolled(request.user):
        return redirect("home")
    form = TokenForm(request.POST or None)
    wait = second_factor.wait_message(second_factor.totp_device(request.user))
    if request.method == "POST" and form.is_valid() and wait:
        form.add_error("token", wait)
    elif request.method == "POST" and form.is_valid():
        device = second_factor.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            left = second_factor.recovery_codes_left(request.user)
            if device.persistent_id.startswith("otp_static") and left < 3:
                messages.warning(request, _("恢复码只剩 %(n)d 个，请尽快重新绑定身份验证器。") % {"n": left})
            return redirect(request.GET.get("next") or "home")
        form.add_error(
            "token", _("动态口令不正确或已过期，请输入身份验证器上当前显示的 6 位数字，或一个恢复码。")
        )
    return render(request, "accounts/otp_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def otp_setup(request):
    """Enrol an authenticator: scan the QR code (or type the key), confirm with a first code, keep the
    recovery codes. Optional for roles that do not require it; a confirmed factor is replaced only after
    passing it in this session."""
    user = request.user
    if second_factor.enrolled(user) and not user.is_verified():
        return redirect("accounts:otp_verify")
    device = second_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    wait = second_factor.wait_message(device)
    if request.method == "POST" and form.is_valid() and wait:
        form.add_error("token", wait)
    elif request.method == "POST" and form.is_valid():
        codes = second_factor.second_factor_confirm(
            user=user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "accounts/otp_recovery.html", {"codes": codes})
        form.add_error("token", _("动态口令不正确，请核对手机时间后输入身份验证器上当前显示的 6 位数字。"))
    context = {
        "form": form,
        "qr": second_factor.provisioning_qr_svg(device),
        "secret": second_factor.secret_text(device),
        "required": second_factor.required(user),
    }
    return render(request, "accounts/otp_setup.html", context)


# ---------------------------------------------------------------- the security administrator

ACCOUNTS_PER_PAGE = 50


@require_http_methods(["GET"])
@access.role_required(*access.SECURITY_MANAGERS)
def security_list(request):
    filters = UserFilterForm(request.GET)
    since = timezone.now() - timezone.timedelta(seconds=_window())
    locked_names = set(
        LoginFailure.objects.filter(at__gte=since)
        .values("username")
        .annotate(n=Count("pk"))
        .filter(n__gte=_limit())
        .values_list("username", flat=True)
    )
    accounts = filters.filter(User.objects.order_by("role", "username"))
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "locked": locked_names,
        "policy": _policy(),
        "role_choices": Role.choices,
        "admin_roles": [str(r) for r in ADMIN_ROLES],
        "unenrolled": User.objects.filter(
            Q(role__in=_required_roles()) & Q(second_factor_enrolled=False) & Q(is_active=True)
        ).count(),
    }
    return render(request, "accounts/security_list.html", context)


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW


def _limit() -> int:
    return settings.LOGIN_THROTTLE_LIMIT


def _required_roles() -> list[str]:
    return list(settings.SECOND_FACTOR_ROLES)


def _policy() -> list[tuple[str, str]]:
    """The security settings in force, as the operator set them (docs/operations.md)."""
    suite = active_suite()
    roles = "、".join(str(Role(r).label) for r in settings.SECOND_FACTOR_ROLES if r in Role.values)
    return [
        (_("密码字符种类"), _("至少 %(n)d 类") % {"n": settings.PASSWORD_MIN_CHARACTER_CLASSES}),
        (_("密码有效期"), _("%(n)d 天") % {"n": settings.PASSWORD_MAX_AGE_DAYS}),
        (_("不得重复使用"), _("最近 %(n)d 个密码") % {"n": settings.PASSWORD_HISTORY + 1}),
        (_("空闲超时"), _("%(n)d 分钟") % {"n": settings.SESSION_IDLE_TIMEOUT // 60}),
        (_("登录失败锁定"), _("%(window)d 分钟内失败 %(n)d 次") % {"window": _window() // 60, "n": _limit()}),
        (_("须使用第二因素的角色"), roles or "—"),
        (_("密码模式"), f"{suite.mode.value}（{suite.mac.value}，{suite.aead.value}）"),
    ]


def _account(pk: int) -> User:
    return get_object_or_404(User, pk=pk)


@require_POST
@access.role_required(*access.SECURITY_MANAGERS)
def user_set_role(request, pk: int):
    account = _account(pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择角色。"))
        return redirect("accounts:security_list")
    try:
        security.user_set_role(actor=request.user, user=account, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已修改账号“%(username)s”的角色。") % {"username": account.username})
    return redirect("accounts:security_list")


@require_POST
@access.role_required(*access.SECURITY_MANAGERS)
def login_unlock(request, pk: int):
    account = _account(pk)
    security.login_unlock(actor=request.user, user=account)
    messages.success(request, _("已解锁账号“%(username)s”。") % {"username": account.username})
    return redirect("accounts:security_list")


@require_POST
@access.role_required(*access.SECURITY_MANAGERS)
def second_factor_reset(request, pk: int):
    account = _account(pk)
    try:
        security.second_factor_reset(actor=request.user, user=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已重置账号“%(username)s”的身份验证器，其下次登录时重新绑定。")
            % {"username": account.username},
        )
    return redirect("accounts:security_list")


@require_POST
@access.role_required(*access.SECURITY_MANAGERS)
def admin_set_active(request, pk: int):
    """Deactivate or reactivate an administrator's account (business accounts are the system administrator's)."""
    account = _account(pk)
    active = request.POST.get("active") == "1"
    try:
        if account.role not in ADMIN_ROLES:
            raise ValidationError(_("业务账号由系统管理员停用或启用。"))
        actions.user_set_active(actor=request.user, user=account, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        template = _("已启用账号“%(username)s”。") if active else _("已停用账号“%(username)s”。")
        messages.success(request, template % {"username": account.username})
    return redirect("accounts:security_list")
