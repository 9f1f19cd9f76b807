"""Results over JSON: the decide stage as the results pages do it, on the same write functions
(``results.actions``) with the same role checks; and the 党风廉政意见 asked before 公示
(``/api/results/{year}/clearance``, ``/api/results/clearance/requests``).

Reads (organisers, the committee and leaders, as the review pages): ``/{year}/runs`` lists the runs;
``/{year}/pools`` the current run's quota pools with the decisions applied; ``/{year}/pools/{kind}/{pool}``
a pool's ranking; ``/{year}/compare`` two runs; decisions, notices, voids, what stops 定档, the sealed
results. Documents (organisers and the committee, as the export and the 审定表): a run's JSON document
(what ``kaohe assess --json`` prints, under the k rule), its results workbook, a unit's 审定表.

Writes: a compute is a job (202 and the job to follow at ``/api/jobs/{id}``, as the 计算 button); the
committee's decisions and withdrawals, quota approvals; 公示 (not before its run's date, on the working-day
calendar) and objections; the seal (after 公示's end); voids, followed by a new compute.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from kaohe.accounts.access import (
    CLEARANCE_ANSWERERS,
    CLEARANCE_READERS,
    CLEARANCE_RESOLVERS,
    CLEARANCE_SENDERS,
)
from kaohe.anonymity import min_group
from kaohe.api_errors import NON_FIELD, ApiError, Input, Refused, refused
from kaohe.audit.reads import audit_read
from kaohe.jobs.actions import JobBusy, job_start
from kaohe.jobs.api import JobOut, job_out
from kaohe.jobs.models import JobKind
from kaohe.org.models import Cadre, Unit
from kaohe.org.selectors import get_unit
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle
from kaohe.results import actions, clearance, feedback, selectors, tasks
from kaohe.results.approval_sheet import DOCX, approval_sheet, approval_sheet_docx
from kaohe.results.approval_sheet_views import APPROVAL_ROLES
from kaohe.results.exports import write_run_workbook
from kaohe.results.feedback_views import ACK_LIST_ROLES
from kaohe.results.models import Decision, Objection, PublicNotice, ResultVoid, Seal, VoidScope
from kaohe.results.views import RESULT_DECIDERS, RESULT_MANAGERS, RESULT_READERS
from kaohe.rules.disclosure import disclose_result

router = Router(tags=["results"])


class RunOut(Schema):
    version: int
    created_at: datetime.datetime
    created_by: str
    note: str
    input_digest: str
    input_digest_algorithm: str  # sha256, sm3


class PoolOut(Schema):
    kind: str
    pool: str
    label: str
    size: int
    theoretical: Decimal
    quota: int
    excellent: int
    pending: int
    approved: bool


class ResultOut(Schema):
    kind: str
    code: str
    name: str
    unit: str
    pool: str
    democratic: dict[str, Any] | None
    performance: Decimal | None
    composite: Decimal | None
    rank: int | None
    pool_size: int
    computed_grade: str
    grade: str
    manual: bool
    manual_reason: str
    void: bool
    flags: list[str]
    explanation: str


@router.get("/{year}/runs", response=list[RunOut])
def list_runs(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, RESULT_READERS)
    return [
        RunOut(
            version=r.version,
            created_at=r.created_at,
            created_by=str(r.created_by or r.created_by_name),
            note=r.note,
            input_digest=r.input_digest,
            input_digest_algorithm=r.input_digest_algorithm,
        )
        for r in selectors.runs(cycle)
    ]


@router.get("/{year}/pools", response=list[PoolOut])
def list_pools(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, RESULT_READERS)
    run = selectors.current_run(cycle)
    if run is None:
        return []
    return [
        PoolOut(
            kind=p.kind,
            pool=p.pool,
            label=p.label,
            size=p.size,
            theoretical=p.theoretical,
            quota=p.quota,
            excellent=p.excellent,
            pending=p.pending,
            approved=p.approved,
        )
        for p in selectors.pool_states(cycle, run)
    ]


@router.get("/{year}/pools/{kind}/{pool}", response=list[ResultOut])
def pool_ranking(request: HttpRequest, year: int, kind: str, pool: str):
    cycle = get_cycle(request.user, year, RESULT_READERS)
    state = selectors.results_state(cycle)
    if state.run is None:
        raise HttpError(404, "尚未计算考核结果")
    results = list(selectors.pool_results(state.run, kind, pool))
    if not results:
        raise HttpError(404, f"没有名额池「{pool}」")
    audit_read(request.user, "results.api", state.run, version=state.run.version, pool=f"{kind}:{pool}")
    out = []
    for d in selectors.decided_results(cycle, results, state.voided):
        r = d.result
        out.append(
            ResultOut(
                kind=r.kind,
                code=r.code,
                name=r.name,
                unit=r.unit.code,
                pool=r.pool,
                democratic=r.democratic,
                performance=r.performance,
                composite=r.composite,
                rank=r.rank,
                pool_size=r.pool_size,
                computed_grade=r.grade,
                grade=d.grade,
                manual=d.manual,
                manual_reason=d.decision.reason if d.decision else "",
                void=d.void,
                flags=r.flags,
                explanation=r.explanation,
            )
        )
    return out


# --- 党风廉政意见 -------------------------------------------------------------------------------------------
# The committee's view (organisers and the committee) and the discipline-inspection body's own list, on the
# same write functions as the pages (results.actions.clearance). The body's list carries name, unit and
# post only.


class ClearanceOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    unit: str
    post: str
    requested_at: datetime.datetime
    answer: str
    answer_note: str
    answered_at: datetime.datetime | None
    resolution: str
    resolution_note: str


class ClearanceRequestOut(Schema):
    """What the discipline-inspection body sees of one request: no score, no rank, no ballot figure."""

    id: int
    year: int
    name: str
    unit: str
    post: str
    answer: str
    answer_note: str


class ClearanceAnswerIn(Input):
    answer: str  # clear 无反映 | check 有反映需核实 | refuse 不同意
    note: str = ""


class ClearanceResolveIn(Input):
    resolution: str  # keep 维持拟定优秀 | withdraw 不确定为优秀
    note: str


def _clearance_out(r: Any) -> ClearanceOut:
    return ClearanceOut(
        id=r.pk,
        kind=r.kind,
        code=r.code,
        name=r.name,
        unit=r.unit_name,
        post=r.post,
        requested_at=r.requested_at,
        answer=r.answer,
        answer_note=r.answer_note,
        answered_at=r.answered_at,
        resolution=r.resolution,
        resolution_note=r.resolution_note,
    )


def _refused(error: ValidationError) -> HttpError:
    return refused(error)


@router.get("/{year}/clearance", response=list[ClearanceOut])
def clearance_list(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, CLEARANCE_READERS)
    return [_clearance_out(r) for r in clearance.requests(cycle).values()]


@router.post("/{year}/clearance", response={201: list[ClearanceOut]})
def clearance_send(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, CLEARANCE_SENDERS)
    try:
        created = actions.clearance_request(actor=request.user, cycle=cycle, run=selectors.current_run(cycle))
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201, [_clearance_out(r) for r in created])


@router.post("/{year}/clearance/{pk}/resolve", response=ClearanceOut)
def clearance_resolve_api(request: HttpRequest, year: int, pk: int, payload: ClearanceResolveIn):
    cycle = get_cycle(request.user, year, CLEARANCE_RESOLVERS)
    try:
        r = actions.clearance_resolve(
            actor=request.user,
            request=clearance.get_request(cycle, pk),
            resolution=payload.resolution,
            note=payload.note,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return _clearance_out(r)


@router.get("/clearance/requests", response=list[ClearanceRequestOut])
def clearance_requests(request: HttpRequest):
    if not request.user.has_role(*CLEARANCE_ANSWERERS):
        raise HttpError(403, "当前账号无权执行此操作")
    return [
        ClearanceRequestOut(
            id=i["id"],
            year=i["cycle__year"],
            name=i["name"],
            unit=i["unit_name"],
            post=i["post"],
            answer=i["answer"],
            answer_note=i["answer_note"],
        )
        for i in clearance.requests_for_answer(request.user).values(*clearance.ANSWER_FIELDS)
    ]


@router.post("/clearance/requests/{pk}/answer", response=ClearanceRequestOut)
def clearance_answer_api(request: HttpRequest, pk: int, payload: ClearanceAnswerIn):
    if not request.user.has_role(*CLEARANCE_ANSWERERS):
        raise HttpError(403, "当前账号无权执行此操作")
    item = clearance.get_request_for_answer(request.user, pk)
    try:
        r = actions.clearance_answer(
            actor=request.user, request=item, answer=payload.answer, note=payload.note
        )
    except ValidationError as error:
        raise _refused(error) from error
    return ClearanceRequestOut(
        id=r.pk, year=r.cycle.year, name=r.name, unit=r.unit_name, post=r.post, answer=r.answer,
        answer_note=r.answer_note,
    )  # fmt: skip


# --- the decide stage -------------------------------------------------------------------------------------
# Compute, decisions, quota approvals, 公示 and objections, the seal, voids, and the documents the pages give:
# each operation calls the write function or selector its page calls, after the same role check.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_NOTICE_DAYS = 60  # as the page's form (NoticeForm)
XLSX_ANSWER = {
    "responses": {
        200: {
            "description": "结果工作簿",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
DOCX_ANSWER = {
    "responses": {
        200: {
            "description": "Word 文件",
            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _user(user: Any) -> str:
    return "" if user is None else str(user)


class ComputeRunIn(Input):
    note: str = Field("", max_length=500)


@router.post("/{year}/runs", response={202: JobOut, 409: ApiError})
def compute_api(request: HttpRequest, year: int, response: HttpResponse, payload: ComputeRunIn | None = None):
    """Start a compute of the cycle's results, as the page's 计算 button: the job to follow (``Location``)."""
    cycle = get_cycle(request.user, year, RESULT_MANAGERS)
    try:
        job = job_start(
            actor=request.user,
            kind=JobKind.COMPUTE,
            task=tasks.compute_job,
            cycle=cycle,
            note=payload.note.strip() if payload else "",
        )
    except JobBusy as busy:
        response["Location"] = f"/api/jobs/{busy.job.pk}"
        return Status(
            409,
            ApiError(
                detail=f"本年度考核正在计算（排队中或进行中），请等这次计算完成后再重新计算（任务 {busy.job.pk}）。"
            ),
        )
    job.refresh_from_db()  # a queue that runs tasks at once has finished it already
    shown = job_out(job)
    response["Location"] = shown.url
    return Status(202, shown)


@router.get("/{year}/runs/{version}/document", response=dict[str, Any])
def run_document_api(request: HttpRequest, year: int, version: int):
    """The run's JSON document, as ``kaohe assess --json`` prints it for the same data, under the k rule
    as everything the app shows (a rater group of fewer than k ballots merged into 其他)."""
    cycle = get_cycle(request.user, year, RESULT_DECIDERS)
    run = selectors.get_run(cycle, version)
    audit_read(request.user, "results.api", run, version=run.version)
    document = selectors.run_document(run)
    weights = selectors.run_settings(run).rater_group_weights
    return {**document, "results": [disclose_result(r, weights, min_group()) for r in document["results"]]}


@router.get("/{year}/runs/{version}/workbook", openapi_extra=XLSX_ANSWER)
def run_workbook(request: HttpRequest, year: int, version: int) -> HttpResponse:
    """The results workbook (结果, 名额, 无效票), as the page's export: the decisions applied to the current run."""
    cycle = get_cycle(request.user, year, RESULT_DECIDERS)
    run = selectors.get_run(cycle, version)
    audit_read(request.user, "results.export", run, year=cycle.year, version=run.version)
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write_run_workbook(run, spool)
    spool.seek(0)
    name = f"{cycle.year}年度考核结果-第{run.version}次计算.xlsx"
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX)


