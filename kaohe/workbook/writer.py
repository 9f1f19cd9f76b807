"""Write an ``Assessment`` as the results workbook: sheets 结果, 名额 and 无效票, laid out to print.

Streams with openpyxl's write-only mode: a province's 55,000 results take a few seconds and little memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kaohe.rules.model import Assessment, Kind, Result

FLAG_LABELS = {
    "admonish": "诫勉线以下",
    "adjust": "不称职票超线",
    "few_ballots": "有效票不足",
    "tie": "并列待定",
    "over_quota": "并列超额",
    "veto": "一票否决",
    "sanction": "受处分影响",
    "probation": "试用期",
    "investigation": "立案未结",
    "priority": "表现突出",
    "third_class_merit": "记三等功资格",
    "dismissal": "连续不称职(辞退)",
    "leader_review": "班子调整提示",
}
KIND_LABELS = {Kind.TEAM: "领导班子", Kind.CADRE: "干部"}
# Shares of a cadre and of a team go in the same three columns.
SHARE_KEYS = {Kind.CADRE: ("优秀", "称职及以上", "不称职"), Kind.TEAM: ("优秀", "良好及以上", "较差")}

SCORE = "0.00"
SHARE = "0.00%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAPPED = Alignment(vertical="top", wrap_text=True)


def write_results(assessment: Assessment, destination: str | os.PathLike[str] | IO[bytes]) -> None:
    book = Workbook(write_only=True)
    _write_results(book, assessment)
    _write_quotas(book, assessment)
    _write_invalid_ballots(book, assessment)
    book.save(destination)


def flag_labels(flags: Iterable[str]) -> str:
    return "、".join(FLAG_LABELS.get(flag, flag) for flag in flags)


def _write_results(book: Workbook, assessment: Assessment) -> None:
    groups = sorted(
        {g for r in assessment.results if r.democratic for g in r.democratic.groups}, key=_group_order
    )
    columns: list[tuple[str, float, str | None]] = [  # header, width, number format
        ("类型", 9, None),
        ("编码", 12, None),
        ("名称", 14, None),
        ("单位编码", 11, None),
        ("名额池", 12, None),
        ("民主测评", 9, SCORE),
        ("有效票", 7, None),
    ]
    # Each rater group's score; its ballot count is in the explanation, which keeps the table printable.
    columns += [(f"{group}得分", 8, SCORE) for group in groups]
    columns += [
        ("优秀率", 8, SHARE),
        ("称职(良好)及以上率", 10, SHARE),
        ("不称职(较差)率", 10, SHARE),
        ("实绩", 8, SCORE),
        ("综合得分", 9, SCORE),
        ("排名", 6, None),
        ("池内人数", 6, None),
        ("等次", 9, None),
        ("标记", 18, None),
        ("说明", 80, None),
    ]
    sheet = _sheet(book, "结果", columns)
    styles = _styles(sheet, [number_format for _, _, number_format in columns], wrap_last=True)
    for result in assessment.results:
        _row(sheet, _result_row(result, groups), styles)


def _result_row(result: Result, groups: Sequence[str]) -> list[Any]:
    democratic = result.democratic
    row: list[Any] = [
        KIND_LABELS[result.kind],
        result.code,
        result.name,
        result.unit,
        result.pool,
        _score(democratic.score) if democratic else None,
        democratic.valid if democratic else None,
    ]
    for group in groups:
        group_score = democratic.groups.get(group) if democratic else None
        row.append(_score(group_score.score) if group_score else None)
    shares = [democratic.shares.get(key) for key in SHARE_KEYS[result.kind]] if democratic else [None] * 3
    row += [_share(share) for share in shares]
    row += [
        _score(result.performance),
        _score(result.composite),
        result.rank,
        result.pool_size,
        result.grade,
        flag_labels(result.flags),
        result.explanation,
    ]
    return row


def _write_quotas(book: Workbook, assessment: Assessment) -> None:
    columns = [
        ("类型", 9, None),
        ("名额池", 14, None),
        ("参加定等人数", 12, None),
        ("理论名额", 10, SCORE),
        ("优秀名额", 10, None),
        ("优秀", 8, None),
        ("待定", 8, None),
    ]
    sheet = _sheet(book, "名额", columns)
    styles = _styles(sheet, [number_format for _, _, number_format in columns])
    for quota in assessment.quotas:
        row = [
            KIND_LABELS[quota.kind],
            quota.pool,
            quota.size,
            _score(quota.theoretical),
            quota.quota,
            quota.excellent,
            quota.pending,
        ]
        _row(sheet, row, styles)


def _write_invalid_ballots(book: Workbook, assessment: Assessment) -> None:
    sheet = _sheet(book, "无效票", [("票号", 16, None), ("原因", 80, None)])
    styles = _styles(sheet, [None, None], wrap_last=True)
    for ballot in assessment.invalid_ballots:
        _row(sheet, [ballot.ballot, ballot.reason], styles)


def _sheet(
    book: Workbook, title: str, columns: Sequence[tuple[str, float, str | None]]
) -> WriteOnlyWorksheet:
    """A sheet with its header row, frozen and repeated on every printed page, A4 landscape, fit to width."""
    sheet = book.create_sheet(title)
    for position, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    header = []
    for name, _, _ in columns:
        cell = WriteOnlyCell(sheet, name)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    return sheet


def _row(sheet: WriteOnlyWorksheet, values: Sequence[Any], styles: Sequence[StyleArray | None]) -> None:
    cells: list[Any] = []
    for value, style in zip(values, styles, strict=True):
        if value is None or style is None:
            cells.append(value)
        else:
            cell = WriteOnlyCell(sheet, value)
            # Sharing one style array is what makes 55,000 rows fast: setting cell.alignment and
            # cell.number_format looks the style up again for every cell.
            cell._style = style
            cells.append(cell)
    sheet.append(cells)


def _styles(
    sheet: WriteOnlyWorksheet, formats: Sequence[str | None], wrap_last: bool = False
) -> list[StyleArray | None]:
    """One style per column: its number format, and wrapping for the explanation in the last column."""
    styles: list[StyleArray | None] = []
    for position, number_format in enumerate(formats):
        wrapped = wrap_last and position == len(formats) - 1
        if not number_format and not wrapped:
            styles.append(None)
            continue
        prototype = WriteOnlyCell(sheet)
        if number_format:
            prototype.number_format = number_format
        if wrapped:
            prototype.alignment = WRAPPED
        styles.append(prototype._style)
    return styles


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _share(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _group_order(group: str) -> tuple[int, str]:
    usual = ("上级", "同级", "下级", "服务对象")
    return (usual.index(group), group) if group in usual else (len(usual), group)
