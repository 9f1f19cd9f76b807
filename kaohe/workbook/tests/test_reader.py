from decimal import Decimal
from fractions import Fraction

import pytest

from kaohe.rules.model import Component, ExcellentLimit, Mark, Rounding
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.sheets import Problem, WorkbookError
from kaohe.workbook.tests.books import small, with_rows, xlsx

INDICATORS = [
    ["单位类别", "指标编码", "指标名称", "权重"],
    ["乡镇街道", "ZB1", "经济发展", 60],
    ["乡镇街道", "ZB2", "社会治理", 40],
]
SCORES = [
    ["单位编码", "指标编码", "得分"],
    ["DW01", "ZB1", 90],
    ["DW01", "ZB2", 80],
    ["DW02", "ZB1", 70],
    ["DW02", "ZB2", 75],
]


def problems_of(sheets) -> list[Problem]:
    with pytest.raises(WorkbookError) as caught:
        read_assessment_workbook(xlsx(sheets))
    return caught.value.problems


def only_problem(sheets) -> str:
    problems = problems_of(sheets)
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def setting(name, value):
    return with_rows(small(), "参数", [name, value])


def replaced(sheets, sheet, row, column, value):
    """The workbook with one cell changed; ``row`` as Excel numbers it, ``column`` by header."""
    changed = with_rows(sheets, sheet)
    changed[sheet][row - 1][changed[sheet][0].index(column)] = value
    return changed


def without_indicator_scores(sheets):
    changed = with_rows(sheets, "单位")
    for row in changed["单位"][1:]:
        row[4] = None
    return changed


def test_a_valid_workbook_reads_into_the_engine_input():
    data = read_assessment_workbook(xlsx(small()))
    assert data.settings.year == 2025
    assert [u.code for u in data.units] == ["DW01", "DW02"]
    assert data.units[0].advanced and not data.units[1].advanced
    assert data.units[0].indicator_score == Decimal(90)
    assert [c.code for c in data.cadres] == ["GB01", "GB02", "GB03"]
    assert data.cadres[2].principal  # "Y"
    assert data.cadres[1].leader_rating is None
    assert data.marks[0] == Mark("P01", "上级", "GB01", "优秀")


def test_the_workbook_can_be_given_as_a_path(tmp_path):
    path = tmp_path / "考核.xlsx"
    path.write_bytes(xlsx(small()).getvalue())
    assert read_assessment_workbook(path).settings.year == 2025


def test_settings_are_read_by_their_chinese_names():
    sheets = small()
    sheets["参数"] += [
        ["干部优秀比例", "15%"],
        ["干部优秀比例（先进单位）", 0.2],
        ["名额取整", "四舍五入"],
        ["评价人权重", "上级=20,同级=40,下级=40"],
        ["干部综合构成", "民主测评=50,实绩=50"],
        ["诫勉线", "2/3"],
        ["每票优秀上限", 5],
        ["干部基本称职线", 70],
        ["否决连带主要负责人", "否"],
    ]
    settings = read_assessment_workbook(xlsx(sheets)).settings
    assert settings.cadre_excellent_ratio == Decimal("0.15")
    assert settings.cadre_excellent_ratio_advanced == Decimal("0.2")
    assert settings.quota_rounding is Rounding.HALF_UP
    assert settings.rater_group_weights == {"上级": 20, "同级": 40, "下级": 40}
    assert settings.cadre_composite_weights == {Component.DEMOCRATIC: 50, Component.PERFORMANCE: 50}
    assert settings.admonish_line == Fraction(2, 3)
    assert settings.excellent_limit == ExcellentLimit(count=5)
    assert settings.cadre_basic_line == 70
    assert settings.veto_cascades_to_principal is False


def test_a_per_ballot_limit_can_be_a_share_of_the_cadres_on_the_ballot():
    settings = read_assessment_workbook(xlsx(setting("每票优秀上限", "20%"))).settings
    assert settings.excellent_limit == ExcellentLimit(percent=Decimal("0.2"))