class RunMoveOut(Schema):
    kind: str
    code: str
    name: str
    pool: str
    old_grade: str | None
    new_grade: str | None
    old_rank: int | None
    new_rank: int | None
    reasons: list[str]


@router.get("/{year}/compare", response=list[RunMoveOut])
def runs_compare(request: HttpRequest, year: int, old: int, new: int):
    """Who moved between two runs (grade or rank), and which of their inputs changed."""
    cycle = get_cycle(request.user, year, RESULT_READERS)
    before, after = selectors.get_run(cycle, old), selectors.get_run(cycle, new)
    audit_read(request.user, "results.compare", cycle)
    return [RunMoveOut(**vars(move)) for move in selectors.compare_runs(before, after)]


# --- decisions and quota approvals ------------------------------------------------------------------------


class ResultDecisionIn(Input):
    kind: Literal["team", "cadre"]
    code: str = Field(max_length=32)
    decision: Literal["resolve", "override"]  # resolve a 待定, or override a grade (reason required)
    grade: str = Field(max_length=8)
    reason: str = ""


class ResultDecisionOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    decision: str
    grade: str
    reason: str
    status: str  # active | withdrawn | lapsed
    run: int  # the version decided on
    pool: str
    computed_grade: str
    created_by: str
    created_at: datetime.datetime


