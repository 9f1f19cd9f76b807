"""What the input writes check: a score in 0–100, the unit assessed, the indicator of the unit's category."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.org.models import Unit
from kaohe.performance.forms import parse_score
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator


def checked_score(value: Any, what: str) -> Decimal:
    try:
        return parse_score(value)
    except ValidationError as error:
        raise ValidationError(f"{what}: {error.messages[0]}", code="score") from None


def assessed_category(cycle: AssessmentCycle, unit: Unit) -> int:
    category_id = (
        AssessedUnit.objects.filter(cycle=cycle, unit=unit).values_list("category_id", flat=True).first()
    )
    if category_id is None:
        raise ValidationError(
            _("%(unit)s不是%(cycle)s的参加考核单位") % {"unit": unit.name, "cycle": cycle.name},
            code="not_assessed",
        )
    return category_id


def check_indicator(cycle: AssessmentCycle, unit: Unit, indicator: Indicator) -> None:
    if indicator.cycle_id != cycle.pk or indicator.category_id != assessed_category(cycle, unit):
        raise ValidationError(
            _("指标「%(indicator)s」不属于%(unit)s在%(cycle)s的指标体系")
            % {"indicator": indicator.name, "unit": unit.name, "cycle": cycle.name},
            code="foreign_indicator",
        )


def plain_text(value: Any) -> str | None:
    """A score as the user typed it: 88, not 88.0000 as the database returns it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return None if value is None else str(value)
