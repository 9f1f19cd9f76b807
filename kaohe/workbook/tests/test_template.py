import io

import openpyxl

from kaohe.rules.model import RuleSettings
from kaohe.workbook import layout
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.template import write_template


def template() -> openpyxl.Workbook:
    file = io.BytesIO()
    write_template(file)
    file.seek(0)
    return openpyxl.load_workbook(file)


def test_the_template_has_a_guide_first_then_every_sheet_of_the_format():
    assert template().sheetnames == ["说明", *(sheet.name for sheet in layout.SHEETS)]


def test_every_sheet_has_its_headers_in_row_one():
    book = template()
    for sheet in layout.SHEETS:
        headers = [cell.value for cell in book[sheet.name][1]]
        assert headers[: len(sheet.columns)] == [column.name for column in sheet.columns]


def test_the_guide_explains_every_sheet_column_and_setting():
    guide = " ".join(str(v) for row in template()["说明"].iter_rows(values_only=True) for v in row if v)
    for sheet in layout.SHEETS:
        assert f"工作表「{sheet.name}」" in guide
        for column in sheet.columns:
            assert column.help in guide
    for setting in layout.SETTINGS:
        assert setting.name in guide and setting.help in guide
    assert "留党察看(二年)" in guide


def test_the_filled_template_reads_back_with_the_default_settings():
    book = template()
    settings = book["参数"]
    [year_row] = [row for row in settings.iter_rows(min_row=2) if row[0].value == "年度"]
    year_row[1].value = 2025
    book["单位"].append(["DW01", "城关镇", "乡镇街道", "否", 90])
    book["干部"].append(["GB01", "张三", "DW01", "书记", "是"])
    book["测评票"].append(["P1", "下级", "GB01", "优秀"])
    file = io.BytesIO()
    book.save(file)
    file.seek(0)

    data = read_assessment_workbook(file)
    assert data.settings == RuleSettings(year=2025)
    assert [u.code for u in data.units] == ["DW01"]
    assert data.cadres[0].principal
    assert len(data.marks) == 1


def test_the_guide_and_the_settings_sheet_offer_the_bottom_ratio_blank():
    book = template()
    rows = {row[0]: row for row in book["说明"].iter_rows(values_only=True) if row and row[0]}
    assert rows["末位比例"][2] == "（空白）"
    assert "末位" in rows["末位比例"][1] and "不改变等次" in rows["末位比例"][1]
    assert "班子良好及以上" in rows["诫勉线"][1]
    settings = {row[0]: row[1] for row in book["参数"].iter_rows(min_row=2, values_only=True)}
    assert settings["末位比例"] in (None, "")
