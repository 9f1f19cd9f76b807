"""§9: every result carries one Chinese paragraph naming scores, components, rank, effects and grade."""

from decimal import Decimal

from kaohe.rules.model import Adjustment, AdjustmentKind, PriorGrade, Sanction

from .factory import ballots, cadre, result, run, settings, unit


def _zhang() -> str:
    a = run(
        units=[unit("DW01", name="财政局", indicator_score=Decimal(88), public_survey=Decimal(90))],
        cadres=[
            cadre("GB01", name="张三", post="副局长", regular=Decimal(92), priority="防汛抢险"),
            cadre("GB02", regular=Decimal(85)),
            cadre("GB03", regular=Decimal(80)),
        ],
        marks=ballots("GB01", {"优秀": 3, "称职": 2}, group="上级")
        + ballots("GB01", {"优秀": 2, "称职": 1, "不称职": 3}, group="同级"),
        sanctions=[Sanction("GB01", "政务警告", 2025)],
        adjustments=[Adjustment("GB01", AdjustmentKind.BONUS, Decimal(2), "省级表彰")],
        settings_=settings(cadre_excellent_ratio=Decimal("0.5")),
    )
    return result(a, "GB01").explanation


def test_the_explanation_names_the_cadre_and_the_democratic_evaluation_group_by_group() -> None:
    text = _zhang()
    assert text.startswith("张三（GB01，财政局 副局长）。")
    assert (
        "民主测评得分79.33分，有效票11张，其中上级92.00分（5张，权重30）、同级66.67分（6张，权重30）" in text
    )
    assert "下级（权重40）没有有效票，其权重按比例分给有票的评价人类别" in text
    assert "优秀率45.45%，称职及以上率72.73%，不称职率27.27%" in text


def test_the_explanation_shows_how_the_composite_was_made() -> None:
    text = _zhang()
    assert "单位绩效88.35分，为指标考评88.00分（权重70）、公众评议90.00分（权重15）的加权平均" in text
    assert (
        "综合得分87.15分（四舍五入保留两位小数），为民主测评79.33分（权重40）、实绩88.35分（权重30）、平时考核92.00分（权重20）的加权平均"
        in text
    )
    assert "领导评价（权重10）缺项，其权重按比例分给其他构成项，加分2.00分（省级表彰2分）" in text


def test_the_explanation_gives_rank_pool_and_quota_then_effects_and_the_grade() -> None:
    text = _zhang()
    assert "在财政局（DW01）名额池参加排名的3人中排第1名，该池优秀名额理论值1.50名，按向下取整为1名。" in text
    assert "受政务警告（2025年生效，本年度为生效当年），不得评为优秀。" in text
    assert "表现突出：防汛抢险。" in text
    assert text.endswith("等次：称职。因上述情形不能评为优秀，定为称职。")


def test_the_explanation_of_a_ballot_flag_names_the_rate_and_the_line() -> None:
    a = run(cadres=[cadre("GB01")], marks=ballots("GB01", {"优秀": 1, "不称职": 2}))
    text = result(a, "GB01").explanation
    assert "称职及以上率33.33%低于诫勉线66.67%：诫勉谈话或组织调整，需组织认定" in text
    assert "不称职率66.67%超过不称职线33.33%：免职、责令辞职或降职，需组织认定" in text


def test_the_explanation_of_an_excellent_cadre_names_the_merit_run() -> None:
    a = run(
        cadres=[cadre("GB01", regular=Decimal(95)), cadre("GB02", regular=Decimal(80))],
        prior_grades=[PriorGrade("GB01", 2023, "优秀"), PriorGrade("GB01", 2024, "优秀")],
        settings_=settings(cadre_excellent_ratio=Decimal("0.5")),
    )
    text = result(a, "GB01").explanation
    assert "2023—2025年连续三年优秀，具备记三等功资格。" in text
    assert text.endswith("等次：优秀。在可评优秀的对象中排在1个优秀名额之内，评为优秀。")


def test_a_pending_explanation_says_the_committee_decides() -> None:
    a = run(
        cadres=[cadre("GB01", regular=Decimal(90)), cadre("GB02", regular=Decimal(90))],
        settings_=settings(cadre_excellent_ratio=Decimal("0.5")),
    )
    assert result(a, "GB01").explanation.endswith(
        "等次：待定。与其他1个对象同为90.00分，并列跨越优秀名额线，须由考核工作领导小组决定，暂为待定，决定后才能确定等次。"
    )
