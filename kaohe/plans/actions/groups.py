"""Assessment groups (考核组): their members and units, a unit in at most one group of a cycle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit
from kaohe.plans.actions.states import group_state
from kaohe.plans.forms import group_unit_conflicts
from kaohe.plans.gate import lock_cycle
from kaohe.plans.models import (
    AssessmentCycle,
    AssessmentGroup,
)


def _check_group(cycle: AssessmentCycle, name: str, units: list[Unit], group: AssessmentGroup | None) -> None:
    taken = AssessmentGroup.objects.filter(cycle=cycle, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(f"考核组「{name}」已存在", code="duplicate")
    conflicts = group_unit_conflicts(cycle, units, exclude=group)
    if conflicts:
        raise ValidationError(conflicts, code="unit_taken")


def group_create(
    *, actor: Actor, cycle: AssessmentCycle, name: str, members: Iterable[Any], units: list[Unit]
) -> AssessmentGroup:
    with transaction.atomic():
        lock_cycle(cycle)  # serialises group writes of a cycle, so two groups cannot take one unit at once
        _check_group(cycle, name, units, None)
        group = AssessmentGroup.objects.create(cycle=cycle, name=name)
        group.members.set(list(members))
        group.units.set(units)
        audit_record(actor=actor, action="group.create", obj=group, after=group_state(group))
    return group


def group_update(
    *, actor: Actor, group: AssessmentGroup, name: str, members: Iterable[Any], units: list[Unit]
) -> AssessmentGroup:
    with transaction.atomic():
        lock_cycle(group.cycle)
        _check_group(group.cycle, name, units, group)
        before = group_state(group)
        if group.name != name:
            group.name = name
            group.save(update_fields=["name"])
        group.members.set(list(members))
        group.units.set(units)
        after = group_state(group)
        if after != before:
            audit_record(actor=actor, action="group.update", obj=group, before=before, after=after)
    return group


def group_delete(*, actor: Actor, group: AssessmentGroup) -> None:
    with transaction.atomic():
        lock_cycle(group.cycle)
        before = group_state(group)
        pk = group.pk
        group.delete()
        audit_record(
            actor=actor,
            action="group.delete",
            object_type="plans.assessmentgroup",
            object_id=str(pk),
            object_repr=str(group),
            before=before,
        )
