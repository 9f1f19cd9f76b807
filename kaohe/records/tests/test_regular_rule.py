"""The grade → score rule, in plain Python: no database."""

from decimal import Decimal

import pytest

from kaohe.rules.regular import GradeScores, QuarterGrade, reason_missing

G, FG, A, P = QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD, QuarterGrade.AVERAGE, QuarterGrade.POOR


def test_the_default_scores_are_95_85_75_60():
    scores = GradeScores()
    assert [scores.annual([g]) for g in (G, FG, A, P)] == [95, 85, 75, 60]


def test_the_annual_score_is_the_mean_of_the_quarters_graded():
    assert GradeScores().annual([G, G, FG, A]) == Decimal("87.50")
    assert GradeScores().annual([G, P]) == Decimal("77.50")


def test_no_quarter_graded_gives_no_score():
    assert GradeScores().annual([]) is None


def test_the_mean_is_rounded_half_up_to_two_decimals():
    assert GradeScores().annual([G, G, FG]) == Decimal("91.67")
    scores = GradeScores({G: Decimal("90.005"), FG: Decimal(80), A: Decimal(70), P: Decimal(60)})
    assert scores.annual([G]) == Decimal("90.01")


def test_the_plan_sets_the_scores():
    scores = GradeScores({G: Decimal(100), FG: Decimal(90), A: Decimal(80), P: Decimal(50)})
    assert scores.annual([G, P]) == 75


def test_a_plan_missing_a_grade_or_out_of_range_is_refused():
    with pytest.raises(ValueError, match="较差"):
        GradeScores({G: Decimal(95), FG: Decimal(85), A: Decimal(75)})
    with pytest.raises(ValueError, match="超出 0–100"):
        GradeScores({G: Decimal(101), FG: Decimal(85), A: Decimal(75), P: Decimal(60)})


def test_a_reason_is_required_for_average_and_poor_only():
    assert reason_missing(A, " ") and reason_missing(P, "")
    assert not reason_missing(G, "") and not reason_missing(FG, "")
    assert not reason_missing(P, "多次迟报")
