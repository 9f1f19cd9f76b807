"""The letter as a Word document (the organisation's template, rendered in the reports' sandbox) and the
.xlsx exports for the 督查 meeting and the cadre office. Callers have checked access."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from kaohe.feedback.models import Letter, LetterKind, Rectification, RectificationUpdate, ResultAction
from kaohe.reports.documents import ORGANISATION, render
from kaohe.workbook.cells import append_row

REQUIREMENT = (
    "请对照反馈的问题认真研究制定整改措施，明确责任人和整改时限，于收到本意见书之日起30日内"
    "将整改方案报考核工作领导小组办公室，并按时报送整改进展和佐证材料。"
)


def letter_context(letter: Letter) -> dict[str, Any]:
    sent = timezone.localtime(letter.sent_at).date() if letter.sent_at else timezone.localdate()
    if letter.kind == LetterKind.TEAM:
        recipient = f"{letter.unit.name}主要负责人" + (
            f"{letter.recipient_name}同志" if letter.recipient_name else ""
        )
    else:
        recipient = f"{letter.cadre.name}同志"
    return {
        "year": letter.cycle.year,
        "title": f"{letter.cycle.year}年度考核结果反馈意见书",
        "organisation": ORGANISATION,
        "recipient": recipient,
        "subject": letter.subject,
        "unit": letter.unit.name,
        "grade": letter.grade or "（尚未确定）",
        "achievements": list(letter.achievements),
        "problems": [{"number": n, "text": t} for n, t in enumerate(letter.problems, start=1)],
        "suggestions": list(letter.suggestions),
        "requirement": REQUIREMENT,
        "date": f"{sent.year}年{sent.month}月{sent.day}日",
    }


def letter_docx(letter: Letter) -> bytes:
    return render("feedback", [letter_context(letter)])[0]


def _workbook(title: str, headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    append_row(sheet, headers)
    for row in rows:
        append_row(sheet, row)  # user text stays text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RECTIFICATION_HEADERS = [
    "年度",
    "单位",
    "对象",
    "序号",
    "问题",
    "责任人",
    "整改措施",
    "整改时限",
    "状态",
    "是否逾期",
    "最新进展",
]


def rectifications_xlsx(items: Iterable[Rectification]) -> bytes:
    today = timezone.localdate()
    items = list(items)
    latest: dict[int, str] = {}
    ids = [item.pk for item in items]
    for start in range(0, len(ids), 500):  # bounded IN lists; the newest update of each item wins
        for item_id, text in (
            RectificationUpdate.objects.filter(item_id__in=ids[start : start + 500])
            .order_by("at", "id")
            .values_list("item_id", "text")
        ):
            latest[item_id] = text
    rows = []
    for item in items:
        rows.append(
            [
                item.cycle.year,
                item.unit.name,
                item.letter.subject,
                item.number,
                item.problem,
                item.owner,
                item.measures,
                item.deadline.isoformat() if item.deadline else "",
                item.get_status_display(),
                "是" if item.deadline and item.deadline < today and item.status != "closed" else "",
                latest.get(item.pk, ""),
            ]
        )
    return _workbook("整改事项", RECTIFICATION_HEADERS, rows)


ACTION_HEADERS = [
    "年度",
    "类型",
    "单位",
    "干部",
    "依据",
    "运用方式",
    "文号",
    "日期",
    "谈话人/实施人",
    "奖金系数",
    "说明",
    "决定人/机关",
    "决定日期",
    "登记人",
    "登记时间",
]


def actions_xlsx(actions: Iterable[ResultAction]) -> bytes:
    rows = [
        [
            a.cycle.year,
            a.get_kind_display(),
            a.unit.name,
            a.cadre.name if a.cadre else "",
            a.basis,
            a.get_action_display(),
            a.document_no,
            a.held_on.isoformat() if a.held_on else "",
            a.held_by,
            str(a.coefficient) if a.coefficient is not None else "",
            a.note,
            a.decided_by,
            a.decided_on.isoformat(),
            a.recorded_by.get_username(),
            timezone.localtime(a.recorded_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for a in actions
    ]
    return _workbook("结果运用", ACTION_HEADERS, rows)
