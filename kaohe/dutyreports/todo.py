"""述职述廉 on the home page (registered in ``apps.py``): a liaison's or a cadre's reports still to hand in,
with the deadline; the organiser's and an assessor's late list (逾期未交 and 逾期提交) in their scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.dutyreports import selectors
from kaohe.plans.gate import Activity
from kaohe.plans.selectors import cycle_open_for


def home_items(user) -> list[TodoItem]:
    if not user.has_role(*selectors.READERS):
        return []
    cycle = cycle_open_for(Activity.INPUTS)
    if cycle is None:
        return []
    today = timezone.localdate()
    deadline = selectors.setting(cycle).deadline
    url = reverse("dutyreports:list", args=[cycle.year])
    counts = selectors.tally(user, cycle, today)
    if user.has_role(Role.LIAISON, Role.CADRE):
        if not counts.awaited:
            return []
        return [
            TodoItem(
                key="dutyreports-awaited",
                label=_("述职述廉报告待提交"),
                url=url,
                count=counts.awaited,
                cycle=cycle.name,
                note=_("截止日期 %(day)s") % {"day": f"{deadline:%Y-%m-%d}"} if deadline else "",
                unit=_("份"),
            )
        ]
    if not counts.late:
        return []
    missing = counts.awaited if counts.deadline_passed else 0
    return [
        TodoItem(
            key="dutyreports-late",
            label=_("述职述廉报告逾期"),
            url=f"{url}?late=1",
            count=counts.late,
            cycle=cycle.name,
            note=_("其中 %(missing)d 份仍未提交") % {"missing": missing},
            unit=_("份"),
        )
    ]
