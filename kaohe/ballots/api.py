"""Democratic evaluation over JSON at /api/ballots/: templates, sessions, codes, the sitting, turnout, tallies
and paper ballots typed twice, through the same selectors, write functions, role checks and phase gates as
the pages (views.py, paper_views.py, live_views.py).

Secrecy as on the pages: no answer carries a ballot's content, id, time or order (a tally is counts by rater
group under the k rule, after the session has closed); a 票号 travels only in a request's body, never in a
path, so that no access log holds one. Nothing here logs or audits a ballot (the actions audit counts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.accounts.access import CYCLE_EDITORS
from kaohe.api_errors import NON_FIELD, ApiError, Input, Refused, refused
from kaohe.audit.reads import audit_read
from kaohe.ballots import actions, paper, selectors, views
from kaohe.ballots.digest import seal_intact
from kaohe.ballots.live_views import LIVE_ROLES, get_live_session, live_sessions
from kaohe.ballots.models import (
    BallotTemplate,
    EvaluationSession,
    SessionKind,
    SessionStatus,
)
from kaohe.ballots.paper_forms import PaperImportForm
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, TypistSlot
from kaohe.confirm import Confirmation
from kaohe.org.models import Cadre, Unit
from kaohe.plans.gate import PhaseClosed
from kaohe.plans.models import AssessmentCycle, AssessmentGroup
from kaohe.plans.selectors import get_cycle
from kaohe.workbook.sheets import WorkbookError

router = Router(tags=["ballots"])

FORBIDDEN = "当前账号无权执行此操作"


def _file_answer(description: str, *content_types: str) -> dict[str, Any]:
    """An answer that is a file rather than JSON, as the schema documents it."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": dict.fromkeys(content_types, binary)}}}


# --- schemas ----------------------------------------------------------------------------------------------


class BallotItemOut(Schema):
    name: str
    choices: list[str]
    reason_for: list[str] = []
    required: bool = True


class BallotItemIn(Input):
    name: str = Field(..., max_length=100)
    choices: list[str]
    reason_for: list[str] = []
    required: bool = True


class BallotTemplateOut(Schema):
    id: int
    name: str
    kind: str
    builtin: bool
    in_use: bool
    items: list[BallotItemOut]


class BallotTemplateCopyIn(Input):
    name: str = Field(..., max_length=100)


class BallotTemplateIn(Input):
    name: str = Field(..., max_length=100)
    items: list[BallotItemIn] = []


class BallotGroupOut(Schema):
    name: str
    expected: int


class BallotGroupIn(Input):
    name: str = Field(..., max_length=32)
    expected: int = Field(..., ge=0, le=100_000)


class BallotTargetIn(Input):
    template_id: int
    unit_code: str | None = None
    cadre_code: str | None = None


class BallotSessionIn(Input):
    name: str = Field(..., max_length=100)
    kind: Literal["online", "paper"] = "online"
    rehearsal: bool = False
    groups: list[BallotGroupIn]
    excellent_limit: str | None = Field(None, max_length=16, description="null：取考核方案的每票优秀上限")
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    assessment_group_id: int | None = None
    targets: list[BallotTargetIn]


class BallotTargetOut(Schema):
    template_id: int
    template: str
    kind: str
    unit_code: str | None
    cadre_code: str | None
    name: str


class BallotTurnoutRowOut(Schema):
    group: str
    expected: int
    codes: int
    ballots: int


class BallotSessionOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    rehearsal: bool
    opens_at: datetime | None
    closes_at: datetime | None
    excellent_limit: str
    assessment_group_id: int | None
    has_opening_key: bool
    targets: int
    codes: int
    codes_used: int
    ballots: int


class BallotSessionDetailOut(BallotSessionOut):
    groups: list[BallotGroupOut]
    target_list: list[BallotTargetOut]
    turnout: list[BallotTurnoutRowOut]
    taking_ballots: bool
    excellent_warning: str
    seal: str
    seal_algorithm: str
    void_reason: str


class BallotConfirmIn(Input):
    confirm: bool = Field(False, description="必须为 true：与页面的确认步骤相同，不可撤销")


class BallotCodesIn(Input):
    counts: dict[str, int] = Field(..., description="评价人类别 → 生成的测评码数量")
    format: Literal["pdf", "csv"] = "pdf"


