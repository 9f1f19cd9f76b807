"""The cycle's write functions: one per use-case, one transaction each, each writing its audit record.

Callers validate with the forms in `forms.py` first; the rules that keep a cycle sound are checked here
again under a row lock, so no caller can break them: nothing of the plan, the indicators, the targets or
the participants changes once the cycle has entered 评定 (`cycle.plan_frozen`), phases only move forward,
and a unit belongs to at most one assessment group of a cycle.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Position, ScoringDepartment, Unit, UnitCategory
from kaohe.plans import indicator_workbook
from kaohe.plans.forms import group_unit_conflicts, plan_problems
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import (
    PHASE_ORDER,
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    AssessmentPlan,
    Indicator,
    Phase,
    Target,
)
from kaohe.plans.selectors import previous_cycle, used_rater_groups
from kaohe.workbook.sheets import Problems

# The timeline field each phase records its start in.
PHASE_DATES = {
    Phase.IMPLEMENTATION: "implementation_date",
    Phase.EVALUATION: "evaluation_date",
    Phase.PUBLIC_NOTICE: "public_notice_date",
    Phase.COMPLETED: "completion_date",
}


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


# --- states for the audit ---------------------------------------------------------------------------------


def cycle_state(cycle: AssessmentCycle) -> dict[str, Any]:
    return {
        "year": cycle.year,
        "name": cycle.name,
        "phase": cycle.phase,
        "implementation_date": cycle.implementation_date,
        "evaluation_date": cycle.evaluation_date,
        "public_notice_date": cycle.public_notice_date,
        "completion_date": cycle.completion_date,
    }


def plan_state(plan: AssessmentPlan) -> dict[str, Any]:
    return {"settings": dict(plan.settings), "notes": plan.notes}


def indicator_state(indicator: Indicator) -> dict[str, Any]:
    return {
        "category": indicator.category.name,
        "code": indicator.code,
        "name": indicator.name,
        "weight": _plain(indicator.weight),
        "method": indicator.method,
        "department": indicator.department.code if indicator.department_id else None,
    }


def target_state(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "unit": target.unit.code,
        "indicator": target.indicator.code,
        "content": target.content,
        "amount": target.amount,
        "deadline": target.deadline,
    }


def group_state(group: AssessmentGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "members": sorted(group.members.values_list("username", flat=True)),
        "units": sorted(group.units.values_list("code", flat=True)),
    }


def assessed_unit_state(item: AssessedUnit) -> dict[str, Any]:
    return {"unit": item.unit.code, "category": item.category.name, "advanced": item.advanced}


def assessed_cadre_state(item: AssessedCadre) -> dict[str, Any]:
    return {
        "cadre": item.cadre.code,
        "unit": item.unit.code,
        "post": item.post,
        "principal": item.principal,
        "regular": _plain(item.regular),
        "probation": item.probation,
        "investigation": item.investigation,
        "priority": item.priority,
    }


# --- cycles -----------------------------------------------------------------------------------------------


def cycle_create(
    *,
    actor: Actor,
    year: int,
    name: str,
    copy_plan: bool = False,
    copy_indicators: bool = False,
    copy_groups: bool = False,
) -> AssessmentCycle:
    """A new cycle in 准备, optionally with last year's plan, indicators and groups."""
    with transaction.atomic():
        source = previous_cycle(year) if (copy_plan or copy_indicators or copy_groups) else None
        if source is None and (copy_plan or copy_indicators or copy_groups):
            raise ValidationError(f"没有早于 {year} 年度的考核，无可复制", code="nothing_to_copy")
        cycle = AssessmentCycle.objects.create(year=year, name=name)
        plan = AssessmentPlan(cycle=cycle)
        copied: dict[str, Any] = {}
        if source is not None and copy_plan:
            old = AssessmentPlan.objects.filter(cycle=source).first()
            if old is not None:
                plan.settings = {k: v for k, v in old.settings.items() if k != "年度"}
                plan.notes = old.notes
            copied["plan"] = True
        plan.save()
        if source is not None and copy_indicators:
            Indicator.objects.bulk_create(
                Indicator(
                    cycle=cycle,
                    category_id=i.category_id,
                    code=i.code,
                    name=i.name,
                    weight=i.weight,
                    method=i.method,
                    department_id=i.department_id,
                )
                for i in Indicator.objects.filter(cycle=source)
            )
            copied["indicators"] = Indicator.objects.filter(cycle=cycle).count()
        if source is not None and copy_groups:
            for old_group in AssessmentGroup.objects.filter(cycle=source).prefetch_related(
                "members", "units"
            ):
                group = AssessmentGroup.objects.create(cycle=cycle, name=old_group.name)
                group.members.set(old_group.members.all())
                group.units.set(old_group.units.all())
            copied["groups"] = AssessmentGroup.objects.filter(cycle=cycle).count()
        after = {**cycle_state(cycle), "plan": plan_state(plan)}
        if source is not None:
            after["copied_from"] = source.year
            after["copied"] = copied
        audit_record(actor=actor, action="cycle.create", obj=cycle, after=after)
    return cycle


