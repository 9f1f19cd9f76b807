"""The empty assessment workbook that organisers download and fill: every sheet and column of format v1,
a first sheet 说明 explaining all of them, and 参数 pre-filled with every setting at its default.
"""

from __future__ import annotations

import os
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.rules.model import RuleSettings
from kaohe.workbook import layout

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAPPED = Alignment(vertical="top", wrap_text=True)
ROWS_WITH_LISTS = 5000  # rows that get drop-down lists for 是/否 and other fixed choices

GENERAL = (
    "本工作簿保存一个年度考核所需的全部数据，可用 `kaohe assess 工作簿.xlsx -o 结果.xlsx` 离线计算考核结果，"
    "也可在系统中导入。",
    "必需的工作表：参数、单位、干部；其余工作表在有相应数据时填写，没有时可留空或删除。",
    "各工作表按第1行的列名识别列，列的顺序不限，可以增加其他列（不读取）；空行跳过。",
    "是/否列可填 是、否、Y、N，空白即为否。比例可填 20%、0.2 或 20（意思相同）；诫勉线等界线还可填 2/3。",
    "多项的值写成「名=值,名=值」，如 上级=30,同级=30,下级=40。",
    "单位编码和干部编码合在一起不得重复；领导班子用所在单位的编码。",
    "数据有误时不计算，并逐条列出错误所在的工作表、行号、列和值。",
)


def write_template(destination: str | os.PathLike[str] | IO[bytes]) -> None:
    book = Workbook()
    _write_guide(book.active)
    _write_settings(book.create_sheet(layout.SETTINGS_SHEET.name))
    for sheet in layout.SHEETS:
        if sheet is not layout.SETTINGS_SHEET:
            _write_data_sheet(book.create_sheet(sheet.name), sheet)
    book.save(destination)


def _write_guide(sheet: Worksheet) -> None:
    sheet.title = "说明"
    sheet.append(["考核数据工作簿（格式 v1）填写说明"])
    sheet["A1"].font = TITLE
    for line in GENERAL:
        sheet.append([line])
    for layout_ in layout.SHEETS:
        sheet.append([])
        need = "必需" if layout_.required else "有数据时填写"
        sheet.append([f"工作表「{layout_.name}」（{need}）", layout_.help])
        sheet.cell(sheet.max_row, 1).font = BOLD
        _header(sheet, ["列", "说明", "必需列"])
        for column in layout_.columns:
            sheet.append([column.name, column.help, "是" if column.required else "否"])
    sheet.append([])
    sheet.append(["参数一览", "「参数」工作表中的参数名称、默认值和含义；值留空即用默认值。"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    _header(sheet, ["参数", "说明", "默认值"])
    for setting in layout.SETTINGS:
        sheet.append([setting.name, setting.help, layout.display_default(setting) or "（空白）"])
    sheet.append([])
    sheet.append(
        ["处分影响表", "处分生效当年（Y）及其后两年对年度考核等次的影响；多项处分按影响较重的执行。"]
    )
    sheet.cell(sheet.max_row, 1).font = BOLD
    _header(sheet, ["处分", "Y年", "Y+1年", "Y+2年"])
    for name, effects in RuleSettings(year=0).sanction_effects.items():
        years = [str(effect) if effect else "—" for effect in effects]
        sheet.append([name, *years, *["—"] * (3 - len(years))])
    _widths(sheet, [26, 90, 14, 14])
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.alignment = WRAPPED


def _write_settings(sheet: Worksheet) -> None:
    _header(sheet, ["参数", "值", "说明"])
    for setting in layout.SETTINGS:
        sheet.append([setting.name, layout.display_default(setting), setting.help])
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"  # keep 20% and 2/3 as typed; Excel would turn 2/3 into a date
    _widths(sheet, [24, 44, 70])
    sheet.column_dimensions["B"].number_format = "@"
    sheet.freeze_panes = "A2"


def _write_data_sheet(sheet: Worksheet, layout_: layout.SheetLayout) -> None:
    names = [column.name for column in layout_.columns]
    _header(sheet, names)
    _widths(sheet, [max(10, 2.2 * len(name) + 2) for name in names])
    sheet.freeze_panes = "A2"
    for position, column in enumerate(layout_.columns, start=1):
        options = _options(layout_.name, column.name)
        if options:
            letter = get_column_letter(position)
            validation = DataValidation(type="list", formula1=f'"{",".join(options)}"', allow_blank=True)
            validation.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
            sheet.add_data_validation(validation)
        if "编码" in column.name or column.name == "票号":
            # text, so that codes like 001 keep their zeros
            sheet.column_dimensions[get_column_letter(position)].number_format = "@"


def _options(sheet: str, column: str) -> tuple[str, ...]:
    if column in ("先进单位", "主要负责人", "试用期", "立案未结"):
        return ("是", "否")
    if sheet == "加减分" and column == "类型":
        return ("加分", "扣分")
    if sheet == "处分" and column == "处分":
        return tuple(RuleSettings(year=0).sanction_effects)
    return ()


def _header(sheet: Worksheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL


def _widths(sheet: Worksheet, widths: list[float]) -> None:
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
