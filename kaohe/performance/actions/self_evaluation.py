"""The unit liaison's self-evaluation (自评) and its evidence."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit
from kaohe.performance.actions.checks import check_indicator, checked_score, plain_text
from kaohe.performance.models import (
    Evidence,
    SelfEvaluation,
)
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle, Indicator


def self_evaluation_state(evaluation: SelfEvaluation) -> dict[str, Any]:
    return {
        "unit": evaluation.unit.code,
        "indicator": evaluation.indicator.code,
        "claimed": plain_text(evaluation.claimed),
        "narrative": evaluation.narrative,
        "evidence": [e.name for e in evaluation.evidence.order_by("pk")] if evaluation.pk else [],
    }


def self_evaluation_save(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit,
    indicator: Indicator,
    claimed: Decimal,
    narrative: str = "",
    files: Sequence[UploadedFile] = (),
) -> SelfEvaluation:
    """Create or update a unit's self-evaluation on one indicator, adding evidence files to it."""
    claimed = checked_score(claimed, _("自评得分"))
    stored: list[str] = []
    try:
        with transaction.atomic():
            lock_cycle(cycle, Activity.INPUTS)
            check_indicator(cycle, unit, indicator)
            evaluation = (
                SelfEvaluation.objects.select_for_update()
                .select_related("unit", "indicator")
                .filter(unit=unit, indicator=indicator)
                .first()
            )
            before = self_evaluation_state(evaluation) if evaluation else None
            if evaluation is None:
                evaluation = SelfEvaluation(cycle=cycle, unit=unit, indicator=indicator)
            evaluation.claimed, evaluation.narrative, evaluation.updated_by = claimed, narrative, actor
            evaluation.save()
            for upload in files:
                evidence = Evidence(
                    self_evaluation=evaluation, name=upload.name[:200], size=upload.size, uploaded_by=actor
                )
                evidence.file.save(upload.name, upload, save=False)  # through the storage API, random name
                stored.append(evidence.file.name)
                evidence.save()
            after = self_evaluation_state(evaluation)
            if after != before:
                action = "self_evaluation.update" if before else "self_evaluation.create"
                audit_record(actor=actor, action=action, obj=evaluation, before=before, after=after)
    except BaseException:
        for name in stored:  # the rows are gone with the transaction; so must their files be
            default_storage.delete(name)
        raise
    return evaluation


def evidence_delete(*, actor: Actor, evidence: Evidence) -> None:
    evaluation = evidence.self_evaluation
    with transaction.atomic():
        lock_cycle(evaluation.cycle, Activity.INPUTS)
        before = {"name": evidence.name, "size": evidence.size, "self_evaluation": str(evaluation)}
        name = evidence.file.name
        audit_record(actor=actor, action="evidence.delete", obj=evidence, before=before)
        evidence.delete()
        transaction.on_commit(lambda: default_storage.delete(name))
