"""The cell rectangle an xlsx makes the reader build (A1 to its farthest cell), bounded before the reader
is called: cells at A1 and XFD1048576 are 17 billion cells from a 1.5 KB file (issue 13)."""

import io
import itertools

import pytest

from kaohe.workbook.archive import CELL_BYTES, Limits, _bound, _greater, column_letters, scan
from kaohe.workbook.sheets import WorkbookError, open_workbook
from kaohe.workbook.tests.hostile import book, row_xml

LIMITS = Limits(expanded_bytes=4 * 1024 * 1024, sheet_rows=200_000, total_rows=400_000)
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>单位编码</t></is></c></row>'


def refusal(data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(io.BytesIO(data), limits=limits)
    return str(caught.value)


def test_cells_at_a1_and_xfd1048576_are_refused_naming_the_sheet_and_the_far_cell():
    data = book({"测评票": [HEADER, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']})
    assert len(data) < 2_000
    assert refusal(data) == "工作表“测评票”的单元格 XFD1048576 超出可读范围"


def test_the_far_cell_counts_whatever_the_dimension_claims():
    sheet = [
        '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>',
        '<row r="2"><c r="A900000"><v>1</v></c></row>',  # a cell below the rows that hold it
    ]
    data = book({"表": sheet}).replace(b"<sheetData>", b'<dimension ref="A1:B2"/><sheetData>')
    assert refusal(data) == "工作表“表”的单元格 XFD900000 超出可读范围"


def test_a_sheet_placing_cells_without_references_is_read_exactly_and_refused():
    implicit = "<c><v>1</v></c>" * 300  # columns A to KN, named by nothing
    data = book({"表": [HEADER, f'<row r="50000">{implicit}</row>']})
    assert refusal(data) == "工作表“表”的单元格 KN50000 超出可读范围"


def test_a_sheet_with_a_comment_is_placed_by_expat_and_refused_at_the_first_cell_past_the_limit():
    # In a comment a tag is text: "</row>" there must not start the columns again.
    implicit = "<c><v>1</v></c>" * 150
    row = f'<row r="50000">{implicit}<!-- </row> -->{implicit}</row>'
    assert refusal(book({"表": [HEADER, row]})) == "工作表“表”的单元格 C50000 超出可读范围"


def test_rows_without_references_follow_the_last_one():
    implicit = "<c><v>1</v></c>" * 702  # columns A to ZZ
    data = book({"表": ['<row r="30000"><c r="A30000"><v>1</v></c></row>', f"<row>{implicit}</row>"]})
    assert refusal(data) == "工作表“表”的单元格 ZZ30001 超出可读范围"


def test_prefixed_tags_are_read_exactly_too():
    sheet = '<x:row r="1" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
    assert refusal(book({"表": [sheet]})) == "工作表“表”的单元格 XFD1048576 超出可读范围"


def test_a_cell_row_hidden_below_the_bound_is_checked_with_the_bound():
    # Rows named up to 1,000; a cell at row 1,999 has as many digits and the same first one: the fast
    # search does not look for it, the rectangle is checked as if it reached row 1,999 (_bound).
    rows = [row_xml(n, ["x"] * 3) for n in range(1, 1001)]
    rows.append('<row r="1000"><c r="Z1999"><v>1</v></c></row>')
    found = scan(io.BytesIO(book({"表": rows})), LIMITS)
    assert found.expanded_bytes >= 1999 * 26 * CELL_BYTES
    tight = Limits(expanded_bytes=1999 * 26 * CELL_BYTES + 60_000, sheet_rows=200_000, total_rows=400_000)
    assert refusal(book({"表": rows}), tight) == "工作表“表”的单元格 Z1999 超出可读范围"


def test_a_sparse_but_honest_sheet_still_passes_and_reads():
    rows = [
        row_xml(1, ("单位编码", "单位名称", None, None, None, None, None, None, None, "备注")),
        row_xml(2, ("DW01", "东城街道")),
        row_xml(5000, ("DW02", "西城街道", None, None, None, None, None, None, None, "远处")),
    ]
    data = book({"单位": rows})
    found = scan(io.BytesIO(data), LIMITS)
    assert found.rows == {"单位": 3}
    with open_workbook(io.BytesIO(data), limits=LIMITS) as workbook:
        sheet = workbook.sheet("单位", [], required=("单位编码", "单位名称"))  # type: ignore[arg-type]
        assert sheet is not None
        assert [row.as_dict()["单位编码"] for row in sheet] == ["DW01", "DW02"]


def test_the_same_far_cell_is_refused_by_a_smaller_import_and_read_by_a_larger_one():
    data = book({"表": [HEADER, '<row r="3000"><c r="J3000"><v>1</v></c></row>']})
    small = Limits(expanded_bytes=3000 * 10 * CELL_BYTES, sheet_rows=20_000, total_rows=20_000)
    assert refusal(data, small) == "工作表“表”的单元格 J3000 超出可读范围"
    scan(io.BytesIO(data), LIMITS)


def test_a_far_row_past_the_rows_an_import_takes_is_refused_naming_the_cell():
    data = book({"表": [HEADER, '<row r="300000"><c r="A300000"><v>1</v></c></row>']})
    assert refusal(data) == "工作表“表”的单元格 A300000 超出可读范围"


@pytest.mark.parametrize(("alphabet", "values"), [("0123456789", range(0, 1200)), ("letters", range(1, 800))])
def test_the_patterns_of_greater_values_match_exactly_the_greater_ones(alphabet, values):
    import re

    as_text = str if alphabet != "letters" else column_letters
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for limit in (
        (0, 1, 9, 10, 26, 27, 99, 150, 702, 999) if alphabet != "letters" else (1, 4, 26, 27, 52, 702)
    ):
        pattern = re.compile(
            _greater(as_text(limit), "0123456789" if alphabet != "letters" else letters) + "$"
        )
        for value in itertools.chain(values, (limit,)):
            assert bool(pattern.match(as_text(value))) == (value > limit), (limit, value)


def test_the_bound_keeps_the_digits_and_raises_the_first():
    assert [_bound(n) for n in (0, 7, 10, 150, 999, 150_000)] == [0, 7, 19, 199, 999, 199_999]


@pytest.mark.parametrize("tail", ["", "<row></row>", "<row><c><v>1</v></c></row>"])
def test_a_sheet_without_references_is_counted_alike_by_byte_searches_and_tag_by_tag(monkeypatch, tail):
    from kaohe.workbook import archive

    widths = [3, 7, 2, 0, 5] * 8_000  # about 2.5 MB inflated: three chunks, rows cut between them
    rows = ["<row>" + "<c><v>1</v></c>" * width + "</row>" for width in widths]
    data = book({"表": [*rows, tail]})
    limits = Limits(expanded_bytes=64 * 1024 * 1024, sheet_rows=400_000, total_rows=400_000)
    fast = scan(io.BytesIO(data), limits).expanded_bytes
    monkeypatch.setattr(archive, "_without_places", lambda window, end: False)
    assert scan(io.BytesIO(data), limits).expanded_bytes == fast
    inflated = sum(info.file_size for info in __import__("zipfile").ZipFile(io.BytesIO(data)).infolist())
    assert fast - inflated == (len(widths) + (1 if tail else 0)) * 7 * CELL_BYTES