def next_phase(phase: str) -> str | None:
    position = PHASE_ORDER.index(phase)
    return PHASE_ORDER[position + 1] if position + 1 < len(PHASE_ORDER) else None


def cycle_advance(
    *, actor: Actor, cycle: AssessmentCycle, from_phase: str, on: datetime.date
) -> AssessmentCycle:
    """Move to the next phase (never back), recording `on` as that phase's date in the timeline.

    `from_phase` is the phase the caller saw: a second click on a stale page does not skip a phase.
    """
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        if fresh.phase != from_phase:
            raise ValidationError(
                f"考核已处于「{fresh.get_phase_display()}」阶段，页面已过期，请刷新后再操作", code="stale"
            )
        target = next_phase(fresh.phase)
        if target is None:
            raise ValidationError("考核已完成，没有下一阶段", code="completed")
        before = cycle_state(fresh)
        fresh.phase = target
        setattr(fresh, PHASE_DATES[Phase(target)], on)
        fresh.save(update_fields=["phase", PHASE_DATES[Phase(target)]])
        audit_record(actor=actor, action="cycle.advance", obj=fresh, before=before, after=cycle_state(fresh))
    cycle.refresh_from_db()
    return cycle


def cycle_update(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    name: str,
    implementation_date: datetime.date | None,
    evaluation_date: datetime.date | None,
    public_notice_date: datetime.date | None,
    completion_date: datetime.date | None,
) -> AssessmentCycle:
    """The name and the timeline's dates (planned, or corrected); the phase moves only by cycle_advance."""
    with transaction.atomic():
        fresh = lock_cycle(cycle)
        before = cycle_state(fresh)
        fresh.name = name
        fresh.implementation_date = implementation_date
        fresh.evaluation_date = evaluation_date
        fresh.public_notice_date = public_notice_date
        fresh.completion_date = completion_date
        after = cycle_state(fresh)
        if after != before:
            fresh.save()
            audit_record(actor=actor, action="cycle.update", obj=fresh, before=before, after=after)
    cycle.refresh_from_db()
    return cycle


# --- the plan ---------------------------------------------------------------------------------------------


def plan_update(
    *, actor: Actor, cycle: AssessmentCycle, settings: dict[str, str], notes: str
) -> AssessmentPlan:
    """Replace the plan's settings ({参数 name: text}, blanks left out) and notes."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        problems = plan_problems(settings, year=cycle.year, used_groups=used_rater_groups(cycle))
        if problems:
            raise ValidationError([m for messages in problems.values() for m in messages], code="invalid")
        plan, _created = AssessmentPlan.objects.select_for_update().get_or_create(cycle=cycle)
        before = plan_state(plan)
        kept = {k: v for k, v in plan.settings.items() if k == "年度"}
        plan.settings = {**kept, **{k: v.strip() for k, v in settings.items() if v and v.strip()}}
        plan.notes = notes
        after = plan_state(plan)
        if after != before:
            plan.save()
            audit_record(actor=actor, action="plan.update", obj=plan, before=before, after=after)
    return plan


# --- participants -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    units: int
    cadres: int


def participants_enrol(
    *, actor: Actor, cycle: AssessmentCycle, units: QuerySet[Unit], with_cadres: bool = True
) -> Enrolment:
    """Enrol `units` (with their current category) and, if asked, their current cadres (with unit, post
    and principal flag of their current position). Those already enrolled are left as they are."""
    with transaction.atomic():
        lock_cycle(cycle, Activity.PLAN)
        enrolled = set(AssessedUnit.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
        new_units = [
            AssessedUnit(cycle=cycle, unit_id=pk, category_id=category_id)
            for pk, code, category_id in units.order_by("code").values_list("pk", "code", "category_id")
            if pk not in enrolled
        ]
        AssessedUnit.objects.bulk_create(new_units, batch_size=1000)
        new_cadres: list[AssessedCadre] = []
        if with_cadres:
            taken = set(AssessedCadre.objects.filter(cycle=cycle).values_list("cadre_id", flat=True))
            positions = (
                Position.objects.filter(end__isnull=True, unit__in=units)
                .order_by("unit__code", "-principal", "cadre__code")
                .values_list("cadre_id", "unit_id", "title", "principal")
            )
            new_cadres = [
                AssessedCadre(cycle=cycle, cadre_id=cadre, unit_id=unit, post=title, principal=principal)
                for cadre, unit, title, principal in positions
                if cadre not in taken
            ]
            AssessedCadre.objects.bulk_create(new_cadres, batch_size=1000)
        codes = dict(Unit.objects.filter(pk__in=[u.unit_id for u in new_units]).values_list("pk", "code"))
        cadre_codes = _cadre_codes([c.cadre_id for c in new_cadres])
        if new_units or new_cadres:
            audit_record(
                actor=actor,
                action="cycle.enrol",
                obj=cycle,
                after={
                    "units": sorted(codes[u.unit_id] for u in new_units),
                    "cadres": sorted(cadre_codes[c.cadre_id] for c in new_cadres),
                },
            )
    return Enrolment(units=len(new_units), cadres=len(new_cadres))


def _cadre_codes(ids: Iterable[int]) -> dict[int, str]:
    return dict(Cadre.objects.filter(pk__in=list(ids)).values_list("pk", "code"))


def assessed_unit_remove(*, actor: Actor, item: AssessedUnit) -> int:
    """Take a unit out of the cycle, with its assessed cadres and targets; returns the cadres removed."""
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        cadres = AssessedCadre.objects.filter(cycle_id=item.cycle_id, unit_id=item.unit_id).select_related(
            "cadre", "unit"
        )
        removed = sorted(c.cadre.code for c in cadres)
        targets = Target.objects.filter(cycle_id=item.cycle_id, unit_id=item.unit_id)
        before = {**assessed_unit_state(item), "cadres": removed, "targets": targets.count()}
        cadres.delete()
        targets.delete()
        item.delete()
        audit_record(
            actor=actor,
            action="cycle.unit_remove",
            object_type="plans.assessedunit",
            object_id=str(item.unit_id),
            object_repr=f"{item.cycle.year} {item.unit}",
            before=before,
        )
    return len(removed)


def assessed_unit_update(*, actor: Actor, item: AssessedUnit, advanced: bool) -> AssessedUnit:
    """The 先进单位 mark, which raises the cadres' 优秀 ratio."""
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        before = assessed_unit_state(item)
        item.advanced = advanced
        after = assessed_unit_state(item)
        if after != before:
            item.save(update_fields=["advanced"])
            audit_record(actor=actor, action="cycle.unit_update", obj=item, before=before, after=after)
    return item