def _decision_out(d: Decision) -> ResultDecisionOut:
    return ResultDecisionOut(
        id=d.pk,
        kind=d.kind,
        code=d.code,
        name=d.name,
        decision=d.decision,
        grade=d.grade,
        reason=d.reason,
        status=d.status,
        run=d.run.version,
        pool=d.pool,
        computed_grade=d.computed_grade,
        created_by=_user(d.created_by),
        created_at=d.created_at,
    )


DECISION_FIELDS = {"kind": "decision", "grade": "grade", "reason": "reason", "not_pending": "code"}


@router.post("/{year}/runs/{version}/decisions", response={201: ResultDecisionOut})
def decision_record_api(request: HttpRequest, year: int, version: int, payload: ResultDecisionIn):
    """The committee's decision on a result of the current run: a 待定 resolved, or a grade overridden."""
    cycle = get_cycle(request.user, year, RESULT_DECIDERS)
    run = selectors.get_run(cycle, version)
    result = selectors.get_result_by_code(run, payload.kind, payload.code)
    try:
        made = actions.decision_record(
            actor=request.user,
            cycle=cycle,
            run=run,
            result=result,
            decision=payload.decision,
            grade=payload.grade,
            reason=payload.reason,
        )
    except ValidationError as error:
        raise refused(error, NON_FIELD, DECISION_FIELDS) from error
    return Status(201, _decision_out(made))


