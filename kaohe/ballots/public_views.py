"""The ballot page, /b/: no login, phone first, a tiny page that works with JavaScript off.

The slip's QR code opens /b/<code>/; the form then posts to /b/ with the code in a hidden field, so the
code is in no POST's address. The pages send ``Referrer-Policy: strict-origin`` (the stylesheet's request
would otherwise carry the code to the access log), and ``logfilter`` masks /b/… in the app's own logs.
Wrong codes are not rate-limited: 80 random bits cannot be guessed.

No CSRF token on /b/ (``ballot_open`` and ``ballot_entry`` are exempt): the one-time code in the form is
the credential, so a cross-site post can do nothing its author could not do by posting a code himself, and
a forged post without a valid code stores nothing. A POST whose ``Origin`` names another site is refused
all the same, which costs nothing. Without the token the pages set no cookie. The receipt check keeps
Django's CSRF protection.

``public_wsgi`` serves these two views straight from WSGI, past the middleware stack, with the headers the
stack would add; the URLs below serve the same views through Django (test client, runserver).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.http import is_same_domain
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.ballots import actions, codes, filling, selectors


def _page(
    request: HttpRequest, template: str, context: dict | None = None, status: int = 200
) -> HttpResponse:
    # Rendered without the context processors: the public pages show nothing of a user, a login session or
    # the navigation (and must not touch them); the receipt form's CSRF token is the only thing taken from
    # the request. Lazy, as Django's csrf context processor: only a page with {% csrf_token %} gets the
    # token, and get_token has the CSRF cookie set with it.
    context = {**(context or {}), "csrf_token": lazy(get_token, str)(request)}
    return _headers(HttpResponse(render_to_string(f"ballots/public/{template}", context), status=status))


def _headers(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _entry(request: HttpRequest, typed: str = "", error: str = "", status: int = 200) -> HttpResponse:
    return _page(request, "entry.html", {"typed": typed, "error": error}, status=status)


def _refused(request: HttpRequest, message: str, session=None) -> HttpResponse:
    return _page(request, "refused.html", {"message": message, "session": session})


def _rows(layout: filling.Layout, data: Mapping[str, Any], errors: Mapping[str, list[str]]) -> list[dict]:
    """The form as the template draws it: each target's questions with the rater's choices kept."""

    def choices(key: str, values: tuple[str, ...]) -> list[tuple[str, bool]]:
        chosen = data.get(key, "")
        return [(value, value == chosen) for value in values]

    rows = []
    for target in layout.targets:
        items = []
        for index, item in enumerate(target.items):
            key = target.item_field(index)
            items.append(
                {
                    "name": item.name,
                    "field": key,
                    "choices": choices(key, item.choices),
                    "errors": errors.get(key, []),
                    "required": item.required,
                    "reason_for": "、".join(item.reason_for),
                    "reason_field": f"{key}_r",
                    "reason": data.get(f"{key}_r", ""),
                    "reason_errors": errors.get(f"{key}_r", []),
                }
            )
        rows.append(
            {
                "field": target.field,
                "label": target.label,
                "detail": target.detail,
                "summary": target.summary,
                "overall": choices(target.field, layout.overall_offered(target)) if target.overall else None,
                "errors": errors.get(target.field, []),
                "items": items,
                "invalid": any(
                    errors.get(k) for k in errors if k == target.field or k.startswith(f"{target.field}_")
                ),
            }
        )
    return rows


# Stand-in for what differs between raters on an untouched ballot page (the code) and on the page that
# acknowledges a ballot (the receipt): a page rendered with it is cached, and each request puts its own in.
_STAND_IN = "\ue000"


@functools.lru_cache(maxsize=64)
def _blank_page(
    layout: filling.Layout, session: str, cycle: str, rehearsal: bool, group: str, language: str | None
) -> str:
    """An untouched ballot page, rendered once per session, rater group and language in each process
    (``layout`` in the key: a changed ballot is a new page)."""
    context = {
        "session": SimpleNamespace(name=session, rehearsal=rehearsal, cycle=SimpleNamespace(name=cycle)),
        "group": group,
        "code": _STAND_IN,
        "rows": _rows(layout, {}, {}),
        "excellent_allowed": layout.excellent_allowed(),
    }
    return render_to_string("ballots/public/ballot.html", context)


def _ballot(
    request: HttpRequest,
    token: selectors.TokenInfo,
    code: str,
    layout: filling.Layout | None = None,
    data: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> HttpResponse:
    layout = layout or selectors.token_layout(token)
    session = token.session
    if not data and not errors:
        page = _blank_page(
            layout, session.name, session.cycle.name, session.rehearsal, token.rater_group, get_language()
        )
        return _headers(HttpResponse(page.replace(_STAND_IN, escape(code))))
    errors = errors or {}
    context = {
        "session": session,
        "group": token.rater_group,
        "code": code,
        "rows": _rows(layout, data or {}, errors),
        "general_errors": errors.get("", []),
        "error_count": sum(len(v) for v in errors.values()),
        "excellent_allowed": layout.excellent_allowed(),
    }
    return _page(request, "ballot.html", context)


def _admit(request: HttpRequest, typed: str) -> tuple[selectors.TokenInfo | None, str, HttpResponse | None]:
    """The code's token when it may fill a ballot now; else the page that says why."""
    code = codes.normalise(typed)
    token = selectors.token_by_code(code) if code else None
    if token is None or token.rehearsal != token.session.rehearsal:
        message = actions.refusal_invalid().message if typed.strip() else _("请输入测评码")
        return None, "", _entry(request, typed[:40], message)
    if token.used:
        return None, "", _refused(request, actions.refusal_used().message, token.session)
    if not selectors.taking_ballots(token.session):
        from django.utils import timezone

        return (
            None,
            "",
            _refused(request, actions.refusal_not_open(token.session, timezone.now()).message, token.session),
        )
    return token, code or "", None


