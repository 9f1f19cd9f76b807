"""Exact arithmetic: ``Fraction`` inside the engine, ``Decimal`` rounded half-up at its edges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from .model import Rounding

K = TypeVar("K")

# Non-terminating intermediates (260/3) are carried to this many places in Decimal output fields; far
# finer than any display, so rounding them for display gives the same digits as rounding the fraction.
CARRIED_PLACES = 28

_WIDE = Context(prec=80)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero (Decimal's ROUND_HALF_UP)."""
    scaled = value.numerator * 10**places
    quotient, remainder = divmod(abs(scaled), value.denominator)
    if 2 * remainder >= value.denominator:
        quotient += 1
    sign = "-" if scaled < 0 and quotient else ""
    return Decimal(f"{sign}{quotient}E-{places}")


def to_decimal(value: Fraction) -> Decimal:
    """The exact decimal when there is one (87.5), otherwise ``value`` to ``CARRIED_PLACES`` places."""
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    return round_half_up(value, max(twos, fives) if rest == 1 else CARRIED_PLACES)


def display(value: Decimal, places: int = 2) -> str:
    """A score or share as shown to people: ``places`` decimals, rounded half-up."""
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE))


def display_fraction(value: Fraction, places: int = 2) -> str:
    return str(round_half_up(value, places))


def percent(value: Fraction) -> str:
    """A share as a percentage with two decimals: 1/3 → ``33.33%``."""
    return f"{round_half_up(value * 100, 2)}%"


def plain(value: Decimal | Fraction) -> str:
    """A setting or a weight without trailing zeros: 30, 0.5, 2/3 stays a fraction when it must."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        exact = to_decimal(value)
        return _strip(exact) if len(str(exact)) <= 12 else f"{value.numerator}/{value.denominator}"
    return _strip(value)


def _strip(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class WeightedMean(Generic[K]):
    """Σ wᵢ·xᵢ / Σ wᵢ over the parts that have a value; a part without one gives its weight to the rest.

    Parts with weight 0 are switched off: neither used nor reported missing.
    """

    value: Fraction | None
    used: tuple[K, ...]
    missing: tuple[K, ...]


def weighted_mean(weights: Mapping[K, Fraction], values: Mapping[K, Fraction | None]) -> WeightedMean[K]:
    used: list[K] = []
    missing: list[K] = []
    total = Fraction(0)
    weight_sum = Fraction(0)
    for key, weight in weights.items():
        if weight == 0:
            continue
        value = values.get(key)
        if value is None:
            missing.append(key)
        else:
            used.append(key)
            total += weight * value
            weight_sum += weight
    return WeightedMean(total / weight_sum if used else None, tuple(used), tuple(missing))


def round_count(value: Decimal, rounding: Rounding) -> int:
    """A theoretical count (a quota, a per-ballot limit) made whole by 名额取整."""
    mode = {Rounding.FLOOR: ROUND_FLOOR, Rounding.HALF_UP: ROUND_HALF_UP, Rounding.CEILING: ROUND_CEILING}[
        rounding
    ]
    return int(value.to_integral_value(rounding=mode, context=_WIDE))