@router.get("/{year}/decisions", response=list[ResultDecisionOut])
def decision_list(request: HttpRequest, year: int):
    """Every decision of the cycle, newest first: the active ones and those withdrawn or lapsed."""
    cycle = get_cycle(request.user, year, RESULT_READERS)
    return [_decision_out(d) for d in selectors.decision_history(cycle)]


@router.post("/{year}/decisions/{pk}/withdraw", response=ResultDecisionOut)
def decision_withdraw_api(request: HttpRequest, year: int, pk: int):
    cycle = get_cycle(request.user, year, RESULT_DECIDERS)
    decision = selectors.get_decision(cycle, pk)
    try:
        withdrawn = actions.decision_withdraw(actor=request.user, cycle=cycle, decision=decision)
    except ValidationError as error:
        raise refused(error) from error
    return _decision_out(withdrawn)


class QuotaApprovalIn(Input):
    kind: Literal["team", "cadre"]
    pool: str = Field(max_length=100)
    reason: str


class QuotaApprovalOut(Schema):
    kind: str
    pool: str
    quota: int
    excellent: int
    reason: str
    run: int
    created_by: str
    created_at: datetime.datetime


@router.post("/{year}/runs/{version}/quota-approvals", response={201: QuotaApprovalOut})
def quota_approve_api(request: HttpRequest, year: int, version: int, payload: QuotaApprovalIn):
    """The committee's approval of a pool's 优秀 above its quota, as it stands now."""
    cycle = get_cycle(request.user, year, RESULT_DECIDERS)
    run = selectors.get_run(cycle, version)
    try:
        approval = actions.quota_approve(
            actor=request.user,
            cycle=cycle,
            run=run,
            kind=payload.kind,
            pool=payload.pool,
            reason=payload.reason,
        )
    except ValidationError as error:
        raise refused(error, NON_FIELD, {"pool": "pool", "not_over": "pool", "reason": "reason"}) from error
    return Status(
        201,
        QuotaApprovalOut(
            kind=approval.kind,
            pool=approval.pool,
            quota=approval.quota,
            excellent=approval.excellent,
            reason=approval.reason,
            run=run.version,
            created_by=_user(approval.created_by),
            created_at=approval.created_at,
        ),
    )


# --- 公示 and objections ----------------------------------------------------------------------------------


