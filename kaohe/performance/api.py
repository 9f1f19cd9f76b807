"""The performance inputs over JSON: the same selectors, forms and write functions as the pages, by role.

A write checks in the pages' order: the role (403, before any lookup, as the pages' ``role_required``), what
it names through ``selectors`` (404 outside the account's scope: a liaison's own unit, a clerk's department,
an assessor's groups), the phase gate (409 with the gate's sentence while the cycle takes no inputs; the
write function checks again under the cycle's lock), then the page's form (422, the page's Chinese messages
by field) and the write function. Units and indicators are named by their codes; an indicator's code is
unique within the unit's category that year.
"""

import tempfile
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kaohe.accounts.access import CYCLE_EDITORS
from kaohe.accounts.models import Role
from kaohe.api_errors import NON_FIELD, ApiError, Input, Refused, form_invalid, refused, workbook_refused
from kaohe.api_paging import MAX_OFFSET, LimitOffset
from kaohe.audit.reads import audit_read
from kaohe.performance import actions, selectors
from kaohe.performance.evidence import CONTENT_TYPES
from kaohe.performance.forms import (
    AdjustmentForm,
    LeaderRatingForm,
    SanctionForm,
    SelfEvaluationForm,
    VerificationForm,
    VetoForm,
    parse_score,
)
from kaohe.performance.models import (
    Adjustment,
    Sanction,
    SelfEvaluation,
    Verification,
    Veto,
)
from kaohe.performance.progress import (
    PROGRESS_ROLES,
    Progress,
    UnitProgress,
    cycle_progress,
    progress_scope,
    scope_groups,
)
from kaohe.performance.progress_views import write_chase_sheet
from kaohe.performance.scoresheet import read_score_sheet
from kaohe.performance.views import EVIDENCE_READERS, XLSX, file_response, score_sheet_file
from kaohe.plans import gate
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator
from kaohe.plans.selectors import get_cycle
from kaohe.workbook.sheets import WorkbookError

router = Router(tags=["performance"])

FORBIDDEN = "当前账号无权执行此操作"


