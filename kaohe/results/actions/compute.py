"""Compute runs: the rules engine over the cycle's inputs, stored with those inputs and the results."""

from __future__ import annotations

import datetime
import json
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor, user_of
from kaohe.anonymity import min_group
from kaohe.audit.actions import audit_record
from kaohe.bulk import gc_paused, insert_rows
from kaohe.crypto.configured import active_suite
from kaohe.org.models import Cadre, Unit
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import AssessmentCycle
from kaohe.results import canonical, selectors
from kaohe.results.actions.guards import refuse_when_sealed
from kaohe.results.inputs import cycle_assessment_input
from kaohe.results.models import (
    ComputeRun,
    Decision,
    DecisionKind,
    DecisionStatus,
    Kind,
    Quota,
    QuotaApproval,
    Result,
)
from kaohe.rules import assess, assessment_document
from kaohe.rules.disclosure import disclose_result
from kaohe.rules.errors import InputError
from kaohe.rules.model import PENDING, UNGRADED, Assessment, AssessmentInput


@dataclass(frozen=True)
class Computed:
    """A run's pieces, computed before the transaction that stores them."""

    data: AssessmentInput
    assessment: Assessment
    document: dict[str, Any]
    rows: dict[str, Any]
    packed: bytes  # the rows compressed
    digest: str  # of the rows (canonical.input_digest), under digest_algorithm
    digest_algorithm: str


def assess_cycle(cycle: AssessmentCycle) -> Computed:
    """Gather and assess; raises ``ValidationError`` with every input error."""
    with gc_paused():
        try:
            data = cycle_assessment_input(cycle)
            assessment = assess(data)
        except InputError as error:
            raise ValidationError(list(error.messages), code="input") from error
        rows = canonical.input_rows(data)
        algorithm = active_suite().digest.value
        packed, digest = canonical.encode(rows, algorithm)
        return Computed(data, assessment, assessment_document(assessment), rows, packed, digest, algorithm)


def compute_run_create(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    note: str = "",
    computed: Computed | None = None,
    at: datetime.datetime | None = None,
) -> ComputeRun:
    """Compute the cycle's results and store them as its next run; invalidate decisions that no longer fit.

    ``at`` dates the run when it is not now: only the demo's past years and tests pass it (a 公示 may not
    start before its run's date)."""
    computed = computed or assess_cycle(cycle)
    packed_document = zlib.compress(json.dumps(computed.document, ensure_ascii=False).encode(), 1)
    with transaction.atomic():
        lock_cycle(cycle)
        state = selectors.results_state(cycle)
        refuse_when_sealed(state)
        version = (state.run.version if state.run else 0) + 1
        user = user_of(actor)
        run = ComputeRun.objects.create(
            cycle=cycle,
            version=version,
            created_by=user,
            created_by_name=user.get_username() if user else str(actor),
            created_at=at or timezone.now(),
            note=note,
            input_digest=computed.digest,
            input_digest_algorithm=computed.digest_algorithm,
            inputs=computed.packed,
            settings=computed.rows["settings"],
            document=packed_document,
        )
        _store_results(run, computed.document)
        invalidated = _invalidate(cycle, run)
        audit_record(
            actor=actor,
            action="result.compute",
            obj=run,
            after={
                "version": version,
                "input_digest": computed.digest,
                "input_digest_algorithm": computed.digest_algorithm,
                "results": len(computed.document["results"]),
                "invalid_ballots": len(computed.document["invalid_ballots"]),
                "note": note,
                "invalidated": invalidated,
            },
        )
    return run


def decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _ids(model: Any, codes: set[str]) -> dict[str, int]:
    """Ids by code; the whole table when the codes are many (SQLite limits a query's parameters)."""
    rows = model.objects.filter(code__in=codes) if len(codes) <= 1000 else model.objects.all()
    return dict(rows.values_list("code", "id"))


RESULT_COLUMNS = (
    "run",
    "position",
    "kind",
    "code",
    "name",
    "unit",
    "cadre",
    "pool",
    "democratic",
    "performance",
    "composite",
    "rank",
    "pool_size",
    "grade",
    "flags",
    "explanation",
)


