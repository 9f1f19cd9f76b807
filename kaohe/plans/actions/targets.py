"""Targets (目标任务): set one by one or imported from the target workbook."""

from __future__ import annotations

import datetime
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Unit
from kaohe.plans import indicator_workbook
from kaohe.plans.actions.agreement import direct_edit_refusal, direct_edit_refusals
from kaohe.plans.actions.indicators import ImportCounts
from kaohe.plans.actions.states import target_state
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import (
    AssessedUnit,
    AssessmentCycle,
    Indicator,
    Target,
)
from kaohe.workbook.sheets import Problems


def target_set(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    unit: Unit,
    indicator: Indicator,
    content: str,
    amount: str = "",
    deadline: datetime.date | None = None,
) -> Target | None:
    """Set a unit's target on an indicator; blank content deletes it. One target per unit and indicator."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        _check_target(cycle, unit, indicator)
        if refused := direct_edit_refusal(cycle, unit.pk):
            raise ValidationError(f"单位「{unit.name}」的{refused}", code="locked")
        target = (
            Target.objects.select_for_update().filter(cycle=cycle, unit=unit, indicator=indicator).first()
        )
        before = target_state(target)
        if not content.strip():
            if target is not None:
                target.delete()
                audit_record(
                    actor=actor,
                    action="target.delete",
                    obj=cycle,
                    object_repr=f"{unit} · {indicator}",
                    before=before,
                )
            return None
        if target is None:
            target = Target(cycle=cycle, unit=unit, indicator=indicator)
        target.content, target.amount, target.deadline = content.strip(), amount.strip(), deadline
        after = target_state(target)
        if after != before:
            target.save()
            audit_record(actor=actor, action="target.set", obj=target, before=before, after=after)
    return target


def _check_target(cycle: AssessmentCycle, unit: Unit, indicator: Indicator) -> None:
    item = AssessedUnit.objects.filter(cycle=cycle, unit=unit).first()
    if item is None:
        raise ValidationError(f"单位「{unit.name}」没有参加 {cycle.year} 年度考核", code="not_enrolled")
    if indicator.cycle_id != cycle.pk or indicator.category_id != item.category_id:
        raise ValidationError(
            f"指标「{indicator.code}」不是单位「{unit.name}」所属类别「{item.category}」的指标",
            code="category",
        )


def targets_import(
    *, actor: Actor, cycle: AssessmentCycle, source: IO[bytes], file_name: str
) -> ImportCounts:
    """Create or update targets by (单位编码, 指标编码) from a 目标任务 sheet; all or nothing."""
    problems = Problems()
    rows = indicator_workbook.read_targets(source, problems)
    sheet = indicator_workbook.TARGET_SHEET
    enrolled = {
        item.unit.code: item
        for item in AssessedUnit.objects.filter(cycle=cycle).select_related("unit", "category")
    }
    by_category: dict[tuple[int, str], Indicator] = {
        (i.category_id, i.code): i for i in Indicator.objects.filter(cycle=cycle)
    }
    seen: dict[tuple[str, str], int] = {}
    locked = direct_edit_refusals(cycle)
    for row in rows:
        if row.unit is None:
            continue
        item = enrolled.get(row.unit)
        if item is None:
            problems.add(
                sheet, row.row, "单位编码", row.unit, f"单位「{row.unit}」没有参加 {cycle.year} 年度考核"
            )
            continue
        if row.indicator is None:
            continue
        if (item.category_id, row.indicator) not in by_category:
            problems.add(
                sheet,
                row.row,
                "指标编码",
                row.indicator,
                f"单位类别「{item.category.name}」没有指标「{row.indicator}」",
            )
        key = (row.unit, row.indicator)
        if key in seen:
            problems.add(
                sheet,
                row.row,
                "指标编码",
                row.indicator,
                f"单位「{row.unit}」的指标「{row.indicator}」重复（已在第{seen[key]}行）",
            )
        seen.setdefault(key, row.row)
        if refused := locked.get(item.unit_id):
            problems.add(sheet, row.row, "单位编码", row.unit, f"单位「{item.unit.name}」的{refused}")
    with transaction.atomic():
        try:
            lock_cycle(cycle, Activity.PLAN)
        except ValidationError as error:
            problems.add("", None, None, None, error.messages[0])
        problems.check()
        existing = {
            (t.unit.code, t.indicator.code): t
            for t in Target.objects.filter(cycle=cycle).select_related("unit", "indicator")
        }
        created = updated = unchanged = 0
        changes = []
        for row in rows:
            item = enrolled[row.unit]
            indicator = by_category[(item.category_id, row.indicator)]
            target = existing.get((row.unit, row.indicator))
            before = target_state(target)
            if target is None:
                target = Target(cycle=cycle, unit=item.unit, indicator=indicator)
            target.content, target.amount, target.deadline = row.content, row.amount, row.deadline
            after = target_state(target)
            if after == before:
                unchanged += 1
                continue
            target.save()
            if before is None:
                created += 1
            else:
                updated += 1
            changes.append({"before": before, "after": after})
        audit_record(
            actor=actor,
            action="target.import",
            obj=cycle,
            after={"file": file_name, "created": created, "updated": updated, "changes": changes},
        )
    return ImportCounts(created, updated, unchanged)
