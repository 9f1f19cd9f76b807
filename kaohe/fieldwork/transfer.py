"""The group list and schedule as .xlsx and .docx, and the schedule read back from .xlsx (refused whole;
written by ``actions.schedule_import``).

User text is written as text (never as a formula, whatever it starts with). Reading goes through
kaohe.workbook.sheets as the roster import does, and every problem names its row and column.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx import Document
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kaohe.fieldwork.models import GroupMember, MemberRole, Visit
from kaohe.fieldwork.schedule import SCHEDULE_FIELDS, check_schedule
from kaohe.plans.models import AssessmentCycle, AssessmentGroup
from kaohe.workbook import sheets

SHEET = "日程"
COLUMNS = (  # (header, field, parser)
    ("进点日期", "entry_on", sheets.date),
    ("进点地点", "entry_place", sheets.text),
    ("述职会日期", "duty_report_on", sheets.date),
    ("述职会地点", "duty_report_place", sheets.text),
    ("测评会日期", "evaluation_on", sheets.date),
    ("测评会地点", "evaluation_place", sheets.text),
    ("个别谈话开始", "interviews_from", sheets.date),
    ("个别谈话结束", "interviews_until", sheets.date),
    ("谈话地点", "interview_place", sheets.text),
    ("查阅资料日期", "documents_on", sheets.date),
    ("实地核验日期", "verification_on", sheets.date),
    ("分析报告完成时限", "analysis_due", sheets.date),
)
assert tuple(field for _h, field, _p in COLUMNS) == SCHEDULE_FIELDS
HEADERS = ("考核组", "单位编码", "单位名称", *(h for h, _f, _p in COLUMNS))
PLACE_MAX = 100
ROLE_ORDER = {MemberRole.LEADER: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # user text stays text, even "=…"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _members(groups: Iterable[AssessmentGroup]) -> dict[int, list[tuple[str, str, str]]]:
    """group id -> (name, role label, duty), 组长 first; members without a role are 成员."""
    groups = list(groups)
    roles = {(m.group_id, m.user_id): m for m in GroupMember.objects.filter(group__in=groups)}
    result: dict[int, list[tuple[str, str, str]]] = {}
    for group in groups:
        rows = []
        for user in group.members.all():
            m = roles.get((group.pk, user.pk))
            role = MemberRole(m.role) if m else MemberRole.MEMBER
            rows.append(
                (
                    ROLE_ORDER[role],
                    user.full_name or user.get_username(),
                    str(role.label),
                    m.duty if m else "",
                )
            )
        result[group.pk] = [r[1:] for r in sorted(rows)]
    return result


def write_xlsx(cycle: AssessmentCycle, groups: Iterable[AssessmentGroup], visits: Iterable[Visit]) -> bytes:
    book = Workbook(write_only=True)
    groups = list(groups)
    people = book.create_sheet("考核组")
    people.append([_cell(people, h, bold=True) for h in ("考核组", "姓名", "职责", "分工")])
    for group, rows in zip(groups, (_members(groups)[g.pk] for g in groups), strict=True):
        for name, role, duty in rows:
            people.append([_cell(people, v) for v in (group.name, name, role, duty)])
    schedule = book.create_sheet(SHEET)
    schedule.append([_cell(schedule, h, bold=True) for h in HEADERS])
    for visit in visits:
        values = [
            visit.group.name,
            visit.unit.code,
            visit.unit.name,
            *(getattr(visit, f) for f in SCHEDULE_FIELDS),
        ]
        row = []
        for value in values:
            cell = _cell(schedule, value)
            if value is not None and not isinstance(value, str):
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        schedule.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _day(value: Any) -> str:
    return f"{value:%m月%d日}" if value else "—"


def write_docx(cycle: AssessmentCycle, groups: Iterable[AssessmentGroup], visits: Iterable[Visit]) -> bytes:
    document = Document()
    document.add_heading(f"{cycle.name}考核组名单及日程安排", level=1)
    groups = list(groups)
    members = _members(groups)
    by_group: dict[int, list[Visit]] = {}
    for visit in visits:
        by_group.setdefault(visit.group_id, []).append(visit)
    for group in groups:
        document.add_heading(group.name, level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("姓名", "职责", "分工"), strict=True):
            cell.text = text
        for name, role, duty in members[group.pk]:
            for cell, text in zip(table.add_row().cells, (name, role, duty or "—"), strict=True):
                cell.text = text
        rows = by_group.get(group.pk, [])
        if not rows:
            document.add_paragraph("尚未安排日程。")
            continue
        table = document.add_table(rows=1, cols=7)
        table.style = "Table Grid"
        heads = ("单位", "进点", "述职会", "测评会", "个别谈话", "查阅资料", "实地核验")
        for cell, text in zip(table.rows[0].cells, heads, strict=True):
            cell.text = text
        for v in rows:
            texts = (
                v.unit.name,
                f"{_day(v.entry_on)} {v.entry_place}".strip(),
                f"{_day(v.duty_report_on)} {v.duty_report_place}".strip(),
                f"{_day(v.evaluation_on)} {v.evaluation_place}".strip(),
                f"{_day(v.interviews_from)}至{_day(v.interviews_until)} {v.interview_place}".strip(),
                _day(v.documents_on),
                _day(v.verification_on),
            )
            for cell, text in zip(table.add_row().cells, texts, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_template() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append([_cell(sheet, h, bold=True) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_schedule(
    *, cycle: AssessmentCycle, data: bytes, max_bytes: int = 10 * 1024 * 1024
) -> list[tuple[Visit, dict[str, Any]]]:
    """Every unit's visit named in the 日程 sheet with the schedule the sheet gives it; raises
    ``sheets.WorkbookError`` naming every problem (row, column, value). Writes nothing
    (``actions.schedule_import`` does)."""
    problems = sheets.Problems()
    visits = {v.unit.code: v for v in Visit.objects.filter(cycle=cycle).select_related("unit", "group")}
    rows: list[tuple[Visit, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    with sheets.open_workbook(io.BytesIO(data), max_bytes=max_bytes) as book:
        sheet = book.sheet(
            SHEET,
            problems,
            required=("单位编码",),
            optional=("考核组", "单位名称", *(h for h, _f, _p in COLUMNS)),
            must_exist=True,
        )
        for row in sheet or ():
            code = row.get("单位编码", sheets.text, required=True)
            values = {field: row.get(header, parse) for header, field, parse in COLUMNS}
            for header, field, parse in COLUMNS:
                if parse is sheets.text and values[field] and len(values[field]) > PLACE_MAX:
                    row.problem(header, f"不能超过 {PLACE_MAX} 个字", values[field])
                if parse is sheets.text:
                    values[field] = values[field] or ""
            if code is None:
                continue
            if code in seen:
                row.problem("单位编码", f"与第 {seen[code]} 行重复", code)
                continue
            seen[code] = row.number
            visit = visits.get(code)
            if visit is None:
                row.problem(
                    "单位编码", f"{cycle.year} 年度没有该单位的考核日程（单位不在任何考核组中）", code
                )
                continue
            group = row.get("考核组", sheets.text)
            if group and group != visit.group.name:
                row.problem("考核组", f"该单位属于「{visit.group.name}」", group)
            for message in check_schedule(values):
                row.problem(None, message)
            rows.append((visit, values))
    if not problems and not rows:
        problems.add(SHEET, None, None, None, "「日程」工作表只有表头，没有数据")
    problems.check()
    return rows


def import_error_messages(error: sheets.WorkbookError) -> list[str]:
    return [str(p) for p in error.problems]