class ResultNoticeIn(Input):
    starts_on: datetime.date
    working_days: int | None = None  # the setting PUBLIC_NOTICE_WORKING_DAYS (5) when left out
    text: str = ""

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: int | None) -> int | None:
        # The page's form: 1 to 60 working days.
        if value is not None and value < 1:
            raise ValueError("公示期至少 1 个工作日")
        if value is not None and value > MAX_NOTICE_DAYS:
            raise ValueError(f"公示期最多 {MAX_NOTICE_DAYS} 个工作日")
        return value


class ResultObjectionIn(Input):
    received_on: datetime.date
    raised_by: str = Field("", max_length=100)
    subject: str = Field(max_length=100)
    content: str


class ObjectionHandlingIn(Input):
    handling: str


class ResultObjectionOut(Schema):
    id: int
    received_on: datetime.date
    raised_by: str
    subject: str
    content: str
    handling: str
    handled_at: datetime.datetime | None
    handled_by: str


class ResultNoticeOut(Schema):
    id: int
    run: int
    starts_on: datetime.date
    ends_on: datetime.date  # on the calendar when published (定档 waits for the end on today's calendar)
    working_days: int
    text: str
    excellent: list[dict[str, Any]]  # the proposed 优秀 as published: kind, code, name, unit, pool, post
    created_by: str
    created_at: datetime.datetime
    objections: list[ResultObjectionOut]


def _objection_out(o: Objection) -> ResultObjectionOut:
    return ResultObjectionOut(
        id=o.pk,
        received_on=o.received_on,
        raised_by=o.raised_by,
        subject=o.subject,
        content=o.content,
        handling=o.handling,
        handled_at=o.handled_at,
        handled_by=_user(o.handled_by),
    )


def _notice_out(cycle: AssessmentCycle, n: PublicNotice) -> ResultNoticeOut:
    return ResultNoticeOut(
        id=n.pk,
        run=n.run.version,
        starts_on=n.starts_on,
        ends_on=n.ends_on,
        working_days=n.working_days,
        text=n.text,
        excellent=selectors.with_posts(cycle, n.excellent),
        created_by=_user(n.created_by),
        created_at=n.created_at,
        objections=[_objection_out(o) for o in n.objections.all()],
    )


@router.get("/{year}/notices", response=list[ResultNoticeOut])
def notice_list(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, RESULT_READERS)
    notices = selectors.notices(cycle).prefetch_related("objections__handled_by")
    return [_notice_out(cycle, n) for n in notices]


@router.post("/{year}/notices", response={201: ResultNoticeOut})
def notice_publish_api(request: HttpRequest, year: int, payload: ResultNoticeIn):
    """Publish the current run's proposed 优秀 (公示): not before the run's date, for working days on the
    organiser's calendar; refused while a 待定, a void or an unapproved excess remains."""
    cycle = get_cycle(request.user, year, RESULT_MANAGERS)
    state = selectors.results_state(cycle)
    days = payload.working_days or actions.notice_working_days()
    try:
        published = actions.notice_publish(
            actor=request.user,
            cycle=cycle,
            run=state.run,  # type: ignore[arg-type]  # None: refused as the page's "尚未计算考核结果"
            starts_on=payload.starts_on,
            working_days=days,
            text=payload.text,
        )
    except ValidationError as error:
        raise refused(error, NON_FIELD, {"backdated": "starts_on", "days": "working_days"}) from error
    return Status(201, _notice_out(cycle, selectors.get_notice(cycle, published.pk)))


@router.post("/{year}/notices/{pk}/objections", response={201: ResultObjectionOut})
def objection_record_api(request: HttpRequest, year: int, pk: int, payload: ResultObjectionIn):
    """An objection received during 公示, recorded by the organiser."""
    cycle = get_cycle(request.user, year, RESULT_MANAGERS)
    notice = selectors.get_notice(cycle, pk)
    try:
        objection = actions.objection_record(
            actor=request.user,
            notice=notice,
            received_on=payload.received_on,
            raised_by=payload.raised_by,
            subject=payload.subject,
            content=payload.content,
        )
    except ValidationError as error:
        raise refused(error, NON_FIELD, {"date": "received_on", "required": "content"}) from error
    return Status(201, _objection_out(objection))


