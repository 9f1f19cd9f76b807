"""The plan's settings as the rules engine's ``RuleSettings``: the one reading of a plan's 参数.

The plan's settings, stored by the engine's field names, are parsed through ``kaohe.workbook.layout`` exactly as ``kaohe assess`` reads the 参数
sheet (a blank or missing setting is its default); the year is the cycle's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.plans.models import AssessmentCycle, AssessmentPlan
from kaohe.rules.errors import InputError
from kaohe.rules.model import RuleSettings
from kaohe.workbook import layout
from kaohe.workbook.sheets import CellError, is_blank


def plan_rule_settings(year: int, values: Mapping[str, Any]) -> RuleSettings:
    """The plan's {field: text} as ``RuleSettings``; raises ``InputError`` naming every bad setting."""
    parsed: dict[str, Any] = {}
    errors = []
    for field, value in values.items():
        setting = layout.SETTINGS_BY_FIELD.get(field)
        if setting is None:
            errors.append(f"参数「{field}」不是有效的参数名称")
            continue
        if setting.field == "year" or is_blank(value):
            continue  # the cycle's year is the year; a blank value keeps the default
        try:
            parsed[setting.field] = setting.parse(value)
        except CellError as error:
            errors.append(f"参数 {setting.name}：{error}")
    if errors:
        raise InputError(errors)
    return RuleSettings(year=year, **parsed)


def cycle_rule_settings(cycle: AssessmentCycle) -> RuleSettings:
    plan = AssessmentPlan.objects.filter(cycle=cycle).values_list("settings", flat=True).first()
    return plan_rule_settings(cycle.year, plan or {})
