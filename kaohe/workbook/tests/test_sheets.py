import datetime
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.workbook.sheets import (
    CellError,
    Problem,
    Problems,
    WorkbookError,
    choice,
    date,
    decimal,
    open_workbook,
    pairs,
    positive,
    ratio,
    score,
    text,
    threshold,
    year,
    yes_no,
)
from kaohe.workbook.tests.books import xlsx


def read(rows, required=("编码",), optional=("名称", "备注")):
    problems = Problems()
    with open_workbook(xlsx({"表": rows})) as book:
        sheet = book.sheet("表", problems, required=required, optional=optional)
        found = [(row.number, row.as_dict()) for row in sheet or ()]
    return found, [str(p) for p in problems]


def refusal(source, **options) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(source, **options)
    [problem] = caught.value.problems
    return str(problem)


def test_a_problem_reads_as_sheet_row_column_and_message():
    problem = Problem("测评票", 17, "评价", "优", "「优」不是有效的选项（优秀、称职、基本称职、不称职）")
    assert str(problem) == "测评票 第17行 评价: 「优」不是有效的选项（优秀、称职、基本称职、不称职）"


def test_a_header_problem_names_the_sheet_and_row_one():
    assert str(Problem("单位", 1, None, "单位编码", "缺少列「单位编码」")) == "单位 第1行: 缺少列「单位编码」"


def test_columns_are_found_by_header_in_any_order_and_extra_columns_are_ignored():
    rows, problems = read([["备注", "不认识的列", "编码", "名称"], ["说明", "x", "A1", "甲"]])
    assert problems == []
    assert rows == [(2, {"编码": "A1", "名称": "甲", "备注": "说明"})]


def test_blank_rows_are_skipped_but_rows_keep_their_excel_numbers():
    rows, _ = read([["编码", "名称"], ["A1", "甲"], [None, None], ["  ", ""], ["A2", "乙"]])
    assert [number for number, _ in rows] == [2, 5]


def test_a_missing_required_column_is_reported_and_the_sheet_not_read():
    rows, problems = read([["名称"], ["甲"]])
    assert rows == []
    assert problems == ["表 第1行: 缺少列「编码」"]


def test_a_repeated_column_is_reported():
    _, problems = read([["编码", "名称", "名称"], ["A1", "甲", "乙"]])
    assert problems == ["表 第1行: 列「名称」重复"]


def test_headers_tolerate_spaces_and_full_width_brackets():
    rows, problems = read([[" 编码 ", "名称（简称）"], ["A1", "甲"]], optional=("名称(简称)",))
    assert problems == []
    assert rows == [(2, {"编码": "A1", "名称(简称)": "甲"})]


def test_a_missing_sheet_is_a_problem_only_when_it_must_exist():
    problems = Problems()
    with open_workbook(xlsx({"表": [["编码"]]})) as book:
        assert book.sheet("别的", problems, required=("编码",)) is None
        assert not problems
        book.sheet("别的", problems, required=("编码",), must_exist=True)
    assert [str(p) for p in problems] == ["缺少工作表「别的」"]


def test_an_entirely_empty_sheet_that_need_not_exist_counts_as_absent():
    problems = Problems()
    with open_workbook(xlsx({"表": []})) as book:
        assert book.sheet("表", problems, required=("编码",)) is None
        assert not problems
        book.sheet("表", problems, required=("编码",), must_exist=True)
    assert [str(p) for p in problems] == ["表 第1行: 缺少列「编码」"]


def test_row_get_records_a_bad_cell_and_goes_on():
    problems = Problems()
    with open_workbook(xlsx({"表": [["编码", "分数"], ["A1", "九十"], [None, 95]]})) as book:
        sheet = book.sheet("表", problems, required=("编码", "分数"))
        values = [(row.get("编码", required=True), row.get("分数", score)) for row in sheet]
    assert values == [("A1", None), (None, Decimal(95))]
    assert [str(p) for p in problems] == ["表 第2行 分数: 「九十」不是数字", "表 第3行 编码: 不能为空"]
    assert problems.items[0].value == "九十"


def test_the_fast_path_gives_cells_in_the_order_asked_with_blanks_as_none():
    problems = Problems()
    book_rows = [["b", "a", "x"], [1, "甲", "不要"], [None, None, "x"], [" ", "乙", None]]
    with open_workbook(xlsx({"表": book_rows})) as book:
        sheet = book.sheet("表", problems, required=("a", "b"), optional=("c",))
        rows = list(sheet.tuples(["a", "b", "c"]))
    assert rows == [(2, ("甲", 1, None)), (4, ("乙", None, None))]


def test_a_file_that_is_not_xlsx_is_refused():
    assert (
        refusal(io.BytesIO(b"name,code\n")) == "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件"
    )