class BallotCloseIn(BallotConfirmIn):
    opening_key: str = Field("", max_length=400, description="网上测评：本测评会的开启密钥")


class BallotVoidIn(BallotConfirmIn):
    reason: str = Field(..., max_length=500)


class BallotSealOut(Schema):
    status: str
    seal: str
    algorithm: str
    intact: bool | None


class BallotPurgeOut(Schema):
    session: BallotSessionDetailOut
    deleted: dict[str, int]


class BallotTurnoutOut(Schema):
    id: int
    name: str
    status: str
    taking_ballots: bool
    expected: int
    received: int
    groups: list[BallotTurnoutRowOut]


class BallotLiveOut(Schema):
    id: int
    name: str
    status: str
    expected: int
    received: int


class BallotItemTallyOut(Schema):
    name: str
    choices: list[str]
    groups: dict[str, dict[str, int]]
    total: dict[str, int]
    reasons: list[str]


class BallotTargetTallyOut(Schema):
    kind: str
    code: str
    name: str
    template: str
    choices: list[str]
    groups: dict[str, dict[str, int]]
    total: dict[str, int]
    items: list[BallotItemTallyOut]


class BallotTallyOut(Schema):
    id: int
    name: str
    status: str
    seal: str
    seal_algorithm: str
    min_group: int
    ballots: int
    groups: dict[str, int] | None
    targets: list[BallotTargetTallyOut]


class PaperFieldOut(Schema):
    key: str
    target: str
    question: str
    choices: list[str]


class PaperOut(Schema):
    is_open: bool
    fields: list[PaperFieldOut]
    typists: dict[str, str | None]
    entries: dict[str, int]
    states: dict[str, int]
    ballots: int


class PaperEntryIn(Input):
    number: str = Field(..., max_length=paper.NUMBER_MAX)
    values: dict[str, list[str] | str | None] = Field(
        ..., description="字段（见 GET …/paper 的 fields）→ 勾选的选项（列表）或理由（文本）"
    )


class PaperEntryOut(Schema):
    slot: str
    entries: int


class PaperNumberIn(Input):
    number: str = Field(..., max_length=paper.NUMBER_MAX)


class PaperConflictOut(Schema):
    number: str
    state: str
    fields: list[str]


class PaperResolveIn(Input):
    number: str = Field(..., max_length=paper.NUMBER_MAX)
    values: dict[str, list[str] | str | None] = Field(..., description="不一致的字段 → 纸质票上的内容")


class PaperResolveOut(Schema):
    number: str
    decided: int


class PaperCommitOut(Schema):
    ballots: int
    marks: int
    answers: int
    pending: int


class PaperDiscardOut(Schema):
    entries: int
    resolutions: int
    typists: int


class PaperImportOut(Schema):
    ballots: int
    marks: int


# --- checks and shapes ----------------------------------------------------------------------------------------


def _organiser(request: HttpRequest) -> None:
    if not request.user.has_role(*CYCLE_EDITORS):
        raise HttpError(403, FORBIDDEN)


def _typist(request: HttpRequest) -> None:
    if not paper.can_type(request.user):
        raise HttpError(403, FORBIDDEN)


def _live(request: HttpRequest) -> None:
    if not request.user.has_role(*LIVE_ROLES):
        raise HttpError(403, FORBIDDEN)


def _session(request: HttpRequest, year: int, pk: int) -> tuple[AssessmentCycle, EvaluationSession]:
    cycle = get_cycle(request.user, year)
    return cycle, selectors.get_session(cycle, pk)


def _paper_session(request: HttpRequest, year: int, pk: int) -> EvaluationSession:
    _, session = _session(request, year, pk)
    if session.kind != SessionKind.PAPER:
        raise HttpError(404, "不是纸质测评会")
    return session


def _confirmed(confirm: bool, confirmation: Confirmation) -> None:
    """The page's confirmation step: without ``confirm: true`` the consequence, with its live figures."""
    if confirm:
        return
    facts = "；".join(f"{label}：{value}" for label, value in confirmation.facts)
    words = [f"{confirmation.title}：{confirmation.consequence}", facts, *confirmation.warnings]
    words.append("确认后请以 confirm=true 重试")
    raise Refused({"confirm": ["　".join(w for w in words if w)]})


