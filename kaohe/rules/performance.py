"""Unit performance, 绩效/实绩 (rules §3), and the bonuses and deductions of any target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, InvalidOperation
from fractions import Fraction

from .arithmetic import WeightedMean, plain, weighted_mean
from .model import Adjustment, AdjustmentKind, Component, Indicator, IndicatorScore, Unit


@dataclass(frozen=True)
class Adjustments:
    """A target's 加减分: bonuses summed then capped (加分上限), deductions summed and uncapped."""

    bonus: Fraction  # before the cap
    applied_bonus: Fraction
    deduction: Fraction
    bonus_reasons: tuple[str, ...]
    deduction_reasons: tuple[str, ...]

    @property
    def net(self) -> Fraction:
        return self.applied_bonus - self.deduction

    @property
    def capped(self) -> bool:
        return self.applied_bonus < self.bonus


# Exact: a product or sum of decimals never needs rounding at this precision (Inexact would say so).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Inexact])

NO_ADJUSTMENTS = Adjustments(Fraction(0), Fraction(0), Fraction(0), (), ())


def adjustments(items: Sequence[Adjustment], cap: Fraction) -> Adjustments:
    if not items:
        return NO_ADJUSTMENTS
    # Sorted, so that the explanation lists reasons in the same order whatever the row order.
    ordered = sorted(items, key=lambda a: (a.kind, -a.points, a.reason))
    bonuses = [a for a in ordered if a.kind is AdjustmentKind.BONUS]
    deductions = [a for a in ordered if a.kind is AdjustmentKind.DEDUCTION]
    bonus = sum((Fraction(a.points) for a in bonuses), Fraction(0))
    deduction = sum((Fraction(a.points) for a in deductions), Fraction(0))
    return Adjustments(
        bonus,
        min(bonus, cap),
        deduction,
        tuple(f"{a.reason}{plain(a.points)}分" for a in bonuses),
        tuple(f"{a.reason}{plain(a.points)}分" for a in deductions),
    )


def indicator_components(
    units: Sequence[Unit], indicators: Sequence[Indicator], scores: Sequence[IndicatorScore]
) -> dict[str, Fraction]:
    """指标考评 = Σ weightᵢ × scoreᵢ / 100 for each unit whose category keeps indicators.

    Products and sums of decimals are decimals, so the sum is taken in ``Decimal`` (in C, exactly) and
    made a fraction once per unit.
    """
    weights: dict[str, dict[str, Decimal]] = {}
    for indicator in indicators:
        weights.setdefault(indicator.category, {})[indicator.code] = indicator.weight
    by_code = {unit.code: unit for unit in units}
    multiply, add = _EXACT.multiply, _EXACT.add
    totals: dict[str, Decimal] = {}
    for score in scores:
        product = multiply(weights[by_code[score.unit].category][score.indicator], score.score)
        total = totals.get(score.unit)
        totals[score.unit] = product if total is None else add(total, product)
    return {code: Fraction(total) / 100 for code, total in totals.items()}


@dataclass(frozen=True)
class Performance:
    """A unit's performance: the weighted mean of its components, then its 加减分."""

    values: dict[Component, Fraction | None]
    mean: WeightedMean[Component]
    adjustments: Adjustments
    indicators_computed: bool  # 指标考评 from 指标得分 rather than given directly
    value: Fraction | None  # None when the unit has none of the components


def unit_performance(
    unit: Unit,
    computed_indicators: Fraction | None,
    unit_adjustments: Adjustments,
    weights: Mapping[Component, int],
) -> Performance:
    given = None if unit.indicator_score is None else Fraction(unit.indicator_score)
    values: dict[Component, Fraction | None] = {
        Component.INDICATORS: computed_indicators if computed_indicators is not None else given,
        Component.PUBLIC_SURVEY: None if unit.public_survey is None else Fraction(unit.public_survey),
        Component.LEADER_RATING: None if unit.leader_rating is None else Fraction(unit.leader_rating),
    }
    mean = weighted_mean(weights, values)
    value = None if mean.value is None else mean.value + unit_adjustments.net
    return Performance(values, mean, unit_adjustments, computed_indicators is not None, value)
