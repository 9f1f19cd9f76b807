"""The organiser's survey pages under cycles/<year>/surveys/: create, set up, open and close, codes, results."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.plans.selectors import get_cycle
from kaohe.surveys import actions, selectors, slips
from kaohe.surveys.forms import (
    CodeGenerateForm,
    SurveyBulkForm,
    SurveyCreateForm,
    SurveySettingsForm,
    code_display,
)
from kaohe.surveys.models import PublicSurvey, SurveyMode

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def public_url(request: HttpRequest, survey: PublicSurvey) -> str:
    """The link the public opens. SURVEY_PUBLIC_BASE_URL names the address phones reach, if not this one."""
    path = reverse("survey_public:answer", args=[survey.token])
    base = settings.SURVEY_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _list_context(request: HttpRequest, cycle, create_form=None, bulk_form=None) -> dict:
    units = selectors.units_without_survey(cycle)
    categories = selectors.assessed_categories(cycle)
    page_obj = Paginator(selectors.cycle_surveys(cycle), PAGE_SIZE).get_page(request.GET.get("page"))
    results = selectors.results_of(list(page_obj))
    for survey in page_obj:
        survey.results = results[survey.pk]
    return {
        "cycle": cycle,
        "page_obj": page_obj,
        "create_form": create_form or SurveyCreateForm(units=units),
        "bulk_form": bulk_form or SurveyBulkForm(categories=categories),
        "has_free_units": units.exists(),
        "min_responses": selectors.min_responses(),
    }


@role_required(*CYCLE_EDITORS)
@require_GET
def survey_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    return render(request, "surveys/survey_list.html", _list_context(request, cycle))


@role_required(*CYCLE_EDITORS)
@require_POST
def survey_create_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = SurveyCreateForm(request.POST, units=selectors.units_without_survey(cycle))
    if form.is_valid():
        try:
            survey = actions.survey_create(
                actor=request.user,
                cycle=cycle,
                unit=form.cleaned_data["unit"].unit,
                mode=form.cleaned_data["mode"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已创建%(unit)s的公众评议。") % {"unit": survey.unit.name})
            return redirect("surveys:survey_detail", year=cycle.year, pk=survey.pk)
    context = _list_context(request, cycle, create_form=form)
    return render(request, "surveys/survey_list.html", context, status=400)


@role_required(*CYCLE_EDITORS)
@require_POST
def survey_bulk_create_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = SurveyBulkForm(request.POST, categories=selectors.assessed_categories(cycle))
    if form.is_valid():
        category = form.cleaned_data["category"]
        try:
            created = actions.survey_bulk_create(
                actor=request.user, cycle=cycle, category=category, mode=form.cleaned_data["mode"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    ngettext(
                        "已为%(category)s的 %(count)d 个单位创建公众评议。",
                        "已为%(category)s的 %(count)d 个单位创建公众评议。",
                        len(created),
                    )
                    % {"category": category.name, "count": len(created)},
                )
            else:
                messages.info(request, _("%(category)s的单位都已有公众评议。") % {"category": category.name})
            return redirect("surveys:survey_list", year=cycle.year)
    context = _list_context(request, cycle, bulk_form=form)
    return render(request, "surveys/survey_list.html", context, status=400)


def _detail_context(request: HttpRequest, cycle, survey: PublicSurvey, **forms) -> dict:
    results = selectors.survey_results(survey)
    values = selectors.survey_values(survey)
    rows = [(choice, values[choice], n) for choice, n in (results.counts or {}).items()]
    return {
        "cycle": cycle,
        "survey": survey,
        "public_url": public_url(request, survey),
        "results": results,
        "rows": rows,
        "comments": selectors.survey_comments(survey) if not results.suppressed else [],
        "batches": selectors.code_batches(survey),
        "codes_mode": survey.mode == SurveyMode.CODES,
        "taking_answers": selectors.taking_answers(survey),
        "min_responses": selectors.min_responses(),
        "settings_form": forms.get("settings_form") or SurveySettingsForm(instance=survey),
        "code_form": forms.get("code_form") or CodeGenerateForm(),
    }


@role_required(*CYCLE_EDITORS)
@require_GET
def survey_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    return render(request, "surveys/survey_detail.html", _detail_context(request, cycle, survey))


@role_required(*CYCLE_EDITORS)
@require_POST
def survey_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    # An unbound copy keeps the page's facts as stored while the form shows what was typed.
    form = SurveySettingsForm(
        request.POST, instance=PublicSurvey(pk=survey.pk, cycle=cycle, unit=survey.unit)
    )
    if form.is_valid():
        try:
            actions.survey_update(actor=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存评议设置。"))
            return redirect("surveys:survey_detail", year=cycle.year, pk=survey.pk)
    context = _detail_context(request, cycle, survey, settings_form=form)
    return render(request, "surveys/survey_detail.html", context, status=400)


@role_required(*CYCLE_EDITORS)
@require_POST
def survey_toggle(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    wanted = request.POST.get("open")
    if wanted not in ("1", "0"):
        messages.error(request, _("请选择开放或结束评议。"))
    else:
        try:
            actions.survey_set_open(actor=request.user, survey=survey, is_open=wanted == "1")
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            done = _("已开放评议。") if wanted == "1" else _("已结束评议。")
            messages.success(request, done)
    return redirect("surveys:survey_detail", year=cycle.year, pk=survey.pk)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def survey_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    codes = survey.codes.count()
    confirm = Confirmation(
        title=_("删除公众评议：%(unit)s") % {"unit": survey.unit.name},
        consequence=_("评议删除后不能恢复，已发出的 %(n)d 个评议码随之失效。") % {"n": codes},
        action_url=reverse("surveys:survey_delete", args=[cycle.year, survey.pk]),
        cancel_url=reverse("surveys:survey_detail", args=[cycle.year, survey.pk]),
        button=_("确认删除"),
        facts=((_("评议码"), str(codes)), (_("已作答"), str(survey.responses.count()))),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.survey_delete(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("surveys:survey_detail", year=cycle.year, pk=survey.pk)
    messages.success(request, _("已删除%(unit)s的公众评议。") % {"unit": survey.unit.name})
    return redirect("surveys:survey_list", year=cycle.year)


@role_required(*CYCLE_EDITORS)
@require_POST
def code_generate(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    form = CodeGenerateForm(request.POST)
    if form.is_valid():
        count = form.cleaned_data["count"]
        try:
            batch = actions.survey_codes_generate(actor=request.user, survey=survey, count=count)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "已生成第 %(batch)d 批评议码 %(count)d 个。",
                    "已生成第 %(batch)d 批评议码 %(count)d 个。",
                    count,
                )
                % {"batch": batch, "count": count},
            )
            return redirect("surveys:survey_detail", year=cycle.year, pk=survey.pk)
    context = _detail_context(request, cycle, survey, code_form=form)
    return render(request, "surveys/survey_detail.html", context, status=400)


def survey_slips(
    request: HttpRequest, survey: PublicSurvey, batch: int | None, unused: bool
) -> tuple[list[slips.Slip], list[bool], str]:
    """The slips of a batch (None: every batch), only the unused ones if asked, each with its used flag, and
    the file name's suffix; for the pages and the API alike."""
    codes = selectors.survey_codes(survey, batch)
    if unused:
        codes = codes.filter(used=False)
    rows = list(codes.values_list("code", "batch", "used"))
    url = public_url(request, survey)
    found = [slips.Slip(code_display(code), f"{url}?c={code}", batch) for code, batch, _used in rows]
    suffix = f"-第{batch}批" if batch is not None else ""
    return found, [used for _code, _batch, used in rows], suffix


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


