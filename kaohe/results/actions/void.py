"""Voiding a final result afterwards, with its reason; it is never deleted."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Unit
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import AssessmentCycle
from kaohe.results.actions.guards import current_state
from kaohe.results.models import (
    ComputeRun,
    Kind,
    Result,
    ResultVoid,
    VoidScope,
)


def result_void(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    run: ComputeRun,
    scope: str,
    reason: str,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
) -> ResultVoid:
    """Declare results of the current run 无效 (考核结果失实): the whole cycle, a unit (its team and the
    cadres assessed in it) or a cadre. Nothing is deleted; a new run follows."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("宣布结果无效必须填写原因", code="reason")
    with transaction.atomic():
        lock_cycle(cycle)
        state = current_state(cycle, run)
        results = Result.objects.filter(run=run)
        if scope == VoidScope.CYCLE:
            unit = cadre = None
            label = "全部考核结果"
        elif scope == VoidScope.UNIT and unit is not None:
            cadre = None
            results = results.filter(unit=unit)
            label = f"单位「{unit.name}」的考核结果"
        elif scope == VoidScope.CADRE and cadre is not None:
            unit = None
            results = results.filter(kind=Kind.CADRE, cadre=cadre)
            label = f"干部「{cadre.name}」的考核结果"
        else:
            raise ValidationError("请选择宣布无效的范围和对象", code="scope")
        codes = [[kind, code] for kind, code in results.order_by("position").values_list("kind", "code")]
        if not codes:
            raise ValidationError(f"第{run.version}次计算结果中没有{label}", code="empty")
        already = state.voided
        if all((kind, code) in already for kind, code in codes):
            raise ValidationError(f"{label}已宣布无效，待重新考核", code="already")
        seal = state.seal if state.seal is not None and state.seal.run_id == run.pk else None
        void = ResultVoid.objects.create(
            cycle=cycle,
            scope=scope,
            unit=unit,
            cadre=cadre,
            codes=codes,
            run=run,
            seal=seal,
            reason=reason,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result.void",
            obj=void,
            after={
                "scope": scope,
                "run": run.version,
                "sealed": seal.hash if seal else None,
                "targets": len(codes),
                "reason": reason,
            },
        )
    return void
