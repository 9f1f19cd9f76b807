"""What is missing or late in the year's records: the organiser's gap list and each owner's to-do.

A unit's month is in the gap list when, that month's filing day (``RecordsRule.due_day`` of the next month)
having passed, it filed no line; when lines of the month are still unverified; when it has lines past their
due date not completed (as of today, over the year); or when it had fewer 一线考察 visits that month than
the plan's ``visits_per_month``. Four grouped queries on partial indexes, whatever the number of units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from kaohe.plans.models import AssessedUnit, AssessmentCycle
from kaohe.records.models import ListItem, RecordsRule, Visit


@dataclass(frozen=True)
class UnitGap:
    unit_id: int
    code: str
    name: str
    missing: bool  # no line filed for the month, its filing day past
    unverified: int
    overdue: int
    visits: int
    visits_short: bool


def filing_day(cycle: AssessmentCycle, rule: RecordsRule, month: int) -> datetime.date:
    year, next_month = (cycle.year + 1, 1) if month == 12 else (cycle.year, month + 1)
    return datetime.date(year, next_month, rule.due_day)


def month_bounds(cycle: AssessmentCycle, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(cycle.year, month, 1)
    end = datetime.date(cycle.year + 1, 1, 1) if month == 12 else datetime.date(cycle.year, month + 1, 1)
    return start, end


def overdue(items: QuerySet[ListItem], today: datetime.date) -> QuerySet[ListItem]:
    """Lines past their due date (任务清单's, or any other given one) and not completed."""
    return items.filter(due__isnull=False, completed__isnull=True, due__lt=today)


def unit_gaps(
    cycle: AssessmentCycle,
    rule: RecordsRule,
    month: int,
    units: QuerySet[AssessedUnit],
    today: datetime.date | None = None,
) -> list[UnitGap]:
    """The units of ``units`` with a gap in ``month``, in code order."""
    today = today or timezone.localdate()
    # Whether a unit filed the month: one index probe a unit, cheaper than reading the month's 200,000
    # index entries for their units.
    probe = ListItem.objects.filter(cycle=cycle, month=month, unit_id=OuterRef("unit_id"))
    unit_rows = list(
        units.order_by("unit__code")
        .annotate(filed=Exists(probe))
        .values_list("unit_id", "unit__code", "unit__name", "filed")
    )
    filed = {row[0] for row in unit_rows if row[3]}
    ids = [row[0] for row in unit_rows]
    scoped = len(ids) < AssessedUnit.objects.filter(cycle=cycle).count()

    def within(queryset):
        return queryset.filter(unit_id__in=ids) if scoped else queryset

    month_items = within(ListItem.objects.filter(cycle=cycle, month=month))
    unverified = dict(
        month_items.filter(verified_at__isnull=True).values_list("unit_id").annotate(n=Count("*")).order_by()
    )
    late = dict(
        within(overdue(ListItem.objects.filter(cycle=cycle), today))
        .values_list("unit_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    start, end = month_bounds(cycle, month)
    visits = dict(
        within(Visit.objects.filter(cycle=cycle, date__gte=start, date__lt=end))
        .values_list("unit_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    due = filing_day(cycle, rule, month) < today
    month_over = end <= today
    gaps = []
    for unit_id, code, name, _ in unit_rows:
        missing = due and unit_id not in filed
        n_visits = visits.get(unit_id, 0)
        short = month_over and n_visits < rule.visits_per_month
        gap = UnitGap(
            unit_id, code, name, missing, unverified.get(unit_id, 0), late.get(unit_id, 0), n_visits, short
        )
        if gap.missing or gap.unverified or gap.overdue or gap.visits_short:
            gaps.append(gap)
    return gaps


@dataclass(frozen=True)
class Todo:
    overdue: int
    unverified: int
    missing_months: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.overdue + self.unverified + len(self.missing_months)


def owner_todo(
    items: QuerySet[ListItem], cycle: AssessmentCycle, rule: RecordsRule, today: datetime.date | None = None
) -> Todo:
    """An owner's to-do over their own lines: overdue tasks, lines not yet verified, months not filed."""
    today = today or timezone.localdate()
    filed = set(items.values_list("month", flat=True).distinct().order_by())
    missing = tuple(m for m in range(1, 13) if m not in filed and filing_day(cycle, rule, m) < today)
    return Todo(
        overdue=overdue(items, today).count(),
        unverified=items.filter(verified_at__isnull=True).count(),
        missing_months=missing,
    )
