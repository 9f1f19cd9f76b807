"""Results over JSON, read-only, for organisers, the committee and leaders (as the review pages).

``/api/results/{year}/runs`` lists the runs; ``/api/results/{year}/pools`` the current run's quota pools
with the decisions applied; ``/api/results/{year}/pools/{kind}/{pool}`` a pool's ranking.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.audit.reads import audit_read
from kaohe.plans.selectors import get_cycle
from kaohe.results import selectors
from kaohe.results.views import RESULT_READERS

router = Router(tags=["results"])


class RunOut(Schema):
    version: int
    created_at: datetime.datetime
    created_by: str
    note: str
    input_digest: str


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