def slips_pdf_download(request: HttpRequest, cycle, survey: PublicSurvey, batch: int | None, unused: bool):
    """The QR slips of a batch as an A4 PDF to print and cut: the page's download and the API's."""
    found, _used, suffix = survey_slips(request, survey, batch, unused)
    content = slips.slips_pdf(
        title=f"{cycle.name} · {_('公众评议')}",
        unit=survey.unit.name,
        page_url=public_url(request, survey),
        slips=found,
    )
    return _download(content, f"{survey.unit.name}-评议码{suffix}.pdf", "application/pdf")


def codes_xlsx_download(request: HttpRequest, survey: PublicSurvey, batch: int | None, unused: bool):
    """The codes of a batch as a sheet (code, link, batch, used): the page's download and the API's."""
    found, used, suffix = survey_slips(request, survey, batch, unused)
    content = slips.codes_xlsx(unit=survey.unit.name, slips=found, used=used)
    return _download(content, f"{survey.unit.name}-评议码{suffix}.xlsx", XLSX)


def _batch(request: HttpRequest) -> tuple[int | None, bool]:
    batch_text = request.GET.get("batch", "")
    return (int(batch_text) if batch_text.isdigit() else None), request.GET.get("unused") == "1"


@role_required(*CYCLE_EDITORS)
@require_GET
def codes_pdf(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    return slips_pdf_download(request, cycle, survey, *_batch(request))


@role_required(*CYCLE_EDITORS)
@require_GET
def codes_xlsx_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    survey = selectors.get_survey(cycle, pk)
    return codes_xlsx_download(request, survey, *_batch(request))