def _template_out(template: BallotTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "kind": template.kind,
        "builtin": template.builtin,
        "in_use": selectors.template_in_use(template),
        "items": template.items,
    }


def _session_out(session: EvaluationSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "name": session.name,
        "kind": session.kind,
        "status": session.status,
        "rehearsal": session.rehearsal,
        "opens_at": session.opens_at,
        "closes_at": session.closes_at,
        "excellent_limit": session.excellent_limit,
        "assessment_group_id": session.assessment_group_id,
        "has_opening_key": bool(session.opening_public_key),
        "targets": session.target_count,
        "codes": session.code_count,
        "codes_used": session.used_count,
        "ballots": session.ballot_count,
    }


def _turnout_rows(session: EvaluationSession) -> list[dict[str, Any]]:
    return [r.__dict__ for r in selectors.turnout(session)]


def _detail(cycle: AssessmentCycle, pk: int) -> dict[str, Any]:
    session = selectors.get_session(cycle, pk)  # afresh, with its counts
    return {
        **_session_out(session),
        "groups": [{"name": g.name, "expected": g.expected} for g in selectors.session_groups(session)],
        "target_list": [
            {
                "template_id": t.template_id,
                "template": t.template.name,
                "kind": t.template.kind,
                "unit_code": t.unit.code if t.unit_id else None,
                "cadre_code": t.cadre.code if t.cadre_id else None,
                "name": (t.unit or t.cadre).name,
            }
            for t in selectors.session_targets(session)
        ],
        "turnout": _turnout_rows(session),
        "taking_ballots": selectors.taking_ballots(session),
        "excellent_warning": selectors.excellent_warning(session),
        "seal": session.seal,
        "seal_algorithm": session.seal_algorithm,
        "void_reason": session.void_reason,
    }


_SESSION_FIELDS = (
    ("每票优秀上限", "excellent_limit"),
    ("截止时间", "closes_at"),
    ("测评方式", "kind"),
    ("演练", "rehearsal"),
    ("评价人类别", "groups"),
    ("测评会名称", "name"),
    ("已有名为", "name"),
    ("测评对象", "targets"),
    ("测评表", "targets"),
    ("考核对象", "targets"),
    ("总体评价", "targets"),
    ("考核组", "assessment_group_id"),
)


def _session_refused(error: ValidationError) -> Refused:
    """A session's refusal with each message under the input it concerns (the action names them in words)."""
    errors: dict[str, list[str]] = {}
    for each in error.error_list:
        for message in each.messages:
            field = NON_FIELD
            if each.code not in ("status", "ballots", "fixed"):  # the session's or the cycle's state
                field = next((name for word, name in _SESSION_FIELDS if word in message), NON_FIELD)
            errors.setdefault(field, []).append(message)
    return Refused(errors)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        aware: datetime = timezone.make_aware(value)
        return aware
    return value


def _spec(cycle: AssessmentCycle, payload: BallotSessionIn) -> actions.SessionSpec:
    """The body as the form's ``spec()``: templates, units and cadres found by id and code; what names
    nothing is refused under its own field (whether it is assessed in the cycle is the action's check)."""
    errors: dict[str, list[str]] = {}
    templates = BallotTemplate.objects.in_bulk([t.template_id for t in payload.targets])
    units = Unit.objects.in_bulk([t.unit_code for t in payload.targets if t.unit_code], field_name="code")
    cadres = Cadre.objects.in_bulk([t.cadre_code for t in payload.targets if t.cadre_code], field_name="code")
    targets = []
    for index, t in enumerate(payload.targets):
        where = f"targets.{index}"
        template = templates.get(t.template_id)
        if template is None:
            errors.setdefault(f"{where}.template_id", []).append(f"没有编号为 {t.template_id} 的测评表")
        if bool(t.unit_code) == bool(t.cadre_code):
            errors.setdefault(where, []).append("每个测评对象须填写 unit_code 或 cadre_code 之一")
            continue
        unit = units.get(t.unit_code) if t.unit_code else None
        cadre = cadres.get(t.cadre_code) if t.cadre_code else None
        if t.unit_code and unit is None:
            errors.setdefault(f"{where}.unit_code", []).append(f"没有编码为「{t.unit_code}」的单位")
        if t.cadre_code and cadre is None:
            errors.setdefault(f"{where}.cadre_code", []).append(f"没有编码为「{t.cadre_code}」的干部")
        if template is not None and (unit is not None or cadre is not None):
            targets.append(actions.TargetSpec(template, unit=unit, cadre=cadre))
    group = None
    if payload.assessment_group_id is not None:
        group = AssessmentGroup.objects.filter(cycle=cycle, pk=payload.assessment_group_id).first()
        if group is None:
            errors["assessment_group_id"] = [f"{cycle.name}没有编号为 {payload.assessment_group_id} 的考核组"]
    if errors:
        raise Refused(errors)
    return actions.SessionSpec(
        name=payload.name,
        targets=targets,
        groups=[(g.name.strip(), g.expected) for g in payload.groups],
        excellent_limit=payload.excellent_limit,
        opens_at=_aware(payload.opens_at),
        closes_at=_aware(payload.closes_at),
        rehearsal=payload.rehearsal,
        kind=payload.kind,
        assessment_group=group,
    )


