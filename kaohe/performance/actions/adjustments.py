"""Bonuses and deductions (加减分): proposed with evidence, then approved or rejected by the organiser."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Unit
from kaohe.performance.actions.checks import checked_score, plain_text
from kaohe.performance.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle


def target_code(unit: Unit | None, cadre: Cadre | None) -> str:
    return unit.code if unit is not None else cadre.code if cadre is not None else ""


def adjustment_state(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "target": target_code(adjustment.unit, adjustment.cadre),
        "kind": adjustment.kind,
        "points": plain_text(adjustment.points),
        "reason": adjustment.reason,
        "evidence": bool(adjustment.evidence),
        "status": adjustment.status,
    }


def check_one_target(unit: Unit | None, cadre: Cadre | None) -> None:
    if (unit is None) == (cadre is None):
        raise ValidationError(_("加减分、一票否决须针对一个单位或一名干部"), code="target")


def save_evidence(record: Any, upload: UploadedFile | None, stored: list[str]) -> None:
    if upload:
        record.evidence.save(upload.name, upload, save=False)
        stored.append(record.evidence.name)


def discard_stored(stored: list[str]) -> None:
    for name in stored:
        default_storage.delete(name)


def adjustment_propose(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
    kind: str,
    points: Decimal,
    reason: str,
    evidence: UploadedFile | None = None,
) -> Adjustment:
    """A bonus or deduction, proposed; it counts only once approved (`adjustment_decide`)."""
    check_one_target(unit, cadre)
    if kind not in AdjustmentKind.values:
        raise ValidationError(_("类型「%(kind)s」无效（加分、扣分）") % {"kind": kind}, code="kind")
    points = checked_score(points, _("分值"))
    if points <= 0:
        raise ValidationError(_("分值「%(value)s」应大于 0") % {"value": points}, code="points")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写加减分原因"), code="reason")
    stored: list[str] = []
    try:
        with transaction.atomic():
            lock_cycle(cycle, Activity.INPUTS)
            adjustment = Adjustment(
                cycle=cycle,
                unit=unit,
                cadre=cadre,
                kind=kind,
                points=points,
                reason=reason,
                proposed_by=actor,
            )
            save_evidence(adjustment, evidence, stored)
            adjustment.save()
            audit_record(
                actor=actor, action="adjustment.propose", obj=adjustment, after=adjustment_state(adjustment)
            )
    except BaseException:
        discard_stored(stored)
        raise
    return adjustment


def adjustment_decide(*, actor: Actor, adjustment: Adjustment, approve: bool) -> Adjustment:
    """Approve or reject a proposed bonus or deduction; a decision is final."""
    with transaction.atomic():
        lock_cycle(adjustment.cycle, Activity.INPUTS)
        adjustment = (
            Adjustment.objects.select_for_update(of=("self",))
            .select_related("unit", "cadre")
            .get(pk=adjustment.pk)
        )
        if adjustment.status != AdjustmentStatus.PROPOSED:
            raise ValidationError(
                _("这条加减分已经%(status)s，不能再审批") % {"status": adjustment.get_status_display()},
                code="decided",
            )
        before = adjustment_state(adjustment)
        adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
        adjustment.decided_by, adjustment.decided_at = actor, timezone.now()
        adjustment.save(update_fields=["status", "decided_by", "decided_at"])
        action = "adjustment.approve" if approve else "adjustment.reject"
        audit_record(
            actor=actor, action=action, obj=adjustment, before=before, after=adjustment_state(adjustment)
        )
    return adjustment
