"""Public surveys (公众评议) over JSON, the organiser's: the same selectors, forms and write functions as the
pages under cycles/<year>/surveys/, checked in the same order (403, 404, 409 for the phase gate, 422 by field).
Results follow the pages' k rule: below k responses (``kaohe.anonymity.min_group()``) only
the number received is given, no count per choice, no score, no comment. The public's answer stays on its
phone page (/s/<token>/), which needs no account.
"""

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kaohe.accounts.access import CYCLE_EDITORS
from kaohe.anonymity import min_group
from kaohe.api_errors import NON_FIELD, ApiError, Input, Refused, form_invalid, refused
from kaohe.api_paging import LimitOffset
from kaohe.plans import gate
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle
from kaohe.surveys import actions, selectors
from kaohe.surveys.forms import MAX_CODES, CodeGenerateForm, SurveySettingsForm
from kaohe.surveys.models import PublicSurvey, SurveyMode
from kaohe.surveys.views import XLSX, codes_xlsx_download, public_url, slips_pdf_download, survey_slips

router = Router(tags=["surveys"])


def _file_answer(description: str, content_type: str) -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": {content_type: binary}}}}


# --- schemas ------------------------------------------------------------------------------------------------


class SurveyResultsOut(Schema):
    total: int
    # null below k responses: counts that small could tell how one known respondent answered
    counts: dict[str, int] | None
    score: Decimal | None


class SurveyOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    category: str | None
    mode: str
    is_open: bool
    question: str
    satisfied_value: Decimal
    basic_value: Decimal
    unsatisfied_value: Decimal
    public_url: str
    code_count: int
    used_count: int
    response_count: int
    results: SurveyResultsOut


class SurveyBatchOut(Schema):
    batch: int
    total: int
    used: int


class SurveyDetailOut(SurveyOut):
    batches: list[SurveyBatchOut]
    comments: list[str]
    taking_answers: bool
    min_responses: int


class SurveyCreateIn(Input):
    unit_code: str
    mode: Literal["codes", "open"] = "codes"


class SurveyBulkIn(Input):
    category: str = Field(..., description="单位类别名称")
    mode: Literal["codes", "open"] = "codes"


class SurveySettingsIn(Input):
    # Loosely typed on purpose: the page's form checks them, with its messages.
    mode: str = ""
    question: str = ""
    satisfied_value: int | float | str = ""
    basic_value: int | float | str = ""
    unsatisfied_value: int | float | str = ""


class SurveyCodesIn(Input):
    count: int | str = Field("", description=f"生成数量（1–{MAX_CODES}）")


class SurveyCodesOut(Schema):
    batch: int
    count: int


class SurveyCodeOut(Schema):
    code: str
    url: str
    batch: int
    used: bool


class SurveyCodesFilter(Input):
    batch: int | None = Field(None, ge=1, le=10**9)
    unused: bool = False


# --- helpers ------------------------------------------------------------------------------------------------


def _survey(request: HttpRequest, year: int, pk: int) -> tuple[AssessmentCycle, PublicSurvey]:
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    return cycle, selectors.get_survey(cycle, pk)


