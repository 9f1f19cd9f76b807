"""The committee's decisions on results, and its approvals of more 优秀 than a pool's quota."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import AssessmentCycle
from kaohe.results import selectors
from kaohe.results.actions.guards import current_state, refuse_when_sealed
from kaohe.results.models import (
    ComputeRun,
    Decision,
    DecisionKind,
    DecisionStatus,
    Kind,
    QuotaApproval,
    Result,
)
from kaohe.rules.model import PENDING, UNGRADED


def _decision_state(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "kind": decision.kind,
        "code": decision.code,
        "decision": decision.decision,
        "grade": decision.grade,
        "reason": decision.reason,
        "status": decision.status,
        "run": decision.run.version,
        "pool": decision.pool,
        "computed_grade": decision.computed_grade,
    }


def decision_record(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    run: ComputeRun,
    result: Result,
    decision: str,
    grade: str,
    reason: str,
) -> Decision:
    """Resolve a 待定 (优秀 or the default grade) or override a grade (reason required); replaces the
    target's earlier active decision."""
    reason = reason.strip()
    with transaction.atomic():
        lock_cycle(cycle)
        state = current_state(cycle, run)
        refuse_when_sealed(state)
        if result.run_id != run.pk:
            raise ValidationError("该结果不属于当前计算批次", code="stale")
        if (result.kind, result.code) in state.voided:
            raise ValidationError(f"「{result.name}」的结果已宣布无效，待重新考核", code="void")
        allowed = selectors.GRADES[Kind(result.kind)]
        if decision == DecisionKind.RESOLVE:
            if result.grade != PENDING:
                raise ValidationError(
                    f"「{result.name}」不是待定（计算等次：{result.grade}）", code="not_pending"
                )
            allowed = (
                "优秀",
                selectors.default_grade(result.kind, result.composite, selectors.run_settings(run)),
            )
        elif decision == DecisionKind.OVERRIDE:
            if not reason:
                raise ValidationError(f"调整「{result.name}」的等次必须填写理由", code="reason")
            if result.grade == UNGRADED:
                raise ValidationError(f"「{result.name}」本年度不定等次，不能调整等次", code="ungraded")
        else:
            raise ValidationError(f"「{decision}」不是有效的决定类型", code="kind")
        if grade not in allowed:
            raise ValidationError(
                f"「{grade}」不是「{result.name}」可选的等次（{'、'.join(allowed)}）", code="grade"
            )
        previous = Decision.objects.filter(
            cycle=cycle, kind=result.kind, code=result.code, status=DecisionStatus.ACTIVE
        ).first()
        if previous is not None:
            previous.status = DecisionStatus.WITHDRAWN
            previous.save(update_fields=["status"])
        made = Decision.objects.create(
            cycle=cycle,
            kind=result.kind,
            code=result.code,
            name=result.name,
            decision=decision,
            grade=grade,
            reason=reason,
            run=run,
            pool=result.pool,
            computed_grade=result.grade,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.decide",
            obj=made,
            before=_decision_state(previous),
            after=_decision_state(made),
        )
    return made


def decision_withdraw(*, actor: Actor, cycle: AssessmentCycle, decision: Decision) -> Decision:
    with transaction.atomic():
        lock_cycle(cycle)
        refuse_when_sealed(selectors.results_state(cycle))
        decision = Decision.objects.select_for_update().get(pk=decision.pk, cycle=cycle)
        if decision.status != DecisionStatus.ACTIVE:
            raise ValidationError(f"对「{decision.name}」的决定已不再有效", code="inactive")
        before = _decision_state(decision)
        decision.status = DecisionStatus.WITHDRAWN
        decision.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="result.decision_withdraw",
            obj=decision,
            before=before,
            after=_decision_state(decision),
        )
    return decision


def quota_approve(
    *, actor: Actor, cycle: AssessmentCycle, run: ComputeRun, kind: str, pool: str, reason: str
) -> QuotaApproval:
    """Record the committee's approval of the pool's present 优秀 count above its quota."""
    reason = reason.strip()
    with transaction.atomic():
        lock_cycle(cycle)
        state = current_state(cycle, run)
        refuse_when_sealed(state)
        found = selectors.pool_states(cycle, run, kind=kind, pool=pool)
        if not found:
            raise ValidationError(f"第{run.version}次计算结果中没有名额池「{pool}」", code="pool")
        p = found[0]
        if not p.over:
            raise ValidationError(
                f"名额池「{p.label}」优秀 {p.excellent} 个，未超过优秀名额 {p.quota} 个，无需批准",
                code="not_over",
            )
        if not reason:
            raise ValidationError(f"批准名额池「{p.label}」超额必须填写理由", code="reason")
        previous = QuotaApproval.objects.filter(
            cycle=cycle, kind=kind, pool=pool, status=DecisionStatus.ACTIVE
        ).first()
        if previous is not None:
            previous.status = DecisionStatus.WITHDRAWN
            previous.save(update_fields=["status"])
        approval = QuotaApproval.objects.create(
            cycle=cycle,
            kind=kind,
            pool=pool,
            quota=p.quota,
            excellent=p.excellent,
            reason=reason,
            run=run,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.quota_approve",
            obj=approval,
            before=None if previous is None else {"excellent": previous.excellent, "reason": previous.reason},
            after={"kind": kind, "pool": pool, "quota": p.quota, "excellent": p.excellent, "reason": reason},
        )
    return approval
