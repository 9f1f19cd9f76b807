"""The records' line on the home page (registered in ``apps.py``): an owner's to-do over their own lines,
or, for the organiser and the assessors, the units with gaps in last month's lists."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.todo import TodoItem
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.records import selectors
from kaohe.records.gaps import owner_todo, unit_gaps
from kaohe.records.regular import cycle_rule


def home_items(user) -> list[TodoItem]:
    if not user.has_role(*selectors.OWNERS, *selectors.CHECKERS):
        return []
    # The cycle the year's records are kept in: the latest not completed.
    cycle = AssessmentCycle.objects.exclude(phase=Phase.COMPLETED).order_by("-year").first()
    if cycle is None:
        return []
    rule = cycle_rule(cycle)
    url = reverse("records:home", args=[cycle.year])
    if user.has_role(*selectors.OWNERS):
        todo = owner_todo(selectors.visible_items(user, cycle), cycle, rule)
        if not todo.total:
            return []
        months = "、".join(f"{m}月" for m in todo.missing_months)
        note = _("逾期 %(overdue)d 项，待核实 %(unverified)d 项") % {
            "overdue": todo.overdue,
            "unverified": todo.unverified,
        }
        if months:
            note += _("；未报：%(months)s") % {"months": months}
        return [
            TodoItem(
                key="records",
                label=_("平时考核清单待办"),
                url=url,
                count=todo.total,
                cycle=cycle.name,
                note=note,
                unit=_("项"),
            )
        ]
    today = timezone.localdate()
    month = today.month - 1 if today.year == cycle.year and today.month > 1 else 12
    found = unit_gaps(cycle, rule, month, selectors.reviewable_units(user, cycle), today)
    if not found:
        return []
    return [
        TodoItem(
            key="records",
            label=_("%(month)d月平时考核缺项的单位") % {"month": month},
            url=url,
            count=len(found),
            cycle=cycle.name,
            unit=_("个"),
        )
    ]
