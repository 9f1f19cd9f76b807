"""The working-day calendar: Monday to Friday, except the days the organiser records (holidays on weekdays,
调休 working weekends around 元旦 and 春节 …). Counting is plain Python over those exceptions; the workbook
(sheet 工作日历: 日期, 类型, 说明) is read through kaohe.workbook.sheets and written with openpyxl.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kaohe.plans.models import CalendarDay
from kaohe.workbook.archive import Limits
from kaohe.workbook.cells import append_row
from kaohe.workbook.sheets import CellError, Problems, date, open_workbook, show, text

SHEET = "工作日历"
COLUMNS = ("日期", "类型", "说明")
WORKING, HOLIDAY = "上班", "放假"
KINDS = {WORKING: True, "工作日": True, "调休上班": True, HOLIDAY: False, "休息日": False, "节假日": False}
MAX_BYTES = 2 * 1024 * 1024
LIMITS = Limits(expanded_bytes=32 * 1024 * 1024, sheet_rows=20_000, total_rows=20_000)
# A 公示 never runs longer than this many calendar days per working day; guards a calendar gone wrong.
_MAX_SPAN = 60


def is_working(day: datetime.date, exceptions: Mapping[datetime.date, bool]) -> bool:
    return exceptions.get(day, day.weekday() < 5)


def add_working_days(
    start: datetime.date, days: int, exceptions: Mapping[datetime.date, bool]
) -> datetime.date:
    """The last of ``days`` working days counted from ``start`` (``start`` counts when it is a working day)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day, counted = start, 0
    limit = start + datetime.timedelta(days=_MAX_SPAN * days)
    while True:
        if is_working(day, exceptions):
            counted += 1
            if counted == days:
                return day
        day += datetime.timedelta(days=1)
        if day > limit:
            raise ValueError(f"no {days} working days from {start} in the calendar")


def exceptions(start: datetime.date, days: int) -> dict[datetime.date, bool]:
    """The recorded days from ``start`` as far as ``days`` working days could reach."""
    end = start + datetime.timedelta(days=_MAX_SPAN * max(days, 1))
    return dict(CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "working"))


def working_days_end(start: datetime.date, days: int) -> datetime.date:
    """The end of a period of ``days`` working days starting on ``start``, on the organiser's calendar."""
    return add_working_days(start, days, exceptions(start, days))


def kind_label(working: bool) -> str:
    return WORKING if working else HOLIDAY


# --- the workbook ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRow:
    row: int
    day: datetime.date | None
    working: bool | None
    note: str


def _kind(value: object) -> bool:
    word = text(value)
    if word not in KINDS:
        raise CellError(f"{show(value)}应为「上班」或「放假」")
    return KINDS[word]


def _note(value: object) -> str:
    word = text(value)
    if len(word) > 100:
        raise CellError(f"{show(value)}超过100个字")
    return word


def read(source: IO[bytes], problems: Problems) -> list[CalendarRow]:
    """The rows of the 工作日历 sheet; a bad cell is a problem and reads as None."""
    rows: list[CalendarRow] = []
    before = len(problems)
    with open_workbook(source, max_bytes=MAX_BYTES, limits=LIMITS) as book:
        sheet = book.sheet(SHEET, problems, required=("日期", "类型"), optional=("说明",), must_exist=True)
        for row in sheet or ():
            rows.append(
                CalendarRow(
                    row=row.number,
                    day=row.get("日期", date, required=True),
                    working=row.get("类型", _kind, required=True),
                    note=row.get("说明", _note, default=""),
                )
            )
    if sheet is not None and not rows and len(problems) == before:
        problems.add(SHEET, None, None, None, "工作表「工作日历」中没有数据")
    return rows


def write(days: list[tuple[datetime.date, bool, str]], destination: IO[bytes]) -> None:
    """The calendar's recorded days; an empty list gives the template (with the 说明 of each column)."""
    book = XlsxWorkbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for letter, width in zip("ABC", (14, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    append_row(sheet, header)
    for day, working, note in days:
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = "yyyy-mm-dd"
        append_row(sheet, [cell, kind_label(working), note or None])
    guide = book.create_sheet("说明")
    for line in (
        ("工作日历：星期一至星期五为工作日，星期六、星期日休息；只需填写与此不同的日子。",),
        (
            "日期：如 2026-01-01；类型：「放假」（工作日放假，如元旦、春节）或「上班」（周末调休上班）；说明：可空。",
        ),
        ("导入时按日期新建或更新；文件中只要有一处问题，整个文件都不会导入。",),
    ):
        append_row(guide, list(line))
    book.save(destination)
