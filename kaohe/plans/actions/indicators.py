"""Indicators of a cycle: created, changed, deleted, imported from the indicator workbook."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import ScoringDepartment, UnitCategory
from kaohe.plans import indicator_workbook
from kaohe.plans.actions.agreement import direct_edit_refusals
from kaohe.plans.actions.states import decimal_text, indicator_state
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import (
    AssessmentCycle,
    Indicator,
)
from kaohe.workbook.sheets import Problems


def _check_indicator_code(
    cycle: AssessmentCycle, category: UnitCategory, code: str, exclude: Indicator | None = None
) -> None:
    taken = Indicator.objects.filter(cycle=cycle, category=category, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError(f"指标编码「{code}」在「{category.name}」中已存在", code="duplicate")


def _check_weight(weight: Decimal) -> None:
    if weight <= 0:
        raise ValidationError(f"权重 {decimal_text(weight)} 应大于0", code="weight")


def indicator_create(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    category: UnitCategory,
    code: str,
    name: str,
    weight: Decimal,
    method: str = "",
    department: ScoringDepartment | None = None,
) -> Indicator:
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        _check_indicator_code(cycle, category, code)
        _check_weight(weight)
        indicator = Indicator.objects.create(
            cycle=cycle,
            category=category,
            code=code,
            name=name,
            weight=weight,
            method=method,
            department=department,
        )
        audit_record(actor=actor, action="indicator.create", obj=indicator, after=indicator_state(indicator))
    return indicator


def _entered(indicator: Indicator) -> int:
    """Scores, verifications and self-evaluations already entered on an indicator."""
    return indicator.scores.count() + indicator.verifications.count() + indicator.self_evaluations.count()


def indicator_update(
    *,
    actor: Actor,
    indicator: Indicator,
    category: UnitCategory,
    code: str,
    name: str,
    weight: Decimal,
    method: str = "",
    department: ScoringDepartment | None = None,
) -> Indicator:
    with transaction.atomic():
        lock_cycle(indicator.cycle, Activity.PLAN)
        _check_indicator_code(indicator.cycle, category, code, exclude=indicator)
        _check_weight(weight)
        if category.pk != indicator.category_id and _entered(indicator):
            raise ValidationError(
                f"指标「{indicator.code}」已有得分或自评，不能改变其单位类别", code="has_scores"
            )
        before = indicator_state(indicator)
        indicator.category, indicator.code, indicator.name = category, code, name
        indicator.weight, indicator.method, indicator.department = weight, method, department
        after = indicator_state(indicator)
        if after != before:
            indicator.save()
            audit_record(actor=actor, action="indicator.update", obj=indicator, before=before, after=after)
    return indicator


def indicator_delete(*, actor: Actor, indicator: Indicator) -> None:
    """Refused once scores or self-evaluations were entered on it: deleting would lose them."""
    with transaction.atomic():
        lock_cycle(indicator.cycle, Activity.PLAN)
        entered = _entered(indicator)
        if entered:
            raise ValidationError(
                f"指标「{indicator.code}」已有 {entered} 条得分或自评，不能删除", code="has_scores"
            )
        # A target a unit proposed or had agreed goes only through the agreement (reopen, then revise).
        refusals = direct_edit_refusals(indicator.cycle)
        held = sorted(
            {t.unit.name for t in indicator.targets.select_related("unit") if t.unit_id in refusals}
        )
        if held:
            raise ValidationError(
                f"指标「{indicator.code}」有{'、'.join(held[:5])}{'等' if len(held) > 5 else ''}单位已提出或认定的"
                "目标任务，不能删除；如需调整，请先重新开启这些单位的目标任务认定",
                code="targets_agreed",
            )
        before = {**indicator_state(indicator), "targets": indicator.targets.count()}
        pk = indicator.pk
        indicator.delete()
        audit_record(
            actor=actor,
            action="indicator.delete",
            object_type="plans.indicator",
            object_id=str(pk),
            object_repr=str(indicator),
            before=before,
        )


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


def indicators_import(
    *, actor: Actor, cycle: AssessmentCycle, source: IO[bytes], file_name: str
) -> ImportCounts:
    """Create or update indicators by (单位类别, 指标编码) from a 指标 sheet; all or nothing.

    Raises WorkbookError listing every problem (sheet, row, column, value) and then nothing is saved.
    """
    problems = Problems()
    rows = indicator_workbook.read_indicators(source, problems)
    sheet = indicator_workbook.INDICATOR_SHEET
    categories = {c.name: c for c in UnitCategory.objects.all()}
    # 归口部门 is a department's code or its name; a name shared by two departments is ambiguous.
    departments: dict[str, ScoringDepartment | None] = {}
    for department in ScoringDepartment.objects.order_by("code"):
        departments[department.name] = None if department.name in departments else department
    for department in ScoringDepartment.objects.all():
        departments[department.code] = department
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.category is not None and row.category not in categories:
            problems.add(sheet, row.row, "单位类别", row.category, f"单位类别「{row.category}」不存在")
        if row.department and row.department not in departments:
            problems.add(sheet, row.row, "归口部门", row.department, f"归口部门「{row.department}」不存在")
        elif row.department and departments[row.department] is None:
            problems.add(
                sheet,
                row.row,
                "归口部门",
                row.department,
                f"有多个名为「{row.department}」的部门，请填写部门编码",
            )
        key = (row.category or "", row.code or "")
        if row.category is not None and row.code is not None and key in seen:
            problems.add(
                sheet,
                row.row,
                "指标编码",
                row.code,
                f"指标编码「{row.code}」在「{row.category}」中重复（已在第{seen[key]}行）",
            )
        seen.setdefault(key, row.row)
    with transaction.atomic():
        try:
            lock_cycle(cycle, Activity.PLAN)
        except ValidationError as error:
            problems.add("", None, None, None, error.messages[0])
        problems.check()
        existing = {
            (i.category.name, i.code): i
            for i in Indicator.objects.filter(cycle=cycle).select_related("category", "department")
        }
        created = updated = unchanged = 0
        changes = []
        for row in rows:
            indicator = existing.get((row.category, row.code))
            fields = {
                "name": row.name,
                "weight": row.weight,
                "method": row.method,
                "department": departments[row.department] if row.department else None,
            }
            if indicator is None:
                indicator = Indicator.objects.create(
                    cycle=cycle, category=categories[row.category], code=row.code, **fields
                )
                created += 1
                changes.append({"after": indicator_state(indicator)})
                continue
            before = indicator_state(indicator)
            for key, value in fields.items():
                setattr(indicator, key, value)
            after = indicator_state(indicator)
            if after == before:
                unchanged += 1
            else:
                indicator.save()
                updated += 1
                changes.append({"before": before, "after": after})
        audit_record(
            actor=actor,
            action="indicator.import",
            obj=cycle,
            after={"file": file_name, "created": created, "updated": updated, "changes": changes},
        )
    return ImportCounts(created, updated, unchanged)