@functools.lru_cache(maxsize=64)
def _done_page(session: str, cycle: str, rehearsal: bool, language: str | None) -> str:
    """The page that acknowledges a ballot, rendered once per session and language in each process."""
    context = {
        "session": SimpleNamespace(name=session, rehearsal=rehearsal, cycle=SimpleNamespace(name=cycle)),
        "receipt": _STAND_IN,
    }
    return render_to_string("ballots/public/done.html", context)


def _done(token: selectors.TokenInfo, receipt: str) -> HttpResponse:
    session = token.session
    page = _done_page(session.name, session.cycle.name, session.rehearsal, get_language())
    return _headers(HttpResponse(page.replace(_STAND_IN, codes.display(receipt))))


def _foreign_origin(request: HttpRequest) -> bool:
    """A POST sent by a page of another site (the Origin header browsers add), as Django's CSRF check sees it."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return False
    if origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    scheme, _, netloc = origin.partition("://")
    return not any(
        trusted.startswith(f"{scheme}://*")
        and is_same_domain(netloc, trusted.split("://", 1)[1].removeprefix("*"))
        for trusted in settings.CSRF_TRUSTED_ORIGINS
    )


@csrf_exempt
@never_cache
@require_GET
def ballot_open(request: HttpRequest, code: str) -> HttpResponse:
    """The address in the slip's QR code."""
    token, plain, refused = _admit(request, code)
    if refused is not None:
        return refused
    assert token is not None
    return _ballot(request, token, plain)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def ballot_entry(request: HttpRequest) -> HttpResponse:
    """GET: type a code (or ?c=). POST: open the typed code's ballot, or, with ``submit``, store it."""
    if request.method == "GET":
        typed = request.GET.get("c", "")
        if not typed:
            return _entry(request)
        token, plain, refused = _admit(request, typed)
        return refused if refused is not None else _ballot(request, token, plain)  # type: ignore[arg-type]
    if _foreign_origin(request):
        refused = _refused(request, _("请从测评卡上的二维码或本网站的测评页面提交测评票。"))
        refused.status_code = 403
        return refused
    typed = request.POST.get("code", "")
    token, plain, refused = _admit(request, typed)
    if refused is not None:
        return refused
    assert token is not None
    if "submit" not in request.POST:
        return _ballot(request, token, plain)
    layout = selectors.token_layout(token)
    data = {key: request.POST.get(key, "") for key in request.POST}
    try:
        receipt = actions.ballot_submit(code=plain, data=data, layout=layout, token=token)
    except actions.BallotRefused as refusal:
        if refusal.code == "choices":
            return _ballot(request, token, plain, layout, data, refusal.errors)
        if refusal.code == "invalid":
            return _entry(request, typed[:40], refusal.message)
        return _refused(request, refusal.message, token.session)
    return _done(token, receipt)


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest) -> HttpResponse:
    """Anyone may check that a ballot with a receipt was counted; the page never shows what it says."""
    context: dict[str, Any] = {"typed": "", "found": None, "error": ""}
    if request.method == "POST":
        typed = request.POST.get("receipt", "")[:40]
        receipt = codes.normalise(typed, codes.RECEIPT_LENGTH)
        context["typed"] = typed
        if receipt is None:
            context["error"] = _("回执码应为 12 位字母和数字，如 K7QM-2XHP-9RTA")
        else:
            found = selectors.receipt_lookup(receipt)
            context["found"] = found
            context["receipt"] = codes.display(receipt)
            if not found:
                # An open session's ballots are sealed (storage.py): they can be found after it ends.
                context["error"] = _(
                    "没有找到回执码为 %(receipt)s 的测评票（测评进行中的票是密封的，测评结束后才能查到）"
                ) % {"receipt": codes.display(receipt)}
    return _page(request, "receipt.html", context)
