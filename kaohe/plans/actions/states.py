"""What the audit records of each object of a cycle, before and after a write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    AssessmentPlan,
    Indicator,
    Phase,
    Target,
)
from kaohe.workbook import layout

# The timeline field each phase records its start in.
PHASE_DATES = {
    Phase.IMPLEMENTATION: "implementation_date",
    Phase.EVALUATION: "evaluation_date",
    Phase.PUBLIC_NOTICE: "public_notice_date",
    Phase.COMPLETED: "completion_date",
}


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


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
    """The audit's view of a plan: settings by their 参数 names, as entries written before the plan stored
    them by field name have them, so that every entry reads alike."""
    names = {setting.field: setting.name for setting in layout.SETTINGS}
    return {"settings": {names.get(k, k): v for k, v in plan.settings.items()}, "notes": plan.notes}


def indicator_state(indicator: Indicator) -> dict[str, Any]:
    return {
        "category": indicator.category.name,
        "code": indicator.code,
        "name": indicator.name,
        "weight": decimal_text(indicator.weight),
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
        "regular": decimal_text(item.regular),
        "probation": item.probation,
        "investigation": item.investigation,
        "priority": item.priority,
    }
