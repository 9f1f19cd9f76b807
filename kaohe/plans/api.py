"""The cycle and its plan over JSON: cycles and their timeline, the plan's settings, participants, indicators,
targets, assessment groups and the working-day calendar — the same selectors, forms and write functions as
the pages (plans/views.py), with the same roles: the committee and leaders read (CYCLE_READERS), organisers
write (CYCLE_EDITORS).

How each write answers, in order: 403 for a role that may not, 404 for a cycle or object outside the account's
scope, 409 when the cycle's phase does not allow it (``gate``: the plan is fixed from 评定 on), 422 when the
page's form or the write function refuses the input, by field. Body fields are loosely typed, with empty
defaults, on purpose: the forms check them, so a missing or malformed value gets the page's Chinese message.
Uploads go through the pages' ``UploadForm`` and the same import functions: all or nothing, and every problem
keyed ``"<sheet>/<row>/<column>"``. The whole cycle workbook is cycle_workbook/api.py's. The targets agreed up and down
(``/api/cycles/{year}/targets/agreements…``) use the same write functions as their pages (agreement_views.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kaohe.accounts.access import CYCLE_EDITORS, CYCLE_READERS
from kaohe.api_errors import NON_FIELD, ApiError, Input, Refused, form_invalid, refused, workbook_refused
from kaohe.api_paging import LimitOffset
from kaohe.org.models import ScoringDepartment
from kaohe.plans import actions, agreement_views, gate, selectors
from kaohe.plans.forms import (
    AssessedCadreForm,
    AssessedUnitForm,
    CalendarDayForm,
    CycleCreateForm,
    EnrolForm,
    GroupForm,
    IndicatorForm,
    PlanForm,
    TargetForm,
    TimelineForm,
    UploadForm,
)
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    CalendarDay,
    Indicator,
    Target,
)
from kaohe.plans.views import XLSX, calendar_file, indicator_file, target_file
from kaohe.workbook import layout
from kaohe.workbook.sheets import WorkbookError

router = Router(tags=["cycles"])
T = TypeVar("T")

XLSX_ANSWER = {
    "responses": {
        200: {
            "description": "Excel 文件",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


# --- schemas ----------------------------------------------------------------------------------------------


class CycleOut(Schema):
    year: int
    name: str
    phase: str
    phase_label: str
    plan_frozen: bool
    implementation_date: datetime.date | None
    evaluation_date: datetime.date | None
    public_notice_date: datetime.date | None
    completion_date: datetime.date | None

    @staticmethod
    def resolve_phase_label(cycle: AssessmentCycle) -> str:
        return str(cycle.get_phase_display())


class SettingOut(Schema):
    field: str
    name: str
    value: str
    default: str
    effective: str
    help: str


class CycleDetailOut(CycleOut):
    counts: dict[str, int]
    settings: list[SettingOut]
    notes: str


class PlanOut(Schema):
    settings: list[SettingOut]
    notes: str


class CycleIn(Input):
    year: int | str | None = Field(None, description="年度（必填），如 2026")
    name: str = Field("", description="名称；空白为「2026年度考核」")
    copy_plan: bool = Field(False, description="复制上一年度的考核工作方案（参数）")
    copy_indicators: bool = Field(False, description="复制上一年度的考核指标")
    copy_groups: bool = Field(False, description="复制上一年度的考核组（名称、成员和考核单位）")


class CyclePatch(Input):
    name: str | None = None
    implementation_date: str | None = Field(None, description="YYYY-MM-DD；null 清空")
    evaluation_date: str | None = None
    public_notice_date: str | None = None
    completion_date: str | None = None


class AdvanceIn(Input):
    from_phase: str = Field(
        "", description="调用方看到的当前阶段（preparation、implementation……）：防止重复推进"
    )


class PlanPatch(Input):
    settings: dict[str, str | int | float | None] = Field(
        default_factory=dict,
        description="参数：键为参数名（如「干部优秀比例」）或其字段名；值为文本，空白即默认",
    )
    notes: str | None = None


class AssessedUnitOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    category_id: int
    category: str
    advanced: bool
    cadre_count: int
    carried_over: int = Field(
        description="往年考核反馈的整改事项中尚未销号的项数"
        "（/api/feedback/rectifications?unit_id=…&status=unclosed&before=年度 列出可见的各项）",
    )

    @staticmethod
    def resolve_unit_code(item: AssessedUnit) -> str:
        return item.unit.code

    @staticmethod
    def resolve_unit_name(item: AssessedUnit) -> str:
        return item.unit.name

    @staticmethod
    def resolve_category(item: AssessedUnit) -> str:
        return item.category.name


class EnrolIn(Input):
    category_id: int | str | None = Field(
        None, description="只加入这一类别的单位；与 unit_code 都空为全部单位"
    )
    unit_code: str = Field("", description="只加入这一个单位（及其干部）")
    with_cadres: bool = Field(True, description="同时加入这些单位的现任干部")


class EnrolOut(Schema):
    units: int
    cadres: int


class AssessedUnitPatch(Input):
    advanced: bool | None = Field(None, description="先进单位")


class RemovedOut(Schema):
    cadres_removed: int


class AssessedCadreOut(Schema):
    id: int
    cadre_id: int
    cadre_code: str
    cadre_name: str
    unit_code: str
    unit_name: str
    post: str
    principal: bool
    regular: Decimal | None
    probation: bool
    investigation: bool
    priority: str

    @staticmethod
    def resolve_cadre_code(item: AssessedCadre) -> str:
        return item.cadre.code

    @staticmethod
    def resolve_cadre_name(item: AssessedCadre) -> str:
        return item.cadre.name

    @staticmethod
    def resolve_unit_code(item: AssessedCadre) -> str:
        return item.unit.code

    @staticmethod
    def resolve_unit_name(item: AssessedCadre) -> str:
        return item.unit.name


class AssessedCadrePatch(Input):
    regular: str | int | float | None = Field(None, description="平时考核 0–100；null 为无")
    probation: bool | None = None
    investigation: bool | None = None
    priority: str | None = Field(None, description="表现突出的事由；空白为未标记")


class IndicatorOut(Schema):
    id: int
    category_id: int
    category: str
    code: str
    name: str
    weight: Decimal
    method: str
    department_code: str | None
    department_name: str | None

    @staticmethod
    def resolve_category(indicator: Indicator) -> str:
        return indicator.category.name

    @staticmethod
    def resolve_department_code(indicator: Indicator) -> str | None:
        return indicator.department.code if indicator.department_id else None

    @staticmethod
    def resolve_department_name(indicator: Indicator) -> str | None:
        return indicator.department.name if indicator.department_id else None


class IndicatorIn(Input):
    category_id: int | str | None = Field(None, description="单位类别 id（必填）")
    code: str = Field("", description="指标编码（必填），同一类别内唯一")
    name: str = Field("", description="指标名称（必填）")
    weight: str | int | float | None = Field(None, description="权重（必填），大于0；同一类别合计须为100")
    method: str = Field("", description="评分方法")
    department_code: str | None = Field(None, description="归口部门编码；null 为无")


class IndicatorPatch(Input):
    category_id: int | str | None = None
    code: str | None = None
    name: str | None = None
    weight: str | int | float | None = None
    method: str | None = None
    department_code: str | None = None


class ImportCountsOut(Schema):
    created: int
    updated: int
    unchanged: int


class TargetOut(Schema):
    unit_code: str
    unit_name: str
    indicator_id: int
    indicator_code: str
    indicator_name: str
    content: str
    amount: str
    deadline: datetime.date | None

    @staticmethod
    def resolve_unit_code(target: Target) -> str:
        return target.unit.code

    @staticmethod
    def resolve_unit_name(target: Target) -> str:
        return target.unit.name

    @staticmethod
    def resolve_indicator_code(target: Target) -> str:
        return target.indicator.code

    @staticmethod
    def resolve_indicator_name(target: Target) -> str:
        return target.indicator.name


class TargetIn(Input):
    content: str = Field("", description="目标内容；空白即删除该目标")
    amount: str = Field("", description="目标值，如 5000万元、95%")
    deadline: str | None = Field(None, description="完成时限 YYYY-MM-DD")


class GroupOut(Schema):
    id: int
    name: str
    members: list[str]
    units: list[str]

    @staticmethod
    def resolve_members(group: AssessmentGroup) -> list[str]:
        return sorted(member.username for member in group.members.all())

    @staticmethod
    def resolve_units(group: AssessmentGroup) -> list[str]:
        return sorted(unit.code for unit in group.units.all())


class GroupIn(Input):
    name: str = Field("", description="考核组名称（必填）")
    members: list[str] = Field(default_factory=list, description="成员账号的用户名（角色为考核组成员）")
    units: list[str] = Field(
        default_factory=list, description="考核单位编码；一个单位在本年度只能属于一个考核组"
    )


class GroupPatch(Input):
    name: str | None = None
    members: list[str] | None = None
    units: list[str] | None = None


class CalendarDayOut(Schema):
    id: int
    day: datetime.date
    working: bool
    note: str


class CalendarDayIn(Input):
    day: str | None = Field(None, description="日期（必填），如 2026-01-01")
    working: bool | None = Field(None, description="true 为上班（周末调休），false 为放假（必填）")
    note: str = Field("", description="说明")


# --- helpers ----------------------------------------------------------------------------------------------


def _require(request: HttpRequest, roles: tuple[str, ...] = CYCLE_READERS) -> None:
    if not request.user.has_role(*roles):
        raise HttpError(403, "当前账号无权执行此操作")


def _act(write: Callable[..., T], field: str = NON_FIELD, **kwargs: Any) -> T:
    """Call a write function: the phase gate's refusal under the cycle's lock is a 409 (kaohe/api.py answers
    it), any other a 422."""
    try:
        return write(**kwargs)
    except gate.PhaseClosed:
        raise
    except ValidationError as error:
        raise refused(error, field) from None


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _upload(file: UploadedFile | None) -> UploadedFile:
    form = UploadForm({}, {"file": file} if file is not None else {})
    if not form.is_valid():
        raise form_invalid(form)
    return form.cleaned_data["file"]


def _import(
    run: Callable[..., actions.ImportCounts], file: UploadedFile | None, **kwargs: Any
) -> ImportCountsOut:
    upload = _upload(file)
    try:
        counts = _act(run, source=upload, file_name=upload.name or "", **kwargs)
    except WorkbookError as error:
        raise workbook_refused(error) from None
    return ImportCountsOut(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)


def _detail(cycle: AssessmentCycle) -> AssessmentCycle:
    cycle.refresh_from_db()
    cycle.counts = selectors.cycle_counts(cycle)
    plan = _plan(cycle)
    cycle.settings, cycle.notes = plan.settings, plan.notes
    return cycle


def _plan(cycle: AssessmentCycle) -> PlanOut:
    cycle = AssessmentCycle.objects.get(pk=cycle.pk)  # the plan as stored now, not as this object cached it
    settings = [
        SettingOut(
            field=layout.SETTINGS_BY_NAME[r.name].field,
            name=r.name,
            value=r.value,
            default=r.default,
            effective=r.effective,
            help=r.help,
        )
        for r in selectors.plan_rows(cycle)
    ]
    return PlanOut(settings=settings, notes=selectors.plan_of(cycle).notes)


# --- the working-day calendar (before "/{year}", which would take the word for a year) ----------------------


@router.get("/calendar/days", response=list[CalendarDayOut])
def calendar_days_api(request: HttpRequest, year: int | None = Query(None, ge=1, le=9999)):  # noqa: B008
    _require(request)
    return CalendarDay.objects.filter(day__year=year or timezone.localdate().year)


@router.post("/calendar/days", response={200: CalendarDayOut, 422: ApiError})
def calendar_day_set_api(request: HttpRequest, payload: CalendarDayIn):
    _require(request, CYCLE_EDITORS)
    form = CalendarDayForm(payload.model_dump())
    if not form.is_valid():
        raise form_invalid(form)
    return _act(actions.calendar_day_set, "day", actor=request.user, **form.cleaned_data)


@router.delete("/calendar/days/{day_id}", response={204: None})
def calendar_day_delete_api(request: HttpRequest, day_id: int):
    _require(request, CYCLE_EDITORS)
    day = get_object_or_404(CalendarDay, pk=day_id)
    actions.calendar_day_delete(actor=request.user, day=day)
    return Status(204, None)


@router.post("/calendar/import", response={200: ImportCountsOut, 422: ApiError})
def calendar_import_api(request: HttpRequest, file: UploadedFile | None = File(None)):  # noqa: B008 (ninja's way)
    _require(request, CYCLE_EDITORS)
    return _import(actions.calendar_import, file, actor=request.user)


@router.get("/calendar/export", openapi_extra=XLSX_ANSWER)
def calendar_export_api(request: HttpRequest, template: bool = False):
    _require(request)
    return calendar_file(template=template)


# --- cycles -----------------------------------------------------------------------------------------------


@router.get("", response=list[CycleOut])
def list_cycles(request: HttpRequest):
    _require(request)
    return selectors.visible_cycles(request.user).order_by("-year")


@router.post("", response={201: CycleDetailOut, 422: ApiError})
def cycle_create_api(request: HttpRequest, payload: CycleIn):
    _require(request, CYCLE_EDITORS)
    form = CycleCreateForm(payload.model_dump())
    if not form.is_valid():
        raise form_invalid(form)
    cycle = _act(actions.cycle_create, actor=request.user, **form.cleaned_data)
    return Status(201, _detail(cycle))


@router.get("/{year}", response=CycleDetailOut)
def show_cycle(request: HttpRequest, year: int):
    return _detail(selectors.get_cycle(request.user, year, CYCLE_READERS))


@router.patch("/{year}", response={200: CycleDetailOut, 422: ApiError})
def cycle_update_api(request: HttpRequest, year: int, payload: CyclePatch):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    fields = TimelineForm.Meta.fields
    data = {name: _text(getattr(cycle, name)) for name in fields}
    data.update({name: _text(value) for name, value in payload.model_dump(exclude_unset=True).items()})
    # A copy: validating a ModelForm writes the posted values onto its instance.
    form = TimelineForm(data, instance=AssessmentCycle.objects.get(pk=cycle.pk))
    if not form.is_valid():
        raise form_invalid(form)
    _act(actions.cycle_update, actor=request.user, cycle=cycle, **{n: form.cleaned_data[n] for n in fields})
    return _detail(cycle)


@router.post("/{year}/advance", response={200: CycleDetailOut, 409: ApiError})
def cycle_advance_api(request: HttpRequest, year: int, payload: AdvanceIn):
    """To the next phase, never back; ``from_phase`` is the phase the caller saw, so a repeated call does not
    skip one (409 then, as for a completed cycle). From 评定 on the plan is fixed."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    try:
        actions.cycle_advance(
            actor=request.user, cycle=cycle, from_phase=payload.from_phase, on=timezone.localdate()
        )
    except ValidationError as error:
        raise HttpError(409, error.messages[0]) from None
    return _detail(cycle)


