"""What the audit log keeps of a category, a unit, a cadre and a position, before and after each change."""

from __future__ import annotations

from typing import Any

from kaohe.org.models import Cadre, Position, Unit, UnitCategory


def category_state(category: UnitCategory) -> dict[str, Any]:
    return {"name": category.name, "order": category.order}


def unit_state(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "category": unit.category.name,
        "parent": unit.parent.code if unit.parent_id else None,
    }


def cadre_state(cadre: Cadre) -> dict[str, Any]:
    return {
        "code": cadre.code,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_month": cadre.birth_month.strftime("%Y-%m") if cadre.birth_month else None,
        "current_unit": cadre.current_unit.code if cadre.current_unit_id else None,
    }


def position_state(position: Position) -> dict[str, Any]:
    return {
        "unit": position.unit.code,
        "title": position.title,
        "principal": position.principal,
        "start": position.start,
        "end": position.end,
    }