@router.post("/{year}/objections/{pk}/handle", response=ResultObjectionOut)
def objection_handle_api(request: HttpRequest, year: int, pk: int, payload: ObjectionHandlingIn):
    cycle = get_cycle(request.user, year, RESULT_MANAGERS)
    objection = selectors.get_objection(cycle, pk)
    try:
        handled = actions.objection_handle(actor=request.user, objection=objection, handling=payload.handling)
    except ValidationError as error:
        raise refused(error, NON_FIELD, {"required": "handling"}) from error
    return _objection_out(handled)


# --- the seal ---------------------------------------------------------------------------------------------


class ResultSealOut(Schema):
    id: int
    run: int
    hash: str
    algorithm: str  # sha256 | sm3
    shown: str  # "SHA-256: 66c7…" as the pages show it
    created_by: str
    created_at: datetime.datetime


class ResultFinalisationOut(Schema):
    """Where the cycle stands: the current run, whether it is sealed, and everything that stops 定档 today."""

    run: int | None
    finalised: bool
    problems: list[str]
    notice: int | None  # the current run's latest 公示
    notice_ends_on: datetime.date | None  # its end on today's working-day calendar
    seals: list[ResultSealOut]


def _seal_out(seal: Seal) -> ResultSealOut:
    return ResultSealOut(
        id=seal.pk,
        run=seal.run.version,
        hash=seal.hash,
        algorithm=seal.algorithm,
        shown=seal.shown,
        created_by=_user(seal.created_by),
        created_at=seal.created_at,
    )


@router.get("/{year}/finalisation", response=ResultFinalisationOut)
def finalisation_state(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, RESULT_READERS)
    state = selectors.results_state(cycle)
    notice = selectors.latest_notice(cycle, state.run) if state.run else None
    seals = cycle.seals.select_related("run", "created_by").order_by("-id")
    return ResultFinalisationOut(
        run=state.run.version if state.run else None,
        finalised=state.finalised,
        problems=selectors.finalisation_problems(cycle, state, timezone.localdate()),
        notice=notice.pk if notice else None,
        notice_ends_on=selectors.notice_end(notice) if notice else None,
        seals=[_seal_out(s) for s in seals],
    )


@router.post("/{year}/runs/{version}/finalise", response={201: ResultSealOut})
def results_seal_api(request: HttpRequest, year: int, version: int):
    """定档并封存: refused, naming each reason, until 公示 has ended (on today's calendar), every objection is
    handled and nothing waits; then the final results are stored, hashed and written into the audit chain."""
    cycle = get_cycle(request.user, year, RESULT_MANAGERS)
    run = selectors.get_run(cycle, version)
    try:
        seal = actions.results_seal(actor=request.user, cycle=cycle, run=run, today=timezone.localdate())
    except ValidationError as error:
        raise refused(error) from error
    return Status(201, _seal_out(seal))


class FinalResultOut(Schema):
    kind: str
    code: str
    name: str
    unit: str
    pool: str
    composite: Decimal | None
    rank: int | None
    pool_size: int
    grade: str
    computed_grade: str
    flags: list[str]
    manual: bool
    manual_reason: str
    void: bool  # declared 无效 since the seal, waiting for a new run


class FinalResultsOut(Schema):
    year: int
    seal: ResultSealOut
    results: list[FinalResultOut]


@router.get("/{year}/final", response=FinalResultsOut)
def final_results_api(request: HttpRequest, year: int):
    """The sealed final results of the latest seal; 404 before 定档."""
    cycle = get_cycle(request.user, year, RESULT_READERS)
    state = selectors.results_state(cycle)
    if state.seal is None:
        raise HttpError(404, "本年度考核结果尚未定档")
    audit_read(request.user, "results.api", state.seal.run, version=state.seal.run.version)
    voided = {(kind, code) for v in state.seal.voids.all() for kind, code in v.codes}
    return FinalResultsOut(
        year=cycle.year,
        seal=_seal_out(state.seal),
        results=[
            FinalResultOut(
                kind=r.kind,
                code=r.code,
                name=r.name,
                unit=r.unit.code,
                pool=r.pool,
                composite=r.composite,
                rank=r.rank,
                pool_size=r.pool_size,
                grade=r.grade,
                computed_grade=r.computed_grade,
                flags=r.flags,
                manual=r.manual,
                manual_reason=r.manual_reason,
                void=(r.kind, r.code) in voided,
            )
            for r in selectors.final_results(state.seal)
        ],
    )