def _file_answer(description: str, *content_types: str) -> dict[str, Any]:
    """An answer that is a file rather than JSON, as the schema documents it."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": dict.fromkeys(content_types, binary)}}}


EVIDENCE_ANSWER = _file_answer("佐证材料", *dict.fromkeys(CONTENT_TYPES.values()), "application/octet-stream")
XLSX_ANSWER = _file_answer("Excel 文件", XLSX)


# --- schemas ------------------------------------------------------------------------------------------------
# Scores are taken as a number or as text and checked by the page's rule (forms.parse_score), so a bad one
# gets the page's message (「105」超出 0–100); text inputs have empty defaults on purpose: the page's form
# says what is missing, in its own words.

ScoreValue = int | float | str | None


class EvidenceOut(Schema):
    id: int
    name: str
    size: int


class SelfEvaluationOut(Schema):
    indicator_code: str
    indicator_name: str
    category: str
    weight: Decimal
    claimed: Decimal | None
    narrative: str
    evidence: list[EvidenceOut]


class ScoreCellOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    indicator_code: str
    indicator_name: str
    score: Decimal | None


class ScoreGridOut(Schema):
    department_code: str
    department_name: str
    cells: list[ScoreCellOut]


class ScoreCellIn(Input):
    unit_code: str
    indicator_code: str
    score: ScoreValue = Field(None, description="0–100；null 或空文本清除该格")


class ScoresIn(Input):
    cells: list[ScoreCellIn]


class ScoreChangesOut(Schema):
    created: int
    updated: int
    deleted: int
    unchanged: int


class VerificationUnitOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    indicators: int
    claimed: int
    verified: int


class VerificationRowOut(Schema):
    indicator_code: str
    indicator_name: str
    claimed: Decimal | None
    narrative: str | None
    evidence: list[EvidenceOut]
    department_score: Decimal | None
    verified_score: Decimal | None
    reason: str | None


class VerificationIn(Input):
    score: ScoreValue = None
    reason: str = ""


class VerificationOut(Schema):
    unit_code: str
    indicator_code: str
    score: Decimal
    reason: str


class LeaderRatingOut(Schema):
    unit_code: str
    unit_name: str
    category: str
    score: Decimal | None
    comment: str


class LeaderRatingIn(Input):
    score: ScoreValue = None
    comment: str = ""


class AdjustmentOut(Schema):
    id: int
    target_code: str
    target_name: str
    target_kind: Literal["unit", "cadre"]
    kind: str
    points: Decimal
    reason: str
    evidence: bool
    status: str
    status_label: str


class AdjustmentFilter(Input):
    q: str = ""
    status: Literal["", "proposed", "approved", "rejected"] = ""
    kind: Literal["", "加分", "扣分"] = ""
    target: Literal["", "unit", "cadre"] = ""


class AdjustmentDecisionIn(Input):
    decision: Literal["approve", "reject"]


class VetoOut(Schema):
    id: int
    target_code: str
    target_name: str
    target_kind: Literal["unit", "cadre"]
    item: str
    evidence: bool


class VetoFilter(Input):
    q: str = ""
    target: Literal["", "unit", "cadre"] = ""


class SanctionOut(Schema):
    id: int
    cadre_code: str
    cadre_name: str
    name: str
    year: int
    note: str


class SanctionFilter(Input):
    q: str = ""
    name: str = ""
    sanction_year: int | None = Field(None, ge=0, le=9999)


class SanctionIn(Input):
    cadre: str = Field("", description="干部编码（必填）")
    name: str = Field("", description="处分名称，处分影响表中的一项（必填）")
    year: int | str | None = Field(None, description="生效年度（必填）")
    note: str = ""


class InputsTotalOut(Schema):
    label: str
    done: int
    expected: int
    percent: int


class InputsChaseOut(Schema):
    what: str
    count: int
    who: str
    url: str


class InputsUnitOut(Schema):
    code: str
    name: str
    category: str
    indicators: int
    scores: int
    # The figures beyond the department's scores: null for a clerk, who sees only those.
    self_evaluations: int | None
    verifications: int | None
    scored: int | None
    leader_ratings: int | None
    survey_responses: int | None
    status: str | None
    status_label: str | None
    missing_components: list[str]
    chase: list[InputsChaseOut]


class InputsIndicatorOut(Schema):
    code: str
    name: str
    category: str
    expected: int
    entered: int
    missing: int


class InputsDepartmentOut(Schema):
    code: str
    name: str
    expected: int
    entered: int
    missing: int
    indicators: list[InputsIndicatorOut]


class InputsProgressOut(Schema):
    scope: str
    totals: list[InputsTotalOut]
    departments: list[InputsDepartmentOut]
    unit_count: int
    units: list[InputsUnitOut]
    settings_errors: list[str]


# --- helpers ------------------------------------------------------------------------------------------------


def _require(request: HttpRequest, *roles: str) -> None:
    if not request.user.has_role(*roles):
        raise HttpError(403, FORBIDDEN)


def _refused(error: ValidationError, field: str = NON_FIELD, **codes: str) -> Exception:
    """A write function's refusal: the phase gate's under the cycle's lock as it is (the API answers it 409,
    kaohe/api.py); any other a 422 under the field it concerns (by its code), or ``field``."""
    if isinstance(error, gate.PhaseClosed):
        return error
    return refused(error, field, names=codes)


def _evidence(evaluation: SelfEvaluation | None) -> list[EvidenceOut]:
    if evaluation is None:
        return []
    files = sorted(evaluation.evidence.all(), key=lambda e: e.pk)  # as uploaded (prefetched: no query)
    return [EvidenceOut(id=e.pk, name=e.name, size=e.size) for e in files]


def _self_evaluation_out(indicator: Indicator, evaluation: SelfEvaluation | None) -> SelfEvaluationOut:
    return SelfEvaluationOut(
        indicator_code=indicator.code,
        indicator_name=indicator.name,
        category=indicator.category.name,
        weight=indicator.weight,
        claimed=_plain(evaluation.claimed) if evaluation else None,
        narrative=evaluation.narrative if evaluation else "",
        evidence=_evidence(evaluation),
    )


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored score as typed: 88.5, not 88.5000 (nor 8.85E+1)."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def _typed(value: ScoreValue) -> str:
    """A score as the form receives it from a page: text."""
    return "" if value is None else str(value)


# --- unit liaison: self-evaluation --------------------------------------------------------------------------

# Paths with a fixed word come before those with a code or number in its place.


@router.get("/evidence/{pk}", openapi_extra=EVIDENCE_ANSWER)
def evidence_download_api(request: HttpRequest, pk: int) -> FileResponse:
    _require(request, *EVIDENCE_READERS)
    evidence = selectors.get_evidence(request.user, pk)
    audit_read(request.user, "evidence.download", evidence)
    return file_response(evidence.file, evidence.name)


@router.delete("/evidence/{pk}", response={204: None, 409: ApiError})
def evidence_delete_api(request: HttpRequest, pk: int):
    _require(request, Role.LIAISON)
    evidence = selectors.get_evidence(request.user, pk)
    gate.check_phase(evidence.self_evaluation.cycle, gate.Activity.INPUTS)
    try:
        actions.evidence_delete(actor=request.user, evidence=evidence)
    except ValidationError as error:
        raise _refused(error) from None
    return Status(204, None)


@router.get("/{year}/self-evaluations", response=list[SelfEvaluationOut])
def self_evaluation_list_api(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, (Role.LIAISON,))
    evaluations = {
        e.indicator_id: e
        for e in selectors.visible_self_evaluations(request.user, cycle).prefetch_related("evidence")
    }
    indicators = selectors.liaison_indicators(request.user, cycle).order_by("code")
    return [_self_evaluation_out(i, evaluations.get(i.pk)) for i in indicators]


@router.post("/{year}/self-evaluations/{indicator_code}", response={200: SelfEvaluationOut, 409: ApiError})
def self_evaluation_save_api(
    request: HttpRequest,
    year: int,
    indicator_code: str,
    claimed: Form[str] = "",
    narrative: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # optional: ninja's way
):
    """The unit's self-evaluation on one indicator, created or replaced, with evidence files added to it
    (multipart, each file checked as on the page: pdf, jpg, png, docx or xlsx, genuine, not too large)."""
    cycle = get_cycle(request.user, year, (Role.LIAISON,))
    indicator = selectors.liaison_indicators(request.user, cycle).filter(code=indicator_code).first()
    assessed = selectors.liaison_unit(request.user, cycle)
    if indicator is None or assessed is None:
        raise HttpError(404, f"指标「{indicator_code}」不是本单位{cycle.name}的考核指标")
    gate.check_phase(cycle, gate.Activity.INPUTS)
    form = SelfEvaluationForm({"claimed": claimed, "narrative": narrative}, request.FILES)
    if not form.is_valid():
        raise form_invalid(form)
    data = form.cleaned_data
    try:
        evaluation = actions.self_evaluation_save(
            actor=request.user,
            cycle=cycle,
            unit=assessed.unit,
            indicator=indicator,
            claimed=data["claimed"],
            narrative=data["narrative"],
            files=data["files"],
        )
    except ValidationError as error:
        raise _refused(error, score="claimed") from None
    evaluation = SelfEvaluation.objects.prefetch_related("evidence").get(pk=evaluation.pk)
    return _self_evaluation_out(indicator, evaluation)


# --- department clerk: the score grid and sheet ---------------------------------------------------------------


def _clerk_department(request: HttpRequest):
    department = request.user.department
    if department is None:  # a clerk without a department scores nothing
        raise HttpError(404, "当前账号没有归口部门")
    return department


def _clerk_places(request: HttpRequest, cycle: AssessmentCycle):
    """The clerk's units by code and indicators by (category, code): the cells they may write."""
    units = {a.unit.code: a for a in selectors.clerk_units(request.user, cycle)}
    indicators = {(i.category_id, i.code): i for i in selectors.clerk_indicators(request.user, cycle)}
    return units, indicators


