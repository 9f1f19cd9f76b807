"""A department clerk's score sheet: downloaded with the current scores, filled in, uploaded back.

Sheet 部门评分: 单位编码, 单位名称, then one column per indicator code the department owns. A department may
own indicators in several unit categories; a code's column then means, on each row, that code in the row
unit's category, and a cell whose unit's category has no such indicator of the department must stay blank
(the download greys it). A blank scored cell clears the score; units not listed are left as they are.
Sheet 指标说明 lists the codes with their names, categories, weights and methods.

Reading goes through kaohe.workbook.sheets, so every problem is reported by row, column and value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kaohe.performance.forms import parse_score
from kaohe.plans.models import AssessedUnit, Indicator
from kaohe.workbook.archive import Limits
from kaohe.workbook.cells import append_row
from kaohe.workbook.sheets import Problems, open_workbook, show

SHEET = "部门评分"
GUIDE_SHEET = "指标说明"
UNIT_CODE, UNIT_NAME = "单位编码", "单位名称"
MAX_BYTES = 10 * 1024 * 1024  # a department's sheet has hundreds of rows, not millions
LIMITS = Limits(expanded_bytes=128 * 1024 * 1024, sheet_rows=50_000, total_rows=100_000)

_BOLD = Font(bold=True)
_NOT_SCORED = PatternFill("solid", fgColor="DDDDDD")

Cells = dict[tuple[AssessedUnit, Indicator], Decimal | None]


def indicator_codes(indicators: Sequence[Indicator]) -> list[str]:
    return list(dict.fromkeys(i.code for i in indicators))


def write_score_sheet(
    target: IO[bytes] | str,
    *,
    units: Sequence[AssessedUnit],
    indicators: Sequence[Indicator],
    scores: dict[tuple[int, int], Decimal],
) -> None:
    """Write the sheet; `scores` maps (unit id, indicator id) to the stored score."""
    codes = indicator_codes(indicators)
    by_category = {(i.category_id, i.code): i for i in indicators}
    book = XlsxWorkbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for position, width in enumerate([14, 28, *[12] * len(codes)], start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "C2"
    append_row(sheet, [_bold(sheet, name) for name in (UNIT_CODE, UNIT_NAME, *codes)])
    for assessed in units:
        row: list[Any] = [assessed.unit.code, assessed.unit.name]
        for code in codes:
            indicator = by_category.get((assessed.category_id, code))
            if indicator is None:
                cell = WriteOnlyCell(sheet, value=None)
                cell.fill = _NOT_SCORED
                row.append(cell)
            else:
                score = scores.get((assessed.unit_id, indicator.pk))
                row.append(None if score is None else float(score))
        append_row(sheet, row)
    guide = book.create_sheet(GUIDE_SHEET)
    for position, width in enumerate([12, 30, 14, 8, 60], start=1):
        guide.column_dimensions[get_column_letter(position)].width = width
    guide.append([_bold(guide, name) for name in ("指标编码", "指标名称", "单位类别", "权重", "评分方法")])
    for indicator in indicators:
        append_row(
            guide,
            [
                indicator.code,
                indicator.name,
                indicator.category.name,
                float(indicator.weight),
                indicator.method,
            ],
        )
    guide.append([])
    guide.append(
        [
            "填写说明：得分为 0–100 的数字；灰色单元格表示该单位所属类别没有这一指标，请留空；清空一格即删除该得分。"
        ]
    )
    book.save(target)


def _bold(sheet: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = _BOLD
    return cell


def read_score_sheet(
    source: IO[bytes], *, units: Sequence[AssessedUnit], indicators: Sequence[Indicator]
) -> Cells:
    """The cells of an uploaded sheet, or WorkbookError listing every problem (then nothing is used)."""
    codes = indicator_codes(indicators)
    by_code = {a.unit.code: a for a in units}
    by_category = {(i.category_id, i.code): i for i in indicators}
    problems = Problems()
    cells: Cells = {}
    with open_workbook(source, max_bytes=MAX_BYTES, limits=LIMITS) as book:
        sheet = book.sheet(
            SHEET, problems, required=(UNIT_CODE, *codes), optional=(UNIT_NAME,), must_exist=True
        )
        seen: dict[str, int] = {}
        for row in sheet or ():
            code = row.get(UNIT_CODE, required=True)
            if code is None:
                continue
            assessed = by_code.get(code)
            if assessed is None:
                row.problem(UNIT_CODE, f"{show(code)}不是本部门评分的单位", code)
                continue
            if code in seen:
                row.problem(UNIT_CODE, f"单位{show(code)}重复（第{seen[code]}行已有）", code)
                continue
            seen[code] = row.number
            for column in codes:
                value = row[column]
                indicator = by_category.get((assessed.category_id, column))
                if indicator is None:
                    if value is not None:
                        row.problem(
                            column,
                            f"{assessed.unit.name}所属类别「{assessed.category.name}」没有本部门的指标{column}，此格应留空",
                            value,
                        )
                    continue
                if value is None:
                    cells[(assessed, indicator)] = None
                    continue
                try:
                    cells[(assessed, indicator)] = parse_score(value)
                except ValidationError as error:
                    row.problem(column, error.messages[0], value)
    problems.check()
    return cells
