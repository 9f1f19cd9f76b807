"""Test workbooks built in code: a small valid one, and a way to change any sheet of it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl

Sheets = dict[str, list[list[Any]]]


def xlsx(sheets: Sheets) -> io.BytesIO:
    """An xlsx file in memory with one sheet per entry; each sheet is its rows, the header row first."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    return file


def small() -> Sheets:
    """Two units of one category with a few cadres and ballots: valid as it stands."""
    return {
        "参数": [["参数", "值"], ["年度", 2025]],
        "单位": [
            ["单位编码", "单位名称", "单位类别", "先进单位", "指标考评", "公众评议", "领导评价", "一票否决"],
            ["DW01", "城关镇", "乡镇街道", "是", 90, 85, 88, None],
            ["DW02", "河口镇", "乡镇街道", None, 80, None, None, None],
        ],
        "干部": [
            ["干部编码", "姓名", "单位编码", "职务", "主要负责人", "平时考核", "领导评价"],
            ["GB01", "张三", "DW01", "党委书记", "是", 92, 90],
            ["GB02", "李四", "DW01", "镇长", "否", 88, None],
            ["GB03", "王五", "DW02", "党委书记", "Y", None, None],
        ],
        "测评票": [
            ["票号", "评价人类别", "对象编码", "评价"],
            ["P01", "上级", "GB01", "优秀"],
            ["P01", "上级", "GB02", "称职"],
            ["P01", "上级", "DW01", "良好"],
            ["P02", "下级", "GB01", "称职"],
            ["P02", "下级", "DW01", "优秀"],
        ],
    }


def with_rows(sheets: Sheets, sheet: str, *rows: Sequence[Any]) -> Sheets:
    """The same workbook with rows added to one sheet (created with ``rows[0]`` as header if missing)."""
    changed = {name: [list(r) for r in body] for name, body in sheets.items()}
    if sheet in changed:
        changed[sheet].extend(list(r) for r in rows)
    else:
        changed[sheet] = [list(r) for r in rows]
    return changed
