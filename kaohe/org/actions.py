"""The roster's write functions: one per use-case, one transaction each, each writing its audit record.

Callers validate input with the forms in `forms.py` first; the structural rules (no parent cycle, a move
starts after the current position) are checked here again, so no caller can break them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.forms import validate_move_start, validate_unit_parent
from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory


def category_state(category: UnitCategory) -> dict[str, Any]:
    return {"name": category.name, "order": category.order}


def unit_state(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "category": unit.category.name,
        "parent": unit.parent.code if unit.parent_id else None,
    }


def cadre_state(cadre: Cadre) -> dict[str, Any]:
    return {
        "code": cadre.code,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_month": cadre.birth_month.strftime("%Y-%m") if cadre.birth_month else None,
        "current_unit": cadre.current_unit.code if cadre.current_unit_id else None,
    }


def position_state(position: Position) -> dict[str, Any]:
    return {
        "unit": position.unit.code,
        "title": position.title,
        "principal": position.principal,
        "start": position.start,
        "end": position.end,
    }


# --- categories -------------------------------------------------------------------------------------------


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


# --- cadres and positions ---------------------------------------------------------------------------------


def cadre_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    unit: Unit,
    title: str,
    principal: bool = False,
    start: datetime.date | None = None,
    gender: str = "",
    birth_month: datetime.date | None = None,
) -> Cadre:
    """A cadre with their first position, which becomes their current unit."""
    with transaction.atomic():
        cadre = Cadre.objects.create(
            code=code, name=name, gender=gender, birth_month=birth_month, current_unit=unit
        )
        position = Position.objects.create(
            cadre=cadre, unit=unit, title=title, principal=principal, start=start
        )
        audit_record(
            actor=actor,
            action="cadre.create",
            obj=cadre,
            after={**cadre_state(cadre), "position": position_state(position)},
        )
    return cadre


def cadre_update(
    *,
    actor: Actor,
    cadre: Cadre,
    code: str,
    name: str,
    gender: str = "",
    birth_month: datetime.date | None = None,
) -> Cadre:
    """A cadre's personal fields; positions change through `cadre_move` and `position_update`."""
    with transaction.atomic():
        before = cadre_state(cadre)
        cadre.code, cadre.name, cadre.gender, cadre.birth_month = code, name, gender, birth_month
        after = cadre_state(cadre)
        if after != before:
            cadre.save()
            audit_record(actor=actor, action="cadre.update", obj=cadre, before=before, after=after)
    return cadre


def cadre_move(
    *,
    actor: Actor,
    cadre: Cadre,
    unit: Unit,
    title: str,
    start: datetime.date,
    principal: bool = False,
) -> Position:
    """The cadre takes up a new position: the current one ends on `start`, and the history is kept."""
    with transaction.atomic():
        current = (
            Position.objects.select_for_update()
            .filter(cadre=cadre, end__isnull=True)
            .select_related("unit")
            .first()
        )
        validate_move_start(current=current, start=start)
        before = {**cadre_state(cadre), "position": position_state(current) if current else None}
        if current is not None:
            current.end = start
            current.save(update_fields=["end"])
        position = Position.objects.create(
            cadre=cadre, unit=unit, title=title, principal=principal, start=start
        )
        cadre.current_unit = unit
        cadre.save(update_fields=["current_unit"])
        after = {
            **cadre_state(cadre),
            "position": position_state(position),
            "closed": position_state(current) if current else None,
        }
        audit_record(actor=actor, action="cadre.move", obj=cadre, before=before, after=after)
    return position


def position_update(*, actor: Actor, position: Position, title: str, principal: bool) -> Position:
    """The title and principal flag of a position (a cadre's current one, from the views)."""
    with transaction.atomic():
        before = position_state(position)
        position.title, position.principal = title, principal
        after = position_state(position)
        if after != before:
            position.save(update_fields=["title", "principal"])
            audit_record(
                actor=actor,
                action="position.update",
                obj=position.cadre,
                object_repr=f"{position.cadre.name} · {position}",
                before=before,
                after=after,
            )
    return position