# --- voids ------------------------------------------------------------------------------------------------


class ResultVoidIn(Input):
    scope: Literal["cycle", "unit", "cadre"]
    code: str = Field("", max_length=32)  # the unit's or the cadre's, for those scopes
    reason: str


class ResultVoidOut(Schema):
    id: int
    scope: str
    unit: str | None
    cadre: str | None
    targets: list[list[str]]  # [kind, code] of each result declared 无效
    run: int
    sealed: bool  # declared after the seal of that run
    reason: str
    created_by: str
    created_at: datetime.datetime


def _void_out(v: ResultVoid) -> ResultVoidOut:
    return ResultVoidOut(
        id=v.pk,
        scope=v.scope,
        unit=v.unit.code if v.unit else None,
        cadre=v.cadre.code if v.cadre else None,
        targets=v.codes,
        run=v.run.version,
        sealed=v.seal_id is not None,
        reason=v.reason,
        created_by=_user(v.created_by),
        created_at=v.created_at,
    )


@router.get("/{year}/voids", response=list[ResultVoidOut])
def void_list(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, RESULT_READERS)
    return [_void_out(v) for v in selectors.voids(cycle).order_by("-created_at", "-id")]


@router.post("/{year}/runs/{version}/void", response={201: ResultVoidOut})
def result_void_api(request: HttpRequest, year: int, version: int, payload: ResultVoidIn):
    """Declare results of the current run 无效 (the whole cycle, a unit's, a cadre's), with the reason;
    nothing is deleted, and a new compute follows once the data are corrected."""
    cycle = get_cycle(request.user, year, RESULT_MANAGERS)
    run = selectors.get_run(cycle, version)
    code = payload.code.strip()
    unit = cadre = None
    if payload.scope != VoidScope.CYCLE:
        if not code:
            raise Refused({"code": ["请填写要宣布无效的单位或干部的编码"]})
        if payload.scope == VoidScope.UNIT:
            unit = Unit.objects.filter(code=code).first()
        else:
            cadre = Cadre.objects.filter(code=code).first()
        if unit is None and cadre is None:
            raise Refused({"code": [f"编码「{code}」不是本年度考核的单位或干部"]})
    try:
        void = actions.result_void(
            actor=request.user,
            cycle=cycle,
            run=run,
            scope=payload.scope,
            unit=unit,
            cadre=cadre,
            reason=payload.reason,
        )
    except ValidationError as error:
        raise refused(
            error, NON_FIELD, {"reason": "reason", "scope": "scope", "empty": "code", "already": "code"}
        ) from error
    return Status(201, _void_out(void))


# --- the 审定表 -------------------------------------------------------------------------------------------


@router.get("/{year}/approval-sheets/{unit_id}/docx", openapi_extra=DOCX_ANSWER)
def approval_sheet_docx_api(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    """A unit's 审定表 as Word, as the page's download: the sealed results once 定档, else the draft."""
    cycle = get_cycle(request.user, year, APPROVAL_ROLES)
    unit = get_unit(request.user, unit_id)
    content = approval_sheet_docx(approval_sheet(cycle, unit))
    audit_read(request.user, "approval_sheet.download", unit, year=cycle.year)
    filename = f"{cycle.year}年度考核结果审定表-{unit.code}-{unit.name}.docx"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX)


# --- 本人意见: the owner's final result and its acknowledgement -------------------------------------------
# As 「我的考核结果」 (feedback_views): a cadre sees their own, a liaison their unit's team's, once sealed;
# the organiser sees who confirmed, who objected and who has not yet. Objects through results.feedback.


class AcknowledgementOut(Schema):
    opinion: str  # agree | object
    opinion_label: str  # 同意 | 有异议
    text: str
    by: str
    at: datetime.datetime | None