def _template_refused(error: ValidationError) -> Refused:
    """A template's refusal: its name's under ``name``, its being fixed under the whole, the rest under ``items``."""
    errors: dict[str, list[str]] = {}
    for each in error.error_list:
        for message in each.messages:
            if each.code in ("builtin", "in_use"):
                field = NON_FIELD
            elif "测评表名称" in message or message.startswith("已有名为"):
                field = "name"
            else:
                field = "items"
            errors.setdefault(field, []).append(message)
    return Refused(errors)


# --- templates --------------------------------------------------------------------------------------------


@router.get("/templates", response=list[BallotTemplateOut])
def template_list_api(request: HttpRequest) -> Any:
    _organiser(request)
    return [_template_out(t) for t in BallotTemplate.objects.order_by("kind", "-builtin", "name")]


@router.get("/templates/{pk}", response=BallotTemplateOut)
def template_get_api(request: HttpRequest, pk: int) -> Any:
    _organiser(request)
    return _template_out(get_object_or_404(BallotTemplate, pk=pk))


@router.post("/templates/{pk}/copy", response={201: BallotTemplateOut, 422: ApiError})
def template_copy_api(request: HttpRequest, pk: int, payload: BallotTemplateCopyIn) -> Any:
    _organiser(request)
    template = get_object_or_404(BallotTemplate, pk=pk)
    try:
        copy = actions.template_copy(actor=request.user, template=template, name=payload.name)
    except ValidationError as error:
        raise refused(error, "name") from None
    return Status(201, _template_out(copy))


@router.put("/templates/{pk}", response={200: BallotTemplateOut, 422: ApiError})
def template_update_api(request: HttpRequest, pk: int, payload: BallotTemplateIn) -> Any:
    _organiser(request)
    template = get_object_or_404(BallotTemplate, pk=pk)
    try:
        actions.template_update(
            actor=request.user,
            template=template,
            name=payload.name,
            items=[item.dict() for item in payload.items],
        )
    except ValidationError as error:
        raise _template_refused(error) from None
    template.refresh_from_db()
    return Status(200, _template_out(template))


# --- sessions ---------------------------------------------------------------------------------------------


@router.get("/{year}/sessions", response=list[BallotSessionOut])
def session_list_api(request: HttpRequest, year: int) -> Any:
    _organiser(request)
    return [_session_out(s) for s in selectors.cycle_sessions(get_cycle(request.user, year))]


@router.post("/{year}/sessions", response={201: BallotSessionDetailOut, 409: ApiError, 422: ApiError})
def session_create_api(request: HttpRequest, year: int, payload: BallotSessionIn) -> Any:
    _organiser(request)
    cycle = get_cycle(request.user, year)
    try:
        session = actions.session_create(actor=request.user, cycle=cycle, spec=_spec(cycle, payload))
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise _session_refused(error) from None
    return Status(201, _detail(cycle, session.pk))


@router.get("/{year}/sessions/{pk}", response=BallotSessionDetailOut)
def session_get_api(request: HttpRequest, year: int, pk: int) -> Any:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    return _detail(cycle, session.pk)


