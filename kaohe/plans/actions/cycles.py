"""Cycles: created (copying last year's indicators and groups if asked), moved to the next phase, renamed and re-dated."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans.actions.states import PHASE_DATES, cycle_state, plan_state
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import (
    PHASE_ORDER,
    AssessmentCycle,
    AssessmentGroup,
    AssessmentPlan,
    Indicator,
    Phase,
)
from kaohe.plans.selectors import previous_cycle


def cycle_create(
    *,
    actor: Actor,
    year: int,
    name: str,
    copy_plan: bool = False,
    copy_indicators: bool = False,
    copy_groups: bool = False,
) -> AssessmentCycle:
    """A new cycle in 准备, optionally with last year's plan, indicators and groups."""
    with transaction.atomic():
        source = previous_cycle(year) if (copy_plan or copy_indicators or copy_groups) else None
        if source is None and (copy_plan or copy_indicators or copy_groups):
            raise ValidationError(f"没有早于 {year} 年度的考核，无可复制", code="nothing_to_copy")
        cycle = AssessmentCycle.objects.create(year=year, name=name)
        plan = AssessmentPlan(cycle=cycle)
        copied: dict[str, Any] = {}
        if source is not None and copy_plan:
            old = AssessmentPlan.objects.filter(cycle=source).first()
            if old is not None:
                plan.settings = {k: v for k, v in old.settings.items() if k != "year"}
                plan.notes = old.notes
            copied["plan"] = True
        plan.save()
        if source is not None and copy_indicators:
            Indicator.objects.bulk_create(
                Indicator(
                    cycle=cycle,
                    category_id=i.category_id,
                    code=i.code,
                    name=i.name,
                    weight=i.weight,
                    method=i.method,
                    department_id=i.department_id,
                )
                for i in Indicator.objects.filter(cycle=source)
            )
            copied["indicators"] = Indicator.objects.filter(cycle=cycle).count()
        if source is not None and copy_groups:
            for old_group in AssessmentGroup.objects.filter(cycle=source).prefetch_related(
                "members", "units"
            ):
                group = AssessmentGroup.objects.create(cycle=cycle, name=old_group.name)
                group.members.set(old_group.members.all())
                group.units.set(old_group.units.all())
            copied["groups"] = AssessmentGroup.objects.filter(cycle=cycle).count()
        after = {**cycle_state(cycle), "plan": plan_state(plan)}
        if source is not None:
            after["copied_from"] = source.year
            after["copied"] = copied
        audit_record(actor=actor, action="cycle.create", obj=cycle, after=after)
    return cycle


def next_phase(phase: str) -> str | None:
    position = PHASE_ORDER.index(phase)
    return PHASE_ORDER[position + 1] if position + 1 < len(PHASE_ORDER) else None


def cycle_advance(
    *, actor: Actor, cycle: AssessmentCycle, from_phase: str, on: datetime.date
) -> AssessmentCycle:
    """Move to the next phase (never back), recording `on` as that phase's date in the timeline.

    `from_phase` is the phase the caller saw: a second click on a stale page does not skip a phase.
    """
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        if fresh.phase != from_phase:
            raise ValidationError(
                f"考核已处于「{fresh.get_phase_display()}」阶段，页面已过期，请刷新后再操作", code="stale"
            )
        target = next_phase(fresh.phase)
        if target is None:
            raise ValidationError("考核已完成，没有下一阶段", code="completed")
        before = cycle_state(fresh)
        fresh.phase = target
        setattr(fresh, PHASE_DATES[Phase(target)], on)
        fresh.save(update_fields=["phase", PHASE_DATES[Phase(target)]])
        audit_record(actor=actor, action="cycle.advance", obj=fresh, before=before, after=cycle_state(fresh))
    cycle.refresh_from_db()
    return cycle


def cycle_update(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    name: str,
    implementation_date: datetime.date | None,
    evaluation_date: datetime.date | None,
    public_notice_date: datetime.date | None,
    completion_date: datetime.date | None,
) -> AssessmentCycle:
    """The name and the timeline's dates (planned, or corrected); the phase moves only by cycle_advance."""
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        before = cycle_state(fresh)
        fresh.name = name
        fresh.implementation_date = implementation_date
        fresh.evaluation_date = evaluation_date
        fresh.public_notice_date = public_notice_date
        fresh.completion_date = completion_date
        after = cycle_state(fresh)
        if after != before:
            fresh.save()
            audit_record(actor=actor, action="cycle.update", obj=fresh, before=before, after=after)
    cycle.refresh_from_db()
    return cycle
