"""Cadres and their positions, one at a time: created, corrected, moved to a new post."""

from __future__ import annotations

import datetime

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.actions.states import cadre_state, position_state
from kaohe.org.forms import validate_move_start
from kaohe.org.models import Cadre, Position, Unit


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