@router.put("/{year}/sessions/{pk}", response={200: BallotSessionDetailOut, 409: ApiError, 422: ApiError})
def session_update_api(request: HttpRequest, year: int, pk: int, payload: BallotSessionIn) -> Any:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    try:
        actions.session_update(actor=request.user, session=session, spec=_spec(cycle, payload))
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise _session_refused(error) from None
    return Status(200, _detail(cycle, session.pk))


@router.post(
    "/{year}/sessions/{pk}/key",
    openapi_extra=_file_answer("开启密钥（文本文件，唯一一份）", "text/plain"),
)
def session_key_api(request: HttpRequest, year: int, pk: int, payload: BallotConfirmIn) -> HttpResponse:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    if session.opening_public_key:
        _confirmed(payload.confirm, views._confirm_key(request, cycle, session))
    try:
        private = actions.session_key_issue(actor=request.user, session=session)
    except ValidationError as error:
        raise refused(error) from None
    return views.key_file(cycle, session, private)


@router.post(
    "/{year}/sessions/{pk}/codes",
    openapi_extra=_file_answer(
        "测评码：A4 二维码测评卡（PDF）或清单（CSV），仅此一次", "application/pdf", "text/csv"
    ),
)
def session_codes_api(request: HttpRequest, year: int, pk: int, payload: BallotCodesIn) -> HttpResponse:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    bad = [f"{group}的数量须在 0 到 5000 之间" for group, n in payload.counts.items() if not 0 <= n <= 5000]
    if bad:
        raise Refused({"counts": bad})
    try:
        made = actions.session_codes_generate(actor=request.user, session=session, counts=payload.counts)
    except ValidationError as error:
        raise refused(error, "counts") from None
    response = views.codes_file(request, cycle, session, made, payload.format)
    response["X-Codes-Count"] = str(len(made))
    response["X-Codes-Batch"] = str(made[0].batch)
    return response


@router.post(
    "/{year}/sessions/{pk}/open", response={200: BallotSessionDetailOut, 409: ApiError, 422: ApiError}
)
def session_open_api(request: HttpRequest, year: int, pk: int) -> Any:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    try:
        actions.session_open(actor=request.user, session=session)
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise refused(error) from None
    return Status(200, _detail(cycle, session.pk))


@router.post("/{year}/sessions/{pk}/close", response={200: BallotSessionDetailOut, 422: ApiError})
def session_close_api(request: HttpRequest, year: int, pk: int, payload: BallotCloseIn) -> Any:
    """结束测评, as the page: closed (an online session's sealed ballots opened with ``opening_key``), then
    sealed unless a rehearsal."""
    _organiser(request)
    cycle, session = _session(request, year, pk)
    _confirmed(payload.confirm, views._confirm_close(request, cycle, session, ""))
    try:
        views.close_and_seal(actor=request.user, session=session, opening_key=payload.opening_key)
    except ValidationError as error:
        raise refused(error, names={"key": "opening_key"}) from None
    return Status(200, _detail(cycle, session.pk))


@router.post("/{year}/sessions/{pk}/seal", response={200: BallotSessionDetailOut, 422: ApiError})
def session_seal_api(request: HttpRequest, year: int, pk: int, payload: BallotConfirmIn) -> Any:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    _confirmed(payload.confirm, views._confirm_archive(request, cycle, session))
    try:
        actions.session_archive(actor=request.user, session=session)
    except ValidationError as error:
        raise refused(error) from None
    return Status(200, _detail(cycle, session.pk))


@router.get("/{year}/sessions/{pk}/seal", response=BallotSealOut)
def session_seal_get_api(request: HttpRequest, year: int, pk: int) -> Any:
    _organiser(request)
    _, session = _session(request, year, pk)
    intact = seal_intact(session) if session.status == SessionStatus.SEALED and session.seal else None
    return {
        "status": session.status,
        "seal": session.seal,
        "algorithm": session.seal_algorithm,
        "intact": intact,
    }


@router.post("/{year}/sessions/{pk}/purge", response={200: BallotPurgeOut, 422: ApiError})
def session_purge_api(request: HttpRequest, year: int, pk: int, payload: BallotConfirmIn) -> Any:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    _confirmed(payload.confirm, views._confirm_purge(request, cycle, session))
    try:
        deleted = actions.session_rehearsal_purge(actor=request.user, session=session)
    except ValidationError as error:
        raise refused(error) from None
    return Status(200, {"session": _detail(cycle, session.pk), "deleted": deleted})


