"""平时考核 through the year: quarterly grades (好、较好、一般、较差) and the annual score they make.

"平时考核与年度考核相结合": the plan names a score for each grade (by default 好 95, 较好 85, 一般 75,
较差 60); a cadre's annual 平时考核 is the mean of the scores of the quarters graded, rounded half up to
two decimals. No quarter graded, no derived score: the value given for the cycle stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class QuarterGrade(StrEnum):
    GOOD = "好"
    FAIRLY_GOOD = "较好"
    AVERAGE = "一般"
    POOR = "较差"


# 一般 and 较差 are given only with a reason.
NEEDS_REASON = frozenset({QuarterGrade.AVERAGE, QuarterGrade.POOR})
QUARTERS = (1, 2, 3, 4)
CENT = Decimal("0.01")


def _default_scores() -> dict[QuarterGrade, Decimal]:
    return {
        QuarterGrade.GOOD: Decimal(95),
        QuarterGrade.FAIRLY_GOOD: Decimal(85),
        QuarterGrade.AVERAGE: Decimal(75),
        QuarterGrade.POOR: Decimal(60),
    }


@dataclass(frozen=True)
class GradeScores:
    """The plan's score for each quarterly grade."""

    scores: Mapping[QuarterGrade, Decimal] = field(default_factory=_default_scores)

    def __post_init__(self) -> None:
        missing = [g.value for g in QuarterGrade if g not in self.scores]
        if missing:
            raise ValueError(f"缺少等次的分值：{'、'.join(missing)}")
        for grade, score in self.scores.items():
            if not Decimal(0) <= score <= Decimal(100):
                raise ValueError(f"「{grade.value}」的分值 {score} 超出 0–100")

    def annual(self, grades: Iterable[QuarterGrade]) -> Decimal | None:
        """The annual 平时考核 of the quarters graded: their scores' mean; None when none is graded."""
        values = [self.scores[QuarterGrade(g)] for g in grades]
        if not values:
            return None
        return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def reason_missing(grade: QuarterGrade, reason: str) -> bool:
    return QuarterGrade(grade) in NEEDS_REASON and not reason.strip()