class OwnResultOut(Schema):
    year: int
    status: str  # pending (not sealed yet) | final | void (declared 无效, a new run follows)
    final_id: int | None  # what ``/api/results/mine/{final_id}/confirm`` takes
    kind: str | None
    code: str | None
    name: str | None
    unit: str | None
    grade: str | None
    composite: Decimal | None
    rank: int | None
    pool_size: int | None
    democratic: str | None
    performance: Decimal | None
    flags: list[str]  # in words
    decision: str  # the committee's decision on it, in words; "" when none
    acknowledgement: AcknowledgementOut | None
    can_acknowledge: bool


class AcknowledgeIn(Input):
    opinion: str  # agree 同意 | object 有异议 (with text)
    text: str = ""


class AcknowledgementRowOut(Schema):
    kind: str
    code: str
    name: str
    unit: str
    grade: str
    state: str  # agreed | objected | waiting
    void: bool
    acknowledgement: AcknowledgementOut | None


class AcknowledgementListOut(Schema):
    sealed: bool
    counts: dict[str, int]
    rows: list[AcknowledgementRowOut]


def _ack_out(ack: feedback.Acknowledgement | None) -> AcknowledgementOut | None:
    if ack is None:
        return None
    return AcknowledgementOut(
        opinion=ack.opinion, opinion_label=ack.opinion_label, text=ack.text, by=ack.by, at=ack.at
    )


def _own_out(item: feedback.Feedback) -> OwnResultOut:
    final = item.final
    return OwnResultOut(
        year=item.cycle.year,
        status=item.status,
        final_id=final.pk if final else None,
        kind=final.kind if final else None,
        code=final.code if final else None,
        name=final.name if final else None,
        unit=final.unit.code if final else None,
        grade=final.grade if final else None,
        composite=final.composite if final else None,
        rank=final.rank if final else None,
        pool_size=final.pool_size if final else None,
        democratic=item.democratic,
        performance=item.performance,
        flags=item.flags,
        decision=item.decision,
        acknowledgement=_ack_out(item.acknowledgement),
        can_acknowledge=item.can_acknowledge,
    )


def _own(request: HttpRequest) -> None:
    if not request.user.has_role(*feedback.FEEDBACK_ROLES):
        raise HttpError(403, "当前账号无权执行此操作")


@router.get("/mine", response=list[OwnResultOut])
def feedback_mine_api(request: HttpRequest):
    """My results (a cadre's own, a liaison's unit's team's), every cycle newest first."""
    _own(request)
    return [_own_out(item) for item in feedback.own_feedback(request.user)]


def _acknowledge_refused(error: ValidationError) -> Refused:
    errors: dict[str, list[str]] = {}
    for message in error.messages:
        field = "text" if "内容" in message else "opinion" if message.startswith("本人意见") else NON_FIELD
        errors.setdefault(field, []).append(message)
    return Refused(errors)


@router.post("/mine/{final_id}/confirm", response={201: OwnResultOut})
def result_acknowledge_api(request: HttpRequest, final_id: int, payload: AcknowledgeIn):
    """Confirm receipt of a sealed result with the 本人意见 (同意, or 有异议 and why): once, audited."""
    _own(request)
    final = feedback.get_own_final(request.user, final_id)
    try:
        actions.result_acknowledge(
            actor=request.user, final=final, opinion=payload.opinion, text=payload.text
        )
    except ValidationError as error:
        raise _acknowledge_refused(error) from error
    [item] = [i for i in feedback.own_feedback(request.user) if i.final and i.final.pk == final.pk]
    return Status(201, _own_out(item))


@router.get("/{year}/acknowledgements", response=AcknowledgementListOut)
def acknowledgement_list_api(request: HttpRequest, year: int, kind: str = "", state: str = ""):
    """Every sealed result of the cycle with its 本人意见: agreed, objected, or waiting (organisers)."""
    cycle = get_cycle(request.user, year, ACK_LIST_ROLES)
    listing = feedback.acknowledgement_list(cycle, kind=kind, state=state)
    return AcknowledgementListOut(
        sealed=listing.seal is not None,
        counts={state: listing.counts.get(state, 0) for state, _label in feedback.AckState.CHOICES},
        rows=[
            AcknowledgementRowOut(
                kind=row.final.kind,
                code=row.final.code,
                name=row.final.name,
                unit=row.final.unit.code,
                grade=row.final.grade,
                state=row.state,
                void=row.void,
                acknowledgement=_ack_out(row.acknowledgement),
            )
            for row in listing.rows
        ],
    )
