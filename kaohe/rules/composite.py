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


@dataclass(frozen=True)
class Composite:
    values: dict[Component, Fraction | None]
    mean: WeightedMean[Component]
    adjustments: Adjustments  # the cadre's own; teams' 加减分 are in their unit's performance

    @property
    def exact(self) -> Fraction | None:
        if self.mean.value is None:
            return None
        return self.mean.value + self.adjustments.net

    @property
    def rounded(self) -> Decimal | None:
        """The composite as ranked and shown: rounded half-up to two decimals, once (§1)."""
        exact = self.exact
        return None if exact is None else round_half_up(exact, 2)


def team_composite(
    performance: Fraction | None, democratic: Fraction | None, weights: Mapping[Component, Fraction]
) -> Composite:
    values = {Component.PERFORMANCE: performance, Component.DEMOCRATIC: democratic}
    return Composite(values, weighted_mean(weights, values), NO_ADJUSTMENTS)


def cadre_composite(
    values: dict[Component, Fraction | None], own: Adjustments, weights: Mapping[Component, Fraction]
) -> Composite:
    """A cadre without any component has no composite, and then its own 加减分 have nothing to apply to."""
    return Composite(values, weighted_mean(weights, values), own)
