"""Write an ``AssessmentInput`` as an assessment workbook (format v1): the inverse of the reader.

``read_assessment_workbook(write_assessment_workbook(x))`` gives data that ``assess`` treats exactly as
``x``: every setting is written in the 参数 sheet by the layout's own display (checked to parse back to
the same value), numbers are written as numbers when Excel keeps them exactly and as text otherwise, and
every sheet of the layout that has data is written with all its columns. Streams with openpyxl's write-only mode,
so a province's 1.5 million marks never sit in memory as cells.

``writable_problems`` says why some inputs cannot be written as a workbook at all (a unit's directly given
指标考评 beside indicators kept for other categories; a missing indicator score; a sanctions table other
than the standard one); the app checks it before exporting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kaohe.rules.model import AssessmentInput, RuleSettings
from kaohe.workbook import layout
from kaohe.workbook.cells import append_row
from kaohe.workbook.sheets import ratio

HEADER_FONT = Font(bold=True)
YES, NO = "是", "否"
WIDTHS = {
    "参数": (24, 40),
    "单位": (14, 30, 14, 10, 10, 10, 10, 20),
    "指标": (14, 12, 30, 8),
    "指标得分": (14, 12, 10),
    "干部": (14, 10, 14, 20, 10, 10, 10, 8, 10, 20, 20),
    "处分": (14, 16, 8),
    "加减分": (14, 8, 8, 40),
    "测评票": (16, 12, 14, 10),
    "往年等次": (14, 8, 10),
}


class NotWritable(ValueError):
    """Inputs that a workbook of format v1 cannot express; ``messages`` says why, in Chinese."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


def writable_problems(data: AssessmentInput) -> list[str]:
    problems = []
    default = RuleSettings(year=data.settings.year).sanction_effects
    if data.settings.sanction_effects != default:
        problems.append("处分影响表与标准表不同，工作簿无法表达")
    kept: dict[str, list[str]] = {}
    for indicator in data.indicators:
        kept.setdefault(indicator.category, []).append(indicator.code)
    if kept:
        scored = {(s.unit, s.indicator) for s in data.indicator_scores}
        for unit in data.units:
            codes = kept.get(unit.category)
            if codes is None:
                if unit.indicator_score is not None:
                    problems.append(
                        f"单位「{unit.code}」的类别「{unit.category}」没有指标，但直接给出了指标考评；"
                        "工作簿有「指标」工作表时不能直接填写指标考评"
                    )
                continue
            missing = [code for code in codes if (unit.code, code) not in scored]
            if missing:
                problems.append(f"单位「{unit.code}」缺少指标{'、'.join(missing)}的得分")
    return problems


def write_assessment_workbook(
    data: AssessmentInput, target: str | os.PathLike[str] | IO[bytes], *, check: bool = True
) -> None:
    """Write ``data`` to ``target`` (a path or a binary file); raises ``NotWritable`` first if it cannot."""
    if check:
        problems = writable_problems(data)
        if problems:
            raise NotWritable(problems)
    book = Workbook(write_only=True)
    _Writer(book).write(data)
    book.save(target)


# --- values ----------------------------------------------------------------------------------------------


def setting_text(setting: layout.Setting, value: object) -> str | int:
    """A setting as written in 参数: a ratio as a percentage when that reads back exactly."""
    if setting.field == "year":
        assert isinstance(value, int)
        return value
    if setting.parse is ratio and isinstance(value, Decimal):
        shown = f"{_plain(value * 100)}%"
        if ratio(shown) == value:
            return shown
    return layout.display_setting(value)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(value: Decimal | None) -> int | float | str | None:
    """A number as Excel keeps it exactly (15 significant digits), else its exact text."""
    if value is None:
        return None
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    as_float = float(value)
    if Decimal(format(as_float, ".15g")) == value:
        return as_float
    return _plain(value)


def yes_no(value: bool) -> str:
    return YES if value else NO


# --- sheets ----------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, book: Workbook) -> None:
        self.book = book

    def sheet(self, sheet: layout.SheetLayout, rows: Iterable[Sequence[Any]]) -> None:
        ws = self.book.create_sheet(sheet.name)
        for i, width in enumerate(WIDTHS.get(sheet.name, ()), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.name)
            cell.font = HEADER_FONT
            header.append(cell)
        append_row(ws, header)
        for row in rows:
            append_row(ws, row)

    def write(self, data: AssessmentInput) -> None:
        self.sheet(layout.SETTINGS_SHEET, _settings(data.settings))
        self.sheet(layout.UNITS_SHEET, _units(data))
        if data.indicators:
            self.sheet(layout.INDICATORS_SHEET, _indicators(data))
            self.sheet(layout.INDICATOR_SCORES_SHEET, _indicator_scores(data))
        self.sheet(layout.CADRES_SHEET, _cadres(data))
        if data.sanctions:
            self.sheet(layout.SANCTIONS_SHEET, ([s.cadre, s.name, s.year] for s in data.sanctions))
        if data.adjustments:
            self.sheet(
                layout.ADJUSTMENTS_SHEET,
                ([a.target, str(a.kind), number(a.points), a.reason] for a in data.adjustments),
            )
        if data.marks:
            self.sheet(
                layout.BALLOTS_SHEET, ([m.ballot, m.rater_group, m.target, m.choice] for m in data.marks)
            )
        if data.prior_grades:
            self.sheet(layout.PRIOR_GRADES_SHEET, ([p.target, p.year, p.grade] for p in data.prior_grades))


def _settings(settings: RuleSettings) -> Iterator[list[Any]]:
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    for setting in layout.SETTINGS:
        yield [setting.name, setting_text(setting, values[setting.field])]


def _units(data: AssessmentInput) -> Iterator[list[Any]]:
    for u in data.units:
        yield [
            u.code,
            u.name,
            u.category,
            yes_no(u.advanced),
            number(u.indicator_score),
            number(u.public_survey),
            number(u.leader_rating),
            u.veto or None,
        ]


def _indicators(data: AssessmentInput) -> Iterator[list[Any]]:
    for i in data.indicators:
        yield [i.category, i.code, i.name, number(i.weight)]


def _indicator_scores(data: AssessmentInput) -> Iterator[list[Any]]:
    for s in data.indicator_scores:
        yield [s.unit, s.indicator, number(s.score)]


def _cadres(data: AssessmentInput) -> Iterator[list[Any]]:
    for c in data.cadres:
        yield [
            c.code,
            c.name,
            c.unit,
            c.post or None,
            yes_no(c.principal),
            number(c.regular),
            number(c.leader_rating),
            yes_no(c.probation),
            yes_no(c.investigation),
            c.veto or None,
            c.priority or None,
        ]