def _json(value: Any) -> str | None:
    """A JSON field's value as the database takes it (``json.dumps``, as Django writes it); None is NULL."""
    return None if value is None else json.dumps(value)


def _store_results(run: ComputeRun, document: dict[str, Any]) -> None:
    """The run's rows as plain tuples (COPY on PostgreSQL, executemany elsewhere): for 55,000 results,
    ``bulk_create`` spent several times the insert itself building instances and their SQL.

    The rows hold what the app may show (the k rule, rules/disclosure.py): a rater group of fewer than k
    ballots is merged into 其他 in ``democratic`` and the explanation. The run's document keeps every group."""
    weights = selectors.run_settings(run).rater_group_weights
    results = [disclose_result(r, weights, min_group()) for r in document["results"]]
    units = _ids(Unit, {r["unit"] for r in results})
    cadres = _ids(Cadre, {r["code"] for r in results if r["kind"] == Kind.CADRE})
    rows = [
        (
            run.pk,
            position,
            r["kind"],
            r["code"],
            r["name"],
            units[r["unit"]],
            cadres[r["code"]] if r["kind"] == Kind.CADRE else None,
            r["pool"],
            _json(r["democratic"]),
            decimal_or_none(r["performance"]),
            decimal_or_none(r["composite"]),
            r["rank"],
            r["pool_size"],
            r["grade"],
            _json(r["flags"]),
            r["explanation"],
        )
        for position, r in enumerate(results)
    ]
    insert_rows(Result, RESULT_COLUMNS, rows)
    Quota.objects.bulk_create(
        Quota(
            run=run,
            kind=q["kind"],
            pool=q["pool"],
            size=q["size"],
            theoretical=Decimal(q["theoretical"]),
            quota=q["quota"],
            excellent=q["excellent"],
            pending=q["pending"],
        )
        for q in document["quotas"]
    )


def _invalidate(cycle: AssessmentCycle, run: ComputeRun) -> list[dict[str, str]]:
    """Decisions and approvals that do not fit the new run lose effect, each with a notice saying why."""
    gone = []
    decisions = list(Decision.objects.filter(cycle=cycle, status=DecisionStatus.ACTIVE))
    results = {
        (k, c): (pool, grade)
        for k, c, pool, grade in Result.objects.filter(
            run=run, code__in=[d.code for d in decisions]
        ).values_list("kind", "code", "pool", "grade")
    }
    for decision in decisions:
        found = results.get((decision.kind, decision.code))
        notice = ""
        if found is None:
            notice = f"「{decision.name}」不在第{run.version}次计算结果中，决定失效"
        elif found[0] != decision.pool:
            notice = (
                f"「{decision.name}」的名额池由「{decision.pool}」变为「{found[0]}」，决定失效，请重新决定"
            )
        elif decision.decision == DecisionKind.RESOLVE and found[1] != PENDING:
            notice = f"第{run.version}次计算中「{decision.name}」已不是待定（计算等次：{found[1]}），决定失效"
        elif found[1] == UNGRADED and decision.computed_grade != UNGRADED:
            notice = f"第{run.version}次计算中「{decision.name}」不定等次，调整失效"
        if notice:
            decision.status, decision.notice = DecisionStatus.INVALIDATED, notice
            decision.save(update_fields=["status", "notice"])
            gone.append({"decision": decision.pk, "notice": notice})
    quotas = {(q.kind, q.pool): q.quota for q in Quota.objects.filter(run=run)}
    for approval in QuotaApproval.objects.filter(cycle=cycle, status=DecisionStatus.ACTIVE):
        quota = quotas.get((approval.kind, approval.pool))
        notice = ""
        if quota is None:
            notice = f"名额池「{approval.pool}」不在第{run.version}次计算结果中，超额批准失效"
        elif quota != approval.quota:
            notice = f"名额池「{approval.pool}」的优秀名额由 {approval.quota} 变为 {quota}，超额批准失效"
        if notice:
            approval.status = DecisionStatus.INVALIDATED
            approval.save(update_fields=["status"])
            gone.append({"approval": approval.pk, "notice": notice})
    return gone