# --- the plan ---------------------------------------------------------------------------------------------


@router.get("/{year}/plan", response=PlanOut)
def plan_detail_api(request: HttpRequest, year: int):
    return _plan(selectors.get_cycle(request.user, year, CYCLE_READERS))


def _setting_field(key: str) -> str | None:
    setting = layout.SETTINGS_BY_NAME.get(key) or layout.SETTINGS_BY_FIELD.get(key)
    return None if setting is None or setting.field == "year" else setting.field


@router.patch("/{year}/plan", response={200: PlanOut, 409: ApiError, 422: ApiError})
def plan_update_api(request: HttpRequest, year: int, payload: PlanPatch):
    """The given settings over the stored ones (blank: back to the default) and the notes, checked as a
    whole as the plan form checks them."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.PLAN)
    plan = selectors.plan_of(cycle)
    data: dict[str, Any] = PlanForm.initial_for(plan.settings, plan.notes)
    unknown: dict[str, list[str]] = {}
    for key, value in payload.settings.items():
        field = _setting_field(key)
        if field is None:
            unknown[f"settings.{key}"] = [f"没有名为「{key}」的参数（年度是考核的年度，不在方案中）"]
        else:
            data[field] = _text(value)
    if unknown:
        raise Refused(unknown)
    if payload.notes is not None:
        data["notes"] = payload.notes
    form = PlanForm(data, cycle=cycle, used_groups=selectors.used_rater_groups(cycle))
    if not form.is_valid():
        raise form_invalid(form, {s: f"settings.{s}" for s in form.setting_fields})
    _act(
        actions.plan_update,
        actor=request.user,
        cycle=cycle,
        settings=form.settings_values(form.cleaned_data),
        notes=form.cleaned_data["notes"],
    )
    return _plan(cycle)


# --- participants -----------------------------------------------------------------------------------------


@router.get("/{year}/units", response=list[AssessedUnitOut])
@paginate(LimitOffset)
def unit_list_api(request: HttpRequest, year: int, category_id: int | None = None, q: str = ""):
    cycle = selectors.get_cycle(request.user, year, CYCLE_READERS)
    units = selectors.assessed_units_carrying(cycle)
    if category_id is not None:
        units = units.filter(category_id=category_id)
    if q.strip():
        units = units.filter(unit__in=selectors.visible_units_search(request.user, q.strip()))
    return units


@router.post("/{year}/units", response={200: EnrolOut, 409: ApiError, 422: ApiError})
def participants_enrol_api(request: HttpRequest, year: int, payload: EnrolIn):
    """Enrol one unit, a category's or every unit, with their current cadres if asked; those already in
    the cycle are left as they are."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.PLAN)
    data = {
        "category": _text(payload.category_id),
        "unit_code": payload.unit_code,
        "with_cadres": payload.with_cadres,
    }
    form = EnrolForm(data)
    if not form.is_valid():
        raise form_invalid(form, {"category": "category_id"})
    enrolment = _act(
        actions.participants_enrol,
        actor=request.user,
        cycle=cycle,
        units=form.units(),
        with_cadres=form.cleaned_data["with_cadres"],
    )
    return EnrolOut(units=enrolment.units, cadres=enrolment.cadres)


