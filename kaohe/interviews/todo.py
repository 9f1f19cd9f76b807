"""The interviews' line on an assessor's home page (registered in ``apps.py``): the interviews still missing in
the units their groups visit, in the latest cycle they belong to a group of."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.interviews.selectors import latest_cycle, missing_count


def home_items(user) -> list[TodoItem]:
    if not user.has_role(Role.ASSESSOR):
        return []
    cycle = latest_cycle(user)
    if cycle is None:
        return []
    missing = missing_count(user, cycle)
    if not missing:
        return []
    return [
        TodoItem(
            key="interviews",
            label=_("个别谈话尚缺"),
            url=reverse("interviews:index", args=[cycle.year]),
            count=missing,
            cycle=cycle.name,
            unit=_("人次"),
        )
    ]
