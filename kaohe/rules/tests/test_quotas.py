"""§6: quota pools, ranks, candidates, ties and score bands."""

from decimal import Decimal

from kaohe.rules.model import Cadre, CadrePool, PriorityMode, TeamPool, TieHandling

from .factory import cadre, result, run, settings, unit


def _cadres(scores: list[str], unit_code: str = "DW01", priority: set[int] | None = None) -> list[Cadre]:
    return [
        cadre(
            f"{unit_code}-{i:02d}",
            unit_code,
            regular=Decimal(s),
            priority="急难险重" if priority and i in priority else None,
        )
        for i, s in enumerate(scores)
    ]


def _grades(scores: list[str], priority: set[int] | None = None, **changes: object) -> list[str]:
    a = run(cadres=_cadres(scores, priority=priority), settings_=settings(**changes))
    return [result(a, f"DW01-{i:02d}").grade for i in range(len(scores))]


def test_ranks_are_competition_ranks_on_the_rounded_composite() -> None:
    a = run(cadres=_cadres(["90", "95.004", "94.996", "80"]))
    assert [result(a, f"DW01-{i:02d}").rank for i in range(4)] == [3, 1, 1, 4]


def test_cadre_pools_are_units_by_default() -> None:
    units = [unit("DW01"), unit("DW02")]
    a = run(units=units, cadres=_cadres(["90"] * 5, "DW01") + _cadres(["90"] * 5, "DW02"))
    pools = [(q.kind, q.pool, q.size, q.quota) for q in a.quotas]
    assert pools == [("team", "政府部门", 0, 0), ("cadre", "DW01", 5, 1), ("cadre", "DW02", 5, 1)]


def test_cadre_pools_can_be_categories_or_everyone() -> None:
    units = [unit("DW01", "乡镇"), unit("DW02", "乡镇"), unit("DW03", "部门")]
    cadres = _cadres(["90", "80"], "DW01") + _cadres(["85"], "DW02") + _cadres(["70"], "DW03")
    by_category = run(units=units, cadres=cadres, settings_=settings(cadre_pool=CadrePool.CATEGORY))
    assert [(q.pool, q.size) for q in by_category.quotas if q.kind == "cadre"] == [("乡镇", 3), ("部门", 1)]
    everyone = run(units=units, cadres=cadres, settings_=settings(cadre_pool=CadrePool.ALL))
    assert [(q.pool, q.size) for q in everyone.quotas if q.kind == "cadre"] == [("全部", 4)]
    assert result(everyone, "DW02-00").rank == 2


def test_team_pools_are_categories_by_default_or_everyone() -> None:
    units = [
        unit("DW01", "乡镇", indicator_score=Decimal(90)),
        unit("DW02", "部门", indicator_score=Decimal(80)),
    ]
    assert [q.pool for q in run(units=units).quotas] == ["乡镇", "部门"]
    assert [q.pool for q in run(units=units, settings_=settings(team_pool=TeamPool.ALL)).quotas] == ["全部"]


def test_cadres_of_an_advanced_unit_count_at_the_higher_ratio() -> None:
    units = [unit("DW01", advanced=True), unit("DW02")]
    cadres = _cadres(["90"] * 4, "DW01") + _cadres(["90"] * 2, "DW02")
    a = run(units=units, cadres=cadres, settings_=settings(cadre_pool=CadrePool.ALL))
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert pool.theoretical == Decimal("1.40")  # 4·25% + 2·20%


def test_a_quota_of_zero_gives_no_excellent() -> None:
    assert _grades(["99", "98"]) == ["称职", "称职"]


def test_the_first_quota_candidates_are_excellent() -> None:
    assert _grades(["90", "99", "95", "80", "85"], cadre_excellent_ratio=Decimal("0.4")) == [
        "称职",
        "优秀",
        "优秀",
        "称职",
        "称职",
    ]


def test_a_capped_member_leaves_the_place_to_the_next_candidate() -> None:
    cadres = _cadres(["99", "95", "90", "80", "70"])
    cadres[0] = cadre("DW01-00", regular=Decimal(99), veto="安全")
    a = run(cadres=cadres)
    assert [result(a, f"DW01-{i:02d}").grade for i in range(5)] == ["称职", "优秀", "称职", "称职", "称职"]


def test_a_tie_inside_the_quota_is_all_excellent() -> None:
    assert _grades(["95", "95", "90", "80", "70"], cadre_excellent_ratio=Decimal("0.4")) == [
        "优秀",
        "优秀",
        "称职",
        "称职",
        "称职",
    ]