def test_a_blank_setting_keeps_its_default():
    settings = read_assessment_workbook(xlsx(setting("班子优秀比例", None))).settings
    assert settings.team_excellent_ratio == Decimal("0.20")


def test_an_unknown_setting_name_is_an_input_error():
    assert only_problem(setting("优秀比例", "20%")) == "参数 第3行 参数: 「优秀比例」不是有效的参数名称"


def test_the_year_is_required():
    sheets = small()
    sheets["参数"] = [["参数", "值"], ["干部优秀比例", "20%"]]
    assert only_problem(sheets) == "参数: 缺少参数「年度」（必填）"
    sheets["参数"].append(["年度", None])
    assert only_problem(sheets) == "参数 第3行 值: 年度不能为空（必填，如 2025）"


def test_a_setting_given_twice_is_an_input_error():
    assert only_problem(setting("年度", 2024)) == "参数 第3行 参数: 参数「年度」重复（已在第2行）"


def test_a_ratio_above_a_hundred_percent_is_an_input_error():
    assert only_problem(setting("班子优秀比例", "120%")) == "参数 第3行 值: 「120%」超过100%"


def test_a_negative_weight_is_an_input_error():
    problem = only_problem(setting("干部综合构成", "民主测评=-40,实绩=30"))
    assert problem == "参数 第3行 值: 民主测评: 「-40」不能为负数"


def test_a_rater_group_weight_must_be_above_zero():
    assert (
        only_problem(setting("评价人权重", "上级=0,同级=30,下级=40")) == "参数 第3行 值: 上级: 「0」应大于0"
    )


def test_a_composite_part_must_be_one_of_the_known_parts():
    problem = only_problem(setting("班子综合构成", "实绩=70,述职=30"))
    assert problem == "参数 第3行 值: 「述职」不是有效的名称（实绩、民主测评）"


def test_choice_values_must_name_all_four_choices():
    problem = only_problem(setting("干部票值", "优秀=100,称职=80"))
    assert problem == "参数 第3行 值: 「优秀=100,称职=80」须列出优秀、称职、基本称职、不称职四项"


def test_a_choice_setting_lists_its_options():
    assert (
        only_problem(setting("并列处理", "抽签"))
        == "参数 第3行 值: 「抽签」不是有效的选项（领导小组决定、允许超额）"
    )


def test_a_missing_required_sheet_is_named():
    sheets = small()
    del sheets["干部"], sheets["测评票"]
    assert only_problem(sheets) == "缺少工作表「干部」"


def test_a_missing_required_column_is_named_with_row_one():
    sheets = small()
    sheets["单位"] = [row[1:] for row in sheets["单位"]]
    assert str(problems_of(sheets)[0]) == "单位 第1行: 缺少列「单位编码」"


def test_columns_may_come_in_any_order_with_extra_columns_and_blank_rows():
    sheets = small()
    sheets["干部"] = [
        ["备注", "单位编码", "姓名", "干部编码"],
        ["新任", "DW01", "张三", "GB01"],
        [],
        [None, "DW02", "王五", "GB03"],
    ]
    del sheets["测评票"]
    data = read_assessment_workbook(xlsx(sheets))
    assert [(c.code, c.unit) for c in data.cadres] == [("GB01", "DW01"), ("GB03", "DW02")]


def test_an_unknown_unit_of_a_cadre_is_an_input_error():
    problem = only_problem(replaced(small(), "干部", 3, "单位编码", "DW09"))
    assert problem == "干部 第3行 单位编码: 「DW09」不是「单位」工作表中的单位"


def test_codes_are_unique_across_units_and_cadres_together():
    problem = only_problem(replaced(small(), "干部", 4, "干部编码", "DW02"))
    assert problem == "干部 第4行 干部编码: 编码「DW02」重复（已用于单位 第3行）"


