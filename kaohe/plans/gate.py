"""The phase gate: which activity a cycle allows in which phase, and the lock every write of a cycle takes.

One table for every app: a write calls ``lock_cycle(cycle, activity)`` inside its transaction, which locks
the cycle row (so a phase change cannot slip between the check and the write), re-reads its phase, and
refuses with the activity's own sentence when the phase does not allow it. Pages ask ``refusal`` to say
why a form is closed, and ``phases_allowing`` to find the cycle that is taking an activity now.

    phase       准备  实施  评定  公示  完成
    plan         ✓     ✓                        the plan, who is assessed, indicators, targets, groups
    inputs             ✓     ✓                  unit-performance inputs (self-evaluation, scores, ratings …)
    surveys      ✓     ✓     ✓                  public surveys set up, changed, given codes
    answers            ✓     ✓                  a public survey open for answers
    sessions     ✓     ✓     ✓                  evaluation sessions set up, changed, opened
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.plans.models import AssessmentCycle, Phase


class Activity(StrEnum):
    PLAN = "plan"
    INPUTS = "inputs"
    SURVEYS = "surveys"
    ANSWERS = "answers"
    SESSIONS = "sessions"


class PhaseClosed(ValidationError):
    """The cycle's phase does not allow the activity; the message says which phase and what is closed."""


def _plan_frozen(cycle: AssessmentCycle) -> str:
    return _("已进入评定阶段，考核方案已锁定")


def _inputs_closed(cycle: AssessmentCycle) -> str:
    if cycle.phase == Phase.PREPARATION:
        return _("%(cycle)s尚在准备阶段，录入在进入实施阶段后开放。") % {"cycle": cycle.name}
    return _("%(cycle)s已进入%(phase)s阶段，录入已截止，不能再新增或修改。") % {
        "cycle": cycle.name,
        "phase": cycle.get_phase_display(),
    }


def _surveys_fixed(cycle: AssessmentCycle) -> str:
    return _("%(cycle)s已进入%(phase)s阶段，公众评议不能再新增或修改。") % {
        "cycle": cycle.name,
        "phase": cycle.get_phase_display(),
    }


def _answers_closed(cycle: AssessmentCycle) -> str:
    return _("%(cycle)s处于%(phase)s阶段，公众评议只能在实施或评定阶段开放。") % {
        "cycle": cycle.name,
        "phase": cycle.get_phase_display(),
    }


def _sessions_fixed(cycle: AssessmentCycle) -> str:
    return f"{cycle.name}已进入{cycle.get_phase_display()}阶段，测评会不能再新增、修改或开始。"


@dataclass(frozen=True)
class Gate:
    phases: tuple[Phase, ...]
    code: str  # the ValidationError's code, as the write functions have always refused
    message: Callable[[AssessmentCycle], str]


GATES: dict[Activity, Gate] = {
    Activity.PLAN: Gate((Phase.PREPARATION, Phase.IMPLEMENTATION), "frozen", _plan_frozen),
    Activity.INPUTS: Gate((Phase.IMPLEMENTATION, Phase.EVALUATION), "closed", _inputs_closed),
    Activity.SURVEYS: Gate(
        (Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.EVALUATION), "fixed", _surveys_fixed
    ),
    Activity.ANSWERS: Gate((Phase.IMPLEMENTATION, Phase.EVALUATION), "phase", _answers_closed),
    Activity.SESSIONS: Gate(
        (Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.EVALUATION), "fixed", _sessions_fixed
    ),
}


def phases_allowing(activity: Activity) -> tuple[Phase, ...]:
    return GATES[activity].phases


def allows(cycle: AssessmentCycle, activity: Activity) -> bool:
    return cycle.phase in GATES[activity].phases


def refusal(cycle: AssessmentCycle, activity: Activity) -> str | None:
    """Why ``cycle`` does not allow ``activity`` now, in a sentence for the user; None when it does."""
    return None if allows(cycle, activity) else GATES[activity].message(cycle)


def check_phase(cycle: AssessmentCycle, activity: Activity) -> None:
    """Refuse (``PhaseClosed``) when ``cycle``, as read, does not allow ``activity``."""
    reason = refusal(cycle, activity)
    if reason is not None:
        raise PhaseClosed(reason, code=GATES[activity].code)


def lock_cycle(cycle: AssessmentCycle, activity: Activity | None = None) -> AssessmentCycle:
    """Lock the cycle row for the transaction and re-read it; refuse when its phase does not allow
    ``activity`` (None: lock only). The caller's ``cycle`` learns the phase read under the lock."""
    fresh = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    cycle.phase = fresh.phase
    if activity is not None:
        check_phase(fresh, activity)
    return fresh


ACTIVITY_NAMES: dict[Activity, str] = {
    Activity.PLAN: "考核方案、参评对象、指标、目标和考核组的修改",
    Activity.INPUTS: "单位自评、部门评分等业绩录入",
    Activity.SURVEYS: "公众评议的新增和修改",
    Activity.ANSWERS: "公众评议的作答",
    Activity.SESSIONS: "测评会的新增、修改和开始",
}


def closing_on(phase: str, following: str) -> list[str]:
    """What moving from ``phase`` to ``following`` closes, by activity, for the confirmation of the move."""
    return [_(ACTIVITY_NAMES[a]) for a, g in GATES.items() if phase in g.phases and following not in g.phases]


# Figures other apps add to the confirmation of a phase move (late inputs, open sessions …): each function of
# a cycle returns (label, value) pairs; apps above this floor register theirs in AppConfig.ready.
ADVANCE_FIGURES: list[Callable[[AssessmentCycle], list[tuple[str, str]]]] = []


def advance_figures(cycle: AssessmentCycle) -> list[tuple[str, str]]:
    return [fact for source in ADVANCE_FIGURES for fact in source(cycle)]
