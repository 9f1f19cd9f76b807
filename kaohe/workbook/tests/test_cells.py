"""User text as a cell: text that starts with "=" is written as text, never as a live formula."""

import dataclasses
import io

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell

from conftest import HOSTILE_TEXT, formula_cells
from kaohe.workbook.book_writer import write_assessment_workbook
from kaohe.workbook.cells import append_row
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import small, xlsx


@pytest.mark.parametrize("write_only", [True, False])
def test_a_string_or_a_made_cell_that_reads_as_a_formula_is_written_as_text(write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("表")
    append_row(sheet, [HOSTILE_TEXT, 3, WriteOnlyCell(sheet, value="=1+1"), None, "普通"])
    file = io.BytesIO()
    book.save(file)
    assert formula_cells(file.getvalue()) == []
    row = next(openpyxl.load_workbook(io.BytesIO(file.getvalue()))["表"].iter_rows(values_only=True))
    assert row == (HOSTILE_TEXT, 3, "=1+1", None, "普通")


def test_the_checker_sees_a_formula_that_openpyxl_writes_by_default():
    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("表").append([HOSTILE_TEXT])
    file = io.BytesIO()
    book.save(file)
    assert formula_cells(file.getvalue()) == ["xl/worksheets/sheet1.xml"]


def test_the_cycle_workbook_writes_a_hostile_unit_name_as_text():
    data = read_assessment_workbook(xlsx(small()))
    unit = dataclasses.replace(data.units[0], name=HOSTILE_TEXT)
    data = dataclasses.replace(data, units=[unit, *data.units[1:]])
    file = io.BytesIO()
    write_assessment_workbook(data, file)
    assert formula_cells(file.getvalue()) == []
    assert read_assessment_workbook(io.BytesIO(file.getvalue())).units[0].name == HOSTILE_TEXT
