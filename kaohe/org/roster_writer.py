"""The roster written as xlsx: the whole roster as it is stored (export), and the empty template with its guide.

The sheets and columns are those ``org.roster`` reads, so an export imports back unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kaohe.org.models import Cadre, Position, Unit
from kaohe.org.roster import CADRE_COLUMNS, CADRE_SHEET, GUIDE_SHEET, UNIT_COLUMNS, UNIT_SHEET
from kaohe.workbook.cells import append_row

_HEADER_FONT = Font(bold=True)
_UNIT_WIDTHS = (14, 30, 14, 14)
_CADRE_WIDTHS = (14, 10, 6, 10, 14, 24, 10, 12, 12)


def _sheet(book: XlsxWorkbook, name: str, columns: Iterable[str], widths: Iterable[float]) -> Any:
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


def _dated(sheet: Any, value: datetime.date | None, number_format: str) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _cadre_rows(sheet: Any, unit_codes: dict[int, str]) -> Iterator[list[Any]]:
    positions = {
        cadre_id: (unit_id, title, principal, start)
        for cadre_id, unit_id, title, principal, start in Position.objects.filter(end__isnull=True)
        .values_list("cadre_id", "unit_id", "title", "principal", "start")
        .iterator(chunk_size=5000)
    }
    # For a cadre without a current position, when the last one ended: shown, and read back as unchanged.
    ended = dict(
        Position.objects.filter(end__isnull=False)
        .order_by()
        .values("cadre_id")
        .annotate(last=models.Max("end"))
        .values_list("cadre_id", "last")
    )
    for pk, code, name, gender, birth in (
        Cadre.objects.order_by("code")
        .values_list("id", "code", "name", "gender", "birth_month")
        .iterator(chunk_size=5000)
    ):
        unit_id, title, principal, start = positions.get(pk, (None, None, None, None))
        yield [
            code,
            name,
            gender or None,
            _dated(sheet, birth, "yyyy-mm"),
            unit_codes.get(unit_id) if unit_id else None,
            title,
            None if principal is None else ("是" if principal else "否"),
            _dated(sheet, start, "yyyy-mm-dd"),
            None if unit_id else _dated(sheet, ended.get(pk), "yyyy-mm-dd"),
        ]


def write_roster(target: Any) -> tuple[int, int]:
    """Write the stored roster (current positions) to ``target``, a path or a binary file; streams rows.

    Returns the numbers of units and cadres written.
    """
    book = XlsxWorkbook(write_only=True)
    units = _sheet(book, UNIT_SHEET, UNIT_COLUMNS, _UNIT_WIDTHS)
    cadres = _sheet(book, CADRE_SHEET, CADRE_COLUMNS, _CADRE_WIDTHS)
    unit_codes = dict(Unit.objects.values_list("id", "code"))
    unit_count = cadre_count = 0
    for code, name, category, parent_id in (
        Unit.objects.order_by("code").values_list("code", "name", "category__name", "parent_id").iterator()
    ):
        append_row(units, [code, name, category, unit_codes.get(parent_id) if parent_id else None])
        unit_count += 1
    for row in _cadre_rows(cadres, unit_codes):
        append_row(cadres, row)
        cadre_count += 1
    book.save(target)
    return unit_count, cadre_count


GUIDE = (
    ("单位", "单位编码", "必填", "单位的唯一编码，最长32个字符。单位编码和干部编码不能相同。"),
    ("单位", "单位名称", "必填", "最长100个字。"),
    ("单位", "单位类别", "必填", "如 乡镇街道、党群部门、政府部门；系统中没有的类别会自动新建。"),
    (
        "单位",
        "上级单位编码",
        "选填",
        "上级单位的单位编码，可以是本表中（前后均可）或系统中已有的单位；留空表示没有上级单位。不能形成循环。",
    ),
    ("干部", "干部编码", "必填", "干部的唯一编码，最长32个字符。"),
    ("干部", "姓名", "必填", "最长50个字。"),
    ("干部", "性别", "选填", "男 或 女。"),
    ("干部", "出生年月", "选填", "Excel 日期，或文字如 1980-05、1980-05-01、1980.05、1980年5月。"),
    (
        "干部",
        "单位编码",
        "有现任职务时必填",
        "现任职务所在单位的编码，须在「单位」表或系统中。与职务同时留空表示该干部无现任职务（见下方说明）。",
    ),
    ("干部", "职务", "有现任职务时必填", "现任职务名称，如 党委书记、局长。"),
    ("干部", "主要负责人", "选填", "是 或 否（也可填 Y、N）；留空表示否。"),
    (
        "干部",
        "任职时间",
        "选填",
        "现任职务的任职时间，格式同出生年月。调整单位或职务时，原职务以此日期结束（留空则以导入当天结束）。",
    ),
    (
        "干部",
        "离任时间",
        "选填",
        "免去现任职务（退休、免职、调出等）的日期，格式同出生年月，不能晚于今天；此时单位编码、职务、任职时间留空。"
        "已无现任职务的干部，导出时此列为最近一次离任的日期，再导入时不会修改。",
    ),
)

GUIDE_NOTES = (
    "本模板用于导入单位和干部名册。工作表「单位」和「干部」必须保留，列按表头文字识别，顺序不限，多余的列会被忽略，空行会被跳过。",
    "再次导入时按编码更新：编码已存在的单位或干部会被更新，不存在的会被新建，文件中没有的不会被删除。",
    "干部的单位编码或职务与系统中不同时，视为职务调整：原职务结束并保留在任职经历中，新职务开始。",
    "干部的单位编码和职务都留空，表示该干部无现任职务。该干部在系统中仍有现任职务时，必须填写离任时间才会免去现任职务"
    "（原职务以离任时间结束并保留在任职经历中），以免误留空单元格而结束职务；新干部可以这样导入而不任职。",
    "选填列如果整列不存在，系统中的原值保持不变；如果该列存在而单元格为空，则清空原值。",
    "文件中只要有一处错误，整个文件都不会导入，并列出所有问题（工作表、行号、列、值）。",
)


def write_template(target: Any) -> None:
    """An empty roster workbook with a first sheet 说明 explaining every column."""
    book = XlsxWorkbook(write_only=True)
    guide = _sheet(book, GUIDE_SHEET, ("工作表", "列名", "是否必填", "格式与说明"), (10, 14, 10, 90))
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in (*GUIDE, ()):
        guide.append(list(line))
    for note in GUIDE_NOTES:
        cell = WriteOnlyCell(guide, value=note)
        cell.alignment = wrap
        guide.append([None, None, None, cell])
    _sheet(book, UNIT_SHEET, UNIT_COLUMNS, _UNIT_WIDTHS)
    _sheet(book, CADRE_SHEET, CADRE_COLUMNS, _CADRE_WIDTHS)
    book.save(target)
