"""The indicator and target workbooks: reading them into checked rows, and writing them back out.

指标: the assessment workbook's 指标 columns plus 归口部门 and 评分方法, so the same sheet can be pasted into
an assessment workbook. 目标任务: one row per unit and indicator. Reading goes through
kaohe.workbook.sheets and reports every problem with sheet, row, column and value; nothing is written
until the whole file is good (the write functions in actions.py do the writing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kaohe.workbook.archive import Limits
from kaohe.workbook.cells import append_row
from kaohe.workbook.layout import INDICATORS_SHEET
from kaohe.workbook.sheets import CellError, Problems, date, open_workbook, positive, show, text

MAX_BYTES = 20 * 1024 * 1024
# Indicators and targets: a few thousand rows a cycle.
LIMITS = Limits(expanded_bytes=256 * 1024 * 1024, sheet_rows=200_000, total_rows=400_000)
INDICATOR_SHEET = INDICATORS_SHEET.name  # 指标
INDICATOR_COLUMNS = (*(c.name for c in INDICATORS_SHEET.columns), "归口部门", "评分方法")
INDICATOR_REQUIRED = INDICATORS_SHEET.required_columns
TARGET_SHEET = "目标任务"
TARGET_COLUMNS = ("单位编码", "单位名称", "指标编码", "指标名称", "目标内容", "目标值", "完成时限")
TARGET_REQUIRED = ("单位编码", "指标编码", "目标内容")


def bounded(limit: int):
    def parse(value: object) -> str:
        word = text(value)
        if len(word) > limit:
            raise CellError(f"{show(value)}超过{limit}个字")
        return word

    return parse


def code_text(value: object) -> str:
    word = text(value)
    if any(ch.isspace() for ch in word):
        raise CellError(f"{show(value)}不能包含空格")
    return word


@dataclass(frozen=True)
class IndicatorRow:
    row: int
    category: str | None
    code: str | None
    name: str | None
    weight: Decimal | None
    department: str  # code or name; blank = none
    method: str


@dataclass(frozen=True)
class TargetRow:
    row: int
    unit: str | None
    indicator: str | None
    content: str | None
    amount: str
    deadline: datetime.date | None


def read_indicators(source: IO[bytes], problems: Problems) -> list[IndicatorRow]:
    """The rows of the 指标 sheet; a bad or missing cell is a problem and reads as None (or blank)."""
    rows: list[IndicatorRow] = []
    before = len(problems)
    with open_workbook(source, max_bytes=MAX_BYTES, limits=LIMITS) as book:
        sheet = book.sheet(
            INDICATOR_SHEET,
            problems,
            required=INDICATOR_REQUIRED,
            optional=("归口部门", "评分方法"),
            must_exist=True,
        )
        for row in sheet or ():
            rows.append(
                IndicatorRow(
                    row=row.number,
                    category=row.get("单位类别", bounded(50), required=True),
                    code=row.get("指标编码", _code32, required=True),
                    name=row.get("指标名称", bounded(200), required=True),
                    weight=row.get("权重", _weight, required=True),
                    department=row.get("归口部门", bounded(100), default=""),
                    method=row.get("评分方法", text, default=""),
                )
            )
    if sheet is not None and not rows and len(problems) == before:
        problems.add(INDICATOR_SHEET, None, None, None, "工作表「指标」中没有数据")
    return rows


def read_targets(source: IO[bytes], problems: Problems) -> list[TargetRow]:
    rows: list[TargetRow] = []
    before = len(problems)
    with open_workbook(source, max_bytes=MAX_BYTES, limits=LIMITS) as book:
        sheet = book.sheet(
            TARGET_SHEET,
            problems,
            required=TARGET_REQUIRED,
            optional=("单位名称", "指标名称", "目标值", "完成时限"),
            must_exist=True,
        )
        for row in sheet or ():
            rows.append(
                TargetRow(
                    row=row.number,
                    unit=row.get("单位编码", _code32, required=True),
                    indicator=row.get("指标编码", _code32, required=True),
                    content=row.get("目标内容", text, required=True),
                    amount=row.get("目标值", bounded(100), default=""),
                    deadline=row.get("完成时限", date),
                )
            )
    if sheet is not None and not rows and len(problems) == before:
        problems.add(TARGET_SHEET, None, None, None, "工作表「目标任务」中没有数据")
    return rows


def _code32(value: object) -> str:
    code = code_text(value)
    if len(code) > 32:
        raise CellError(f"{show(value)}超过32个字符")
    return code


def _weight(value: object) -> Decimal:
    weight = positive(value)
    if weight != weight.quantize(Decimal("0.0001")) or weight >= 1000:
        raise CellError(f"{show(value)}最多保留4位小数，且小于1000")
    return weight


# --- writing ---------------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)


def _sheet(book: XlsxWorkbook, name: str, columns: tuple[str, ...], widths: tuple[float, ...]) -> Any:
    sheet = book.create_sheet(name)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = _HEADER_FONT
        header.append(cell)
    append_row(sheet, header)
    return sheet


def write_indicators(rows: list[tuple[Any, ...]], destination: IO[bytes]) -> None:
    """Rows in INDICATOR_COLUMNS order; an empty list gives the template."""
    book = XlsxWorkbook(write_only=True)
    sheet = _sheet(book, INDICATOR_SHEET, INDICATOR_COLUMNS, (14, 12, 30, 8, 16, 50))
    for row in rows:
        append_row(sheet, row)
    book.save(destination)


def write_targets(rows: list[tuple[Any, ...]], destination: IO[bytes]) -> None:
    """Rows in TARGET_COLUMNS order, a date last."""
    book = XlsxWorkbook(write_only=True)
    sheet = _sheet(book, TARGET_SHEET, TARGET_COLUMNS, (14, 24, 12, 24, 50, 16, 12))
    for row in rows:
        cells = list(row)
        if cells[-1] is not None:
            cell = WriteOnlyCell(sheet, value=cells[-1])
            cell.number_format = "yyyy-mm-dd"
            cells[-1] = cell
        append_row(sheet, cells)
    book.save(destination)
