"""The annual 平时考核 each cadre brings to the rules engine: typed override, else quarterly grades.

The precedence, for ``results.inputs`` (the one place the engine's inputs are gathered):
1. a ``RegularOverride`` (the organiser's typed score, always with a reason);
2. the score the cadre's quarterly grades make under the plan's ``RecordsRule`` (kaohe.rules.regular);
3. otherwise the value given on ``AssessedCadre.regular`` (imported from a workbook, or typed before
   quarterly grades were kept), exactly as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kaohe.plans.models import AssessmentCycle
from kaohe.records.models import QuarterlyGrade, RecordsRule, RegularOverride
from kaohe.rules.regular import GradeScores, QuarterGrade


def cycle_rule(cycle: AssessmentCycle) -> RecordsRule:
    """The cycle's rule, or an unsaved one with the defaults."""
    return RecordsRule.objects.filter(cycle=cycle).first() or RecordsRule(cycle=cycle)


def grade_scores(rule: RecordsRule) -> GradeScores:
    return GradeScores(
        {
            QuarterGrade.GOOD: Decimal(rule.score_good),
            QuarterGrade.FAIRLY_GOOD: Decimal(rule.score_fairly_good),
            QuarterGrade.AVERAGE: Decimal(rule.score_average),
            QuarterGrade.POOR: Decimal(rule.score_poor),
        }
    )


def derived_scores(cycle: AssessmentCycle) -> dict[int, Decimal]:
    """cadre id → the annual 平时考核 the quarterly grades make, for the cadres with any grade."""
    scores = grade_scores(cycle_rule(cycle))
    grades: dict[int, list[QuarterGrade]] = defaultdict(list)
    for cadre_id, grade in QuarterlyGrade.objects.filter(cycle=cycle).values_list("cadre_id", "grade"):
        grades[cadre_id].append(QuarterGrade(grade))
    found = {cadre: scores.annual(values) for cadre, values in grades.items()}
    return {cadre: value for cadre, value in found.items() if value is not None}


def overrides(cycle: AssessmentCycle) -> dict[int, Decimal]:
    return dict(RegularOverride.objects.filter(cycle=cycle).values_list("cadre_id", "score"))


def regular_scores(cycle: AssessmentCycle) -> dict[int, Decimal]:
    """cadre id → the 平时考核 that replaces the given value: the override, else the derived score."""
    return derived_scores(cycle) | overrides(cycle)


@dataclass(frozen=True)
class RegularSource:
    derived: Decimal | None
    override: RegularOverride | None

    @property
    def note(self) -> str:
        """What the explanation says of where the cadre's 平时考核 came from ("" when it is the given one)."""
        if self.override is not None:
            was = f"；季度等次折算为 {_plain(self.derived)}" if self.derived is not None else ""
            return (
                f"平时考核 {_plain(self.override.score)} 为考核办改定（理由：{self.override.reason}{was}）。"
            )
        if self.derived is not None:
            return f"平时考核 {_plain(self.derived)} 由本年度季度平时考核等次折算。"
        return ""


def regular_source(cycle: AssessmentCycle, cadre_id: int) -> RegularSource:
    scores = grade_scores(cycle_rule(cycle))
    grades = QuarterlyGrade.objects.filter(cycle=cycle, cadre_id=cadre_id).values_list("grade", flat=True)
    return RegularSource(
        derived=scores.annual(QuarterGrade(g) for g in grades),
        override=RegularOverride.objects.filter(cycle=cycle, cadre_id=cadre_id).first(),
    )


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cadre_note(cycle: AssessmentCycle, kind: str, code: str) -> str:
    """The note on 平时考核 for a result's explanation ("" for a team, or a cadre whose score was given)."""
    from kaohe.org.models import Cadre

    if kind != "cadre":
        return ""
    cadre_id = Cadre.objects.filter(code=code).values_list("pk", flat=True).first()
    return "" if cadre_id is None else regular_source(cycle, cadre_id).note