def _unit_out(cycle: AssessmentCycle, item: AssessedUnit) -> AssessedUnit:
    return selectors.assessed_units_carrying(cycle).get(pk=item.pk)


@router.patch("/{year}/units/{item_id}", response={200: AssessedUnitOut, 409: ApiError, 422: ApiError})
def unit_mark_api(request: HttpRequest, year: int, item_id: int, payload: AssessedUnitPatch):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    item = selectors.get_assessed_unit(request.user, cycle, item_id)
    advanced = item.advanced if payload.advanced is None else payload.advanced
    form = AssessedUnitForm({"advanced": advanced})
    if not form.is_valid():  # pragma: no cover — a checkbox
        raise form_invalid(form)
    _act(actions.assessed_unit_update, "advanced", actor=request.user, item=item, **form.cleaned_data)
    return _unit_out(cycle, item)


@router.delete("/{year}/units/{item_id}", response={200: RemovedOut, 409: ApiError})
def unit_remove_api(request: HttpRequest, year: int, item_id: int):
    """The unit out of the cycle, with its assessed cadres and targets (what the page confirms first)."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    item = selectors.get_assessed_unit(request.user, cycle, item_id)
    removed = _act(actions.assessed_unit_remove, actor=request.user, item=item)
    return RemovedOut(cadres_removed=removed)


@router.get("/{year}/cadres", response=list[AssessedCadreOut])
@paginate(LimitOffset)
def cadre_list_api(
    request: HttpRequest, year: int, category_id: int | None = None, unit_code: str = "", q: str = ""
):
    cycle = selectors.get_cycle(request.user, year, CYCLE_READERS)
    cadres = selectors.assessed_cadres(cycle)
    if category_id is not None:
        cadres = cadres.filter(unit__in=cycle.assessed_units.filter(category_id=category_id).values("unit"))
    if unit_code:
        cadres = cadres.filter(unit__code=unit_code)
    if q.strip():
        cadres = cadres.filter(cadre__in=selectors.visible_cadres_search(request.user, q.strip()))
    return cadres


@router.patch("/{year}/cadres/{item_id}", response={200: AssessedCadreOut, 409: ApiError, 422: ApiError})
def cadre_edit_api(request: HttpRequest, year: int, item_id: int, payload: AssessedCadrePatch):
    """The organiser's marks on a cadre: 平时考核, 试用期, 立案未结, 表现突出."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    item = selectors.get_assessed_cadre(request.user, cycle, item_id)
    gate.check_phase(cycle, gate.Activity.PLAN)
    data: dict[str, Any] = {
        "regular": _text(item.regular),
        "probation": item.probation,
        "investigation": item.investigation,
        "priority": item.priority,
    }
    given = payload.model_dump(exclude_unset=True)
    data.update({k: (_text(v) if k in ("regular", "priority") else bool(v)) for k, v in given.items()})
    form = AssessedCadreForm(data)
    if not form.is_valid():
        raise form_invalid(form)
    _act(actions.assessed_cadre_update, actor=request.user, item=item, **form.cleaned_data)
    return selectors.assessed_cadres(cycle).get(pk=item.pk)


