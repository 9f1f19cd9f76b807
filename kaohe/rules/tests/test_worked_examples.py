"""The six public worked examples of assessment-rules.md §10, with their exact numbers."""

from decimal import Decimal
from fractions import Fraction

import pytest

from kaohe.rules.model import Effect, Rounding, Sanction

from .factory import ballots, cadre, result, run, scored_cadres, settings, unit


def test_example_1_votes_are_valued_100_80_60_40_and_averaged_over_valid_ballots() -> None:
    marks = ballots("GB01", {"优秀": 20, "称职": 15, "基本称职": 4, "不称职": 1})
    a = run(cadres=[cadre("GB01")], marks=marks)
    democratic = result(a, "GB01").democratic
    assert democratic is not None
    assert democratic.score == Decimal(87)
    assert democratic.valid == 40


def test_example_1_holds_for_a_team_on_its_own_scale() -> None:
    marks = ballots("DW01", {"优秀": 20, "良好": 15, "一般": 4, "较差": 1})
    democratic = result(run(marks=marks), "DW01").democratic
    assert democratic is not None
    assert democratic.score == Decimal(87)


def test_example_2_a_group_without_marks_spreads_its_weight() -> None:
    marks = ballots("GB01", {"优秀": 1, "称职": 1}, group="上级") + ballots(
        "GB01", {"优秀": 1, "称职": 3}, group="同级"
    )
    r = result(run(cadres=[cadre("GB01")], marks=marks), "GB01")
    assert r.democratic is not None
    assert r.democratic.groups["上级"].score == Decimal(90)
    assert r.democratic.groups["同级"].score == Decimal(85)
    assert "下级" not in r.democratic.groups
    assert r.democratic.score == Decimal("87.5")
    assert "下级（权重40）没有有效票，其权重按比例分给有票的评价人类别" in r.explanation


def test_example_3_below_two_thirds_satisfactory_is_admonish_but_not_adjust() -> None:
    marks = ballots("GB01", {"优秀": 10, "称职": 15, "基本称职": 6, "不称职": 9})
    r = result(run(cadres=[cadre("GB01")], marks=marks), "GB01")
    assert r.democratic is not None
    assert r.democratic.shares == {
        "优秀": Fraction(1, 4),
        "称职及以上": Fraction(5, 8),
        "不称职": Fraction(9, 40),
    }
    assert "admonish" in r.flags
    assert "adjust" not in r.flags


def test_example_3_exactly_one_third_unfit_does_not_exceed_the_line() -> None:
    marks = ballots("GB01", {"优秀": 20, "不称职": 10})
    r = result(run(cadres=[cadre("GB01")], marks=marks), "GB01")
    assert r.democratic is not None
    assert r.democratic.shares["不称职"] == Fraction(1, 3)
    assert "adjust" not in r.flags
    eleven = result(run(cadres=[cadre("GB01")], marks=ballots("GB01", {"优秀": 19, "不称职": 11})), "GB01")
    assert "adjust" in eleven.flags


@pytest.mark.parametrize(
    ("rounding", "quota"), [(Rounding.FLOOR, 4), (Rounding.HALF_UP, 5), (Rounding.CEILING, 5)]
)
def test_example_4_a_pool_of_23_at_20_percent_has_quota_4_or_5(rounding: Rounding, quota: int) -> None:
    cadres = scored_cadres({f"GB{i:02d}": str(70 + i) for i in range(23)})
    a = run(cadres=cadres, settings_=settings(quota_rounding=rounding))
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert (pool.size, pool.theoretical, pool.quota) == (23, Decimal("4.60"), quota)
    assert pool.excellent == quota
    assert sorted(r.code for r in a.results if r.grade == "优秀") == [f"GB{i}" for i in range(23 - quota, 23)]


def test_example_5_three_tied_at_the_boundary_are_all_pending() -> None:
    scores = ["96", "95", "95", "95", "90", "89", "88", "87", "86", "85"]
    units = [unit(f"DW{i:02d}", indicator_score=Decimal(s)) for i, s in enumerate(scores)]
    a = run(units=units, settings_=settings(team_excellent_ratio=Decimal("0.3")))
    grades = [(r.code, r.composite, r.rank, r.grade, r.flags) for r in a.results]
    assert grades[:5] == [
        ("DW00", Decimal("96.00"), 1, "优秀", []),
        ("DW01", Decimal("95.00"), 2, "待定", ["tie"]),
        ("DW02", Decimal("95.00"), 2, "待定", ["tie"]),
        ("DW03", Decimal("95.00"), 2, "待定", ["tie"]),
        ("DW04", Decimal("90.00"), 5, "良好", []),
    ]
    (pool,) = a.quotas
    assert (pool.quota, pool.excellent, pool.pending) == (3, 1, 3)


@pytest.mark.parametrize(("year", "graded"), [(2024, False), (2025, False), (2026, True)])
def test_example_6_a_major_demerit_leaves_two_years_ungraded(year: int, graded: bool) -> None:
    a = run(
        cadres=[cadre("GB01", regular=Decimal(90))],
        sanctions=[Sanction("GB01", "政务记大过", 2024)],
        settings_=settings(year=year),
    )
    r = result(a, "GB01")
    assert (r.grade != "不定等次") is graded
    assert ("sanction" in r.flags) is not graded
    if not graded:
        assert r.rank is None
        assert "受政务记大过（2024年生效" in r.explanation


def test_the_sanction_table_default_matches_the_spec() -> None:
    table = settings().sanction_effects
    assert table["政务记大过"] == (Effect.UNGRADED, Effect.UNGRADED)
