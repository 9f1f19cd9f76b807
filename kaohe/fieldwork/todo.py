"""The groups' schedule on the home page (registered in ``apps.py``): for an assessor, the visits of their groups
with a step past its date and not done (述职会, 测评, 谈话, 资料, 核验, 分析报告); for the organiser, every group's."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.fieldwork import selectors
from kaohe.plans.models import AssessmentCycle, Phase


def home_items(user) -> list[TodoItem]:
    if not user.has_role(Role.ORGANISER, Role.ASSESSOR):
        return []
    cycles = AssessmentCycle.objects.exclude(phase=Phase.COMPLETED)
    if user.has_role(Role.ASSESSOR):
        cycles = cycles.filter(groups__members=user)
    cycle = cycles.order_by("-year").first()
    if cycle is None:
        return []
    today = timezone.localdate()
    late_steps = [n for n in selectors.late_by_visit(user, cycle, today) if n]
    if not late_steps:
        return []
    return [
        TodoItem(
            key="fieldwork-late",
            label=_("考核日程有逾期未完成步骤的单位"),
            url=reverse("fieldwork:progress", args=[cycle.year]),
            count=len(late_steps),
            cycle=cycle.name,
            note=_("逾期步骤共 %(steps)d 个") % {"steps": sum(late_steps)},
            unit=_("个"),
        )
    ]
