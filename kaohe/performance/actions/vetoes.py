"""One-vote vetoes (一票否决) on units."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Unit
from kaohe.performance.actions.adjustments import check_one_target, discard_stored, save_evidence, target_code
from kaohe.performance.models import (
    Veto,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle


def veto_state(veto: Veto) -> dict[str, Any]:
    return {"target": target_code(veto.unit, veto.cadre), "item": veto.item, "evidence": bool(veto.evidence)}


def veto_record(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
    item: str,
    evidence: UploadedFile | None = None,
) -> Veto:
    check_one_target(unit, cadre)
    item = (item or "").strip()
    if not item:
        raise ValidationError(_("请填写否决事项"), code="item")
    stored: list[str] = []
    try:
        with transaction.atomic():
            lock_cycle(cycle, Activity.INPUTS)
            veto = Veto(cycle=cycle, unit=unit, cadre=cadre, item=item, recorded_by=actor)
            save_evidence(veto, evidence, stored)
            veto.save()
            audit_record(actor=actor, action="veto.create", obj=veto, after=veto_state(veto))
    except BaseException:
        discard_stored(stored)
        raise
    return veto


def veto_delete(*, actor: Actor, veto: Veto) -> None:
    with transaction.atomic():
        lock_cycle(veto.cycle, Activity.INPUTS)
        name = veto.evidence.name if veto.evidence else ""
        audit_record(actor=actor, action="veto.delete", obj=veto, before=veto_state(veto))
        veto.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))
