"""Hostile workbooks, refused while they are read: too many rows, too many bytes once inflated (whatever
the archive declares), formulas whose cached value would be imported instead of what Excel shows."""

import io

import pytest

from kaohe.workbook.archive import Limits, TooLarge, scan
from kaohe.workbook.sheets import Problems, WorkbookError, open_workbook
from kaohe.workbook.tests.hostile import book, declaring, repeated

SMALL = Limits(expanded_bytes=1024 * 1024, sheet_rows=1_000, total_rows=1_500)
HEADER = ("单位编码", "单位名称")


def refusal(data: bytes, limits: Limits = SMALL) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(io.BytesIO(data), limits=limits)
    return str(caught.value)


def test_a_sheet_with_more_rows_than_the_import_takes_is_refused_naming_the_sheet_and_limit():
    data = book({"单位": repeated(HEADER, ("DW01", "东城街道"), 5_000)})
    assert len(data) < 64_000
    assert refusal(data) == "工作表「单位」超过 1,000 行，超出本导入的上限"


def test_rows_are_counted_across_sheets_too():
    rows = list(repeated(HEADER, ("DW01", "东城街道"), 800))
    assert refusal(book({"一": rows, "二": rows})) == "工作簿共超过 1,500 行，超出本导入的上限"


def test_a_file_inflating_past_the_limit_is_refused_while_inflating():
    data = book({"单位": repeated(HEADER, ("DW01", "东" * 1000), 900)})
    assert "解压后过大" in refusal(data)


def test_an_archive_declaring_a_huge_size_is_refused_before_inflating():
    data = declaring(book({"单位": [HEADER, ("DW01", "东城街道")]}), "xl/worksheets/sheet1.xml", 2**31)
    assert "解压后过大" in refusal(data)


def test_an_archive_declaring_less_than_it_holds_is_refused_not_read_short():
    data = book({"单位": repeated(HEADER, ("DW01", "东" * 1000), 900)})
    lying = declaring(data, "xl/worksheets/sheet1.xml", 1000)
    message = refusal(lying, Limits(expanded_bytes=10 * 1024 * 1024, sheet_rows=10_000, total_rows=10_000))
    assert "已损坏" in message


def test_the_scan_counts_rows_and_finds_formula_cells_by_column():
    data = book({"表": [("编码", "名称", "合计"), ("A1", ('"显示"&"名称"', "伪造"), ("SUM(1,2)", 3))]})
    found = scan(io.BytesIO(data), SMALL)
    assert found.rows == {"表": 2}
    assert found.formulas == {"表": {"B": [2], "C": [2]}}


def test_a_formula_in_a_column_the_import_reads_is_refused_naming_the_cell():
    data = book({"单位": [(*HEADER, "合计"), ("DW01", ('"显示"&"名称"', "伪造"), ("SUM(1,2)", 3))]})
    problems = Problems()
    with open_workbook(io.BytesIO(data)) as workbook:
        sheet = workbook.sheet("单位", problems, required=HEADER)
        assert sheet is not None
        list(sheet)
    assert [str(p) for p in problems] == ["单位 第2行 单位名称: 单元格 B2 是公式，导入不读公式，请粘贴为数值"]


def test_formulas_only_outside_the_columns_read_are_ignored():
    data = book({"单位": [(*HEADER, "合计"), ("DW01", "东城街道", ("SUM(1,2)", 3))]})
    problems = Problems()
    with open_workbook(io.BytesIO(data)) as workbook:
        rows = [row.as_dict() for row in workbook.sheet("单位", problems, required=HEADER) or ()]
    assert not problems
    assert rows == [{"单位编码": "DW01", "单位名称": "东城街道"}]


def test_many_problems_keep_the_first_and_count_them_all():
    problems = Problems()
    for number in range(10_000):
        problems.add("干部", number, "干部编码", "GB1", "编码重复")
    with pytest.raises(WorkbookError) as caught:
        problems.check()
    assert caught.value.total == 10_000
    assert len(caught.value.problems) == 500
    assert str(caught.value).endswith("……共 10,000 个问题，仅列出前 500 个")


def test_a_long_sheet_within_the_limits_is_counted_whole():
    data = book({"测评票": repeated(("票号", "对象", "档次"), ("P0001", "GB00001", "优秀"), 20_000)})
    found = scan(io.BytesIO(data), Limits(2**31, 1_048_576, 6_000_000))
    assert found.rows == {"测评票": 20_001}
    assert found.formulas == {}


def test_too_large_is_a_value_error_with_a_chinese_message():
    assert issubclass(TooLarge, ValueError)
