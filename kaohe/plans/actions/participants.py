"""Who is assessed in a cycle: units enrolled, marked, removed; cadres updated and removed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Position, Unit
from kaohe.plans.actions.states import assessed_cadre_state, assessed_unit_state
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    Target,
)


@dataclass(frozen=True)
class Enrolment:
    units: int
    cadres: int


def participants_enrol(
    *, actor: Actor, cycle: AssessmentCycle, units: QuerySet[Unit], with_cadres: bool = True
) -> Enrolment:
    """Enrol `units` (with their current category) and, if asked, their current cadres (with unit, post
    and principal flag of their current position). Those already enrolled are left as they are."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        enrolled = set(AssessedUnit.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
        new_units = [
            AssessedUnit(cycle=cycle, unit_id=pk, category_id=category_id)
            for pk, code, category_id in units.order_by("code").values_list("pk", "code", "category_id")
            if pk not in enrolled
        ]
        AssessedUnit.objects.bulk_create(new_units, batch_size=1000)
        new_cadres: list[AssessedCadre] = []
        if with_cadres:
            taken = set(AssessedCadre.objects.filter(cycle=cycle).values_list("cadre_id", flat=True))
            positions = (
                Position.objects.filter(end__isnull=True, unit__in=units)
                .order_by("unit__code", "-principal", "cadre__code")
                .values_list("cadre_id", "unit_id", "title", "principal")
            )
            new_cadres = [
                AssessedCadre(cycle=cycle, cadre_id=cadre, unit_id=unit, post=title, principal=principal)
                for cadre, unit, title, principal in positions
                if cadre not in taken
            ]
            AssessedCadre.objects.bulk_create(new_cadres, batch_size=1000)
        codes = dict(Unit.objects.filter(pk__in=[u.unit_id for u in new_units]).values_list("pk", "code"))
        cadre_codes = _cadre_codes([c.cadre_id for c in new_cadres])
        if new_units or new_cadres:
            audit_record(
                actor=actor,
                action="cycle.enrol",
                obj=cycle,
                after={
                    "units": sorted(codes[u.unit_id] for u in new_units),
                    "cadres": sorted(cadre_codes[c.cadre_id] for c in new_cadres),
                },
            )
    return Enrolment(units=len(new_units), cadres=len(new_cadres))


def _cadre_codes(ids: Iterable[int]) -> dict[int, str]:
    return dict(Cadre.objects.filter(pk__in=list(ids)).values_list("pk", "code"))


def assessed_unit_remove(*, actor: Actor, item: AssessedUnit) -> int:
    """Take a unit out of the cycle, with its assessed cadres and targets; returns the cadres removed."""
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        cadres = AssessedCadre.objects.filter(cycle_id=item.cycle_id, unit_id=item.unit_id).select_related(
            "cadre", "unit"
        )
        removed = sorted(c.cadre.code for c in cadres)
        targets = Target.objects.filter(cycle_id=item.cycle_id, unit_id=item.unit_id)
        before = {**assessed_unit_state(item), "cadres": removed, "targets": targets.count()}
        cadres.delete()
        targets.delete()
        item.delete()
        audit_record(
            actor=actor,
            action="cycle.unit_remove",
            object_type="plans.assessedunit",
            object_id=str(item.unit_id),
            object_repr=f"{item.cycle.year} {item.unit}",
            before=before,
        )
    return len(removed)


def assessed_unit_update(*, actor: Actor, item: AssessedUnit, advanced: bool) -> AssessedUnit:
    """The 先进单位 mark, which raises the cadres' 优秀 ratio."""
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        before = assessed_unit_state(item)
        item.advanced = advanced
        after = assessed_unit_state(item)
        if after != before:
            item.save(update_fields=["advanced"])
            audit_record(actor=actor, action="cycle.unit_update", obj=item, before=before, after=after)
    return item


def assessed_cadre_remove(*, actor: Actor, item: AssessedCadre) -> None:
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        before = assessed_cadre_state(item)
        pk = item.pk
        item.delete()
        audit_record(
            actor=actor,
            action="cycle.cadre_remove",
            object_type="plans.assessedcadre",
            object_id=str(pk),
            object_repr=f"{item.cycle.year} {item.cadre}",
            before=before,
        )


def assessed_cadre_update(
    *,
    actor: Actor,
    item: AssessedCadre,
    regular: Decimal | None,
    probation: bool,
    investigation: bool,
    priority: str,
) -> AssessedCadre:
    """The organiser's marks on a cadre: 平时考核, 试用期, 立案未结 and the 表现突出 reason."""
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        before = assessed_cadre_state(item)
        item.regular, item.probation, item.investigation = regular, probation, investigation
        item.priority = priority.strip()
        after = assessed_cadre_state(item)
        if after != before:
            item.save(update_fields=["regular", "probation", "investigation", "priority"])
            audit_record(actor=actor, action="cycle.cadre_update", obj=item, before=before, after=after)
    return item