def test_a_required_cell_left_blank_is_an_input_error():
    assert only_problem(replaced(small(), "单位", 3, "单位类别", None)) == "单位 第3行 单位类别: 不能为空"


def test_a_yes_no_cell_with_another_word_is_an_input_error():
    problem = only_problem(replaced(small(), "单位", 2, "先进单位", "先进"))
    assert problem == "单位 第2行 先进单位: 「先进」不是有效的选项（是、否）"


def test_a_score_outside_0_to_100_is_an_input_error():
    problem = only_problem(replaced(small(), "干部", 2, "平时考核", 105))
    assert problem == "干部 第2行 平时考核: 「105」不在0到100之间"


def test_indicators_and_their_scores_are_read():
    sheets = without_indicator_scores(small())
    sheets["指标"], sheets["指标得分"] = INDICATORS, SCORES
    data = read_assessment_workbook(xlsx(sheets))
    assert [(i.code, i.weight) for i in data.indicators] == [("ZB1", 60), ("ZB2", 40)]
    assert len(data.indicator_scores) == 4


def test_empty_indicator_sheets_as_in_the_template_mean_no_indicators():
    sheets = small()
    sheets["指标"], sheets["指标得分"] = INDICATORS[:1], SCORES[:1]
    assert read_assessment_workbook(xlsx(sheets)).indicators == []


def test_indicator_weights_of_a_category_must_sum_to_100():
    sheets = without_indicator_scores(small())
    sheets["指标"], sheets["指标得分"] = INDICATORS, SCORES
    sheets = replaced(sheets, "指标", 3, "权重", 35)
    assert only_problem(sheets) == "指标 第2行 权重: 单位类别「乡镇街道」的指标权重合计为95，应为100"


def test_a_direct_indicator_score_with_an_indicator_sheet_is_an_input_error():
    sheets = without_indicator_scores(small())
    sheets["指标"], sheets["指标得分"] = INDICATORS, SCORES
    sheets = replaced(sheets, "单位", 3, "指标考评", 80)
    assert (
        only_problem(sheets) == "单位 第3行 指标考评: 已有「指标」工作表，指标考评由指标得分计算，此处应留空"
    )


def test_every_unit_needs_a_score_for_every_indicator_of_its_category():
    sheets = without_indicator_scores(small())
    sheets["指标"], sheets["指标得分"] = INDICATORS, SCORES[:4]
    assert only_problem(sheets) == "指标得分 指标编码: 单位「DW02」缺少指标ZB2的得分"


def test_a_score_for_an_indicator_of_another_category_is_an_input_error():
    sheets = without_indicator_scores(small())
    sheets["指标"], sheets["指标得分"] = INDICATORS, [*SCORES, ["DW02", "ZB9", 80]]
    assert only_problem(sheets) == "指标得分 第6行 指标编码: 「ZB9」不是单位类别「乡镇街道」的指标"


def test_an_indicator_score_given_twice_is_an_input_error():
    sheets = without_indicator_scores(small())
    sheets["指标"], sheets["指标得分"] = INDICATORS, [*SCORES, ["DW02", "ZB2", 80]]
    assert only_problem(sheets) == "指标得分 第6行 指标编码: 单位「DW02」的指标「ZB2」得分重复"


def test_an_indicator_of_an_unknown_category_is_an_input_error():
    sheets = without_indicator_scores(small())
    sheets["指标"] = [*INDICATORS, ["党群部门", "ZB1", "党建", 100]]
    sheets["指标得分"] = SCORES
    assert only_problem(sheets) == "指标 第4行 单位类别: 「党群部门」不是「单位」工作表中出现的单位类别"


def test_an_unknown_sanction_is_an_input_error():
    sheets = with_rows(small(), "处分", ["干部编码", "处分", "年度"], ["GB01", "警告", 2025])
    problem = only_problem(sheets)
    assert problem.startswith("处分 第2行 处分: 「警告」不是有效的选项（党内警告、政务警告")


