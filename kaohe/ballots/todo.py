"""The organiser's to-do in the democratic evaluation: sessions of a cycle still taking ballots or not sealed.

A session left open keeps its codes valid; one closed and not sealed keeps its ballots open to change: both
hold up the results (registered in ``apps.py``; the phase move's confirmation states the same figure)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.access import CYCLE_EDITORS
from kaohe.accounts.todo import TodoItem
from kaohe.ballots.models import EvaluationSession, SessionStatus
from kaohe.plans.models import AssessmentCycle, Phase

UNFINISHED = (SessionStatus.OPEN, SessionStatus.CLOSED)


def unfinished_sessions(cycle: AssessmentCycle) -> int:
    return EvaluationSession.objects.filter(cycle=cycle, status__in=UNFINISHED, rehearsal=False).count()


def advance_figures(cycle: AssessmentCycle) -> list[tuple[str, str]]:
    return [(_("未结束或未封存的测评会"), str(unfinished_sessions(cycle)))]


def home_items(user) -> list[TodoItem]:
    if not user.has_role(*CYCLE_EDITORS):
        return []
    items = []
    for cycle in AssessmentCycle.objects.exclude(phase=Phase.COMPLETED).order_by("-year"):
        count = unfinished_sessions(cycle)
        if count:
            items.append(
                TodoItem(
                    key=f"sessions-{cycle.year}",
                    label=_("测评会未结束或未封存"),
                    url=reverse("ballots:session_list", args=[cycle.year]),
                    count=count,
                    cycle=cycle.name,
                    unit=_("场"),
                )
            )
    return items