@router.get("/{year}/scores", response=ScoreGridOut)
def score_grid_api(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, (Role.CLERK,))
    department = _clerk_department(request)
    stored = {(s.unit_id, s.indicator_id): s.score for s in selectors.clerk_scores(request.user, cycle)}
    indicators = list(selectors.clerk_indicators(request.user, cycle))
    cells = [
        ScoreCellOut(
            unit_code=assessed.unit.code,
            unit_name=assessed.unit.name,
            category=assessed.category.name,
            indicator_code=indicator.code,
            indicator_name=indicator.name,
            score=_plain(stored.get((assessed.unit_id, indicator.pk))),
        )
        for assessed in selectors.clerk_units(request.user, cycle)
        for indicator in indicators
        if indicator.category_id == assessed.category_id
    ]
    return ScoreGridOut(department_code=department.code, department_name=department.name, cells=cells)


@router.put("/{year}/scores", response={200: ScoreChangesOut, 409: ApiError})
def scores_save_api(request: HttpRequest, year: int, payload: ScoresIn):
    """Set (or, with null, clear) the listed cells of the department's grid, all or nothing; the cells not
    listed stay as they are. A cell outside the department's indicators is not found (404)."""
    cycle = get_cycle(request.user, year, (Role.CLERK,))
    department = _clerk_department(request)
    units, indicators = _clerk_places(request, cycle)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    cells: dict[tuple[AssessedUnit, Indicator], Decimal | None] = {}
    errors: dict[str, list[str]] = {}
    for number, cell in enumerate(payload.cells):
        assessed = units.get(cell.unit_code)
        indicator = indicators.get((assessed.category_id, cell.indicator_code)) if assessed else None
        if assessed is None or indicator is None:
            raise HttpError(
                404, f"单位「{cell.unit_code}」的指标「{cell.indicator_code}」不是{department.name}评分的指标"
            )
        raw = _typed(cell.score).strip()
        if not raw:
            cells[(assessed, indicator)] = None
            continue
        try:
            cells[(assessed, indicator)] = parse_score(raw)
        except ValidationError as error:
            place = f"{assessed.unit.name} · {indicator.name}"
            errors[f"cells.{number}.score"] = [f"{place}: {error.messages[0]}"]
    if errors:
        raise Refused(errors)
    try:
        changes = actions.indicator_scores_save(
            actor=request.user, cycle=cycle, department=department, cells=cells
        )
    except ValidationError as error:
        raise _refused(error, cells="cells") from None
    return ScoreChangesOut(**changes.__dict__)