@router.post("/{year}/sessions/{pk}/void", response={200: BallotSessionDetailOut, 422: ApiError})
def session_void_api(request: HttpRequest, year: int, pk: int, payload: BallotVoidIn) -> Any:
    _organiser(request)
    cycle, session = _session(request, year, pk)
    _confirmed(payload.confirm, views._confirm_void(request, cycle, session))
    try:
        actions.session_void(actor=request.user, session=session, reason=payload.reason)
    except ValidationError as error:
        raise refused(error, "reason", names={"status": NON_FIELD}) from None
    return Status(200, _detail(cycle, session.pk))


@router.get("/{year}/sessions/{pk}/tally", response={200: BallotTallyOut, 409: ApiError})
def session_tally_api(request: HttpRequest, year: int, pk: int) -> Any:
    """Counts per target, rater group and choice once the session has ended; a group under k is merged
    into 其他, or no figure is shown at all (``groups`` null, every target's counts empty)."""
    _organiser(request)
    _, session = _session(request, year, pk)
    try:
        tally = selectors.session_tally(session)
    except selectors.TallyRefused as refusal:
        raise HttpError(409, str(refusal)) from None
    audit_read(request.user, "ballot_session.tally", session)
    return {
        "id": session.pk,
        "name": session.name,
        "status": session.status,
        "seal": session.seal,
        "seal_algorithm": session.seal_algorithm,
        "min_group": tally.min_group,
        "ballots": tally.ballots,
        "groups": tally.groups,
        "targets": [
            {
                "kind": t.kind,
                "code": t.code,
                "name": t.name,
                "template": t.template,
                "choices": list(t.choices),
                "groups": t.groups,
                "total": t.total,
                "items": t.items,
            }
            for t in tally.targets
        ],
    }


# --- live turnout -----------------------------------------------------------------------------------------


@router.get("/{year}/turnout", response=list[BallotLiveOut])
def live_list_api(request: HttpRequest, year: int) -> Any:
    _live(request)
    found = []
    for session in live_sessions(request.user, get_cycle(request.user, year)):
        rows = selectors.turnout(session)
        found.append(
            {
                "id": session.pk,
                "name": session.name,
                "status": session.status,
                "expected": sum(r.expected for r in rows),
                "received": sum(r.ballots for r in rows),
            }
        )
    return found


@router.get("/{year}/sessions/{pk}/turnout", response=BallotTurnoutOut)
def live_turnout_api(request: HttpRequest, year: int, pk: int) -> Any:
    _live(request)
    session = get_live_session(request.user, get_cycle(request.user, year), pk)
    rows = _turnout_rows(session)
    return {
        "id": session.pk,
        "name": session.name,
        "status": session.status,
        "taking_ballots": selectors.taking_ballots(session),
        "expected": sum(r["expected"] for r in rows),
        "received": sum(r["ballots"] for r in rows),
        "groups": rows,
    }


# --- paper ballots ----------------------------------------------------------------------------------------

_PAPER_CODES = {
    "slot": "slot",
    "slot_taken": "slot",
    "same_typist": "slot",
    "number": "number",
    "committed": "number",
    "duplicate": "number",
    "missing": "number",
    "unpaired": "number",
    "agree": "number",
}


def _paper_refused(error: ValidationError, fields: list[paper.Field]) -> Refused:
    """A paper refusal under the field it concerns: ``values.<key>`` for what a message says of a target's
    question (「东城街道」的「总体评价」…), ``number`` or ``slot`` by the action's code, else the whole."""
    prefixes = []
    for f in fields:
        if f.key == paper.GROUP:
            prefixes += [(f"「{f.question}」", f.key), ("请选择评价人类别", f.key)]
        else:
            prefixes += [
                (f"「{f.target}」的「{f.question}」", f.key),
                (f"「{f.target}」的{f.question}", f.key),
            ]
            prefixes.append((f"请为「{f.target}」的「{f.question}」", f.key))
    prefixes.sort(key=lambda p: -len(p[0]))
    errors: dict[str, list[str]] = {}
    for each in error.error_list:
        for message in each.messages:
            name = _PAPER_CODES.get(each.code or "")
            if name is None:
                key = next((key for prefix, key in prefixes if message.startswith(prefix)), None)
                name = f"values.{key}" if key else NON_FIELD
            errors.setdefault(name, []).append(message)
    return Refused(errors)


