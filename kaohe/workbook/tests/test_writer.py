import io

import openpyxl

from kaohe.rules import assess
from kaohe.rules.model import FLAGS
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import small, with_rows, xlsx
from kaohe.workbook.writer import FLAG_LABELS, flag_labels, write_results


def written(sheets) -> openpyxl.Workbook:
    assessment = assess(read_assessment_workbook(xlsx(sheets)))
    file = io.BytesIO()
    write_results(assessment, file)
    file.seek(0)
    return openpyxl.load_workbook(file)


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_results_workbook_has_the_three_sheets():
    assert written(small()).sheetnames == ["结果", "名额", "无效票"]


def test_results_show_scores_grades_and_explanations_in_chinese():
    results = rows(written(small())["结果"])
    assert [(r["类型"], r["编码"]) for r in results] == [
        ("领导班子", "DW01"),
        ("领导班子", "DW02"),
        ("干部", "GB01"),
        ("干部", "GB02"),
        ("干部", "GB03"),
    ]
    first_cadre = results[2]
    assert first_cadre["等次"] == "称职"
    assert first_cadre["综合得分"] == 89.51
    assert first_cadre["上级得分"] == 100 and first_cadre["有效票"] == 2
    assert "同级得分" not in first_cadre  # a column per rater group that has marks
    assert results[3]["下级得分"] is None
    assert first_cadre["优秀率"] == 0.5
    assert "张三" in first_cadre["说明"]


def test_flags_are_shown_as_chinese_labels():
    assert set(FLAG_LABELS) == set(FLAGS)
    assert flag_labels(["admonish", "tie"]) == "诫勉线以下、并列待定"
    sheets = with_rows(small(), "干部", ["GB04", "赵六", "DW02", "科员", None, 80, None, "是"])
    sheets["干部"][0] += ["试用期"]
    results = rows(written(sheets)["结果"])
    assert results[-1]["标记"] == "试用期"


def test_the_results_sheet_is_laid_out_to_print():
    sheet = written(small())["结果"]
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth is left out when 1, the schema's default
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert all(cell.font.b for cell in sheet[1])
    last = sheet.max_column
    assert sheet.cell(1, last).value == "说明"
    assert sheet.cell(2, last).alignment.wrap_text
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(last)].width >= 60
    assert sheet["F2"].number_format == "0.00"


def test_quotas_and_invalid_ballots_are_listed():
    sheets = with_rows(small(), "测评票", ["P09", "同级", "GB01", "优秀"], ["P09", "同级", "GB01", "称职"])
    book = written(sheets)
    assert rows(book["无效票"])[0]["票号"] == "P09"
    quotas = rows(book["名额"])
    assert {(q["类型"], q["名额池"]) for q in quotas} == {
        ("领导班子", "乡镇街道"),
        ("干部", "DW01"),
        ("干部", "DW02"),
    }