def test_a_sanction_of_an_unknown_cadre_is_an_input_error():
    sheets = with_rows(small(), "处分", ["干部编码", "处分", "年度"], ["GB09", "党内警告", 2025])
    assert only_problem(sheets) == "处分 第2行 干部编码: 「GB09」不是「干部」工作表中的干部"


def test_a_bonus_without_a_reason_is_an_input_error():
    sheets = with_rows(small(), "加减分", ["对象编码", "类型", "分值", "原因"], ["GB01", "加分", 2, None])
    assert only_problem(sheets) == "加减分 第2行 原因: 加分原因不能为空"


def test_bonus_points_must_be_above_zero():
    sheets = with_rows(small(), "加减分", ["对象编码", "类型", "分值", "原因"], ["DW01", "扣分", -2, "通报"])
    assert only_problem(sheets) == "加减分 第2行 分值: 「-2」应大于0"


def test_a_bonus_for_an_unknown_code_is_an_input_error():
    sheets = with_rows(small(), "加减分", ["对象编码", "类型", "分值", "原因"], ["XX", "加分", 1, "表彰"])
    assert only_problem(sheets) == "加减分 第2行 对象编码: 「XX」不是已有的单位编码或干部编码"


def test_a_choice_outside_the_targets_scale_is_an_input_error():
    sheets = with_rows(small(), "测评票", ["P03", "同级", "GB01", "优"], ["P03", "同级", "DW01", "称职"])
    problems = [str(p) for p in problems_of(sheets)]
    assert problems == [
        "测评票 第7行 评价: 「优」不是有效的选项（优秀、称职、基本称职、不称职）",
        "测评票 第8行 评价: 「称职」不是有效的选项（优秀、良好、一般、较差）",
    ]


def test_a_ballot_for_an_unknown_target_is_an_input_error():
    sheets = with_rows(small(), "测评票", ["P03", "同级", "GB99", "优秀"])
    assert only_problem(sheets) == "测评票 第7行 对象编码: 「GB99」不是已有的单位编码或干部编码"


def test_a_rater_group_without_a_weight_is_an_input_error():
    sheets = with_rows(small(), "测评票", ["P03", "服务对象", "GB01", "优秀"])
    assert (
        only_problem(sheets)
        == "测评票 第7行 评价人类别: 「服务对象」没有设置权重（评价人权重：上级、同级、下级）"
    )


def test_a_ballot_has_one_rater_group():
    sheets = with_rows(small(), "测评票", ["P01", "同级", "GB03", "优秀"])
    assert (
        only_problem(sheets)
        == "测评票 第7行 评价人类别: 票号「P01」在第2行为「上级」，一张票只能有一个评价人类别"
    )


def test_a_blank_cell_in_a_ballot_row_is_an_input_error():
    sheets = with_rows(small(), "测评票", ["P03", "同级", "GB01", None])
    assert only_problem(sheets) == "测评票 第7行 评价: 不能为空"


def test_prior_grades_are_checked_against_the_scale_and_the_year():
    header = ["对象编码", "年度", "等次"]
    sheets = with_rows(
        small(), "往年等次", header, ["GB01", 2024, "良好"], ["DW01", 2025, "优秀"], ["GB01", 2023, "优秀"]
    )
    problems = [str(p) for p in problems_of(sheets)]
    assert problems == [
        "往年等次 第2行 等次: 「良好」不是有效的等次（优秀、称职、基本称职、不称职、不定等次）",
        "往年等次 第3行 年度: 「2025」应早于考核年度2025",
    ]


def test_prior_grades_of_people_no_longer_assessed_are_ignored():
    sheets = with_rows(small(), "往年等次", ["对象编码", "年度", "等次"], ["GB77", 2024, "优秀"])
    assert read_assessment_workbook(xlsx(sheets)).prior_grades == []