def _known_values(values: dict[str, Any], fields: list[paper.Field]) -> None:
    keys = {f.key for f in fields}
    unknown = sorted(set(values) - keys)
    if unknown:
        raise Refused({f"values.{k}": [f"「{k}」不是本测评会纸质票的字段"] for k in unknown})


@router.get("/{year}/sessions/{pk}/paper", response=PaperOut)
def paper_home_api(request: HttpRequest, year: int, pk: int) -> Any:
    """The paper's form (its fields) and how far the typing is, in counts."""
    _typist(request)
    session = _paper_session(request, year, pk)
    overview = selectors.paper_overview(session)
    return {
        "is_open": session.status == SessionStatus.OPEN,
        "fields": [
            {"key": f.key, "target": f.target, "question": f.question, "choices": list(f.choices)}
            for f in overview.fields
        ],
        "typists": {
            slot: (str(overview.typists[slot]) if slot in overview.typists else None)
            for slot in TypistSlot.values
        },
        "entries": {slot: overview.entries.get(slot, 0) for slot in TypistSlot.values},
        "states": overview.counts,
        "ballots": session.ballot_count,
    }


def _entry_save(
    request: HttpRequest, year: int, pk: int, slot: str, payload: PaperEntryIn, replace: bool
) -> Any:
    _typist(request)
    session = _paper_session(request, year, pk)
    fields = selectors.session_fields(session)
    _known_values(payload.values, fields)
    try:
        actions.paper_entry_save(
            actor=request.user,
            session=session,
            slot=slot,
            number=payload.number,
            data=payload.values,
            replace=replace,
        )
    except ValidationError as error:
        raise _paper_refused(error, fields) from None
    return {"slot": slot, "entries": PaperEntry.objects.filter(session=session, slot=slot).count()}


@router.post(
    "/{year}/sessions/{pk}/paper/{slot}/entries", response={201: PaperEntryOut, 403: ApiError, 422: ApiError}
)
def paper_entry_create_api(
    request: HttpRequest, year: int, pk: int, slot: Literal["a", "b"], payload: PaperEntryIn
) -> Any:
    """Type one paper ballot in slot a (录入员甲) or b (录入员乙); the first entry claims the slot."""
    return Status(201, _entry_save(request, year, pk, slot, payload, replace=False))


@router.put(
    "/{year}/sessions/{pk}/paper/{slot}/entries", response={200: PaperEntryOut, 403: ApiError, 422: ApiError}
)
def paper_entry_correct_api(
    request: HttpRequest, year: int, pk: int, slot: Literal["a", "b"], payload: PaperEntryIn
) -> Any:
    """Correct one's own entry of a 票号 (any decision on it is dropped)."""
    return Status(200, _entry_save(request, year, pk, slot, payload, replace=True))


@router.post(
    "/{year}/sessions/{pk}/paper/{slot}/entries/delete",
    response={200: PaperEntryOut, 403: ApiError, 422: ApiError},
)
def paper_entry_delete_api(
    request: HttpRequest, year: int, pk: int, slot: Literal["a", "b"], payload: PaperNumberIn
) -> Any:
    _typist(request)
    session = _paper_session(request, year, pk)
    try:
        actions.paper_entry_delete(actor=request.user, session=session, slot=slot, number=payload.number)
    except ValidationError as error:
        raise _paper_refused(error, []) from None
    return Status(
        200, {"slot": slot, "entries": PaperEntry.objects.filter(session=session, slot=slot).count()}
    )


@router.get("/{year}/sessions/{pk}/paper/conflicts", response=list[PaperConflictOut])
def paper_conflicts_api(request: HttpRequest, year: int, pk: int) -> Any:
    """The 票号 still to settle and the fields that differ; never what either typist read."""
    _organiser(request)
    session = _paper_session(request, year, pk)
    overview = selectors.paper_overview(session)
    return [
        {"number": c.number, "state": c.state, "fields": [d.field.key for d in c.differences]}
        for c in overview.comparisons
        if c.state in ("conflict", "resolved", "only_a", "only_b")
    ]


