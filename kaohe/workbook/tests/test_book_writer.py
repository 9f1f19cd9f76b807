"""write_assessment_workbook is the inverse of read_assessment_workbook: reading what it wrote gives the
same inputs, and so the same assessment."""

import io
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest

from kaohe.rules import assess, assessment_document
from kaohe.rules.model import (
    AssessmentInput,
    CadrePool,
    Component,
    ExcellentLimit,
    Indicator,
    Rounding,
    RuleSettings,
    Unit,
    VetoEffect,
)
from kaohe.workbook import layout
from kaohe.workbook.book_writer import NotWritable, number, setting_text, write_assessment_workbook
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import small, xlsx
from kaohe.workbook.tests.generated import generated_book
from kaohe.workbook.tests.test_worked_examples import example_4, public_examples


def rewritten(data: AssessmentInput) -> AssessmentInput:
    file = io.BytesIO()
    write_assessment_workbook(data, file)
    file.seek(0)
    return read_assessment_workbook(file)


def same_assessment(data: AssessmentInput, again: AssessmentInput) -> None:
    assert assessment_document(assess(again)) == assessment_document(assess(data))


EXAMPLES = {
    "examples 1, 2, 3, 5": public_examples(),
    "example 4 rounding down": example_4("向下取整"),
    "example 4 rounding half up": example_4("四舍五入"),
    "example 4 rounding up": example_4("向上取整"),
    "example 6 in 2024": public_examples(2024),
    "example 6 in 2026": public_examples(2026),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_worked_examples_read_back_to_the_same_inputs_and_results(name):
    data = read_assessment_workbook(xlsx(EXAMPLES[name]))
    again = rewritten(data)
    assert again == data
    same_assessment(data, again)


@pytest.mark.parametrize("indicators", [True, False], ids=["indicators", "given indicator scores"])
def test_a_generated_book_with_every_sheet_reads_back_the_same(indicators):
    data = read_assessment_workbook(xlsx(generated_book(indicators=indicators)))
    assert data.sanctions and data.adjustments and data.prior_grades and data.marks
    assert bool(data.indicators) is indicators
    again = rewritten(data)
    assert again == data
    document = assessment_document(assess(data))
    assert document["invalid_ballots"], "the generated book has void ballots"
    assert assessment_document(assess(again)) == document


def test_every_setting_is_written_so_that_it_parses_back_to_its_value():
    varied = RuleSettings(
        year=2031,
        cadre_excellent_ratio=Decimal("0.155"),
        cadre_excellent_ratio_advanced=Decimal(1),
        team_excellent_ratio=Decimal("0.3333333333333333333333333333"),
        quota_rounding=Rounding.CEILING,
        cadre_pool=CadrePool.ALL,
        rater_group_weights={"两代表一委员": Decimal("12.5"), "服务对象": Decimal(10)},
        cadre_composite_weights={Component.DEMOCRATIC: Decimal(60), Component.REGULAR: Decimal(0)},
        bonus_cap=Decimal("2.5"),
        excellent_limit=ExcellentLimit(percent=Decimal("0.125")),
        admonish_line=Fraction(3, 7),
        adjust_line=Fraction(0),
        min_valid_marks=12,
        cadre_basic_line=Decimal("59.95"),
        team_poor_line=Decimal(50),
        veto_effect=VetoEffect.LOWEST,
        veto_cascades_to_principal=False,
    )
    for settings in (
        RuleSettings(year=2025),
        varied,
        RuleSettings(year=2025, excellent_limit=ExcellentLimit(count=3)),
    ):
        for setting in layout.SETTINGS:
            value = getattr(settings, setting.field)
            shown = setting_text(setting, value)
            parsed = None if shown == "" else setting.parse(shown)
            assert parsed == value, (setting.name, shown)


def test_ratios_are_written_as_percentages():
    assert setting_text(layout.SETTINGS_BY_NAME["班子优秀比例"], Decimal("0.2")) == "20%"
    assert setting_text(layout.SETTINGS_BY_NAME["诫勉线"], Fraction(2, 3)) == "2/3"


def test_numbers_are_numbers_when_excel_keeps_them_exactly_and_text_otherwise():
    assert number(Decimal("90.0000")) == 90 and isinstance(number(Decimal("90.0000")), int)
    assert number(Decimal("87.35")) == 87.35
    assert number(Decimal("72.33333333333333333333333333")) == "72.33333333333333333333333333"
    assert number(None) is None


def test_a_long_decimal_survives_the_round_trip_exactly():
    data = read_assessment_workbook(xlsx(small()))
    exact = Decimal("72.33333333333333333333333333")
    changed = AssessmentInput(
        settings=data.settings,
        units=[Unit(u.code, u.name, u.category, public_survey=exact) for u in data.units],
        cadres=data.cadres,
        marks=data.marks,
    )
    again = rewritten(changed)
    assert again.units[0].public_survey == exact
    same_assessment(changed, again)


def test_the_sheets_are_written_in_the_layout_order_with_every_column():
    data = read_assessment_workbook(xlsx(generated_book(units=3)))
    file = io.BytesIO()
    write_assessment_workbook(data, file)
    book = openpyxl.load_workbook(file, read_only=True)
    assert book.sheetnames == [sheet.name for sheet in layout.SHEETS]
    for sheet in layout.SHEETS:
        header = next(book[sheet.name].iter_rows(max_row=1, values_only=True))
        assert list(header) == [column.name for column in sheet.columns]
    settings = {row[0]: row[1] for row in book["参数"].iter_rows(min_row=2, values_only=True)}
    assert list(settings) == [s.name for s in layout.SETTINGS]
    assert (settings["年度"], settings["班子优秀比例"], settings["干部优秀比例"]) == (2025, "30%", "20%")


def test_sheets_without_data_are_left_out():
    data = read_assessment_workbook(xlsx(small()))
    file = io.BytesIO()
    write_assessment_workbook(data, file)
    assert openpyxl.load_workbook(file, read_only=True).sheetnames == ["参数", "单位", "干部", "测评票"]


def test_inputs_a_workbook_cannot_express_are_refused_with_the_reason():
    data = read_assessment_workbook(xlsx(small()))
    mixed = AssessmentInput(
        settings=data.settings,
        units=data.units,
        cadres=data.cadres,
        indicators=[Indicator("政府部门", "ZB1", "经济", Decimal(100))],
    )
    with pytest.raises(NotWritable) as error:
        write_assessment_workbook(mixed, io.BytesIO())
    assert error.value.messages == [
        "单位「DW01」的类别「乡镇街道」没有指标，但直接给出了指标考评；工作簿有「指标」工作表时不能直接填写指标考评",
        "单位「DW02」的类别「乡镇街道」没有指标，但直接给出了指标考评；工作簿有「指标」工作表时不能直接填写指标考评",
    ]
    missing = AssessmentInput(
        settings=data.settings,
        units=[Unit(u.code, u.name, u.category) for u in data.units],
        cadres=data.cadres,
        indicators=[
            Indicator("乡镇街道", "ZB1", "经济", Decimal(60)),
            Indicator("乡镇街道", "ZB2", "党建", Decimal(40)),
        ],
    )
    with pytest.raises(NotWritable) as error:
        write_assessment_workbook(missing, io.BytesIO())
    assert error.value.messages == [
        "单位「DW01」缺少指标ZB1、ZB2的得分",
        "单位「DW02」缺少指标ZB1、ZB2的得分",
    ]
