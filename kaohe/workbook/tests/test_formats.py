"""Workbooks as people have them: .xls and .ods saved by LibreOffice read exactly as the .xlsx they were
saved from, under the same limits and refusals; hostile .ods files are refused while they are read.

The fixtures were made by LibreOffice from the .xlsx beside them (fixtures/make.py)."""

import io
import pathlib

import pytest

from kaohe.workbook.archive import Limits
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.sheets import Problems, WorkbookError, open_workbook
from kaohe.workbook.tests.hostile import ods, ods_cell, ods_row

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
SAVED = ["xls", "ods"]
SMALL = Limits(expanded_bytes=1024 * 1024, sheet_rows=1_000, total_rows=1_500)


def refusal(data: bytes, limits: Limits = SMALL) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(io.BytesIO(data), limits=limits)
    return str(caught.value)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("suffix", SAVED)
def test_a_workbook_saved_by_libreoffice_reads_as_the_xlsx_it_was_saved_from(suffix):
    original = read_assessment_workbook(FIXTURES / "assessment.xlsx")
    assert read_assessment_workbook(FIXTURES / f"assessment.{suffix}") == original
    # By its bytes, whatever its name: an .ods uploaded as "x.xlsx" is still read.
    assert read_assessment_workbook(io.BytesIO(fixture(f"assessment.{suffix}"))) == original


@pytest.mark.parametrize("suffix", SAVED)
def test_dates_and_numbers_read_as_in_the_xlsx(suffix):
    def rows(data: bytes) -> list:
        problems = Problems()
        with open_workbook(io.BytesIO(data)) as book:
            sheet = book.sheet("干部", problems, required=("干部编码", "出生年月", "任职时间"))
            assert sheet is not None
            found = list(sheet.tuples(["干部编码", "出生年月", "任职时间"]))
        problems.check()
        return found

    expected = rows(fixture("roster.xlsx"))
    assert expected[0][1][2].year == 2021  # a real date cell, not text
    assert rows(fixture(f"roster.{suffix}")) == expected


@pytest.mark.parametrize("suffix", ["xlsx", *SAVED])
def test_a_formula_in_a_column_the_import_reads_is_refused_in_every_format(suffix):
    problems = Problems()
    with open_workbook(io.BytesIO(fixture(f"formula.{suffix}"))) as book:
        assert book.sheet("单位", problems, required=("单位编码", "单位名称")) is not None
    assert [str(p) for p in problems] == ["单位 第2行 单位名称: 单元格 B2 是公式，导入不读公式，请粘贴为数值"]


@pytest.mark.parametrize("suffix", SAVED)
def test_the_row_limits_hold_for_every_format(suffix):
    tight = Limits(expanded_bytes=1024 * 1024, sheet_rows=2, total_rows=100)
    assert refusal(fixture(f"assessment.{suffix}"), tight).endswith("超过 2 行，超出本导入的上限")


def test_the_size_limit_holds_for_an_xls(tmp_path):
    with pytest.raises(WorkbookError) as caught:
        open_workbook(io.BytesIO(fixture("assessment.xls")), max_bytes=1024)
    assert str(caught.value).startswith("文件过大")


def test_an_ods_row_repeated_a_million_times_is_refused_before_it_is_read():
    data = ods({"单位": [("单位编码", "单位名称"), ods_row(("DW01", "东城街道"), repeat=1_000_000)]})
    assert len(data) < 4_000
    assert refusal(data) == "工作表「单位」超过 1,000 行，超出本导入的上限"


def test_an_ods_cell_repeated_across_every_column_is_refused_as_too_large_once_built():
    wide = ods_row(ods_cell("东", repeat=16_384), repeat=900)
    data = ods({"单位": [("单位编码", "单位名称"), wide]})
    assert "解压后过大" in refusal(data)


def test_the_empty_rows_libreoffice_writes_to_the_sheets_end_are_not_counted():
    tail = ods_row(ods_cell(None, repeat=1024), repeat=1_048_570)
    data = ods({"单位": [("单位编码", "单位名称"), ("DW01", "东城街道"), tail]})
    problems = Problems()
    with open_workbook(io.BytesIO(data), limits=SMALL) as book:
        sheet = book.sheet("单位", problems, required=("单位编码", "单位名称"))
        assert sheet is not None
        assert list(sheet.tuples(["单位编码", "单位名称"])) == [(2, ("DW01", "东城街道"))]


def test_rows_of_every_ods_sheet_count_together():
    rows = [("单位编码", "单位名称"), ods_row(("DW01", "东城街道"), repeat=800)]
    assert refusal(ods({"一": rows, "二": rows})) == "工作簿共超过 1,500 行，超出本导入的上限"


def test_an_ods_formula_is_refused_naming_its_cell_even_when_repeated():
    formula = ods_cell("伪造", formula='"东城"&"街道"')
    data = ods({"单位": [("单位编码", "单位名称"), ods_row(ods_cell("DW01") + formula, repeat=3)]})
    problems = Problems()
    with open_workbook(io.BytesIO(data)) as book:
        book.sheet("单位", problems, required=("单位编码", "单位名称"))
    assert [p.row for p in problems] == [2, 3, 4]


def test_an_opendocument_text_is_not_a_workbook():
    data = ods({"单位": [("单位编码",)]}, mimetype="application/vnd.oasis.opendocument.text")
    assert refusal(data) == "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件，或文件已损坏"


def test_an_ods_carrying_an_excel_part_too_is_refused():
    import zipfile

    buffer = io.BytesIO(ods({"单位": [("单位编码",)]}))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/workbook.bin", b"\x00" * 10)
    assert "已损坏" in refusal(buffer.getvalue())


def test_an_ods_that_is_not_well_formed_is_refused_as_damaged():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content><unclosed>")
    assert "已损坏" in refusal(buffer.getvalue())