def _reading(f: paper.Field, value: list[str] | str | None) -> object:
    """A value as an entry stores it: a list of choices in the paper's order, a text, or None for nothing."""
    if value is None or value == "" or value == []:
        return None
    if f.is_text or f.key == paper.GROUP:
        return " ".join(value).strip() if isinstance(value, list) else value.strip()
    picked = {value} if isinstance(value, str) else set(value)
    return [c for c in f.choices if c in picked] or sorted(picked)


@router.post("/{year}/sessions/{pk}/paper/resolve", response={200: PaperResolveOut, 422: ApiError})
def paper_resolve_api(request: HttpRequest, year: int, pk: int, payload: PaperResolveIn) -> Any:
    """Decide a 票号's differences by what the paper says: each must be 甲's or 乙's reading."""
    _organiser(request)
    session = _paper_session(request, year, pk)
    overview = selectors.paper_overview(session)
    found = next((c for c in overview.comparisons if c.number == payload.number.strip()), None)
    if found is None or found.state not in ("conflict", "resolved"):
        raise Refused({"number": [f"票号「{payload.number}」没有待裁定的差异"]})
    picks: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for d in found.differences:
        where = (
            f"「{d.field.target}」的「{d.field.question}」" if d.field.target else f"「{d.field.question}」"
        )
        if d.field.key not in payload.values:
            errors[f"values.{d.field.key}"] = [f"请填写纸质票上{where}的内容"]
            continue
        read = _reading(d.field, payload.values[d.field.key])
        if read == d.a:
            picks[d.field.key] = "a"
        elif read == d.b:
            picks[d.field.key] = "b"
        else:
            errors[f"values.{d.field.key}"] = [
                f"{where}：两名录入员都不是这样录入的；请让录入员对照纸质票更正录入"
            ]
    if errors:
        raise Refused(errors)
    try:
        resolution = actions.paper_resolve(
            actor=request.user, session=session, number=found.number, picks=picks
        )
    except ValidationError as error:
        raise _paper_refused(error, overview.fields) from None
    return Status(200, {"number": found.number, "decided": len(resolution.values)})


@router.post("/{year}/sessions/{pk}/paper/commit", response={200: PaperCommitOut, 422: ApiError})
def paper_commit_api(request: HttpRequest, year: int, pk: int) -> Any:
    _organiser(request)
    session = _paper_session(request, year, pk)
    try:
        done = actions.paper_ballots_commit(actor=request.user, session=session)
    except ValidationError as error:
        raise refused(error) from None
    return Status(
        200, {"ballots": done.ballots, "marks": done.marks, "answers": done.answers, "pending": done.pending}
    )


@router.post("/{year}/sessions/{pk}/paper/discard", response={200: PaperDiscardOut, 422: ApiError})
def paper_discard_api(request: HttpRequest, year: int, pk: int, payload: BallotConfirmIn) -> Any:
    _organiser(request)
    session = _paper_session(request, year, pk)
    entries = PaperEntry.objects.filter(session=session).count()
    resolutions = PaperResolution.objects.filter(session=session).count()
    _confirmed(
        payload.confirm,
        Confirmation(
            title=f"清除纸质票录入：{session.name}",
            consequence=f"两遍录入和裁定全部清除，不能恢复：{entries} 条录入、{resolutions} 条裁定。",
            action_url="",
            cancel_url="",
            button="",
        ),
    )
    try:
        counts = actions.paper_entries_discard(actor=request.user, session=session)
    except ValidationError as error:
        raise refused(error) from None
    return Status(200, counts)


@router.post("/{year}/sessions/{pk}/paper/import", response={200: PaperImportOut, 422: ApiError})
def paper_import_api(request: HttpRequest, year: int, pk: int, file: File[UploadedFile]) -> Any:
    """The workbook's 测评票 sheet into the open paper session: all or nothing, every problem under ``file``."""
    _organiser(request)
    session = _paper_session(request, year, pk)
    form = PaperImportForm({}, {"file": file})
    if not form.is_valid():
        raise Refused({"file": [e for errors in form.errors.values() for e in errors]})
    try:
        counts = actions.paper_ballots_import(
            actor=request.user, session=session, source=form.cleaned_data["file"]
        )
    except WorkbookError as error:
        raise Refused({"file": [str(p) for p in error.problems]}) from None
    except ValidationError as error:
        raise refused(error, "file") from None
    return Status(200, counts)