def test_a_broken_compound_file_is_refused_as_damaged():
    assert (
        refusal(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)))
        == "不是 Excel 工作簿，或文件已损坏"
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("content.xml", "<x/>")
    archive.seek(0)
    assert refusal(archive) == "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件，或文件已损坏"


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert refusal(path) == "文件为空"


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "大.xlsx"
    path.write_bytes(xlsx({"表": [["编码"]] * 100}).getvalue())
    assert refusal(path, max_bytes=1024).startswith("文件过大")
    assert refusal(io.BytesIO(path.read_bytes()), max_bytes=1024).startswith("文件过大")


def test_a_missing_file_is_reported(tmp_path):
    assert refusal(tmp_path / "没有.xlsx").startswith("找不到文件")


@pytest.mark.parametrize("value", ["20%", "0.2", "20", 0.2, 20, "20 %", "20％"])
def test_twenty_percent_can_be_written_in_every_usual_way(value):
    assert ratio(value) == Decimal("0.2")


def test_a_ratio_above_a_hundred_percent_is_refused():
    with pytest.raises(CellError, match="「120%」超过100%"):
        ratio("120%")
    with pytest.raises(CellError, match="不能为负数"):
        ratio(-0.1)


def test_thresholds_accept_fractions_and_stay_exact():
    assert threshold("2/3") == Fraction(2, 3)
    assert threshold("1/3") == Fraction(1, 3)
    assert threshold("20%") == Fraction(1, 5)
    with pytest.raises(CellError, match="不是有效的比例"):
        threshold("2/0")
    with pytest.raises(CellError, match="不是有效的比例"):
        threshold("一半")


@pytest.mark.parametrize(
    ("value", "meaning"), [("是", True), ("否", False), ("Y", True), ("n", False), (True, True)]
)
def test_yes_no_accepts_chinese_and_y_n(value, meaning):
    assert yes_no(value) is meaning


def test_yes_no_refuses_anything_else():
    with pytest.raises(CellError, match=r"「有」不是有效的选项（是、否）"):
        yes_no("有")


def test_numbers_typed_as_numbers_read_as_excel_shows_them():
    assert decimal(0.1 + 0.2) == Decimal("0.3")
    assert decimal("87.5") == Decimal("87.5")
    assert text(1001.0) == "1001"
    assert text(" 甲 ") == "甲"


def test_scores_must_lie_between_0_and_100():
    assert score(100) == 100
    with pytest.raises(CellError, match="不在0到100之间"):
        score(100.5)
    with pytest.raises(CellError, match="应大于0"):
        positive(0)


def test_years_are_whole_numbers():
    assert year(2025.0) == 2025
    assert year("2024年") == 2024
    with pytest.raises(CellError, match="不是有效的年度"):
        year("二〇二五")


def test_name_value_lists_read_in_order():
    parse = pairs(decimal)
    assert parse("上级=30，同级=30、下级=40") == {"上级": 30, "同级": 30, "下级": 40}
    with pytest.raises(CellError, match="应写成「名=值」"):
        parse("上级30")
    with pytest.raises(CellError, match="「上级」重复"):
        parse("上级=30,上级=40")
    with pytest.raises(CellError, match="「外单位」不是有效的名称"):
        pairs(decimal, ("上级",))("外单位=1")


def test_choice_lists_the_valid_options():
    with pytest.raises(CellError, match=r"^「优」不是有效的选项（优秀、称职）$"):
        choice(["优秀", "称职"])("优")


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (datetime.datetime(2019, 5, 1), datetime.date(2019, 5, 1)),
        ("2019-05", datetime.date(2019, 5, 1)),
        ("2019-05-01", datetime.date(2019, 5, 1)),
        ("2019.05", datetime.date(2019, 5, 1)),
        ("2019.5", datetime.date(2019, 5, 1)),
        ("2019年5月", datetime.date(2019, 5, 1)),
        ("2019年5月20日", datetime.date(2019, 5, 20)),
        ("2019/5/20", datetime.date(2019, 5, 20)),
    ],
)
def test_dates_accept_excel_dates_and_the_usual_written_forms(value, day):
    assert date(value) == day


def test_an_impossible_date_is_refused():
    with pytest.raises(CellError, match="不是有效的日期"):
        date("2019-13")


def test_excel_dates_are_read_from_the_workbook():
    rows, _ = read([["编码", "名称"], ["A1", datetime.date(2019, 5, 1)]])
    assert date(rows[0][1]["名称"]) == datetime.date(2019, 5, 1)


@given(st.integers(min_value=0, max_value=10000))
def test_a_percentage_a_fraction_and_a_plain_number_mean_the_same_ratio(hundredths):
    percent = Decimal(hundredths) / 100  # 0.00 … 100.00
    written = ratio(f"{percent}%")
    assert ratio(str(percent / 100)) == written
    if percent > 1:
        assert ratio(str(percent)) == written
