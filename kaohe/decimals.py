"""Stored decimals as a workbook shows them, and the mean of counted values: shared by the surveys'
tallies and the engine's inputs, so both give the same figure."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """A stored decimal without the trailing zeros of its column (90.0000 → 90), as a workbook has it."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def mean(values: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """The mean of values given with their counts, exact to Decimal's precision."""
    total, count = Decimal(0), 0
    for value, n in values:
        total += value * n
        count += n
    return None if not count else plain_decimal(total / count)
