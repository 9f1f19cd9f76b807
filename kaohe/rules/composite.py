"""Composite scores of teams and cadres (rules §4): weighted means over the components present."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .arithmetic import WeightedMean, round_half_up, weighted_mean
from .model import Component
from .performance import NO_ADJUSTMENTS, Adjustments

TEAM_COMPONENTS = (Component.PERFORMANCE, Component.DEMOCRATIC)
CADRE_COMPONENTS = (Component.DEMOCRATIC, Component.PERFORMANCE, Component.REGULAR, Component.LEADER_RATING)


@dataclass(slots=True)
class Composite:
    values: dict[Component, Fraction | None]
    mean: WeightedMean[Component]
    adjustments: Adjustments  # the cadre's own; teams' 加减分 are in their unit's performance
    exact: Fraction | None
    rounded: Decimal | None  # as ranked and shown: rounded half-up to two decimals, once (§1)


def _composite(
    values: dict[Component, Fraction | None], weights: Mapping[Component, int], own: Adjustments
) -> Composite:
    mean = weighted_mean(weights, values)
    if mean.value is None:
        return Composite(values, mean, own, None, None)
    exact = mean.value + own.net if own is not NO_ADJUSTMENTS else mean.value
    return Composite(values, mean, own, exact, round_half_up(exact, 2))


def team_composite(
    performance: Fraction | None, democratic: Fraction | None, weights: Mapping[Component, int]
) -> Composite:
    values = {Component.PERFORMANCE: performance, Component.DEMOCRATIC: democratic}
    return _composite(values, weights, NO_ADJUSTMENTS)


def cadre_composite(
    values: dict[Component, Fraction | None], own: Adjustments, weights: Mapping[Component, int]
) -> Composite:
    """A cadre without any component has no composite, and then its own 加减分 have nothing to apply to."""
    return _composite(values, weights, own)
