"""Roster workbooks built in code for the roster tests (helpers only: no tests here)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

UNIT_HEADER = ["单位编码", "单位名称", "单位类别", "上级单位编码"]
CADRE_HEADER = [
    "干部编码",
    "姓名",
    "性别",
    "出生年月",
    "单位编码",
    "职务",
    "主要负责人",
    "任职时间",
    "离任时间",
]


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    file = io.BytesIO()
    book.save(file)
    return file.getvalue()


def roster_book(
    units: list[list[Any]] | None = None,
    cadres: list[list[Any]] | None = None,
    *,
    unit_header: list[str] = UNIT_HEADER,
    cadre_header: list[str] = CADRE_HEADER,
) -> bytes:
    """A roster workbook: each list is the data rows (row 2 on), under the headers given."""
    return xlsx({"单位": [unit_header, *(units or [])], "干部": [cadre_header, *(cadres or [])]})


def new_roster() -> bytes:
    """Valid against the shared `roster` fixture: two new units (one a parent named further down), a new
    category, two new cadres, and the existing five unchanged."""
    return roster_book(
        units=[
            ["DW01", "东城街道", "乡镇街道", None],
            ["DW02", "西山镇", "乡镇街道", None],
            ["DW03", "市财政局", "政府部门", None],
            ["DW11", "东城街道社区服务中心", "事业单位", "DW10"],
            ["DW10", "城东片区管委会", "事业单位", None],
        ],
        cadres=[
            ["GB001", "张思佳", "女", "1980-05", "DW01", "党工委书记", "是", "2021-03-01"],
            ["GB002", "李明", "女", "1980-05", "DW01", "办事处主任", "否", "2021-03-01"],
            ["GB003", "王建国", "女", "1980-05", "DW02", "镇党委书记", "是", "2021-03-01"],
            ["GB004", "赵丽", "女", "1980-05", "DW03", "局长", "是", "2021-03-01"],
            ["GB005", "钱伟", "女", "1980-05", "DW03", "副局长", None, "2021-03-01"],
            ["GB101", "孙小梅", "女", "1986年7月", "DW11", "主任", "是", "2023.02"],
            ["GB102", "周海", "男", None, "DW10", "副主任", "否", None],
        ],
    )
