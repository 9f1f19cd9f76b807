"""Results over JSON, read-only, for organisers, the committee and leaders (as the review pages); and the
党风廉政意见 asked before 公示 (``/api/results/{year}/clearance``, ``/api/results/clearance/requests``).

``/api/results/{year}/runs`` lists the runs; ``/api/results/{year}/pools`` the current run's quota pools
with the decisions applied; ``/api/results/{year}/pools/{kind}/{pool}`` a pool's ranking.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kaohe.accounts.access import (
    CLEARANCE_ANSWERERS,
    CLEARANCE_READERS,
    CLEARANCE_RESOLVERS,
    CLEARANCE_SENDERS,
)
from kaohe.audit.reads import audit_read
from kaohe.plans.selectors import get_cycle
from kaohe.results import actions, clearance, selectors
from kaohe.results.views import RESULT_READERS

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


def _cycle(request: HttpRequest, year: int):
    if not request.user.has_role(*RESULT_READERS):
        raise HttpError(403, "当前账号无权执行此操作")
    return get_cycle(request.user, year)


@router.get("/{year}/runs", response=list[RunOut])
def list_runs(request: HttpRequest, year: int):
    cycle = _cycle(request, year)
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
    cycle = _cycle(request, year)
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
    cycle = _cycle(request, year)
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


class ClearanceAnswerIn(Schema):
    answer: str  # clear 无反映 | check 有反映需核实 | refuse 不同意
    note: str = ""


class ClearanceResolveIn(Schema):
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


def _clearance_cycle(request: HttpRequest, year: int, roles: tuple[str, ...]):
    if not request.user.has_role(*roles):
        raise HttpError(403, "当前账号无权执行此操作")
    return get_cycle(request.user, year)


def _refused(error: ValidationError) -> HttpError:
    return HttpError(422, "；".join(error.messages))


@router.get("/{year}/clearance", response=list[ClearanceOut])
def clearance_list(request: HttpRequest, year: int):
    cycle = _clearance_cycle(request, year, CLEARANCE_READERS)
    return [_clearance_out(r) for r in clearance.requests(cycle).values()]


@router.post("/{year}/clearance", response={201: list[ClearanceOut]})
def clearance_send(request: HttpRequest, year: int):
    cycle = _clearance_cycle(request, year, CLEARANCE_SENDERS)
    try:
        created = actions.clearance_request(actor=request.user, cycle=cycle, run=selectors.current_run(cycle))
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201, [_clearance_out(r) for r in created])


@router.post("/{year}/clearance/{pk}/resolve", response=ClearanceOut)
def clearance_resolve(request: HttpRequest, year: int, pk: int, payload: ClearanceResolveIn):
    cycle = _clearance_cycle(request, year, CLEARANCE_RESOLVERS)
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
def clearance_answer(request: HttpRequest, pk: int, payload: ClearanceAnswerIn):
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
