"""The plan's settings and notes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans.actions.states import plan_state
from kaohe.plans.forms import plan_problems
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import (
    AssessmentCycle,
    AssessmentPlan,
)
from kaohe.plans.selectors import used_rater_groups


def plan_update(
    *, actor: Actor, cycle: AssessmentCycle, settings: dict[str, str], notes: str
) -> AssessmentPlan:
    """Replace the plan's settings ({field: text}, blanks left out) and notes."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        problems = plan_problems(settings, year=cycle.year, used_groups=used_rater_groups(cycle))
        if problems:
            raise ValidationError([m for messages in problems.values() for m in messages], code="invalid")
        plan, _created = AssessmentPlan.objects.select_for_update().get_or_create(cycle=cycle)
        before = plan_state(plan)
        kept = {k: v for k, v in plan.settings.items() if k == "year"}
        plan.settings = {**kept, **{k: v.strip() for k, v in settings.items() if v and v.strip()}}
        plan.notes = notes
        after = plan_state(plan)
        if after != before:
            plan.save()
            audit_record(actor=actor, action="plan.update", obj=plan, before=before, after=after)
    return plan


def plan_clearance_set(*, actor: Actor, cycle: AssessmentCycle, required: bool) -> AssessmentPlan:
    """Whether 公示 waits for the 党风廉政意见 on every proposed 优秀 (a plan setting: fixed from 评定 on)."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        plan, _created = AssessmentPlan.objects.select_for_update().get_or_create(cycle=cycle)
        if plan.clearance_required != required:
            before = {"clearance_required": plan.clearance_required}
            plan.clearance_required = required
            plan.save(update_fields=["clearance_required"])
            audit_record(
                actor=actor,
                action="plan.clearance",
                obj=plan,
                before=before,
                after={"clearance_required": required},
            )
    return plan
