"""Quarterly 平时考核 grades, the annual override, and the plan's rules for the year's records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.audit.actions import audit_record
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.records.actions.guards import RecordsClosed, ensure_open, plain_number
from kaohe.records.models import Grade, QuarterlyGrade, RecordsRule, RegularOverride
from kaohe.rules.regular import QuarterGrade, reason_missing


def quarterly_grade_set(
    *, actor: Any, cycle: AssessmentCycle, assessed: AssessedCadre, quarter: int, grade: str, reason: str = ""
) -> QuarterlyGrade:
    """A cadre's 平时考核 grade for a quarter; 一般 and 较差 only with a reason."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"季度「{quarter}」应为 1–4", code="quarter")
    if grade not in Grade.values:
        raise ValidationError(f"等次「{grade}」应为好、较好、一般、较差之一", code="grade")
    if reason_missing(QuarterGrade(grade), reason):
        raise ValidationError(f"评为「{grade}」须写明理由", code="reason")
    with transaction.atomic():
        ensure_open(cycle)
        current = (
            QuarterlyGrade.objects.select_for_update()
            .filter(cycle=cycle, cadre_id=assessed.cadre_id, quarter=quarter)
            .first()
        )
        before = {"grade": current.grade, "reason": current.reason} if current else None
        if current is None:
            current = QuarterlyGrade(cycle=cycle, cadre_id=assessed.cadre_id, quarter=quarter)
        current.grade, current.reason, current.given_by = grade, reason.strip(), actor
        current.save()
        after = {"grade": grade, "reason": current.reason}
        if after != before:
            audit_record(
                actor=actor,
                action="quarterly_grade.set",
                obj=current,
                object_repr=f"{cycle.year} {assessed.cadre} 第{quarter}季度",
                before=before,
                after=after | {"cadre": assessed.cadre.code, "quarter": quarter},
            )
    return current


def regular_override_set(
    *, actor: Any, cycle: AssessmentCycle, assessed: AssessedCadre, score: Decimal | None, reason: str = ""
) -> RegularOverride | None:
    """The organiser types a cadre's annual 平时考核 over the quarterly grades' (with a reason); None clears it."""
    with transaction.atomic():
        ensure_open(cycle)
        current = (
            RegularOverride.objects.select_for_update()
            .filter(cycle=cycle, cadre_id=assessed.cadre_id)
            .first()
        )
        before = {"score": plain_number(current.score), "reason": current.reason} if current else None
        if score is None:
            if current is not None:
                current.delete()
                audit_record(
                    actor=actor,
                    action="regular_override.clear",
                    object_type="records.regularoverride",
                    object_id=str(assessed.cadre_id),
                    object_repr=f"{cycle.year} {assessed.cadre}",
                    before=before,
                )
            return None
        if not Decimal(0) <= score <= Decimal(100):
            raise ValidationError(f"平时考核「{plain_number(score)}」超出 0–100", code="score")
        if not reason.strip():
            raise ValidationError("改定平时考核须写明理由", code="reason")
        if current is None:
            current = RegularOverride(cycle=cycle, cadre_id=assessed.cadre_id)
        current.score, current.reason, current.set_by = score, reason.strip(), actor
        current.save()
        audit_record(
            actor=actor,
            action="regular_override.set",
            obj=current,
            object_repr=f"{cycle.year} {assessed.cadre}",
            before=before,
            after={"cadre": assessed.cadre.code, "score": plain_number(score), "reason": current.reason},
        )
    return current


RULE_FIELDS = (
    "score_good",
    "score_fairly_good",
    "score_average",
    "score_poor",
    "visits_per_month",
    "grader",
    "due_day",
)


def records_rule_update(*, actor: Any, cycle: AssessmentCycle, **values: Any) -> RecordsRule:
    """The plan's rules for the year's records; fixed with the plan from 评定 on."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.plan_frozen:
            raise RecordsClosed("工作方案在评定阶段后不能修改", code="frozen")
        rule, _ = RecordsRule.objects.get_or_create(cycle=cycle)
        before = {f: str(getattr(rule, f)) for f in RULE_FIELDS}
        for name, value in values.items():
            setattr(rule, name, value)
        rule.full_clean(exclude=["cycle"])
        rule.save()
        after = {f: str(getattr(rule, f)) for f in RULE_FIELDS}
        if after != before:
            audit_record(actor=actor, action="records_rule.update", obj=rule, before=before, after=after)
    return rule
