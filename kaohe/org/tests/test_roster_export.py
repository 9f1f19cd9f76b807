"""Writing the roster: the same two sheets, one 干部 row per cadre with the current position."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from kaohe.accounts.actors import SystemActor
from kaohe.org.actions import Counts, roster_import
from kaohe.org.roster import CADRE_COLUMNS, UNIT_COLUMNS
from kaohe.org.roster_writer import write_roster, write_template
from kaohe.org.tests.test_roster_books import new_roster, roster_book
from kaohe.org.tests.test_roster_import import snapshot

pytestmark = pytest.mark.django_db


def exported() -> openpyxl.Workbook:
    file = io.BytesIO()
    write_roster(file)
    file.seek(0)
    return openpyxl.load_workbook(file)


def test_the_export_has_bold_frozen_headers_and_set_widths(roster):
    book = exported()
    for name, columns in (("单位", UNIT_COLUMNS), ("干部", CADRE_COLUMNS)):
        sheet = book[name]
        assert [c.value for c in sheet[1]] == list(columns)
        assert all(c.font.b for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width > 8


def test_the_export_writes_parents_dates_and_current_positions(roster):
    roster_import(actor=SystemActor("test"), source=new_roster(), file_name="a.xlsx")
    roster_import(
        actor=SystemActor("test"),
        source=roster_book(cadres=[["GB002", "李明", "女", "1980-05", "DW02", "镇长", "否", "2024-06-01"]]),
        file_name="b.xlsx",
    )
    book = exported()
    units = {row[0]: row for row in book["单位"].iter_rows(min_row=2, values_only=True)}
    assert units["DW11"] == ("DW11", "东城街道社区服务中心", "事业单位", "DW10")
    assert units["DW01"][3] is None
    cadres = {row[0]: row for row in book["干部"].iter_rows(min_row=2, values_only=True)}
    assert len(cadres) == 7  # one row per cadre, not per position
    assert cadres["GB002"] == (
        "GB002", "李明", "女", datetime.datetime(1980, 5, 1), "DW02", "镇长", "否", datetime.datetime(2024, 6, 1),
        None,
    )  # fmt: skip
    assert cadres["GB101"][6] == "是"
    assert cadres["GB102"][2:4] == ("男", None)


def test_a_cadre_without_a_current_position_is_exported_without_a_unit_and_with_when_they_left(roster):
    roster["cadres"]["c2"].positions.update(end=datetime.date(2024, 1, 1))
    cadres = {row[0]: row for row in exported()["干部"].iter_rows(min_row=2, values_only=True)}
    assert cadres["GB005"][4:] == (None, None, None, None, datetime.datetime(2024, 1, 1))
    assert cadres["GB004"][8] is None  # holds a post


def test_a_roster_with_cadres_without_positions_exports_and_reimports_with_no_change(roster):
    roster_import(
        actor=SystemActor("test"),
        source=roster_book(
            cadres=[
                ["GB005", "钱伟", None, None, None, None, None, None, "2024-01-31"],  # left
                ["GB201", "吴新", "男", "1990-01", None, None, None, None, None],  # not yet appointed
            ]
        ),
        file_name="a.xlsx",
    )
    file = io.BytesIO()
    write_roster(file)
    before = snapshot()[:-1]

    result = roster_import(actor=SystemActor("test"), source=file.getvalue(), file_name="export.xlsx")

    assert (result.units, result.cadres, result.moves, result.ended) == (
        Counts(unchanged=3), Counts(unchanged=6), 0, 0,
    )  # fmt: skip
    assert snapshot()[:-1] == before


def test_the_template_explains_every_column_and_has_empty_roster_sheets():
    file = io.BytesIO()
    write_template(file)
    file.seek(0)
    book = openpyxl.load_workbook(file)
    assert book.sheetnames == ["说明", "单位", "干部"]
    guide = list(book["说明"].iter_rows(min_row=2, values_only=True))
    described = {(row[0], row[1]): row[2] for row in guide if row[1]}
    assert set(described) == {("单位", c) for c in UNIT_COLUMNS} | {("干部", c) for c in CADRE_COLUMNS}
    assert described[("干部", "性别")] == "选填" and described[("单位", "单位编码")] == "必填"
    notes = " ".join(row[3] for row in guide if row[3] and not row[1])
    assert "按编码更新" in notes
    assert book["单位"].max_row == 1 and book["干部"].max_row == 1


def test_a_unit_or_cadre_named_like_a_formula_is_exported_as_text(roster):
    from conftest import HOSTILE_TEXT, formula_cells

    roster["units"]["a"].__class__.objects.filter(pk=roster["units"]["a"].pk).update(name=HOSTILE_TEXT)
    roster["cadres"]["a1"].__class__.objects.filter(pk=roster["cadres"]["a1"].pk).update(name="=1+1")
    file = io.BytesIO()
    write_roster(file)
    assert formula_cells(file.getvalue()) == []
    book = openpyxl.load_workbook(io.BytesIO(file.getvalue()))
    assert HOSTILE_TEXT in [row[1] for row in book["单位"].iter_rows(values_only=True)]
    assert "=1+1" in [row[1] for row in book["干部"].iter_rows(values_only=True)]