@router.delete("/{year}/cadres/{item_id}", response={204: None, 409: ApiError})
def cadre_remove_api(request: HttpRequest, year: int, item_id: int):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    item = selectors.get_assessed_cadre(request.user, cycle, item_id)
    _act(actions.assessed_cadre_remove, actor=request.user, item=item)
    return Status(204, None)


# --- indicators (the words "import" and "export" before "/{indicator_id}") ------------------------------


@router.get("/{year}/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest, year: int, category: str = ""):
    cycle = selectors.get_cycle(request.user, year, CYCLE_READERS)
    indicators = selectors.indicators(cycle).order_by("category__order", "category__name", "code")
    if category:
        indicators = indicators.filter(category__name=category)
    return indicators


# --- targets agreed up and down (自下而上、自上而下、反复认定) -----------------------------------------------
# The same selectors and write functions as the pages (agreement_views.py): a unit outside the account's
# scope is a 404; each write checks its role and step again and refuses with the one error shape.


class AgreementRowOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    status: str  # draft 待提出 | proposed 待审核 | returned 已退回 | agreed 已认定
    status_label: str
    round: int
    late: bool
    targets: int
    indicators: int
    changed_at: datetime.datetime | None


class AgreementTargetOut(Schema):
    indicator: str
    name: str
    department: str | None
    content: str | None
    amount: str | None
    deadline: datetime.date | None


class AgreementStepOut(Schema):
    round: int
    kind: str  # propose | concur | return | agree | reopen
    kind_label: str
    actor: str
    role: str
    department: str | None
    comment: str
    notes: dict[str, str]
    targets: list[dict[str, str]] | None
    changes: list[dict[str, Any]]
    at: datetime.datetime


class AgreementOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    status: str
    status_label: str
    round: int
    late: bool
    targets: list[AgreementTargetOut]
    steps: list[AgreementStepOut]


class TargetLineIn(Input):
    indicator: str  # the indicator's code in the unit's category
    content: str  # blank removes the target
    amount: str = ""
    deadline: datetime.date | None = None


class TargetDraftIn(Input):
    targets: list[TargetLineIn]


class TargetProposalIn(Input):
    targets: list[TargetLineIn] = []
    note: str = ""  # what changed and why: required from the second proposal on


class TargetReviewIn(Input):
    step: str  # concur (a responsible department) | return (a department or the organiser)
    comment: str = ""  # required to return
    notes: dict[str, str] = {}  # comments on single indicators, by code


class TargetAgreeIn(Input):
    comment: str = ""


class TargetReopenIn(Input):
    reason: str


class TargetSettingIn(Input):
    mode: str  # direct 考核办直接下达 | agreed 单位提出、审核认定
    due: datetime.date | None = None


class TargetSettingOut(Schema):
    mode: str
    due: datetime.date | None


def _agreement_out(cycle: AssessmentCycle, item: AssessedUnit) -> AgreementOut:
    detail = selectors.agreement_detail(cycle, item, timezone.localdate())
    agreement = detail.agreement
    return AgreementOut(
        unit_code=item.unit.code,
        unit_name=item.unit.name,
        category=item.category.name,
        status=agreement.status,
        status_label=str(agreement.get_status_display()),
        round=agreement.round,
        late=detail.late,
        targets=[
            AgreementTargetOut(
                indicator=i.code,
                name=i.name,
                department=i.department.name if i.department_id else None,
                content=t.content if t else None,
                amount=t.amount if t else None,
                deadline=t.deadline if t else None,
            )
            for i, t in detail.lines
        ],
        steps=[
            AgreementStepOut(
                round=s.round,
                kind=s.kind,
                kind_label=str(s.get_kind_display()),
                actor=s.actor_name,
                role=s.role,
                department=s.department.name if s.department_id else None,
                comment=s.comment,
                notes=s.notes,
                targets=s.targets,
                changes=s.changes,
                at=s.at,
            )
            for r in reversed(detail.rounds)
            for s in r.steps
        ],
    )


def _drafts(
    cycle: AssessmentCycle, item: AssessedUnit, lines: list[TargetLineIn]
) -> list[actions.TargetDraft]:
    indicators = {i.code: i for i in Indicator.objects.filter(cycle=cycle, category_id=item.category_id)}
    problems: dict[str, list[str]] = {}
    seen = set()
    drafts = []
    for index, line in enumerate(lines):
        indicator = indicators.get(line.indicator)
        if indicator is None:
            problems.setdefault(f"targets.{index}.indicator", []).append(
                f"单位类别「{item.category.name}」没有指标「{line.indicator}」"
            )
            continue
        if line.indicator in seen:
            problems.setdefault(f"targets.{index}.indicator", []).append(f"指标「{line.indicator}」重复")
            continue
        seen.add(line.indicator)
        drafts.append(actions.TargetDraft(indicator, line.content, line.amount, line.deadline))
    if problems:
        raise refused(ValidationError(problems))
    return drafts


@router.get("/{year}/targets/agreements", response=list[AgreementRowOut])
def target_agreement_list_api(request: HttpRequest, year: int, status: str = ""):
    cycle = selectors.get_cycle(request.user, year, agreement_views.LIST_READERS)
    rows = selectors.agreement_rows(request.user, cycle, timezone.localdate())
    return [
        AgreementRowOut(
            unit_code=r.item.unit.code,
            unit_name=r.item.unit.name,
            category=r.item.category.name,
            status=r.status,
            status_label=r.status_label,
            round=r.round,
            late=r.late,
            targets=r.targets,
            indicators=r.indicators,
            changed_at=r.changed_at,
        )
        for r in rows
        if not status or r.status == status or (status == "late" and r.late)
    ]


@router.put("/{year}/targets/setting", response=TargetSettingOut)
def target_setting_api(request: HttpRequest, year: int, payload: TargetSettingIn):
    cycle = selectors.get_cycle(request.user, year, agreement_views.DECIDERS)
    try:
        plan = actions.plan_targets_set(actor=request.user, cycle=cycle, mode=payload.mode, due=payload.due)
    except ValidationError as error:
        raise refused(error, "mode") from error
    return TargetSettingOut(mode=plan.target_mode, due=plan.targets_due)


@router.get("/{year}/targets/agreements/{unit_code}", response=AgreementOut)
def target_agreement_api(request: HttpRequest, year: int, unit_code: str):
    cycle = selectors.get_cycle(request.user, year, selectors.TARGET_AGREEMENT_READERS)
    return _agreement_out(cycle, selectors.get_agreement_unit_by_code(request.user, cycle, unit_code))


@router.put("/{year}/targets/agreements/{unit_code}/draft", response=AgreementOut)
def target_draft_api(request: HttpRequest, year: int, unit_code: str, payload: TargetDraftIn):
    cycle = selectors.get_cycle(request.user, year, agreement_views.PROPOSERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    rows = _drafts(cycle, item, payload.targets)
    try:
        actions.target_draft_save(actor=request.user, cycle=cycle, unit_id=item.unit_id, rows=rows)
    except ValidationError as error:
        raise refused(error, "targets") from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/propose", response=AgreementOut)
def target_propose_api(request: HttpRequest, year: int, unit_code: str, payload: TargetProposalIn):
    cycle = selectors.get_cycle(request.user, year, agreement_views.PROPOSERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    rows = _drafts(cycle, item, payload.targets)
    try:
        actions.targets_propose(
            actor=request.user, cycle=cycle, unit_id=item.unit_id, rows=rows, note=payload.note
        )
    except ValidationError as error:
        raise refused(error, "targets") from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/review", response=AgreementOut)
def target_review_api(request: HttpRequest, year: int, unit_code: str, payload: TargetReviewIn):
    cycle = selectors.get_cycle(request.user, year, agreement_views.REVIEWERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    try:
        actions.targets_review(
            actor=request.user,
            cycle=cycle,
            unit_id=item.unit_id,
            step=payload.step,
            comment=payload.comment,
            notes=payload.notes,
        )
    except ValidationError as error:
        raise refused(error, "step") from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/agree", response=AgreementOut)
def target_agree_api(request: HttpRequest, year: int, unit_code: str, payload: TargetAgreeIn):
    cycle = selectors.get_cycle(request.user, year, agreement_views.DECIDERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    try:
        actions.targets_agree(actor=request.user, cycle=cycle, unit_id=item.unit_id, comment=payload.comment)
    except ValidationError as error:
        raise refused(error) from error
    return _agreement_out(cycle, item)


@router.post("/{year}/targets/agreements/{unit_code}/reopen", response=AgreementOut)
def target_reopen_api(request: HttpRequest, year: int, unit_code: str, payload: TargetReopenIn):
    cycle = selectors.get_cycle(request.user, year, agreement_views.DECIDERS)
    item = selectors.get_agreement_unit_by_code(request.user, cycle, unit_code)
    try:
        actions.targets_reopen(actor=request.user, cycle=cycle, unit_id=item.unit_id, reason=payload.reason)
    except ValidationError as error:
        raise refused(error, "reason") from error
    return _agreement_out(cycle, item)


def _indicator_data(values: dict[str, Any]) -> dict[str, Any]:
    """The API's fields as the indicator form's: the department by its code, ids and numbers as text."""
    code = (values.get("department_code") or "").strip()
    department = ""
    if code:
        found = ScoringDepartment.objects.filter(code=code).first()
        if found is None:
            raise Refused({"department_code": [f"归口部门编码「{code}」不存在"]})
        department = str(found.pk)
    return {
        "category": _text(values.get("category_id")),
        "code": _text(values.get("code")),
        "name": _text(values.get("name")),
        "weight": _text(values.get("weight")),
        "method": _text(values.get("method")),
        "department": department,
    }


_INDICATOR_FIELDS = {"category": "category_id", "department": "department_code"}


@router.post("/{year}/indicators", response={201: IndicatorOut, 409: ApiError, 422: ApiError})
def indicator_create_api(request: HttpRequest, year: int, payload: IndicatorIn):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.PLAN)
    form = IndicatorForm(_indicator_data(payload.model_dump()), cycle=cycle)
    if not form.is_valid():
        raise form_invalid(form, _INDICATOR_FIELDS)
    indicator = _act(actions.indicator_create, actor=request.user, cycle=cycle, **form.cleaned_data)
    return Status(201, selectors.indicators(cycle).get(pk=indicator.pk))


@router.post("/{year}/indicators/import", response={200: ImportCountsOut, 409: ApiError, 422: ApiError})
def indicator_import_api(request: HttpRequest, year: int, file: UploadedFile | None = File(None)):  # noqa: B008
    """The 指标 sheet: indicators created or updated by (单位类别, 指标编码); all or nothing."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.PLAN)
    return _import(actions.indicators_import, file, actor=request.user, cycle=cycle)


@router.get("/{year}/indicators/export", openapi_extra=XLSX_ANSWER)
def indicator_export_api(request: HttpRequest, year: int):
    return indicator_file(selectors.get_cycle(request.user, year, CYCLE_READERS))


@router.patch("/{year}/indicators/{indicator_id}", response={200: IndicatorOut, 409: ApiError, 422: ApiError})
def indicator_update_api(request: HttpRequest, year: int, indicator_id: int, payload: IndicatorPatch):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    indicator = selectors.get_indicator(request.user, cycle, indicator_id)
    gate.check_phase(cycle, gate.Activity.PLAN)
    current = {
        "category_id": indicator.category_id,
        "code": indicator.code,
        "name": indicator.name,
        "weight": layout.display_setting(indicator.weight),
        "method": indicator.method,
        "department_code": indicator.department.code if indicator.department_id else None,
    }
    current.update(payload.model_dump(exclude_unset=True))
    form = IndicatorForm(_indicator_data(current), cycle=cycle, indicator=indicator)
    if not form.is_valid():
        raise form_invalid(form, _INDICATOR_FIELDS)
    _act(actions.indicator_update, actor=request.user, indicator=indicator, **form.cleaned_data)
    return selectors.indicators(cycle).get(pk=indicator.pk)


@router.delete("/{year}/indicators/{indicator_id}", response={204: None, 409: ApiError, 422: ApiError})
def indicator_delete_api(request: HttpRequest, year: int, indicator_id: int):
    """Deleted with its targets; refused once scores or self-evaluations were entered on it."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    indicator = selectors.get_indicator(request.user, cycle, indicator_id)
    _act(actions.indicator_delete, actor=request.user, indicator=indicator)
    return Status(204, None)


# --- targets ----------------------------------------------------------------------------------------------


@router.get("/{year}/targets", response=list[TargetOut])
@paginate(LimitOffset)
def target_list_api(request: HttpRequest, year: int, unit_code: str = "", category_id: int | None = None):
    cycle = selectors.get_cycle(request.user, year, CYCLE_READERS)
    targets = selectors.targets(cycle).order_by("unit__code", "indicator__code")
    if unit_code:
        targets = targets.filter(unit__code=unit_code)
    if category_id is not None:
        targets = targets.filter(indicator__category_id=category_id)
    return targets


@router.post("/{year}/targets/import", response={200: ImportCountsOut, 409: ApiError, 422: ApiError})
def target_import_api(request: HttpRequest, year: int, file: UploadedFile | None = File(None)):  # noqa: B008
    """The 目标任务 sheet: targets created or updated by (单位编码, 指标编码); all or nothing."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.PLAN)
    return _import(actions.targets_import, file, actor=request.user, cycle=cycle)


@router.get("/{year}/targets/export", openapi_extra=XLSX_ANSWER)
def target_export_api(request: HttpRequest, year: int):
    """The targets, and a row for every unit and indicator still without one: a fill-in template."""
    return target_file(selectors.get_cycle(request.user, year, CYCLE_READERS))


def _target_place(request: HttpRequest, year: int, unit_code: str, indicator_code: str):
    """(cycle, assessed unit, indicator) of a target's path: 404 for a unit not in the cycle, or an indicator
    not of its category."""
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    item = get_object_or_404(selectors.assessed_units(cycle), unit__code=unit_code)
    indicator = get_object_or_404(selectors.indicators(cycle), code=indicator_code, category=item.category_id)
    gate.check_phase(cycle, gate.Activity.PLAN)
    return cycle, item, indicator


@router.put(
    "/{year}/targets/{unit_code}/{indicator_code}",
    response={200: TargetOut, 204: None, 409: ApiError, 422: ApiError},
)
def target_set_api(request: HttpRequest, year: int, unit_code: str, indicator_code: str, payload: TargetIn):
    """A unit's target on an indicator of its category; blank content deletes it (204)."""
    cycle, item, indicator = _target_place(request, year, unit_code, indicator_code)
    form = TargetForm(payload.model_dump())
    if not form.is_valid():
        raise form_invalid(form)
    target = _act(
        actions.target_set,
        actor=request.user,
        cycle=cycle,
        unit=item.unit,
        indicator=indicator,
        **form.cleaned_data,
    )
    if target is None:
        return Status(204, None)
    return selectors.targets(cycle).get(pk=target.pk)


@router.delete("/{year}/targets/{unit_code}/{indicator_code}", response={204: None, 409: ApiError})
def target_delete_api(request: HttpRequest, year: int, unit_code: str, indicator_code: str):
    cycle, item, indicator = _target_place(request, year, unit_code, indicator_code)
    _act(actions.target_set, actor=request.user, cycle=cycle, unit=item.unit, indicator=indicator, content="")
    return Status(204, None)


# --- assessment groups ------------------------------------------------------------------------------------


@router.get("/{year}/groups", response=list[GroupOut])
def group_list_api(request: HttpRequest, year: int):
    return selectors.groups(selectors.get_cycle(request.user, year, CYCLE_READERS))


def _group_data(name: str, members: list[str], units: list[str]) -> dict[str, Any]:
    """The API's fields as the group form's: members by username (assessor accounts only), units as codes."""
    wanted = list(dict.fromkeys(m.strip() for m in members if m.strip()))
    found = dict(selectors.assessor_accounts().filter(username__in=wanted).values_list("username", "pk"))
    unknown = [username for username in wanted if username not in found]
    if unknown:
        raise Refused(
            {"members": [f"账号 {'、'.join(unknown)} 不存在，或不是在用的考核组成员账号（角色为考核组成员）"]}
        )
    return {"name": name, "members": [str(found[m]) for m in wanted], "units": " ".join(units)}


@router.post("/{year}/groups", response={201: GroupOut, 422: ApiError})
def group_create_api(request: HttpRequest, year: int, payload: GroupIn):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    form = GroupForm(_group_data(payload.name, payload.members, payload.units), cycle=cycle)
    if not form.is_valid():
        raise form_invalid(form)
    group = _act(actions.group_create, "units", actor=request.user, cycle=cycle, **form.cleaned_data)
    return Status(201, selectors.groups(cycle).get(pk=group.pk))


@router.patch("/{year}/groups/{group_id}", response={200: GroupOut, 422: ApiError})
def group_update_api(request: HttpRequest, year: int, group_id: int, payload: GroupPatch):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    group = selectors.get_group(request.user, cycle, group_id)
    name = group.name if payload.name is None else payload.name
    members = (
        list(group.members.values_list("username", flat=True)) if payload.members is None else payload.members
    )
    units = list(group.units.values_list("code", flat=True)) if payload.units is None else payload.units
    form = GroupForm(_group_data(name, members, units), cycle=cycle, group=group)
    if not form.is_valid():
        raise form_invalid(form)
    _act(actions.group_update, "units", actor=request.user, group=group, **form.cleaned_data)
    return selectors.groups(cycle).get(pk=group.pk)


@router.delete("/{year}/groups/{group_id}", response={204: None})
def group_delete_api(request: HttpRequest, year: int, group_id: int):
    cycle = selectors.get_cycle(request.user, year, CYCLE_EDITORS)
    group = selectors.get_group(request.user, cycle, group_id)
    actions.group_delete(actor=request.user, group=group)
    return Status(204, None)
