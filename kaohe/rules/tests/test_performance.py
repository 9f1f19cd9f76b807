"""§3 and §4: unit performance, bonuses and deductions, and composite scores."""

from decimal import Decimal

from kaohe.rules.model import Adjustment, AdjustmentKind, Component, Indicator, IndicatorScore

from .factory import ballots, cadre, result, run, settings, unit

BONUS, DEDUCTION = AdjustmentKind.BONUS, AdjustmentKind.DEDUCTION


def test_the_indicator_component_is_the_weighted_sum_of_verified_scores() -> None:
    indicators = [
        Indicator("政府部门", "Z1", "经济发展", Decimal(60)),
        Indicator("政府部门", "Z2", "民生", Decimal(40)),
    ]
    scores = [IndicatorScore("DW01", "Z1", Decimal(90)), IndicatorScore("DW01", "Z2", Decimal("80.5"))]
    r = result(run(indicators=indicators, indicator_scores=scores), "DW01")
    assert r.performance == Decimal("86.2")  # (60·90 + 40·80.5) / 100
    assert "指标考评86.20分（由各项指标得分计算，" in r.explanation
    assert "（由指标得分计算）分" not in r.explanation


def test_performance_is_the_weighted_mean_of_the_components_present() -> None:
    full = unit(indicator_score=Decimal(90), public_survey=Decimal(80), leader_rating=Decimal(70))
    assert result(run(units=[full]), "DW01").performance == Decimal("85.5")  # 63 + 12 + 10.5
    partial = unit(indicator_score=Decimal(90), public_survey=Decimal(80))
    r = result(run(units=[partial]), "DW01")
    assert r.performance is not None
    assert r.performance.quantize(Decimal("0.000001")) == Decimal("88.235294")  # (70·90 + 15·80) / 85
    assert "领导评价（权重15）缺项" in r.explanation


def test_a_unit_without_components_has_no_performance_even_with_bonuses() -> None:
    adjustments = [Adjustment("DW01", BONUS, Decimal(3), "创新")]
    r = result(run(units=[unit()], adjustments=adjustments), "DW01")
    assert r.performance is None
    assert r.composite is None


def test_bonuses_are_summed_then_capped_and_deductions_are_not_capped() -> None:
    adjustments = [
        Adjustment("DW01", BONUS, Decimal(3), "招商引资"),
        Adjustment("DW01", BONUS, Decimal(4), "创新"),
        Adjustment("DW01", DEDUCTION, Decimal(6), "督查问题"),
        Adjustment("DW01", DEDUCTION, Decimal(2), "信访"),
    ]
    r = result(run(units=[unit(indicator_score=Decimal(90))], adjustments=adjustments), "DW01")
    assert r.performance == Decimal(87)  # 90 + min(7, 5) − 8
    assert "加分5.00分（创新4分；招商引资3分；合计7分，超过加分上限5分，按上限计）" in r.explanation
    assert "扣分8.00分（督查问题6分；信访2分）" in r.explanation


def test_the_bonus_cap_is_a_setting() -> None:
    adjustments = [Adjustment("DW01", BONUS, Decimal(7), "创新")]
    a = run(
        units=[unit(indicator_score=Decimal(90))],
        adjustments=adjustments,
        settings_=settings(bonus_cap=Decimal(10)),
    )
    assert result(a, "DW01").performance == Decimal(97)


def test_a_team_composite_weights_performance_and_democratic_evaluation() -> None:
    marks = ballots("DW01", {"优秀": 1, "良好": 1})  # 90
    r = result(run(units=[unit(indicator_score=Decimal(80))], marks=marks), "DW01")
    assert r.composite == Decimal("83.00")  # 70·80 + 30·90


def test_a_cadre_composite_uses_the_unit_performance_and_own_adjustments() -> None:
    marks = ballots("GB01", {"优秀": 1})
    c = cadre("GB01", regular=Decimal(90), leader_rating=Decimal(80))
    adjustments = [
        Adjustment("GB01", BONUS, Decimal(1), "表彰"),
        Adjustment("GB01", DEDUCTION, Decimal("0.5"), "迟报"),
    ]
    r = result(
        run(units=[unit(indicator_score=Decimal(70))], cadres=[c], marks=marks, adjustments=adjustments),
        "GB01",
    )
    # 40·100 + 30·70 + 20·90 + 10·80 = 8700 → 87, then +1 −0.5
    assert r.composite == Decimal("87.50")
    assert r.performance == Decimal(70)


def test_the_composite_is_rounded_half_up_once_at_the_end() -> None:
    # (40·200/3 + 20·80.0416) / 60 = 71.12497…; had the democratic score been rounded to 66.67
    # first, the composite would be 71.1272 → 71.13.
    marks = ballots("GB01", {"优秀": 1, "基本称职": 1, "不称职": 1})
    c = cadre("GB01", regular=Decimal("80.0416"))
    r = result(run(cadres=[c], marks=marks), "GB01")
    assert r.composite == Decimal("71.12")
    assert "综合得分71.12分（四舍五入保留两位小数）" in r.explanation


def test_a_composite_exactly_halfway_rounds_up() -> None:
    c = cadre("GB01", regular=Decimal("88.885"))
    assert result(run(cadres=[c]), "GB01").composite == Decimal("88.89")
    c = cadre("GB01", regular=Decimal("88.884999"))
    assert result(run(cadres=[c]), "GB01").composite == Decimal("88.88")


def test_cadres_of_a_unit_without_performance_are_still_composed_and_ranked() -> None:
    c = cadre("GB01", regular=Decimal(90), leader_rating=Decimal(60))
    r = result(run(cadres=[c]), "GB01")
    assert r.performance is None
    assert r.composite == Decimal("80.00")  # (20·90 + 10·60) / 30
    assert r.rank == 1
    assert "实绩（权重30）" in r.explanation


def test_a_zero_weight_switches_a_component_off() -> None:
    weights = {
        Component.DEMOCRATIC: Decimal(50),
        Component.REGULAR: Decimal(50),
        Component.LEADER_RATING: Decimal(0),
    }
    c = cadre("GB01", regular=Decimal(90), leader_rating=Decimal(10))
    r = result(run(cadres=[c], settings_=settings(cadre_composite_weights=weights)), "GB01")
    assert r.composite == Decimal("90.00")
    assert "领导评价" not in r.explanation.split("综合得分")[1].split("。")[0]


def test_a_target_without_any_component_is_not_graded() -> None:
    a = run(cadres=[cadre("GB01"), cadre("GB02", regular=Decimal(90))])
    r = result(a, "GB01")
    assert (r.composite, r.rank, r.grade) == (None, None, "不定等次")
    assert "没有任何考核得分" in r.explanation
    (pool,) = [q for q in a.quotas if q.kind == "cadre"]
    assert pool.size == 1
