"""A month's lists as .xlsx: read from a unit (or the whole province), checked whole, imported; written back.

The sheet 「清单」 has one line a row: 单位编码, 干部编码 (blank: the unit's own list), 月份, 清单 (任务清单、
进度清单、问题清单、成绩清单), 内容, 完成时限, 完成日期, 发现人; the export adds 已核实. Import is all or
nothing: every problem is named by its row, column and value, and nothing is saved while there is one. A
line is matched by unit, cadre, list and content: a line already there is updated (its verification kept),
a new one added, and nothing is deleted, so importing the exported file again changes nothing.

A province month (≈ 200,000 lines) reads through ``Sheet.tuples`` and goes in as plain tuples
(``plans.transfer.insert_rows``: COPY on PostgreSQL), with one audit entry for the file.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.cell import WriteOnlyCell

from kaohe.audit.actions import audit_record
from kaohe.bulk import insert_rows
from kaohe.crypto.configured import content_digest
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle
from kaohe.records.actions import ensure_open
from kaohe.records.models import ListItem, ListKind
from kaohe.workbook.sheets import CellError, Problems, WorkbookError, date, integer, open_workbook, show, text

SHEET = "清单"
REQUIRED = ("单位编码", "月份", "清单", "内容")
OPTIONAL = ("干部编码", "完成时限", "完成日期", "发现人")
COLUMNS = ("单位编码", "干部编码", "月份", "清单", "内容", "完成时限", "完成日期", "发现人")
EXPORT_COLUMNS = (*COLUMNS, "已核实")
KINDS = {label: value for value, label in ListKind.choices} | {
    str(label).removesuffix("清单"): value for value, label in ListKind.choices
}
LABELS = {value: str(label) for value, label in ListKind.choices}
MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class ImportSummary:
    month: int
    rows: int
    created: int
    updated: int
    unchanged: int


def _parse(parse, value, row: int, column: str, problems: Problems) -> Any:
    if value is None:
        return None
    try:
        return parse(value)
    except CellError as error:
        problems.add(SHEET, row, column, value, str(error))
        return None


def list_items_import(
    *, actor: Any, cycle: AssessmentCycle, month: int, data: bytes, unit_scope: int | None = None
) -> ImportSummary:
    """Import a month's lists; ``unit_scope`` (a liaison's unit id) refuses lines of any other unit.

    Raises ``WorkbookError`` naming every problem; then nothing is saved.
    """
    problems = Problems()
    with open_workbook(io.BytesIO(data), max_bytes=MAX_BYTES) as book:
        sheet = book.sheet(SHEET, problems, required=REQUIRED, optional=OPTIONAL, must_exist=True)
        rows = list(sheet.tuples(COLUMNS)) if sheet is not None else []
    problems.check()
    if not rows:
        raise WorkbookError([_problem(None, None, None, f"「{SHEET}」工作表只有表头，没有清单事项")])
    units = dict(AssessedUnit.objects.filter(cycle=cycle).values_list("unit__code", "unit_id"))
    cadres = {
        code: (cadre_id, unit_id)
        for code, cadre_id, unit_id in AssessedCadre.objects.filter(cycle=cycle).values_list(
            "cadre__code", "cadre_id", "unit_id"
        )
    }
    scope_code = None
    if unit_scope is not None:
        scope_code = next((code for code, pk in units.items() if pk == unit_scope), None)
    wanted: dict[tuple[int, int | None, str, str], tuple[int, Any, Any, str]] = {}
    for number, (unit_code, cadre_code, month_cell, kind_cell, content, due, completed, found_by) in rows:
        add = problems.add
        unit_code = None if unit_code is None else text(unit_code)
        unit_id = None
        if unit_code is None:
            add(SHEET, number, "单位编码", None, "不能为空")
        elif unit_code not in units:
            add(SHEET, number, "单位编码", unit_code, f"{show(unit_code)}不是{cycle.year}年度参加考核的单位")
        elif unit_scope is not None and units[unit_code] != unit_scope:
            add(SHEET, number, "单位编码", unit_code, f"只能导入本单位（{scope_code}）的清单")
        else:
            unit_id = units[unit_code]
        cadre_id = None
        if cadre_code is not None:
            cadre_code = text(cadre_code)
            found = cadres.get(cadre_code)
            if found is None:
                add(
                    SHEET,
                    number,
                    "干部编码",
                    cadre_code,
                    f"{show(cadre_code)}不是{cycle.year}年度参加考核的干部",
                )
            elif unit_id is not None and found[1] != unit_id:
                add(SHEET, number, "干部编码", cadre_code, f"{show(cadre_code)}本年度不在单位「{unit_code}」")
            else:
                cadre_id = found[0]
        row_month = _parse(integer, month_cell, number, "月份", problems)
        if month_cell is None:
            add(SHEET, number, "月份", None, "不能为空")
        elif row_month is not None and row_month != month:
            add(SHEET, number, "月份", month_cell, f"本次导入的是{month}月的清单，此行是{show(month_cell)}")
        kind = None
        if kind_cell is None:
            add(SHEET, number, "清单", None, "不能为空")
        else:
            kind = KINDS.get(text(kind_cell))
            if kind is None:
                add(
                    SHEET,
                    number,
                    "清单",
                    kind_cell,
                    f"{show(kind_cell)}不是有效的选项（任务清单、进度清单、问题清单、成绩清单）",
                )
        content_text = "" if content is None else text(content)
        if not content_text:
            add(SHEET, number, "内容", None, "不能为空")
        due_date = _parse(date, due, number, "完成时限", problems)
        completed_date = _parse(date, completed, number, "完成日期", problems)
        who = "" if found_by is None else text(found_by)
        if len(who) > 100:
            add(SHEET, number, "发现人", found_by, "不能超过100个字")
        if kind == ListKind.TASK and due is None:
            add(SHEET, number, "完成时限", None, "任务清单须填写完成时限")
        if kind == ListKind.PROBLEM and not who:
            add(SHEET, number, "发现人", None, "问题清单须填写发现人")
        if unit_id is None or kind is None or not content_text:
            continue
        key = (unit_id, cadre_id, kind, content_text)
        if key in wanted:
            add(SHEET, number, "内容", content, f"与第{wanted[key][0]}行重复（同一单位、干部、清单和内容）")
            continue
        wanted[key] = (number, due_date, completed_date, who)
    problems.check()
    return _write(actor, cycle, month, wanted, len(rows), data)


def _problem(row, column, value, message):
    from kaohe.workbook.sheets import Problem

    return Problem(SHEET, row, column, value, message)


def _write(actor, cycle, month, wanted, row_count: int, data: bytes) -> ImportSummary:
    now = timezone.now()
    with transaction.atomic():
        ensure_open(cycle)
        unit_ids = {key[0] for key in wanted}
        existing = {
            (unit_id, cadre_id, kind, content): (pk, due, completed, found_by)
            for pk, unit_id, cadre_id, kind, content, due, completed, found_by in ListItem.objects.filter(
                cycle=cycle, month=month, unit_id__in=unit_ids
            ).values_list("pk", "unit_id", "cadre_id", "kind", "content", "due", "completed", "found_by")
        }
        new_rows, changed = [], []
        unchanged = 0
        for key, (_, due, completed, who) in wanted.items():
            old = existing.get(key)
            if old is None:
                unit_id, cadre_id, kind, content = key
                new_rows.append(
                    (
                        cycle.pk,
                        unit_id,
                        cadre_id,
                        month,
                        kind,
                        content,
                        due,
                        completed,
                        who,
                        actor.pk,
                        now,
                        "",
                    )
                )
            elif old[1:] != (due, completed, who):
                changed.append(ListItem(pk=old[0], due=due, completed=completed, found_by=who))
            else:
                unchanged += 1
        insert_rows(
            ListItem,
            (
                "cycle", "unit", "cadre", "month", "kind", "content", "due", "completed", "found_by",
                "entered_by", "entered_at", "verification_note",
            ),
            new_rows,
        )  # fmt: skip
        ListItem.objects.bulk_update(changed, ["due", "completed", "found_by"], batch_size=2000)
        summary = ImportSummary(month, row_count, len(new_rows), len(changed), unchanged)
        digested = content_digest(data)
        audit_record(
            actor=actor,
            action="list_items.import",
            object_type="plans.assessmentcycle",
            object_id=str(cycle.pk),
            object_repr=f"{cycle.year}年{month}月清单",
            after={
                "month": month,
                "rows": row_count,
                "created": summary.created,
                "updated": summary.updated,
                "digest": digested.value,
                "digest_algorithm": digested.algorithm,
            },
        )
    return summary


def _rows(items) -> Iterator[list[Any]]:
    for unit, cadre, month, kind, content, due, completed, found_by, verified in items.values_list(
        "unit__code", "cadre__code", "month", "kind", "content", "due", "completed", "found_by", "verified_at"
    ).order_by("unit__code", "cadre__code", "kind", "pk"):
        yield [
            unit,
            cadre,
            month,
            LABELS[kind],
            content,
            due,
            completed,
            found_by,
            "是" if verified else "否",
        ]


def write_items(items, target: IO[bytes], *, template: bool = False) -> None:
    """The lines of ``items`` (a permission-checked queryset) as the import reads them; or the empty template."""
    book = XlsxWorkbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for column, width in zip("ABCDEFGHI", (12, 12, 6, 10, 50, 12, 12, 12, 8), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(list(COLUMNS if template else EXPORT_COLUMNS))
    if not template:
        for row in _rows(items):
            sheet.append([_safe(sheet, value) for value in row])
    guide = book.create_sheet("说明")
    for line in (
        ["每行一项；「干部编码」留空为单位清单，填写则为该干部本人清单。"],
        ["清单：任务清单、进度清单、问题清单、成绩清单。任务清单须填完成时限，问题清单须填发现人。"],
        ["月份须与导入时选择的月份一致；同一单位、干部、清单和内容的行只能有一行。"],
        ["已有的事项按单位、干部、清单和内容对应更新，不会删除；成绩清单的佐证材料请在页面上传。"],
    ):
        guide.append(line)
    book.save(target)


def _safe(sheet: Any, value: Any) -> Any:
    # A text that a spreadsheet would take for a formula is written as a text cell, and read back the same.
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime.datetime):
        return value.date()
    return value
