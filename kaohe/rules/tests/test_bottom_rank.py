"""末位 (rules §7): n = the pool's graded size × 末位比例 rounded by 名额取整; fewer than n strictly lower."""

from __future__ import annotations

from decimal import Decimal

from kaohe.rules.model import Assessment, Rounding, Sanction

from .factory import cadre, result, run, scored_cadres, settings, unit

TEN = {f"GB{i:02d}": str(100 - i) for i in range(1, 11)}  # 99, 98 … 90


def bottom(assessment: Assessment) -> list[str]:
    return sorted(r.code for r in assessment.results if "bottom_rank" in r.flags)


def test_bottom_rank_is_off_by_default() -> None:
    assert bottom(run(cadres=scored_cadres(TEN))) == []


def test_ten_at_twenty_percent_flags_the_last_two_and_changes_no_grade() -> None:
    plain = run(cadres=scored_cadres(TEN))
    a = run(cadres=scored_cadres(TEN), settings_=settings(bottom_ratio=Decimal("0.2")))
    assert bottom(a) == ["GB09", "GB10"]
    assert [(r.code, r.grade, r.rank) for r in a.results] == [
        (r.code, r.grade, r.rank) for r in plain.results
    ]
    last = result(a, "GB10")
    assert "bottom_rank" in last.flags
    assert (
        "列为末位：单位DW01（DW01）名额池参加排名的10人×末位比例20%=2.00，按向下取整为2名；"
        "综合得分低于本人的有0人，少于2名；末位需组织认定（诫勉、调整），不改变等次"
    ) in last.explanation
    assert "综合得分低于本人的有1人，少于2名" in result(a, "GB09").explanation
    assert "末位" not in result(a, "GB08").explanation


def test_a_tie_at_the_bottom_is_flagged_whole() -> None:
    scores = {"GB01": "95", "GB02": "90", "GB03": "85", "GB04": "80", "GB05": "80", "GB06": "80"}
    a = run(cadres=scored_cadres(scores), settings_=settings(bottom_ratio=Decimal("0.2")))
    # 6 × 20% = 1.2 → 1; nobody is below the three at 80, so all three are flagged.
    assert bottom(a) == ["GB04", "GB05", "GB06"]
    assert "与其他2个对象同分，一并列为末位" in result(a, "GB05").explanation
    # One below the tie: 1 is not fewer than 1, so the tie above is not flagged.
    scores["GB07"] = "70"
    a = run(cadres=scored_cadres(scores), settings_=settings(bottom_ratio=Decimal("0.2")))
    assert bottom(a) == ["GB07"]


def test_a_tie_straddling_the_places_is_flagged_whole() -> None:
    scores = {"GB01": "95", "GB02": "90", "GB03": "85", "GB04": "80", "GB05": "80", "GB06": "70"}
    a = run(cadres=scored_cadres(scores), settings_=settings(bottom_ratio=Decimal("0.4")))
    # 6 × 40% = 2.4 → 2: GB06 (none lower) and both at 80 (one lower, fewer than 2).
    assert bottom(a) == ["GB04", "GB05", "GB06"]


def test_places_follow_the_quota_rounding_mode() -> None:
    seven = {f"GB{i}": str(100 - i) for i in range(1, 8)}  # 7 × 30% = 2.1; 7 × 50% = 3.5
    for ratio, rounding, places in (
        ("0.3", Rounding.FLOOR, 2),
        ("0.3", Rounding.HALF_UP, 2),
        ("0.3", Rounding.CEILING, 3),
        ("0.5", Rounding.FLOOR, 3),
        ("0.5", Rounding.HALF_UP, 4),
        ("0.5", Rounding.CEILING, 4),
    ):
        a = run(
            cadres=scored_cadres(seven),
            settings_=settings(bottom_ratio=Decimal(ratio), quota_rounding=rounding),
        )
        assert len(bottom(a)) == places, (ratio, rounding)
        assert f"按{rounding.value}为{places}名" in result(a, "GB7").explanation


def test_no_places_flags_nobody() -> None:
    # 4 × 10% = 0.4 → 0 by 向下取整; a ratio of 0 likewise.
    four = {f"GB{i}": str(90 - i) for i in range(1, 5)}
    assert bottom(run(cadres=scored_cadres(four), settings_=settings(bottom_ratio=Decimal("0.1")))) == []
    assert bottom(run(cadres=scored_cadres(four), settings_=settings(bottom_ratio=Decimal(0)))) == []


def test_ungraded_members_are_neither_flagged_nor_counted() -> None:
    cadres = [
        *scored_cadres({"GB01": "95", "GB02": "90", "GB03": "85", "GB04": "80"}),
        cadre("GB05", regular=Decimal(50), probation=True),  # 不定等次, lowest score
        cadre("GB06"),  # no score at all: not graded
    ]
    a = run(cadres=cadres, settings_=settings(bottom_ratio=Decimal("0.5")))
    # The pool's graded size is 4: 4 × 50% = 2 places, for GB04 and GB03.
    assert bottom(a) == ["GB03", "GB04"]
    assert "参加排名的4人×末位比例50%=2.00" in result(a, "GB04").explanation


def test_a_capped_or_forced_member_is_graded_and_may_be_flagged() -> None:
    cadres = scored_cadres({"GB01": "95", "GB02": "90", "GB03": "60"})
    sanctions = [Sanction("GB03", "撤销党内职务", 2025)]  # forced 不称职, still ranked
    a = run(cadres=cadres, sanctions=sanctions, settings_=settings(bottom_ratio=Decimal("0.34")))
    assert result(a, "GB03").grade == "不称职"
    assert bottom(a) == ["GB03"]


def test_each_pool_has_its_own_places() -> None:
    cadres = [
        *scored_cadres({"GA1": "90", "GA2": "80"}, "DW01"),
        *scored_cadres({"GB1": "70", "GB2": "60"}, "DW02"),
    ]
    a = run(
        units=[unit("DW01"), unit("DW02")],
        cadres=cadres,
        settings_=settings(bottom_ratio=Decimal("0.5")),
    )
    assert bottom(a) == ["GA2", "GB2"]


def test_teams_are_flagged_in_their_pool() -> None:
    units = [unit(f"DW0{i}", indicator_score=Decimal(score)) for i, score in enumerate((90, 85, 80, 75), 1)]
    a = run(units=units, settings_=settings(bottom_ratio=Decimal("0.25")))
    assert bottom(a) == ["DW04"]
    assert "参加排名的4个班子×末位比例25%=1.00，按向下取整为1名；综合得分低于本班子的有0个班子" in (
        result(a, "DW04").explanation
    )
