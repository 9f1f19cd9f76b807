"""Writes of 一报告两评议: the thresholds (part of the plan) and the outcome of a flag. One transaction each,
audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle
from kaohe.reviews import selectors, shares
from kaohe.reviews.models import Outcome, ReviewOutcome, ReviewSetting

FIELDS = ("selection_good_min", "promoted_agree_min", "promoted_disagree_max")
LABELS = {
    "selection_good_min": "选人用人工作好和较好比例低于",
    "promoted_agree_min": "新提拔干部认同和基本认同比例低于",
    "promoted_disagree_max": "新提拔干部不认同比例超过",
}
NOTE_MAX = 2000


def review_setting_update(*, actor: Actor, cycle: AssessmentCycle, **values: str) -> ReviewSetting:
    """Set the thresholds ("1/3", "60%", "0.6"; blank for none); every bad value is named at once."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name in FIELDS:
        text = (values.get(name) or "").strip()
        try:
            shares.parse_share(text)
        except shares.ShareError as error:
            errors[name] = [f"{LABELS[name]}：{error}"]
        cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cycle = lock_cycle(cycle, Activity.PLAN)
        setting, _created = ReviewSetting.objects.select_for_update().get_or_create(cycle=cycle)
        before = {name: getattr(setting, name) for name in FIELDS}
        for name, text in cleaned.items():
            setattr(setting, name, text)
        setting.save()
        audit_record(actor=actor, action="review.setting", obj=cycle, before=before, after=cleaned)
    return setting


def review_outcome_record(
    *, actor: Any, cycle: AssessmentCycle, kind: str, target_id: int, outcome: str, note: str
) -> ReviewOutcome:
    """Record how a flagged result was handled (核查 and its outcome), with the figure as it stands now.
    Only a flagged result takes an outcome; recording again replaces it (the audit keeps both)."""
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [
            f"处理结果「{outcome}」应为{'、'.join(str(label) for label in Outcome.labels)}之一"
        ]
    if not note:
        errors["note"] = ["核查情况：请填写。"]
    elif len(note) > NOTE_MAX:
        errors["note"] = [f"核查情况：最多 {NOTE_MAX} 字，现有 {len(note)} 字。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        row = selectors.get_row(actor, cycle, kind, target_id)
        if not row.flagged:
            raise ValidationError({"kind": [f"「{row.name}」的{row.kind_label}评议没有需核查的情形"]})
        lookup = {"unit_id": target_id} if kind == shares.SELECTION else {"cadre_id": target_id}
        existing = (
            ReviewOutcome.objects.select_for_update(of=("self",))
            .filter(cycle=cycle, kind=kind, **lookup)
            .order_by("pk")
            .first()
        )
        before = {"outcome": existing.outcome, "note": existing.note} if existing else None
        record = existing or ReviewOutcome(cycle=cycle, kind=kind, **lookup)
        record.outcome = outcome
        record.note = note
        record.figures = row.share.text[:300]
        record.flags = list(row.share.flags)
        record.recorded_by = actor
        record.recorded_at = timezone.now()
        record.save()
        audit_record(
            actor=actor,
            action="review.outcome",
            obj=record,
            before=before,
            after={"target": row.code, "kind": kind, "outcome": outcome, "note": note, "flags": record.flags},
        )
    return record


def special_result_apply(*, actor: Actor, cycle: AssessmentCycle, template_id: int, unit_id: int) -> Any:
    """Feed a 专项评议's score (its first two choices' share × 100) into the unit's 公众评议, as an input the
    organiser gives (results/inputs.py: a unit's collected public-survey answers still come first)."""
    from kaohe.plans.models import AssessedUnit

    with transaction.atomic():
        cycle = lock_cycle(cycle, Activity.INPUTS)
        row = selectors.get_special_row(actor, cycle, template_id, unit_id)
        if row.result.score is None:
            raise ValidationError(
                {"unit": [f"「{row.name}」的{row.template}有效评价不足 {row.result.k} 份，不能计入公众评议"]}
            )
        assessed = AssessedUnit.objects.select_for_update().filter(cycle=cycle, unit_id=unit_id).first()
        if assessed is None:
            raise ValidationError({"unit": [f"「{row.name}」不是{cycle.name}的考核单位"]})
        before = {"public_survey": assessed.public_survey}
        assessed.public_survey = row.result.score
        assessed.save(update_fields=["public_survey"])
        audit_record(
            actor=actor,
            action="review.special_apply",
            obj=assessed,
            before=before,
            after={
                "public_survey": assessed.public_survey,
                "template": row.template,
                "figures": row.result.text,
            },
        )
    return assessed
