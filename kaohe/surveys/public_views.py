"""The public survey page, /s/<token>/: no login, phone first, a tiny page that needs no JavaScript.

Codes mode: the slip's QR carries the code (?c=…), or the respondent types it. Open mode: one answer per
device, known by a random cookie of which only a keyed hash is stored, and a limit of submissions per
address (the cache counts a keyed hash of the address, for an hour).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.surveys import actions, selectors
from kaohe.surveys.forms import AnswerForm, code_display, normalise_code
from kaohe.surveys.models import PublicSurvey, Satisfaction, SurveyMode

DEVICE_COOKIE = "kaohe_survey_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
RATE_WINDOW = 3600


def rate_limit() -> int:
    """Submissions (open mode) or wrong codes (codes mode) allowed per address per survey per hour."""
    return settings.SURVEY_RATE_LIMIT


def client_address(request: HttpRequest) -> str:
    # Behind the TLS proxy of docs/operations.md the proxy appends the client's address last.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _rate_key(request: HttpRequest, survey: PublicSurvey) -> str:
    address = salted_hmac("kaohe.surveys.rate", client_address(request), algorithm="sha256").hexdigest()
    return f"kaohe:survey-rate:{survey.pk}:{address[:32]}"


def _count_attempt(request: HttpRequest, survey: PublicSurvey) -> int:
    key = _rate_key(request, survey)
    cache.add(key, 0, RATE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        return 1


def _over_limit(request: HttpRequest, survey: PublicSurvey) -> bool:
    return (cache.get(_rate_key(request, survey)) or 0) >= rate_limit()


def _page(request: HttpRequest, survey: PublicSurvey, template: str, context=None, status: int = 200):
    return render(request, f"surveys/public/{template}", {"survey": survey, **(context or {})}, status=status)


def _refused(request: HttpRequest, survey: PublicSurvey, message: str, status: int = 200) -> HttpResponse:
    return _page(request, survey, "refused.html", {"message": message}, status=status)


def _too_many(request: HttpRequest, survey: PublicSurvey) -> HttpResponse:
    return _refused(request, survey, _("提交过于频繁，请一小时后再试"), status=429)


def _with_device_cookie(request: HttpRequest, survey: PublicSurvey, response: HttpResponse) -> HttpResponse:
    if survey.mode == SurveyMode.OPEN and not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=DEVICE_COOKIE_AGE,
            path="/s/",
            httponly=True,
            samesite="Lax",
            secure=settings.CSRF_COOKIE_SECURE,
        )
    return response


def _form_page(
    request: HttpRequest, survey: PublicSurvey, form: AnswerForm, code_error: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "choices": Satisfaction.choices,
        "needs_code": form.needs_code,
        "code_errors": [code_error] if code_error else form.errors.get("code", []),
    }
    return _with_device_cookie(request, survey, _page(request, survey, "answer.html", context))


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    survey = selectors.get_public_survey(token)
    if not selectors.taking_answers(survey):
        return _refused(request, survey, actions.refusal_closed().message)
    needs_code = survey.mode == SurveyMode.CODES
    device = request.COOKIES.get(DEVICE_COOKIE)
    if request.method == "GET":
        if not needs_code and selectors.device_answered(survey, device):
            return _refused(request, survey, actions.refusal_device().message)
        typed = request.GET.get("c", "").strip()[:40]
        code_error = ""
        if needs_code and typed:
            code = normalise_code(typed)
            state = "invalid" if code is None else selectors.code_state(survey, code)
            if state == "used":
                return _refused(request, survey, actions.refusal_used().message)
            if state == "invalid":
                # Shown on the code field, which stays editable: a mistyped code can be corrected.
                code_error = actions.refusal_invalid().message
            else:
                typed = code_display(code)
        form = AnswerForm(initial={"code": typed}, needs_code=needs_code)
        return _form_page(request, survey, form, code_error)

    if needs_code and _over_limit(request, survey):
        return _too_many(request, survey)
    if not needs_code and _count_attempt(request, survey) > rate_limit():
        return _too_many(request, survey)
    form = AnswerForm(request.POST, needs_code=needs_code)
    if not form.is_valid():
        if needs_code and form.has_error("code", "invalid"):
            _count_attempt(request, survey)
        return _form_page(request, survey, form)
    data = form.cleaned_data
    try:
        actions.survey_answer(
            survey=survey, choice=data["choice"], comment=data["comment"], code=data["code"], device=device
        )
    except actions.AnswerRefused as refusal:
        if refusal.code == "invalid":
            _count_attempt(request, survey)
            form.add_error("code", refusal.message)
            return _form_page(request, survey, form)
        if refusal.code in ("choice", "comment", "cookie"):
            form.add_error(None, refusal.message)
            return _form_page(request, survey, form)
        return _refused(request, survey, refusal.message)
    return redirect("survey_public:thanks", token=survey.token)


@never_cache
@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = selectors.get_public_survey(token)
    return _page(request, survey, "thanks.html")
