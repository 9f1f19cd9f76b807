"""What waits in the results, on each role's home page (registered in ``apps.py``).

- the organiser: what still stops 定档 in the cycle being graded (``selectors.finalisation_problems``);
- the committee: the 待定 without a decision and the quota pools over their quota without approval;
- a cadre, a liaison: a sealed result of their own (or their team's) not yet acknowledged (本人意见);
- the discipline-inspection body: the 党风廉政意见 asked of it and not yet answered.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.plans.models import AssessmentCycle
from kaohe.results import clearance, feedback, selectors


def _graded_cycle() -> tuple[AssessmentCycle, selectors.ResultsState] | None:
    """The latest cycle with a compute run whose results are not finalised yet."""
    cycle = AssessmentCycle.objects.filter(runs__isnull=False).order_by("-year").first()
    if cycle is None:
        return None
    state = selectors.results_state(cycle)
    return None if state.finalised or state.run is None else (cycle, state)


def _organiser_items(cycle: AssessmentCycle, state: selectors.ResultsState) -> list[TodoItem]:
    problems = selectors.finalisation_problems(cycle, state, timezone.localdate())
    if not problems:
        return [
            TodoItem(
                key="results-finalise",
                label=_("考核结果可以定档封存"),
                url=reverse("results:home", args=[cycle.year]),
                cycle=cycle.name,
            )
        ]
    return [
        TodoItem(
            key="results-blocked",
            label=_("定档前尚需处理的事项"),
            url=reverse("results:home", args=[cycle.year]),
            count=len(problems),
            cycle=cycle.name,
            note=problems[0] + (_(" 等") if len(problems) > 1 else ""),
            unit=_("项"),
        )
    ]


def _committee_items(cycle: AssessmentCycle, state: selectors.ResultsState) -> list[TodoItem]:
    assert state.run is not None  # noqa: S101 — _graded_cycle returns only cycles with a run
    items = []
    pending = selectors.unresolved(cycle, state.run)
    if pending:
        names = "、".join(name for _kind, _pool, _code, name in pending[:5])
        items.append(
            TodoItem(
                key="results-pending",
                label=_("待定结果须领导小组决定"),
                url=reverse("results:review", args=[cycle.year]),
                count=len(pending),
                cycle=cycle.name,
                note=names + (_(" 等") if len(pending) > 5 else ""),
                unit=_("个"),
            )
        )
    over = [p for p in selectors.pool_states(cycle, state.run) if not p.approved]
    if over:
        items.append(
            TodoItem(
                key="results-quota",
                label=_("超过优秀名额、待批准的名额池"),
                url=reverse("results:review", args=[cycle.year]),
                count=len(over),
                cycle=cycle.name,
                note="、".join(p.label for p in over[:5]),
                unit=_("个"),
            )
        )
    return items


def _acknowledgement_items(user) -> list[TodoItem]:
    team = user.has_role(Role.LIAISON)
    return [
        TodoItem(
            key=f"results-acknowledge-{item.cycle.year}",
            label=_("领导班子考核结果已确定，请查看并签署本人意见")
            if team
            else _("本人考核结果已确定，请查看并签署本人意见"),
            url=reverse("results:feedback_mine"),
            cycle=item.cycle.name,
            note=_("等次：%(grade)s") % {"grade": item.final.grade} if item.final else "",
        )
        for item in feedback.own_feedback(user)
        if item.can_acknowledge
    ]


def _clearance_items(user) -> list[TodoItem]:
    waiting = clearance.requests_for_answer(user).filter(answered_at__isnull=True)
    count = waiting.count()
    if not count:
        return []
    return [
        TodoItem(
            key="results-clearance",
            label=_("征求党风廉政意见，尚未回复"),
            url=reverse("results:clearance_inbox"),
            count=count,
            unit=_("个"),
        )
    ]


def home_items(user) -> list[TodoItem]:
    if user.has_role(Role.CADRE, Role.LIAISON):
        return _acknowledgement_items(user)
    if user.has_role(Role.DISCIPLINE):
        return _clearance_items(user)
    if not user.has_role(Role.ORGANISER, Role.COMMITTEE):
        return []
    graded = _graded_cycle()
    if graded is None:
        return []
    if user.has_role(Role.ORGANISER):
        return _organiser_items(*graded)
    return _committee_items(*graded)
