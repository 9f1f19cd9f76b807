"""Sanctions (处分) of cadres."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre
from kaohe.performance.forms import sanction_names
from kaohe.performance.models import (
    Sanction,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle


def sanction_state(sanction: Sanction) -> dict[str, Any]:
    return {"cadre": sanction.cadre.code, "name": sanction.name, "year": sanction.year, "note": sanction.note}


def sanction_record(
    *, actor: Actor, cycle: AssessmentCycle, cadre: Cadre, name: str, year: int, note: str = ""
) -> Sanction:
    """Record a sanction on a cadre, entered while `cycle` takes inputs (its effects span later years)."""
    if name not in sanction_names():
        raise ValidationError(
            _("「%(name)s」不在处分影响表中（%(names)s）")
            % {"name": name, "names": "、".join(sanction_names())},
            code="name",
        )
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        sanction = Sanction.objects.create(cadre=cadre, name=name, year=year, note=(note or "").strip())
        audit_record(actor=actor, action="sanction.create", obj=sanction, after=sanction_state(sanction))
    return sanction


def sanction_delete(*, actor: Actor, cycle: AssessmentCycle, sanction: Sanction) -> None:
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        audit_record(actor=actor, action="sanction.delete", obj=sanction, before=sanction_state(sanction))
        sanction.delete()
