"""The per-unit checklist of an assessment group's visit, as plain Python (no Django).

Each item has a due date (from the visit's schedule) and a done date (marked by the group, or read from the
ballots and the analysis reports). An item is late when its due date has passed and it is not done; the
organiser's progress page orders visits by how many items are late (`selectors.progress` counts the same
rule in SQL, and a test holds the two together).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DONE = "done"
    LATE = "late"
    PENDING = "pending"  # due today or later
    UNSCHEDULED = "unscheduled"  # no date set and not done


# (key, label) in the order the work is done
ITEMS: tuple[tuple[str, str], ...] = (
    ("duty_report", "述职会已召开"),
    ("evaluation", "民主测评已完成"),
    ("interviews", "个别谈话已完成"),
    ("documents", "查阅资料已完成"),
    ("verification", "实地核验已完成"),
    ("analysis", "分析报告已起草"),
)
LABELS = dict(ITEMS)


@dataclass(frozen=True)
class Item:
    key: str
    due: datetime.date | None
    done: bool
    detail: str = ""  # e.g. the turnout of the evaluation

    @property
    def label(self) -> str:
        return LABELS[self.key]

    def state(self, today: datetime.date) -> State:
        if self.done:
            return State.DONE
        if self.due is None:
            return State.UNSCHEDULED
        return State.LATE if self.due < today else State.PENDING


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]

    def late(self, today: datetime.date) -> list[Item]:
        return [item for item in self.items if item.state(today) is State.LATE]

    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    def complete(self) -> bool:
        return all(item.done for item in self.items)


def turnout(cast: int, expected: int) -> str:
    """Ballots cast against the raters expected, as the session pages show it: "18/20（90%）"."""
    if expected <= 0:
        return f"{cast}/—"
    return f"{cast}/{expected}（{cast * 100 // expected}%）"