def _refused(error: ValidationError, names: dict[str, str] | None = None) -> Exception:
    """A write function's refusal: the phase gate's under the cycle's lock as it is (the API answers it 409,
    kaohe/api.py), any other a 422 (under the field its code names, else ``non_field_errors``)."""
    if isinstance(error, gate.PhaseClosed):
        return error
    return refused(error, NON_FIELD, names=names)


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored value as typed: 80, not 80.00 (nor 8E+1)."""
    return None if value is None else Decimal(format(Decimal(value).normalize(), "f"))


def _out(request: HttpRequest, survey: PublicSurvey, results: selectors.Results) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "unit_code": survey.unit.code,
        "unit_name": survey.unit.name,
        "category": survey.category_name,
        "mode": survey.mode,
        "is_open": survey.is_open,
        "question": survey.question,
        "satisfied_value": _plain(survey.satisfied_value),
        "basic_value": _plain(survey.basic_value),
        "unsatisfied_value": _plain(survey.unsatisfied_value),
        "public_url": public_url(request, survey),
        "code_count": survey.code_count,
        "used_count": survey.used_count,
        "response_count": survey.response_count,
        "results": SurveyResultsOut(total=results.total, counts=results.counts, score=_plain(results.score)),
    }


def _detail(request: HttpRequest, cycle: AssessmentCycle, pk: int) -> SurveyDetailOut:
    survey = selectors.get_survey(cycle, pk)  # again: the counts as they are now
    results = selectors.survey_results(survey)
    return SurveyDetailOut(
        **_out(request, survey, results),
        batches=[SurveyBatchOut(**batch) for batch in selectors.code_batches(survey)],
        comments=selectors.survey_comments(survey) if not results.suppressed else [],
        taking_answers=selectors.taking_answers(survey),
        min_responses=min_group(),
    )


class _Paged(LimitOffset):
    """Pages of surveys, their results read for the page's rows only (one query)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        surveys = list(page[self.items_attribute])
        results = selectors.results_of(surveys)
        page[self.items_attribute] = [SurveyOut(**_out(request, s, results[s.pk])) for s in surveys]
        return page


# --- operations ---------------------------------------------------------------------------------------------

# Paths with a fixed word come before those with a number in its place ("/{year}/bulk" before "/{year}/{pk}").


@router.get("/{year}", response=list[SurveyOut])
@paginate(_Paged)
def survey_list_api(request: HttpRequest, year: int):
    return selectors.cycle_surveys(get_cycle(request.user, year, CYCLE_EDITORS))


@router.post("/{year}", response={201: SurveyDetailOut, 409: ApiError})
def survey_create_api(request: HttpRequest, year: int, payload: SurveyCreateIn):
    """A survey of one unit assessed in the cycle (a unit has at most one), by one-time codes or an open link."""
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.SURVEYS)
    assessed = selectors.units_without_survey(cycle).filter(unit__code=payload.unit_code).first()
    if assessed is None:
        raise Refused({"unit_code": [f"单位「{payload.unit_code}」不是本年度参加考核的单位，或已有公众评议"]})
    try:
        survey = actions.survey_create(actor=request.user, cycle=cycle, unit=assessed.unit, mode=payload.mode)
    except ValidationError as error:
        raise _refused(error, {"mode": "mode", "not_assessed": "unit_code", "exists": "unit_code"}) from None
    return Status(201, _detail(request, cycle, survey.pk))


@router.post("/{year}/bulk", response={201: list[SurveyOut], 409: ApiError})
def survey_bulk_create_api(request: HttpRequest, year: int, payload: SurveyBulkIn):
    """A survey for every unit of a category (that year) that has none yet."""
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.SURVEYS)
    category = selectors.assessed_categories(cycle).filter(name=payload.category).first()
    if category is None:
        raise Refused({"category": [f"单位类别「{payload.category}」没有本年度参加考核的单位"]})
    try:
        created = actions.survey_bulk_create(
            actor=request.user, cycle=cycle, category=category, mode=payload.mode
        )
    except ValidationError as error:
        raise _refused(error, {"mode": "mode"}) from None
    surveys = list(selectors.cycle_surveys(cycle).filter(pk__in=[s.pk for s in created]))
    results = selectors.results_of(surveys)
    return Status(201, [SurveyOut(**_out(request, s, results[s.pk])) for s in surveys])


@router.get("/{year}/{pk}", response=SurveyDetailOut)
def survey_detail_api(request: HttpRequest, year: int, pk: int):
    cycle, survey = _survey(request, year, pk)
    return _detail(request, cycle, survey.pk)


@router.put("/{year}/{pk}", response={200: SurveyDetailOut, 409: ApiError})
def survey_update_api(request: HttpRequest, year: int, pk: int, payload: SurveySettingsIn):
    """The survey's settings: its mode and question (fixed once answered) and the values 满意, 基本满意 and
    不满意 convert to (until the plan is frozen)."""
    cycle, survey = _survey(request, year, pk)
    gate.check_phase(cycle, gate.Activity.SURVEYS)
    form = SurveySettingsForm(
        {name: str(value) for name, value in payload.dict().items()},
        instance=PublicSurvey(pk=survey.pk, cycle=cycle, unit=survey.unit),
    )
    if not form.is_valid():
        raise form_invalid(form)
    try:
        actions.survey_update(actor=request.user, survey=survey, **form.cleaned_data)
    except ValidationError as error:
        raise _refused(error, {"mode": "mode", "question": "question"}) from None
    return _detail(request, cycle, survey.pk)


