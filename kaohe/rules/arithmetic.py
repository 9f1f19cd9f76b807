"""Exact arithmetic: ``Fraction`` inside the engine, ``Decimal`` rounded half-up at its edges.

The engine handles ~55,000 targets, so hot paths build each ``Fraction`` once from integer sums
instead of chaining ``Fraction`` operations (each of which normalises with a gcd).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from .model import Rounding

K = TypeVar("K")

# Decimal output fields carry a non-terminating intermediate (260/3) to this many significant digits:
# far finer than any display, so rounding them for display gives the digits of the exact fraction.
_CARRY = Context(prec=34, rounding=ROUND_HALF_UP)
_WIDE = Context(prec=80)


def half_up(numerator: int, denominator: int, places: int) -> str:
    """numerator/denominator rounded half-up (halves away from zero) to ``places`` decimals, as text."""
    if places == 2 and denominator > 0:
        return _half_up_2(numerator, denominator)
    scaled = numerator * 10**places
    quotient, remainder = divmod(abs(scaled), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    sign = "-" if scaled < 0 and quotient else ""
    if places == 0:
        return f"{sign}{quotient}"
    whole, part = divmod(quotient, 10**places)
    return f"{sign}{whole}.{part:0{places}d}"


def _half_up_2(numerator: int, denominator: int) -> str:
    # The common case, two decimals, in one integer division: floor(100·n/d + 1/2).
    if numerator < 0:
        text = _half_up_2(-numerator, denominator)
        return text if text == "0.00" else "-" + text
    whole, part = divmod((200 * numerator + denominator) // (2 * denominator), 100)
    return f"{whole}.{_CENTS[part]}"


_CENTS = [f"{part:02d}" for part in range(100)]


def round_half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero (Decimal's ROUND_HALF_UP)."""
    return Decimal(half_up(value.numerator, value.denominator, places))


def to_decimal(value: Fraction) -> Decimal:
    """The exact decimal when it terminates (87.5), otherwise ``value`` to 34 significant digits."""
    return _CARRY.divide(Decimal(value.numerator), Decimal(value.denominator))


def ratio_decimal(numerator: int, denominator: int) -> Decimal:
    """``to_decimal`` of numerator/denominator."""
    return _CARRY.divide(Decimal(numerator), Decimal(denominator))


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(8)}


def display(value: Decimal, places: int = 2) -> str:
    """A score or share as shown to people: ``places`` decimals, rounded half-up."""
    return str(value.quantize(_QUANTA[places], rounding=ROUND_HALF_UP, context=_WIDE))


def display_fraction(value: Fraction, places: int = 2) -> str:
    return half_up(value.numerator, value.denominator, places)


def percent(value: Fraction) -> str:
    """A share as a percentage with two decimals: 1/3 → ``33.33%``."""
    return half_up(value.numerator * 100, value.denominator, 2) + "%"


def plain(value: Decimal | Fraction) -> str:
    """A setting or a weight as written: 30, 0.5, and 2/3 as a fraction when it has no short decimal."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        text = format(to_decimal(value), "f")
        return _strip(Decimal(text)) if len(text) <= 12 else f"{value.numerator}/{value.denominator}"
    return _strip(value)


def _strip(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def round_count(value: Decimal, rounding: Rounding) -> int:
    """A theoretical count (a quota, a per-ballot limit) made whole by 名额取整."""
    mode = {Rounding.FLOOR: ROUND_FLOOR, Rounding.HALF_UP: ROUND_HALF_UP, Rounding.CEILING: ROUND_CEILING}[
        rounding
    ]
    return int(value.to_integral_value(rounding=mode, context=_WIDE))


def integer_weights(weights: Mapping[K, Decimal]) -> dict[K, int]:
    """Weights scaled to integers by one common factor: a weighted mean only depends on their ratios."""
    fractions = {key: Fraction(weight) for key, weight in weights.items()}
    scale = math.lcm(*(f.denominator for f in fractions.values())) if fractions else 1
    return {key: int(f * scale) for key, f in fractions.items()}


@dataclass(slots=True)
class WeightedMean(Generic[K]):
    """Σ wᵢ·xᵢ / Σ wᵢ over the parts that have a value; a part without one gives its weight to the rest.

    Parts with weight 0 are switched off: neither used nor reported missing.
    """

    value: Fraction | None
    used: tuple[K, ...]
    missing: tuple[K, ...]


def weighted_mean(weights: Mapping[K, int], values: Mapping[K, Fraction | None]) -> WeightedMean[K]:
    used: list[K] = []
    missing: list[K] = []
    numerator, denominator, weight_sum = 0, 1, 0  # Σ wᵢ·xᵢ = numerator/denominator
    for key, weight in weights.items():
        if weight == 0:
            continue
        value = values.get(key)
        if value is None:
            missing.append(key)
            continue
        used.append(key)
        q = value.denominator
        numerator = numerator * q + weight * value.numerator * denominator
        denominator *= q
        weight_sum += weight
    mean = Fraction(numerator, denominator * weight_sum) if used else None
    return WeightedMean(mean, tuple(used), tuple(missing))
