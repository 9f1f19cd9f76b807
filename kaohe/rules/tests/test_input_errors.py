"""Inconsistent input raises InputError listing every problem in Chinese."""

from decimal import Decimal

import pytest

from kaohe.rules import InputError
from kaohe.rules.model import (
    Adjustment,
    AdjustmentKind,
    Component,
    ExcellentLimit,
    Indicator,
    IndicatorScore,
    Mark,
    PriorGrade,
    Sanction,
)

from .factory import cadre, run, settings, unit


def _messages(**kwargs: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        run(**kwargs)  # type: ignore[arg-type]
    return caught.value.messages


def test_a_mark_for_an_unknown_target_is_an_input_error() -> None:
    assert _messages(marks=[Mark("P1", "上级", "GB99", "优秀")]) == ["测评票「P1」：对象编码「GB99」不存在"]


def test_a_choice_outside_the_targets_scale_is_an_input_error() -> None:
    messages = _messages(
        cadres=[cadre("GB01")], marks=[Mark("P1", "上级", "GB01", "良好"), Mark("P1", "上级", "DW01", "称职")]
    )
    assert messages == [
        "测评票「P1」：「良好」不是对象「GB01」的有效选项（优秀、称职、基本称职、不称职）",
        "测评票「P1」：「称职」不是对象「DW01」的有效选项（优秀、良好、一般、较差）",
    ]


def test_errors_in_a_void_ballot_are_still_reported() -> None:
    marks = [
        Mark("P1", "上级", "GB01", "优秀"),
        Mark("P1", "上级", "GB01", "优秀"),
        Mark("P1", "上级", "GB99", "优秀"),
    ]
    assert _messages(cadres=[cadre("GB01")], marks=marks) == ["测评票「P1」：对象编码「GB99」不存在"]


def test_a_rater_group_without_a_weight_is_an_input_error() -> None:
    assert _messages(marks=[Mark("P1", "服务对象", "DW01", "优秀")]) == [
        "测评票「P1」：评价人类别「服务对象」没有设置权重"
    ]


def test_a_ballot_from_two_rater_groups_is_an_input_error() -> None:
    marks = [Mark("P1", "上级", "DW01", "优秀"), Mark("P1", "同级", "GB01", "优秀")]
    assert _messages(cadres=[cadre("GB01")], marks=marks) == [
        "测评票「P1」：同一张票上有多个评价人类别（上级、同级）"
    ]


def test_a_bonus_without_a_reason_is_an_input_error() -> None:
    messages = _messages(adjustments=[Adjustment("DW01", AdjustmentKind.BONUS, Decimal(2), " ")])
    assert messages == ["加分原因不能为空（对象「DW01」）"]


def test_all_problems_are_reported_at_once() -> None:
    messages = _messages(
        units=[unit(public_survey=Decimal(101))],
        cadres=[cadre("GB01", unit="DW09"), cadre("DW01")],
        sanctions=[Sanction("GB01", "记功", 2025), Sanction("GB77", "免职", 2025)],
        adjustments=[Adjustment("GB55", AdjustmentKind.DEDUCTION, Decimal(0), "督查")],
        prior_grades=[PriorGrade("GB01", 2024, "合格")],
    )
    assert messages == [
        "编码「DW01」重复（单位和干部的编码不能相同）",
        "单位「DW01」 公众评议：101 不在0到100之间",
        "干部「GB01」：单位编码「DW09」不存在",
        "处分：「记功」不是处分影响表中的处分",
        "处分：干部编码「GB77」不存在",
        "加减分：对象编码「GB55」不存在",
        "加减分：对象「GB55」的分值0应大于0",
        "往年等次：对象「GB01」2024年的「合格」不是有效的等次",
    ]


def test_indicator_weights_must_sum_to_100_and_every_indicator_be_scored() -> None:
    indicators = [
        Indicator("政府部门", "Z1", "经济", Decimal(60)),
        Indicator("政府部门", "Z2", "民生", Decimal(30)),
    ]
    messages = _messages(
        units=[unit(indicator_score=Decimal(80))],
        indicators=indicators,
        indicator_scores=[
            IndicatorScore("DW01", "Z1", Decimal(90)),
            IndicatorScore("DW01", "Z9", Decimal(90)),
        ],
    )
    assert messages == [
        "单位类别「政府部门」的指标权重合计为90，应为100",
        "指标得分：单位「DW01」的类别「政府部门」没有指标「Z9」",
        "单位「DW01」：指标考评已由指标得分计算，不能再直接填写",
        "单位「DW01」缺少指标得分：Z2",
    ]


def test_unsound_settings_are_reported_before_anything_else() -> None:
    messages = _messages(
        settings_=settings(
            cadre_excellent_ratio=Decimal(20),
            rater_group_weights={"上级": Decimal(0)},
            team_composite_weights={Component.REGULAR: Decimal(100)},
            excellent_limit=ExcellentLimit(count=2, percent=Decimal("0.2")),
        ),
        marks=[Mark("P1", "上级", "GB99", "优秀")],
    )
    assert messages == [
        "参数 干部优秀比例：20 不在0到100%之间",
        "参数 评价人权重：上级的权重0应大于0",
        "参数 班子综合构成：「平时考核」不是可用的构成项（实绩、民主测评）",
        "参数 每票优秀上限：只能填人数或百分比之一",
    ]


def test_input_error_is_a_value_error_with_one_line_per_message() -> None:
    error = InputError(["甲", "乙"])
    assert isinstance(error, ValueError)
    assert str(error) == "甲\n乙"


def test_each_bad_mark_is_reported_once() -> None:
    marks = [
        Mark("P1", "上级", "GB99", "优秀"),
        Mark("P1", "上级", "GB01", "良好"),
        Mark("P2", "上级", "GB01", "较差"),
        Mark("P3", "上级", "GB01", "优"),
    ]
    assert _messages(cadres=[cadre("GB01")], marks=marks) == [
        "测评票「P1」：对象编码「GB99」不存在",
        "测评票「P1」：「良好」不是对象「GB01」的有效选项（优秀、称职、基本称职、不称职）",
        "测评票「P3」：「优」不是对象「GB01」的有效选项（优秀、称职、基本称职、不称职）",
        "测评票「P2」：「较差」不是对象「GB01」的有效选项（优秀、称职、基本称职、不称职）",
    ]
