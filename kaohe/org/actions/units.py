"""Unit categories and units, one at a time (a unit's parent never makes a cycle)."""

from __future__ import annotations

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.actions.states import category_state, unit_state
from kaohe.org.forms import validate_unit_parent
from kaohe.org.models import LeadershipTeam, Unit, UnitCategory


def category_create(*, actor: Actor, name: str, order: int = 0) -> UnitCategory:
    with transaction.atomic():
        category = UnitCategory.objects.create(name=name, order=order)
        audit_record(actor=actor, action="category.create", obj=category, after=category_state(category))
    return category


def category_update(*, actor: Actor, category: UnitCategory, name: str, order: int) -> UnitCategory:
    with transaction.atomic():
        before = category_state(category)
        category.name, category.order = name, order
        after = category_state(category)
        if after != before:
            category.save(update_fields=["name", "order"])
            audit_record(actor=actor, action="category.update", obj=category, before=before, after=after)
    return category


# --- units ------------------------------------------------------------------------------------------------


def unit_create(
    *, actor: Actor, code: str, name: str, category: UnitCategory, parent: Unit | None = None
) -> Unit:
    """A unit and its leadership team."""
    with transaction.atomic():
        unit = Unit.objects.create(code=code, name=name, category=category, parent=parent)
        LeadershipTeam.objects.create(unit=unit)
        audit_record(actor=actor, action="unit.create", obj=unit, after=unit_state(unit))
    return unit


def unit_update(
    *, actor: Actor, unit: Unit, code: str, name: str, category: UnitCategory, parent: Unit | None
) -> Unit:
    with transaction.atomic():
        validate_unit_parent(unit=unit, parent=parent)
        before = unit_state(unit)
        unit.code, unit.name, unit.category, unit.parent = code, name, category, parent
        after = unit_state(unit)
        if after != before:
            unit.save()
            audit_record(actor=actor, action="unit.update", obj=unit, before=before, after=after)
    return unit
