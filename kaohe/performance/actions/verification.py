"""The assessor's verification (现场核验) of a self-evaluated score."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit
from kaohe.performance.actions.checks import check_indicator, checked_score, plain_text
from kaohe.performance.models import (
    Verification,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle, Indicator


def verification_state(verification: Verification) -> dict[str, Any]:
    return {
        "unit": verification.unit.code,
        "indicator": verification.indicator.code,
        "score": plain_text(verification.score),
        "reason": verification.reason,
    }


def verification_set(
    *, actor: Actor, cycle: AssessmentCycle, unit: Unit, indicator: Indicator, score: Decimal, reason: str
) -> Verification:
    """Set the verified score of a unit on an indicator; the reason is mandatory."""
    score = checked_score(score, _("核验得分"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写核验说明：核验得分必须说明理由"), code="reason")
    with transaction.atomic():
        lock_cycle(cycle, Activity.INPUTS)
        check_indicator(cycle, unit, indicator)
        verification = (
            Verification.objects.select_for_update()
            .select_related("unit", "indicator")
            .filter(unit=unit, indicator=indicator)
            .first()
        )
        before = verification_state(verification) if verification else None
        if verification is None:
            verification = Verification(cycle=cycle, unit=unit, indicator=indicator)
        verification.score, verification.reason, verification.verified_by = score, reason, actor
        after = verification_state(verification)
        if after != before:
            verification.save()
            action = "verification.update" if before else "verification.create"
            audit_record(actor=actor, action=action, obj=verification, before=before, after=after)
    return verification
