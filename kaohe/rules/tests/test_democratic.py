"""§2: ballots, group scores, the weighted democratic score, shares and flags."""

from decimal import Decimal
from fractions import Fraction

from kaohe.rules.model import ExcellentLimit, Mark, Rounding

from .factory import ballot, ballots, cadre, result, run, settings, unit


def test_a_group_score_is_the_plain_mean_of_its_marks_kept_exact() -> None:
    marks = ballots("GB01", {"优秀": 2, "称职": 1})
    democratic = result(run(cadres=[cadre("GB01")], marks=marks), "GB01").democratic
    assert democratic is not None
    # 260/3 is carried far beyond display precision, and shown as 93.33.
    assert democratic.groups["上级"].score.quantize(Decimal("0.0001")) == Decimal("93.3333")
    assert democratic.groups["上级"].valid == 3


def test_the_democratic_score_weights_groups_with_marks() -> None:
    marks = (
        ballots("GB01", {"优秀": 1}, group="上级")
        + ballots("GB01", {"称职": 1}, group="同级")
        + ballots("GB01", {"基本称职": 1}, group="下级")
    )
    democratic = result(run(cadres=[cadre("GB01")], marks=marks), "GB01").democratic
    assert democratic is not None
    assert democratic.score == Decimal(78)  # (30·100 + 30·80 + 40·60) / 100


def test_custom_choice_values_are_used() -> None:
    values = {"优秀": Decimal(95), "称职": Decimal("85.5"), "基本称职": Decimal(70), "不称职": Decimal(0)}
    marks = ballots("GB01", {"优秀": 1, "称职": 1})
    a = run(cadres=[cadre("GB01")], marks=marks, settings_=settings(cadre_choice_values=values))
    democratic = result(a, "GB01").democratic
    assert democratic is not None
    assert democratic.score == Decimal("90.25")


def test_a_target_without_valid_marks_has_no_democratic_result() -> None:
    r = result(run(cadres=[cadre("GB01", regular=Decimal(80))]), "GB01")
    assert r.democratic is None
    assert "民主测评没有有效票" in r.explanation


def test_team_shares_are_excellent_good_and_above_and_poor() -> None:
    marks = ballots("DW01", {"优秀": 1, "良好": 1, "一般": 1, "较差": 1})
    democratic = result(run(marks=marks), "DW01").democratic
    assert democratic is not None
    assert democratic.shares == {"优秀": Fraction(1, 4), "良好及以上": Fraction(1, 2), "较差": Fraction(1, 4)}


def test_team_admonish_compares_good_and_above_with_the_line() -> None:
    # v2: 良好及以上 is 1/2 < 2/3: admonish, although 一般及以上 is 3/4.
    marks = ballots("DW01", {"优秀": 1, "良好": 1, "一般": 1, "较差": 1})
    r = result(run(marks=marks), "DW01")
    assert r.flags == ["admonish"]
    assert "良好及以上率50.00%低于诫勉线66.67%：诫勉谈话或组织调整，需组织认定" in r.explanation
    poor = ballots("DW01", {"一般": 1, "较差": 2})
    assert result(run(marks=poor), "DW01").flags == ["admonish", "adjust"]


def test_a_team_with_exactly_two_thirds_good_and_above_is_not_admonished() -> None:
    marks = ballots("DW01", {"优秀": 1, "良好": 1, "一般": 1})
    assert "admonish" not in result(run(marks=marks), "DW01").flags
    fewer = ballots("DW01", {"优秀": 1, "良好": 1, "一般": 2})
    assert "admonish" in result(run(marks=fewer), "DW01").flags


def test_few_ballots_applies_to_teams_too() -> None:
    a = run(
        units=[unit("DW01"), unit("DW02", indicator_score=Decimal(80))],
        marks=ballots("DW01", {"优秀": 2}),
        settings_=settings(min_valid_marks=3),
    )
    assert result(a, "DW01").flags == ["few_ballots"]
    assert result(a, "DW02").flags == ["few_ballots"]
    assert "有效票2张，少于最少有效票3张" in result(a, "DW01").explanation


def test_exactly_two_thirds_satisfactory_is_not_admonished() -> None:
    marks = ballots("GB01", {"称职": 2, "基本称职": 1})
    assert "admonish" not in result(run(cadres=[cadre("GB01")], marks=marks), "GB01").flags


def test_few_ballots_flags_targets_below_the_minimum_including_those_without_marks() -> None:
    a = run(
        cadres=[cadre("GB01"), cadre("GB02", regular=Decimal(80))],
        marks=ballots("GB01", {"优秀": 2}),
        settings_=settings(min_valid_marks=3),
    )
    assert result(a, "GB01").flags == ["few_ballots"]
    assert result(a, "GB02").flags == ["few_ballots"]
    assert "有效票2张，少于最少有效票3张" in result(a, "GB01").explanation