@router.delete("/{year}/{pk}", response={204: None, 409: ApiError})
def survey_delete_api(request: HttpRequest, year: int, pk: int):
    """Delete a survey nobody has answered (its codes go with it)."""
    cycle, survey = _survey(request, year, pk)
    gate.check_phase(cycle, gate.Activity.SURVEYS)
    try:
        actions.survey_delete(actor=request.user, survey=survey)
    except ValidationError as error:
        raise _refused(error) from None
    return Status(204, None)


def _set_open(request: HttpRequest, year: int, pk: int, is_open: bool) -> SurveyDetailOut:
    cycle, survey = _survey(request, year, pk)
    if is_open:
        gate.check_phase(cycle, gate.Activity.ANSWERS)
    try:
        actions.survey_set_open(actor=request.user, survey=survey, is_open=is_open)
    except ValidationError as error:
        raise _refused(error) from None
    return _detail(request, cycle, survey.pk)


@router.post("/{year}/{pk}/open", response={200: SurveyDetailOut, 409: ApiError})
def survey_open_api(request: HttpRequest, year: int, pk: int):
    """Open for answers: in 实施 or 评定, and in codes mode once it has codes."""
    return _set_open(request, year, pk, True)


@router.post("/{year}/{pk}/close", response=SurveyDetailOut)
def survey_close_api(request: HttpRequest, year: int, pk: int):
    return _set_open(request, year, pk, False)


@router.post("/{year}/{pk}/codes", response={201: SurveyCodesOut, 409: ApiError})
def survey_codes_generate_api(request: HttpRequest, year: int, pk: int, payload: SurveyCodesIn):
    """A new batch of one-time codes; the codes themselves are read with GET …/codes (or the slips)."""
    cycle, survey = _survey(request, year, pk)
    gate.check_phase(cycle, gate.Activity.SURVEYS)
    form = CodeGenerateForm({"count": str(payload.count)})
    if not form.is_valid():
        raise form_invalid(form)
    count = form.cleaned_data["count"]
    try:
        batch = actions.survey_codes_generate(actor=request.user, survey=survey, count=count)
    except ValidationError as error:
        raise _refused(error, {"count": "count"}) from None
    return Status(201, SurveyCodesOut(batch=batch, count=count))


@router.get("/{year}/{pk}/codes", response=list[SurveyCodeOut])
def survey_code_list_api(request: HttpRequest, year: int, pk: int, filters: Query[SurveyCodesFilter]):
    """The codes as the sheet lists them: each with the link (``?c=<code>``) its slip's QR code opens."""
    _cycle_, survey = _survey(request, year, pk)
    if survey.mode != SurveyMode.CODES:
        return []
    found, used, _suffix = survey_slips(request, survey, filters.batch, filters.unused)
    return [
        SurveyCodeOut(code=slip.code, url=slip.url, batch=slip.batch, used=is_used)
        for slip, is_used in zip(found, used, strict=True)
    ]


@router.get(
    "/{year}/{pk}/codes/pdf", openapi_extra=_file_answer("评议码二维码条（A4 PDF）", "application/pdf")
)
def survey_codes_pdf_api(
    request: HttpRequest, year: int, pk: int, filters: Query[SurveyCodesFilter]
) -> HttpResponse:
    cycle, survey = _survey(request, year, pk)
    return slips_pdf_download(request, cycle, survey, filters.batch, filters.unused)


@router.get("/{year}/{pk}/codes/xlsx", openapi_extra=_file_answer("评议码清单（Excel）", XLSX))
def survey_codes_xlsx_api(
    request: HttpRequest, year: int, pk: int, filters: Query[SurveyCodesFilter]
) -> HttpResponse:
    _cycle_, survey = _survey(request, year, pk)
    return codes_xlsx_download(request, survey, filters.batch, filters.unused)