def test_a_straddling_tie_is_pending_for_the_committee() -> None:
    a = run(cadres=_cadres(["95", "95", "90", "80", "70"]))
    assert [(result(a, f"DW01-{i:02d}").grade, result(a, f"DW01-{i:02d}").flags) for i in range(3)] == [
        ("待定", ["tie"]),
        ("待定", ["tie"]),
        ("称职", []),
    ]
    assert "须由考核工作领导小组决定" in result(a, "DW01-00").explanation
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert (pool.excellent, pool.pending) == (0, 2)


def test_a_straddling_tie_may_all_be_excellent_over_the_quota() -> None:
    a = run(
        cadres=_cadres(["95", "95", "90", "80", "70"]),
        settings_=settings(tie_handling=TieHandling.ALLOW_OVER_QUOTA),
    )
    assert [(result(a, f"DW01-{i:02d}").grade, result(a, f"DW01-{i:02d}").flags) for i in range(3)] == [
        ("优秀", ["over_quota"]),
        ("优秀", ["over_quota"]),
        ("称职", []),
    ]
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert (pool.quota, pool.excellent) == (1, 2)


def test_with_tie_break_priority_members_of_a_straddling_tie_take_the_places() -> None:
    # quota 2: 99 is 优秀; the three at 95 straddle; the one 表现突出 takes the place.
    grades = _grades(["99", "95", "95", "95", "80", "70", "60", "50", "40", "30"], priority={2})
    assert grades[:5] == ["优秀", "称职", "优秀", "称职", "称职"]


def test_with_tie_break_places_left_after_the_priority_members_stay_empty() -> None:
    # quota 3, four tied at 95 of which one 表现突出: it takes a place; the other three are not 优秀.
    grades = _grades(["95", "95", "95", "95", "80"], priority={0}, cadre_excellent_ratio=Decimal("0.6"))
    assert grades == ["优秀", "称职", "称职", "称职", "称职"]


def test_with_tie_break_too_many_priority_members_straddle_among_themselves() -> None:
    a = run(cadres=_cadres(["95", "95", "95", "80", "70"], priority={0, 1}))
    grades = [(result(a, f"DW01-{i:02d}").grade, result(a, f"DW01-{i:02d}").flags) for i in range(3)]
    assert grades == [("待定", ["tie", "priority"]), ("待定", ["tie", "priority"]), ("称职", [])]


def test_priority_outside_a_tie_changes_nothing_with_tie_break() -> None:
    assert _grades(["99", "95", "90", "80", "70"], priority={2}) == ["优秀", "称职", "称职", "称职", "称职"]


def test_priority_first_puts_priority_candidates_before_all_others() -> None:
    grades = _grades(["99", "95", "90", "80", "70"], priority={2}, priority_mode=PriorityMode.FIRST)
    assert grades == ["称职", "称职", "优秀", "称职", "称职"]
    a = run(
        cadres=_cadres(["99", "95", "90", "80", "70"], priority={2}),
        settings_=settings(priority_mode=PriorityMode.FIRST),
    )
    assert "表现突出，按优先入选先于其他人员入选" in result(a, "DW01-02").explanation
    assert result(a, "DW01-02").rank == 3


def test_priority_first_ties_among_priority_candidates_straddle() -> None:
    grades = _grades(["99", "90", "90", "80", "70"], priority={1, 2}, priority_mode=PriorityMode.FIRST)
    assert grades == ["称职", "待定", "待定", "称职", "称职"]


def test_score_bands_grade_the_rest_when_set() -> None:
    grades = _grades(
        ["99", "75", "59.99", "60", "30"],
        cadre_basic_line=Decimal(60),
        cadre_unfit_line=Decimal(40),
    )
    assert grades == ["优秀", "称职", "基本称职", "称职", "不称职"]


def test_team_bands_grade_fair_and_poor() -> None:
    scores = ["95", "75", "65", "50", "85"]
    units = [unit(f"DW0{i}", indicator_score=Decimal(s)) for i, s in enumerate(scores)]
    a = run(units=units, settings_=settings(team_fair_line=Decimal(70), team_poor_line=Decimal(60)))
    assert [result(a, f"DW0{i}").grade for i in range(5)] == ["优秀", "良好", "一般", "较差", "良好"]
    assert "综合得分低于班子较差线60分，定为较差" in result(a, "DW03").explanation


def test_bands_are_off_by_default() -> None:
    assert _grades(["10", "5"]) == ["称职", "称职"]
