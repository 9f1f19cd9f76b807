"""Write an ``Assessment`` as the results workbook: sheets 结果, 名额 and 无效票, laid out to print.

Written with XlsxWriter in its constant-memory mode (rows streamed to disk as they come): a province's
55,000 results, about a million cells, take half the time openpyxl's write-only mode takes, which was the
largest single cost of ``kaohe assess -o``. The other workbooks, far smaller, stay with openpyxl.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import IO, Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kaohe.rules.model import Assessment, Kind, Result

FLAG_LABELS = {
    "admonish": "诫勉线以下",
    "adjust": "不称职票超线",
    "few_ballots": "有效票不足",
    "tie": "并列待定",
    "over_quota": "并列超额",
    "bottom_rank": "末位",
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
HEADER = {"bold": True, "pattern": 1, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter"}
WRAPPED = {"valign": "top", "text_wrap": True}


def write_results(assessment: Assessment, destination: str | os.PathLike[str] | IO[bytes]) -> None:
    target = os.fspath(destination) if isinstance(destination, os.PathLike) else destination
    book = Workbook(target, {"constant_memory": True})
    _write_results(book, assessment)
    _write_quotas(book, assessment)
    _write_invalid_ballots(book, assessment)
    book.close()


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
    formats = _formats(book, [number_format for _, _, number_format in columns], wrap_last=True)
    for number, result in enumerate(assessment.results, start=1):
        _row(sheet, number, _result_row(result, groups), formats)


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
    formats = _formats(book, [number_format for _, _, number_format in columns])
    for number, quota in enumerate(assessment.quotas, start=1):
        row = [
            KIND_LABELS[quota.kind],
            quota.pool,
            quota.size,
            _score(quota.theoretical),
            quota.quota,
            quota.excellent,
            quota.pending,
        ]
        _row(sheet, number, row, formats)


def _write_invalid_ballots(book: Workbook, assessment: Assessment) -> None:
    sheet = _sheet(book, "无效票", [("票号", 16, None), ("原因", 80, None)])
    formats = _formats(book, [None, None], wrap_last=True)
    for number, ballot in enumerate(assessment.invalid_ballots, start=1):
        _row(sheet, number, [ballot.ballot, ballot.reason], formats)


def _sheet(book: Workbook, title: str, columns: Sequence[tuple[str, float, str | None]]) -> Worksheet:
    """A sheet with its header row, frozen and repeated on every printed page, A4 landscape, fit to width."""
    sheet = book.add_worksheet(title)
    for position, (_, width, _) in enumerate(columns):
        sheet.set_column(position, position, width)
    sheet.freeze_panes(1, 0)
    sheet.repeat_rows(0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many down as needed
    sheet.hide_gridlines(0)  # gridlines on screen and on paper
    header = book.add_format({**HEADER, "text_wrap": True})
    for position, (name, _, _) in enumerate(columns):
        sheet.write_string(0, position, name, header)
    return sheet


def _row(sheet: Worksheet, number: int, values: Sequence[Any], formats: Sequence[Format | None]) -> None:
    for position, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
        if value is None:
            continue
        if isinstance(value, str):
            sheet.write_string(number, position, value, cell_format)
        else:
            sheet.write_number(number, position, value, cell_format)


def _formats(
    book: Workbook, number_formats: Sequence[str | None], wrap_last: bool = False
) -> list[Format | None]:
    """One format per column: its number format, and wrapping for the explanation in the last column."""
    formats: list[Format | None] = []
    for position, number_format in enumerate(number_formats):
        wrapped = wrap_last and position == len(number_formats) - 1
        if not number_format and not wrapped:
            formats.append(None)
            continue
        formats.append(
            book.add_format(
                {**({"num_format": number_format} if number_format else {}), **(WRAPPED if wrapped else {})}
            )
        )
    return formats


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _share(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _group_order(group: str) -> tuple[int, str]:
    usual = ("上级", "同级", "下级", "服务对象")
    return (usual.index(group), group) if group in usual else (len(usual), group)
