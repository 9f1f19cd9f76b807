"""Targets agreed up and down (自下而上、自上而下、反复认定): the steps of a unit's targets for the year (plain Python).

A unit's liaison proposes its targets against its category's indicators (提出); the responsible departments
concur or return them with comments (审核); the organiser returns them with comments or agrees them (认定),
which locks them for the year; after locking, only the organiser's reasoned reopening (重新开启) lets the unit
revise them again. Every step is kept: a round is one proposal and what was said about it.

    status     提出  部门同意  退回  认定  重新开启
    待提出      ✓
    待审核             ✓       ✓     ✓
    已退回      ✓
    已认定                                 ✓
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    RETURNED = "returned"
    AGREED = "agreed"


class Step(StrEnum):
    PROPOSE = "propose"
    CONCUR = "concur"
    RETURN = "return"
    AGREE = "agree"
    REOPEN = "reopen"


STATUS_LABELS = {
    Status.DRAFT: "待提出",
    Status.PROPOSED: "待审核",
    Status.RETURNED: "已退回",
    Status.AGREED: "已认定",
}
STEP_LABELS = {
    Step.PROPOSE: "提出目标",
    Step.CONCUR: "部门审核同意",
    Step.RETURN: "退回修改",
    Step.AGREE: "认定锁定",
    Step.REOPEN: "重新开启",
}

# From which statuses each step may be taken, and where it leads.
TRANSITIONS: dict[Step, tuple[frozenset[Status], Status]] = {
    Step.PROPOSE: (frozenset({Status.DRAFT, Status.RETURNED}), Status.PROPOSED),
    Step.CONCUR: (frozenset({Status.PROPOSED}), Status.PROPOSED),
    Step.RETURN: (frozenset({Status.PROPOSED}), Status.RETURNED),
    Step.AGREE: (frozenset({Status.PROPOSED}), Status.AGREED),
    Step.REOPEN: (frozenset({Status.AGREED}), Status.RETURNED),
}
# A return says what to change; a reopening says why the locked targets must change.
COMMENT_REQUIRED = {Step.RETURN: "退回须填写审核意见", Step.REOPEN: "重新开启须说明理由"}


class StepRefused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _refusal(status: Status, step: Step) -> StepRefused:
    if status == Status.AGREED:
        return StepRefused("目标任务已认定锁定；如需修改，须由考核办说明理由后重新开启", "locked")
    if step == Step.PROPOSE:
        return StepRefused("目标任务已报送，正在审核，退回后才能修改", "proposed")
    if step == Step.REOPEN:
        return StepRefused("目标任务尚未认定，无需重新开启", "not_agreed")
    if status == Status.RETURNED:
        return StepRefused("目标任务已退回单位修改，待单位重新提出后再审核", "returned")
    return StepRefused("单位尚未提出目标任务", "not_proposed")


def take(status: Status, step: Step, comment: str = "") -> Status:
    """The status after ``step``; ``StepRefused`` (message, code) when it may not be taken now."""
    allowed, following = TRANSITIONS[step]
    if status not in allowed:
        raise _refusal(status, step)
    if step in COMMENT_REQUIRED and not comment.strip():
        raise StepRefused(COMMENT_REQUIRED[step], "comment")
    return following


def waits_for_unit(status: Status) -> bool:
    return status in (Status.DRAFT, Status.RETURNED)


def is_late(status: Status, due: datetime.date | None, today: datetime.date) -> bool:
    """Past the plan's date for proposals and still waiting for the unit (never proposed, or returned)."""
    return due is not None and today > due and waits_for_unit(status)


@dataclass(frozen=True)
class Line:
    """One target as proposed: the indicator's code, what, how much, by when (ISO date or '')."""

    indicator: str
    content: str
    amount: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class Change:
    indicator: str
    kind: str  # added | changed | removed
    before: Line | None
    after: Line | None

    @property
    def label(self) -> str:
        return {"added": "新增", "changed": "修改", "removed": "删除"}[self.kind]


def changes(before: Sequence[Line], after: Sequence[Line]) -> list[Change]:
    """What changed from one proposal to the next, by indicator, in the order of the indicators' codes."""
    old = {line.indicator: line for line in before}
    new = {line.indicator: line for line in after}
    found = []
    for code in sorted(old.keys() | new.keys()):
        was, now = old.get(code), new.get(code)
        if was == now:
            continue
        kind = "added" if was is None else "removed" if now is None else "changed"
        found.append(Change(code, kind, was, now))
    return found