def assessed_cadre_remove(*, actor: Actor, item: AssessedCadre) -> None:
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        before = assessed_cadre_state(item)
        pk = item.pk
        item.delete()
        audit_record(
            actor=actor,
            action="cycle.cadre_remove",
            object_type="plans.assessedcadre",
            object_id=str(pk),
            object_repr=f"{item.cycle.year} {item.cadre}",
            before=before,
        )


def assessed_cadre_update(
    *,
    actor: Actor,
    item: AssessedCadre,
    regular: Decimal | None,
    probation: bool,
    investigation: bool,
    priority: str,
) -> AssessedCadre:
    """The organiser's marks on a cadre: 平时考核, 试用期, 立案未结 and the 表现突出 reason."""
    with transaction.atomic():
        lock_cycle(item.cycle, Activity.PLAN)
        before = assessed_cadre_state(item)
        item.regular, item.probation, item.investigation = regular, probation, investigation
        item.priority = priority.strip()
        after = assessed_cadre_state(item)
        if after != before:
            item.save(update_fields=["regular", "probation", "investigation", "priority"])
            audit_record(actor=actor, action="cycle.cadre_update", obj=item, before=before, after=after)
    return item


# --- indicators -------------------------------------------------------------------------------------------


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
        raise ValidationError(f"权重 {_plain(weight)} 应大于0", code="weight")


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


# --- targets ----------------------------------------------------------------------------------------------


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


# --- groups -----------------------------------------------------------------------------------------------


def _check_group(cycle: AssessmentCycle, name: str, units: list[Unit], group: AssessmentGroup | None) -> None:
    taken = AssessmentGroup.objects.filter(cycle=cycle, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(f"考核组「{name}」已存在", code="duplicate")
    conflicts = group_unit_conflicts(cycle, units, exclude=group)
    if conflicts:
        raise ValidationError(conflicts, code="unit_taken")


def group_create(
    *, actor: Actor, cycle: AssessmentCycle, name: str, members: Iterable[Any], units: list[Unit]
) -> AssessmentGroup:
    with transaction.atomic():
        lock_cycle(cycle)  # serialises group writes of a cycle, so two groups cannot take one unit at once
        _check_group(cycle, name, units, None)
        group = AssessmentGroup.objects.create(cycle=cycle, name=name)
        group.members.set(list(members))
        group.units.set(units)
        audit_record(actor=actor, action="group.create", obj=group, after=group_state(group))
    return group


def group_update(
    *, actor: Actor, group: AssessmentGroup, name: str, members: Iterable[Any], units: list[Unit]
) -> AssessmentGroup:
    with transaction.atomic():
        lock_cycle(group.cycle)
        _check_group(group.cycle, name, units, group)
        before = group_state(group)
        if group.name != name:
            group.name = name
            group.save(update_fields=["name"])
        group.members.set(list(members))
        group.units.set(units)
        after = group_state(group)
        if after != before:
            audit_record(actor=actor, action="group.update", obj=group, before=before, after=after)
    return group


def group_delete(*, actor: Actor, group: AssessmentGroup) -> None:
    with transaction.atomic():
        lock_cycle(group.cycle)
        before = group_state(group)
        pk = group.pk
        group.delete()
        audit_record(
            actor=actor,
            action="group.delete",
            object_type="plans.assessmentgroup",
            object_id=str(pk),
            object_repr=str(group),
            before=before,
        )