@router.get("/{year}/scores/sheet", openapi_extra=XLSX_ANSWER)
def score_sheet_api(request: HttpRequest, year: int) -> FileResponse:
    cycle = get_cycle(request.user, year, (Role.CLERK,))
    _clerk_department(request)  # a clerk without a department gets the page's refusal
    return score_sheet_file(request.user, cycle)


@router.post("/{year}/scores/sheet", response={200: ScoreChangesOut, 409: ApiError})
def score_upload_api(request: HttpRequest, year: int, file: File[UploadedFile] = None):  # type: ignore[assignment]
    """The score sheet filled in (multipart ``file``): every problem by sheet, row and column, then nothing
    is saved; or all of it is."""
    cycle = get_cycle(request.user, year, (Role.CLERK,))
    department = _clerk_department(request)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    if file is None:
        raise Refused({"file": ["请选择要上传的评分表（.xlsx）"]})
    try:
        cells = read_score_sheet(
            file,
            units=list(selectors.clerk_units(request.user, cycle)),
            indicators=list(selectors.clerk_indicators(request.user, cycle)),
        )
        changes = actions.indicator_scores_save(
            actor=request.user, cycle=cycle, department=department, cells=cells
        )
    except WorkbookError as error:
        raise workbook_refused(error) from None
    except ValidationError as error:
        raise _refused(error) from None
    return ScoreChangesOut(**changes.__dict__)


# --- assessor: verification ---------------------------------------------------------------------------------


def _assessed_unit(request: HttpRequest, cycle: AssessmentCycle, unit_code: str) -> AssessedUnit:
    assessed = selectors.assessor_units(request.user, cycle).filter(unit__code=unit_code).first()
    if assessed is None:
        raise HttpError(404, f"单位「{unit_code}」不在您所在考核组{cycle.name}的考核范围内")
    return assessed