def test_few_ballots_is_off_by_default() -> None:
    a = run(cadres=[cadre("GB01")], marks=ballots("GB01", {"优秀": 1}))
    assert result(a, "GB01").flags == []


def test_a_ballot_marking_a_target_twice_is_void_whole() -> None:
    marks = [
        Mark("P1", "上级", "GB01", "优秀"),
        Mark("P1", "上级", "GB01", "称职"),
        Mark("P1", "上级", "GB02", "优秀"),
        Mark("P2", "上级", "GB02", "称职"),
    ]
    a = run(cadres=[cadre("GB01"), cadre("GB02")], marks=marks)
    assert result(a, "GB01").democratic is None
    democratic = result(a, "GB02").democratic
    assert democratic is not None
    assert (democratic.valid, democratic.score) == (1, Decimal(80))
    assert [(b.ballot, b.reason) for b in a.invalid_ballots] == [
        ("P1", "同一对象在一张票上被评价两次以上（GB01）")
    ]


def test_a_ballot_split_over_rows_far_apart_is_still_one_ballot() -> None:
    marks = [
        Mark("P1", "上级", "GB01", "优秀"),
        Mark("P2", "上级", "GB01", "优秀"),
        Mark("P1", "上级", "GB01", "称职"),
    ]
    a = run(cadres=[cadre("GB01")], marks=marks)
    assert [b.ballot for b in a.invalid_ballots] == ["P1"]


def test_too_many_excellent_marks_on_cadres_void_the_ballot() -> None:
    three = {"GB01": "优秀", "GB02": "优秀", "GB03": "优秀", "DW01": "优秀"}
    two = {"GB01": "优秀", "GB02": "优秀", "GB03": "称职", "DW01": "优秀"}
    marks = ballot("P1", "上级", three) + ballot("P2", "上级", two)
    a = run(
        cadres=[cadre("GB01"), cadre("GB02"), cadre("GB03")],
        marks=marks,
        settings_=settings(excellent_limit=ExcellentLimit(count=2)),
    )
    assert [(b.ballot, b.reason) for b in a.invalid_ballots] == [
        ("P1", "评优秀的干部3名，超过每票优秀上限2名")
    ]
    # The team's 优秀 does not count against the cadres' limit.
    team = result(a, "DW01").democratic
    assert team is not None and team.valid == 1


def test_a_percentage_limit_is_rounded_by_the_quota_rounding_mode() -> None:
    # 30% of 5 cadres marked is 1.5: 1 when rounding down, 2 when rounding half up.
    cadres = [cadre(f"GB0{i}") for i in range(5)]
    choices = {f"GB0{i}": ("优秀" if i < 2 else "称职") for i in range(5)}
    limit = ExcellentLimit(percent=Decimal("0.3"))
    floor = run(cadres=cadres, marks=ballot("P1", "上级", choices), settings_=settings(excellent_limit=limit))
    assert [b.ballot for b in floor.invalid_ballots] == ["P1"]
    half_up = run(
        cadres=cadres,
        marks=ballot("P1", "上级", choices),
        settings_=settings(excellent_limit=limit, quota_rounding=Rounding.HALF_UP),
    )
    assert half_up.invalid_ballots == []


def test_a_void_ballot_gives_all_its_reasons() -> None:
    marks = [Mark("P1", "上级", "GB01", "优秀"), Mark("P1", "上级", "GB01", "优秀")]
    a = run(cadres=[cadre("GB01")], marks=marks, settings_=settings(excellent_limit=ExcellentLimit(count=1)))
    assert (
        a.invalid_ballots[0].reason
        == "同一对象在一张票上被评价两次以上（GB01）；评优秀的干部2名，超过每票优秀上限1名"
    )


def test_shares_pool_all_groups_unweighted() -> None:
    marks = ballots("GB01", {"优秀": 3}, group="上级") + ballots("GB01", {"不称职": 1}, group="下级")
    democratic = result(run(cadres=[cadre("GB01")], marks=marks), "GB01").democratic
    assert democratic is not None
    assert democratic.shares["优秀"] == Fraction(3, 4)
    assert democratic.score == Decimal("65.71428571428571428571428571428571")  # (30·100+40·40)/70


def test_a_teams_name_is_its_units_name_and_leadership_team() -> None:
    a = run(units=[unit("DW01", name="城关镇")], marks=ballots("DW01", {"优秀": 1}))
    assert result(a, "DW01").name == "城关镇领导班子"
