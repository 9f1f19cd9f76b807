"""The working-day calendar: a day set or cleared by hand, or many from the 工作日历 workbook."""

from __future__ import annotations

import datetime
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.plans import calendar
from kaohe.plans.actions.indicators import ImportCounts
from kaohe.plans.models import CalendarDay
from kaohe.workbook.sheets import Problems


def _state(day: CalendarDay) -> dict[str, object]:
    return {"day": day.day, "working": day.working, "note": day.note}


def calendar_day_set(*, actor: Actor, day: datetime.date, working: bool, note: str = "") -> CalendarDay:
    """Record ``day`` as a working day or a day off; a day recorded as the week already has it is refused."""
    note = note.strip()
    if working == (day.weekday() < 5):
        weekday = "星期一至星期五本来就是工作日" if working else "星期六、星期日本来就休息"
        raise ValidationError(f"{day}：{weekday}，无需登记", code="redundant")
    with transaction.atomic():
        found = CalendarDay.objects.select_for_update().filter(day=day).first()
        before = None if found is None else _state(found)
        if found is None:
            found = CalendarDay.objects.create(day=day, working=working, note=note)
        else:
            found.working, found.note = working, note
            found.save(update_fields=["working", "note"])
        audit_record(actor=actor, action="calendar.day_set", obj=found, before=before, after=_state(found))
    return found


def calendar_day_delete(*, actor: Actor, day: CalendarDay) -> None:
    with transaction.atomic():
        before = _state(day)
        audit_record(actor=actor, action="calendar.day_delete", obj=day, before=before)
        day.delete()


def calendar_import(*, actor: Actor, source: IO[bytes], file_name: str) -> ImportCounts:
    """Create or update the days of a 工作日历 sheet by date; all or nothing (WorkbookError lists every
    problem with its row, column and value)."""
    problems = Problems()
    rows = calendar.read(source, problems)
    seen: dict[datetime.date, int] = {}
    for row in rows:
        if row.day is None or row.working is None:
            continue
        if row.day in seen:
            problems.add(
                calendar.SHEET, row.row, "日期", row.day, f"日期 {row.day} 重复（已在第{seen[row.day]}行）"
            )
        seen.setdefault(row.day, row.row)
        if row.working == (row.day.weekday() < 5):
            usual = "星期一至星期五本来就是工作日" if row.working else "星期六、星期日本来就休息"
            problems.add(
                calendar.SHEET,
                row.row,
                "类型",
                calendar.kind_label(row.working),
                f"{row.day}：{usual}，无需登记（只填写与平常不同的日子）",
            )
    problems.check()
    with transaction.atomic():
        existing = {d.day: d for d in CalendarDay.objects.select_for_update().filter(day__in=list(seen))}
        created = updated = unchanged = 0
        changes = []
        for row in rows:
            assert row.day is not None and row.working is not None  # checked above
            found = existing.get(row.day)
            if found is None:
                found = CalendarDay.objects.create(day=row.day, working=row.working, note=row.note)
                created += 1
                changes.append({"after": _state(found)})
                continue
            before = _state(found)
            found.working, found.note = row.working, row.note
            if _state(found) == before:
                unchanged += 1
                continue
            found.save(update_fields=["working", "note"])
            updated += 1
            changes.append({"before": before, "after": _state(found)})
        audit_record(
            actor=actor,
            action="calendar.import",
            object_type="plans.calendarday",
            object_repr="工作日历",
            after={"file": file_name, "created": created, "updated": updated, "changes": changes},
        )
    return ImportCounts(created, updated, unchanged)