def test_every_problem_is_reported_not_only_the_first():
    sheets = replaced(small(), "单位", 2, "公众评议", "好")
    sheets = replaced(sheets, "干部", 3, "单位编码", "DW09")
    sheets = with_rows(sheets, "测评票", ["P03", "同级", "GB01", "优"])
    sheets = with_rows(sheets, "参数", ["班子优秀比例", "200"])
    assert [str(p) for p in problems_of(sheets)] == [
        "参数 第3行 值: 「200」超过100%",
        "单位 第2行 公众评议: 「好」不是数字",
        "干部 第3行 单位编码: 「DW09」不是「单位」工作表中的单位",
        "测评票 第7行 评价: 「优」不是有效的选项（优秀、称职、基本称职、不称职）",
    ]


def test_problems_carry_the_value_for_the_web_import():
    [problem] = problems_of(replaced(small(), "单位", 2, "公众评议", "好"))
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("单位", 2, "公众评议", "好")


def test_ballots_may_go_on_in_numbered_sheets_beyond_excels_row_limit():
    sheets = small()
    sheets["测评票2"] = [
        sheets["测评票"][0],
        ["P03", "同级", "GB03", "优秀"],
        ["P01", "同级", "GB03", "称职"],
    ]
    problems = [str(p) for p in problems_of(sheets)]
    assert problems == [
        "测评票2 第3行 评价人类别: 票号「P01」在测评票 第2行为「上级」，一张票只能有一个评价人类别"
    ]
    del sheets["测评票2"][2]
    assert [m.ballot for m in read_assessment_workbook(xlsx(sheets)).marks][-1] == "P03"


def test_indicator_scores_without_indicators_are_an_input_error():
    sheets = with_rows(small(), "指标得分", *SCORES)
    assert only_problem(sheets) == "指标得分 第2行: 没有「指标」工作表（或其中没有指标），指标得分无从计算"


def test_an_adjustment_is_either_a_bonus_or_a_deduction():
    sheets = with_rows(small(), "加减分", ["对象编码", "类型", "分值", "原因"], ["GB01", "奖励", 1, "表彰"])
    assert only_problem(sheets) == "加减分 第2行 类型: 「奖励」不是有效的选项（加分、扣分）"


def test_a_deduction_without_a_reason_is_an_input_error():
    sheets = with_rows(small(), "加减分", ["对象编码", "类型", "分值", "原因"], ["DW01", "扣分", 1, " "])
    assert only_problem(sheets) == "加减分 第2行 原因: 扣分原因不能为空"


def test_a_sanction_year_must_be_a_year():
    sheets = with_rows(small(), "处分", ["干部编码", "处分", "年度"], ["GB01", "党内警告", "去年"])
    assert only_problem(sheets) == "处分 第2行 年度: 「去年」不是有效的年度"


def test_two_different_grades_for_the_same_year_are_an_input_error():
    header = ["对象编码", "年度", "等次"]
    sheets = with_rows(small(), "往年等次", header, ["GB01", 2024, "优秀"], ["GB01", 2024, "称职"])
    assert only_problem(sheets) == "往年等次 第3行 等次: 「GB01」2024年已有等次「优秀」"


def test_a_per_ballot_limit_that_is_neither_a_count_nor_a_share_is_an_input_error():
    assert only_problem(setting("每票优秀上限", "2.5")) == "参数 第3行 值: 「2.5」不是非负整数"
    assert only_problem(setting("每票优秀上限", "五张")) == "参数 第3行 值: 「五张」不是数字"


def test_the_bottom_ratio_is_read_as_any_ratio_and_is_off_when_blank():
    for value, expected in (("10%", "0.1"), (0.25, "0.25"), (5, "0.05")):
        assert (
            str(read_assessment_workbook(xlsx(setting("末位比例", value))).settings.bottom_ratio) == expected
        )
    assert read_assessment_workbook(xlsx(setting("末位比例", None))).settings.bottom_ratio is None
    assert only_problem(setting("末位比例", "-10%")) == "参数 第3行 值: 「-10%」不能为负数"
