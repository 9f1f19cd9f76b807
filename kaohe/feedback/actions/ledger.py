"""The 结果运用 ledger: what was done with a result (谈话、调整、奖励…), recorded once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.feedback.actions.guards import clean_text
from kaohe.feedback.models import ActionKind, LetterKind, ResultAction
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessmentCycle
from kaohe.results.feedback import flag_labels, latest_seal
from kaohe.results.models import FinalResult


def result_action_record(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    unit: Unit,
    cadre: Cadre | None,
    action: str,
    decided_by: str,
    decided_on: datetime.date,
    document_no: str = "",
    held_on: datetime.date | None = None,
    held_by: str = "",
    coefficient: Decimal | None = None,
    note: str = "",
) -> ResultAction:
    """Record what was done with a sealed result (结果运用): the subject must have one in the cycle."""
    if action not in ActionKind.values:
        raise ValidationError(f"运用方式：没有「{action}」这一项。")
    label = ActionKind(action).label
    decided_by = clean_text("决定人/机关", decided_by, required=True, limit=100)
    document_no = clean_text("文号", document_no, limit=100)
    held_by = clean_text("谈话人/实施人", held_by, limit=100)
    note = clean_text("说明", note)
    if action in (ActionKind.COMMENDATION, ActionKind.MERIT) and not document_no:
        raise ValidationError(f"{label}：请填写文号。")
    if action == ActionKind.ADMONITION and (held_on is None or not held_by):
        raise ValidationError("诫勉谈话：请填写谈话日期和谈话人。")
    if action == ActionKind.BONUS and (coefficient is None or not Decimal(0) <= coefficient <= Decimal(5)):
        raise ValidationError(f"奖金系数：请填写 0 到 5 之间的数，现为「{coefficient}」。")
    if decided_on > timezone.localdate():
        raise ValidationError(f"决定日期：{decided_on} 晚于今天。")
    seal = latest_seal(cycle)
    kind = LetterKind.CADRE if cadre is not None else LetterKind.TEAM
    finals = (
        FinalResult.objects.filter(seal=seal, kind=kind, unit=unit) if seal else FinalResult.objects.none()
    )
    final = finals.filter(cadre=cadre).first() if cadre is not None else finals.first()
    if final is None:
        subject = cadre.name if cadre is not None else f"{unit.name}领导班子"
        raise ValidationError(f"{subject}在{cycle.year}年度没有已审定的考核结果。")
    with transaction.atomic():
        entry = ResultAction.objects.create(
            cycle=cycle,
            kind=kind,
            unit=unit,
            cadre=cadre,
            basis="、".join([final.grade, *flag_labels(final.flags)])[:50],
            action=action,
            document_no=document_no,
            held_on=held_on,
            held_by=held_by,
            coefficient=coefficient if action == ActionKind.BONUS else None,
            note=note,
            decided_by=decided_by,
            decided_on=decided_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="result_action.record",
            obj=entry,
            after={
                "subject": final.name,
                "action": action,
                "document_no": document_no,
                "held_on": held_on.isoformat() if held_on else None,
                "held_by": held_by,
                "coefficient": str(coefficient) if coefficient is not None else None,
                "decided_by": decided_by,
                "decided_on": decided_on.isoformat(),
            },
        )
    return entry