@router.get("/{year}/verifications", response=list[VerificationUnitOut])
def verification_list_api(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, (Role.ASSESSOR,))
    units = list(selectors.assessor_units(request.user, cycle))
    per_category = dict(
        Indicator.objects.filter(cycle=cycle, category_id__in={a.category_id for a in units})
        .values_list("category_id")
        .annotate(n=Count("pk"))
    )
    unit_ids = [a.unit_id for a in units]
    verified = dict(
        Verification.objects.filter(cycle=cycle, unit_id__in=unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    claimed = dict(
        SelfEvaluation.objects.filter(cycle=cycle, unit_id__in=unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return [
        VerificationUnitOut(
            unit_code=a.unit.code,
            unit_name=a.unit.name,
            category=a.category.name,
            indicators=per_category.get(a.category_id, 0),
            claimed=claimed.get(a.unit_id, 0),
            verified=verified.get(a.unit_id, 0),
        )
        for a in units
    ]


@router.get("/{year}/verifications/{unit_code}", response=list[VerificationRowOut])
def verification_unit_api(request: HttpRequest, year: int, unit_code: str):
    cycle = get_cycle(request.user, year, (Role.ASSESSOR,))
    assessed = _assessed_unit(request, cycle, unit_code)
    rows = []
    for row in selectors.unit_indicator_rows(cycle, assessed):
        evaluation, score, verification = row["self_evaluation"], row["score"], row["verification"]
        rows.append(
            VerificationRowOut(
                indicator_code=row["indicator"].code,
                indicator_name=row["indicator"].name,
                claimed=_plain(evaluation.claimed) if evaluation else None,
                narrative=evaluation.narrative if evaluation else None,
                evidence=_evidence(evaluation),
                department_score=_plain(score.score) if score else None,
                verified_score=_plain(verification.score) if verification else None,
                reason=verification.reason if verification else None,
            )
        )
    return rows


@router.put(
    "/{year}/verifications/{unit_code}/{indicator_code}", response={200: VerificationOut, 409: ApiError}
)
def verification_set_api(
    request: HttpRequest, year: int, unit_code: str, indicator_code: str, payload: VerificationIn
):
    cycle = get_cycle(request.user, year, (Role.ASSESSOR,))
    assessed = _assessed_unit(request, cycle, unit_code)
    indicator = Indicator.objects.filter(
        cycle=cycle, category_id=assessed.category_id, code=indicator_code
    ).first()
    if indicator is None:
        raise HttpError(404, f"指标「{indicator_code}」不是{assessed.unit.name}{cycle.name}的考核指标")
    gate.check_phase(cycle, gate.Activity.INPUTS)
    form = VerificationForm({"score": _typed(payload.score), "reason": payload.reason})
    if not form.is_valid():
        raise form_invalid(form)
    try:
        verification = actions.verification_set(
            actor=request.user, cycle=cycle, unit=assessed.unit, indicator=indicator, **form.cleaned_data
        )
    except ValidationError as error:
        raise _refused(error, reason="reason") from None
    return VerificationOut(
        unit_code=unit_code,
        indicator_code=indicator_code,
        score=_plain(verification.score),
        reason=verification.reason,
    )


# --- leader: ratings -----------------------------------------------------------------------------------------


def _rating_out(assessed: AssessedUnit, rating) -> LeaderRatingOut:
    return LeaderRatingOut(
        unit_code=assessed.unit.code,
        unit_name=assessed.unit.name,
        category=assessed.category.name,
        score=_plain(rating.score) if rating else None,
        comment=rating.comment if rating else "",
    )


@router.get("/{year}/ratings", response=list[LeaderRatingOut])
def rating_list_api(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, (Role.LEADER,))
    ratings = {r.unit_id: r for r in selectors.own_leader_ratings(request.user, cycle)}
    return [_rating_out(a, ratings.get(a.unit_id)) for a in selectors.leader_units(request.user, cycle)]


@router.put("/{year}/ratings/{unit_code}", response={200: LeaderRatingOut, 409: ApiError})
def leader_rating_save_api(request: HttpRequest, year: int, unit_code: str, payload: LeaderRatingIn):
    cycle = get_cycle(request.user, year, (Role.LEADER,))
    assessed = selectors.leader_units(request.user, cycle).filter(unit__code=unit_code).first()
    if assessed is None:
        raise HttpError(404, f"单位「{unit_code}」不是{cycle.name}的参加考核单位")
    gate.check_phase(cycle, gate.Activity.INPUTS)
    form = LeaderRatingForm({"score": _typed(payload.score), "comment": payload.comment})
    if not form.is_valid():
        raise form_invalid(form)
    try:
        rating = actions.leader_rating_save(
            actor=request.user, cycle=cycle, unit=assessed.unit, **form.cleaned_data
        )
    except ValidationError as error:
        raise _refused(error, score="score") from None
    return _rating_out(assessed, rating)


# --- organiser: adjustments, vetoes, sanctions ---------------------------------------------------------------


def _target(record: Adjustment | Veto) -> dict[str, Any]:
    if record.unit_id is not None:
        return {"target_code": record.unit.code, "target_name": record.unit.name, "target_kind": "unit"}
    return {"target_code": record.cadre.code, "target_name": record.cadre.name, "target_kind": "cadre"}


def _adjustment_out(adjustment: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        id=adjustment.pk,
        **_target(adjustment),
        kind=adjustment.kind,
        points=_plain(adjustment.points),
        reason=adjustment.reason,
        evidence=bool(adjustment.evidence),
        status=adjustment.status,
        status_label=str(adjustment.get_status_display()),
    )


def _veto_out(veto: Veto) -> VetoOut:
    return VetoOut(id=veto.pk, **_target(veto), item=veto.item, evidence=bool(veto.evidence))


def _by_target(queryset, kind: str):
    if kind == "unit":
        return queryset.filter(unit__isnull=False)
    if kind == "cadre":
        return queryset.filter(cadre__isnull=False)
    return queryset


class _Paged(LimitOffset):
    """Pages of records, each made into its answer by ``out`` for the page's rows only."""

    def __init__(self, *, out, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.out = out

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = [self.out(record) for record in page[self.items_attribute]]
        return page


def _evidence_file(request: HttpRequest, record: Adjustment | Veto, prefix: str, action: str) -> FileResponse:
    if not record.evidence:
        raise HttpError(404, "没有佐证材料")
    audit_read(request.user, action, record)
    return file_response(record.evidence, f"{prefix}-{record.pk}{PurePath(record.evidence.name).suffix}")


@router.get("/{year}/adjustments", response=list[AdjustmentOut])
@paginate(_Paged, out=_adjustment_out)
def adjustment_list_api(request: HttpRequest, year: int, filters: Query[AdjustmentFilter]):
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    adjustments = selectors.target_search(selectors.cycle_adjustments(request.user, cycle), filters.q)
    adjustments = _by_target(adjustments, filters.target)
    if filters.status:
        adjustments = adjustments.filter(status=filters.status)
    if filters.kind:
        adjustments = adjustments.filter(kind=filters.kind)
    return adjustments.order_by("pk")


@router.post("/{year}/adjustments", response={201: AdjustmentOut, 409: ApiError})
def adjustment_propose_api(
    request: HttpRequest,
    year: int,
    target: Form[str] = "",
    kind: Form[str] = "",
    points: Form[str] = "",
    reason: Form[str] = "",
    evidence: File[UploadedFile] = None,  # type: ignore[assignment]
):
    """A bonus (加分) or deduction (扣分) on a unit or cadre assessed in the cycle (``target``: its code),
    proposed; it counts once approved (``…/decide``). Multipart, with an optional evidence file."""
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    form = AdjustmentForm(
        {"target": target, "kind": kind, "points": points, "reason": reason}, request.FILES, cycle=cycle
    )
    if not form.is_valid():
        raise form_invalid(form)
    data = form.cleaned_data
    try:
        adjustment = actions.adjustment_propose(
            actor=request.user,
            cycle=cycle,
            unit=data["unit"],
            cadre=data["cadre"],
            kind=data["kind"],
            points=data["points"],
            reason=data["reason"],
            evidence=data["evidence"] or None,
        )
    except ValidationError as error:
        raise _refused(
            error, target="target", kind="kind", score="points", points="points", reason="reason"
        ) from None
    return Status(201, _adjustment_out(adjustment))


@router.post("/{year}/adjustments/{pk}/decide", response={200: AdjustmentOut, 409: ApiError})
def adjustment_decide_api(request: HttpRequest, year: int, pk: int, payload: AdjustmentDecisionIn):
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    adjustment = selectors.get_adjustment(request.user, cycle, pk)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    try:
        adjustment = actions.adjustment_decide(
            actor=request.user, adjustment=adjustment, approve=payload.decision == "approve"
        )
    except ValidationError as error:
        raise _refused(error, decided="decision") from None
    return _adjustment_out(adjustment)


@router.get("/{year}/adjustments/{pk}/evidence", openapi_extra=EVIDENCE_ANSWER)
def adjustment_evidence_api(request: HttpRequest, year: int, pk: int) -> FileResponse:
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    adjustment = selectors.get_adjustment(request.user, cycle, pk)
    return _evidence_file(request, adjustment, "加减分佐证", "adjustment.evidence")


@router.get("/{year}/vetoes", response=list[VetoOut])
@paginate(_Paged, out=_veto_out)
def veto_list_api(request: HttpRequest, year: int, filters: Query[VetoFilter]):
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    vetoes = selectors.target_search(selectors.cycle_vetoes(request.user, cycle), filters.q)
    return _by_target(vetoes, filters.target).order_by("pk")


@router.post("/{year}/vetoes", response={201: VetoOut, 409: ApiError})
def veto_record_api(
    request: HttpRequest,
    year: int,
    target: Form[str] = "",
    item: Form[str] = "",
    evidence: File[UploadedFile] = None,  # type: ignore[assignment]
):
    """A one-vote veto (一票否决) on a unit or cadre assessed in the cycle (``target``: its code). Multipart;
    the evidence file is required, as on the page."""
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    form = VetoForm({"target": target, "item": item}, request.FILES, cycle=cycle)
    if not form.is_valid():
        raise form_invalid(form)
    data = form.cleaned_data
    try:
        veto = actions.veto_record(
            actor=request.user,
            cycle=cycle,
            unit=data["unit"],
            cadre=data["cadre"],
            item=data["item"],
            evidence=data["evidence"],
        )
    except ValidationError as error:
        raise _refused(error, target="target", item="item") from None
    return Status(201, _veto_out(veto))


@router.delete("/{year}/vetoes/{pk}", response={204: None, 409: ApiError})
def veto_delete_api(request: HttpRequest, year: int, pk: int):
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    veto = selectors.get_veto(request.user, cycle, pk)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    try:
        actions.veto_delete(actor=request.user, veto=veto)
    except ValidationError as error:
        raise _refused(error) from None
    return Status(204, None)


@router.get("/{year}/vetoes/{pk}/evidence", openapi_extra=EVIDENCE_ANSWER)
def veto_evidence_api(request: HttpRequest, year: int, pk: int) -> FileResponse:
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    veto = selectors.get_veto(request.user, cycle, pk)
    return _evidence_file(request, veto, "一票否决佐证", "veto.evidence")


def _sanction_out(sanction: Sanction) -> SanctionOut:
    return SanctionOut(
        id=sanction.pk,
        cadre_code=sanction.cadre.code,
        cadre_name=sanction.cadre.name,
        name=sanction.name,
        year=sanction.year,
        note=sanction.note,
    )


@router.get("/{year}/sanctions", response=list[SanctionOut])
@paginate(_Paged, out=_sanction_out)
def sanction_list_api(request: HttpRequest, year: int, filters: Query[SanctionFilter]):
    """Every cadre's sanctions (处分) by the year they took effect; the cycle's year only names the cycle
    whose inputs are open (a sanction's effects span later years)."""
    get_cycle(request.user, year, CYCLE_EDITORS)
    sanctions = selectors.visible_sanctions(request.user).order_by("-year", "cadre__code", "pk")
    q = filters.q.strip()
    if q:
        sanctions = sanctions.filter(Q(cadre__code__icontains=q) | Q(cadre__name__icontains=q))
    if filters.name:
        sanctions = sanctions.filter(name=filters.name)
    if filters.sanction_year is not None:
        sanctions = sanctions.filter(year=filters.sanction_year)
    return sanctions


@router.post("/{year}/sanctions", response={201: SanctionOut, 409: ApiError})
def sanction_record_api(request: HttpRequest, year: int, payload: SanctionIn):
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    form = SanctionForm(
        {
            "cadre": payload.cadre,
            "name": payload.name,
            "year": "" if payload.year is None else str(payload.year),
            "note": payload.note,
        }
    )
    if not form.is_valid():
        raise form_invalid(form)
    try:
        sanction = actions.sanction_record(actor=request.user, cycle=cycle, **form.cleaned_data)
    except ValidationError as error:
        raise _refused(error, name="name") from None
    return Status(201, _sanction_out(sanction))


@router.delete("/{year}/sanctions/{pk}", response={204: None, 409: ApiError})
def sanction_delete_api(request: HttpRequest, year: int, pk: int):
    cycle = get_cycle(request.user, year, CYCLE_EDITORS)
    sanction = selectors.get_sanction(request.user, pk)
    gate.check_phase(cycle, gate.Activity.INPUTS)
    try:
        actions.sanction_delete(actor=request.user, cycle=cycle, sanction=sanction)
    except ValidationError as error:
        raise _refused(error) from None
    return Status(204, None)


# --- progress -------------------------------------------------------------------------------------------------


class InputsProgressFilter(Input):
    category: int | None = Field(None, description="单位类别 id（/api/org/categories）")
    group: int | None = Field(None, description="考核组 id")
    missing: bool = Field(False, description="只列有缺项的单位")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _unit_progress_out(unit: UnitProgress, full: bool) -> InputsUnitOut:
    def shown(value):
        return value if full else None

    return InputsUnitOut(
        code=unit.code,
        name=unit.name,
        category=unit.category,
        indicators=unit.indicators,
        scores=unit.scores,
        self_evaluations=shown(unit.self_evaluations),
        verifications=shown(unit.verifications),
        scored=shown(unit.scored),
        leader_ratings=shown(unit.leader_ratings),
        survey_responses=shown(unit.survey_responses),
        status=shown(str(unit.status)),
        status_label=shown(unit.status_label),
        missing_components=[str(c) for c in unit.missing_components],
        chase=[InputsChaseOut(what=c.what, count=c.count, who=c.who, url=c.url) for c in unit.chase],
    )


def _progress(
    request: HttpRequest, year: int, filters: InputsProgressFilter
) -> tuple[AssessmentCycle, Progress]:
    cycle = get_cycle(request.user, year, PROGRESS_ROLES)
    scope = progress_scope(request.user)
    if scope is None:  # PROGRESS_ROLES all have one
        raise HttpError(403, FORBIDDEN)
    errors: dict[str, list[str]] = {}
    if (
        filters.category is not None
        and not AssessedUnit.objects.filter(cycle=cycle, category_id=filters.category).exists()
    ):
        errors["category"] = [f"单位类别 {filters.category} 不在{cycle.name}中"]
    if filters.group is not None and not scope_groups(scope, cycle).filter(pk=filters.group).exists():
        errors["group"] = [f"考核组 {filters.group} 不存在或不在您的范围内"]
    if errors:
        raise Refused(errors)
    return cycle, cycle_progress(scope, cycle, category_id=filters.category, group_id=filters.group)


@router.get("/{year}/progress/chase", openapi_extra=XLSX_ANSWER)
def progress_chase_api(request: HttpRequest, year: int, filters: Query[InputsProgressFilter]) -> FileResponse:
    """The list to chase as the progress page downloads it (待催办清单.xlsx): what is missing, who enters it,
    on which page."""
    cycle, report = _progress(request, year, filters)
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write_chase_sheet(spool, report, base=request.build_absolute_uri("/"))
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{cycle.year}年度考核-待催办清单.xlsx", content_type=XLSX
    )


@router.get("/{year}/progress", response=InputsProgressOut)
def progress_api(request: HttpRequest, year: int, filters: Query[InputsProgressFilter]):
    """The figures of the organiser's progress page, as the account may see them: an organiser every unit, an
    assessor their groups' units, a clerk their department's scores only (the other figures are null)."""
    _cycle_, report = _progress(request, year, filters)
    units = report.units_to_chase if filters.missing else report.units
    return InputsProgressOut(
        scope=str(report.scope.kind),
        totals=[
            InputsTotalOut(label=t.label, done=t.done, expected=t.expected, percent=t.percent)
            for t in report.totals
        ],
        departments=[
            InputsDepartmentOut(
                code=d.code,
                name=d.name,
                expected=d.expected,
                entered=d.entered,
                missing=d.missing,
                indicators=[
                    InputsIndicatorOut(
                        code=i.code,
                        name=i.name,
                        category=i.category,
                        expected=i.expected,
                        entered=i.entered,
                        missing=i.missing,
                    )
                    for i in d.indicators
                ],
            )
            for d in report.departments
        ],
        unit_count=len(units),
        units=[
            _unit_progress_out(u, report.scope.full)
            for u in units[filters.offset : filters.offset + filters.limit]
        ],
        settings_errors=report.settings_errors,
    )
