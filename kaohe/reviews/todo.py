"""一报告两评议 on the home page (registered in ``apps.py``): for the organiser, the flagged results (需核查) of
the latest cycle not yet completed that still wait for a recorded outcome."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.reviews import selectors


def home_items(user) -> list[TodoItem]:
    if not user.has_role(Role.ORGANISER):
        return []
    cycle = AssessmentCycle.objects.exclude(phase=Phase.COMPLETED).order_by("-year").first()
    if cycle is None:
        return []
    waiting = selectors.waiting_count(user, cycle)
    if not waiting:
        return []
    return [
        TodoItem(
            key="reviews-flagged",
            label=_("一报告两评议需核查的结果待记录处理"),
            url=reverse("reviews:list", args=[cycle.year]),
            count=waiting,
            cycle=cycle.name,
            unit=_("项"),
        )
    ]
