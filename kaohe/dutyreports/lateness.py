"""Whether a report is on time, late or still awaited: plain Python (no Django), tested without a database.

A report is due by the end of the deadline's day. One handed in (first) on or before that day is on time,
later is 逾期提交; one not handed in is 未提交 before the day has passed and 逾期未交 after. Without a
deadline nothing is late.
"""

from __future__ import annotations

import datetime
from enum import StrEnum


class Status(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # handed in after the deadline
    MISSING = "missing"  # not handed in, deadline not passed (or none set)
    OVERDUE = "overdue"  # not handed in, deadline passed


LABELS = {
    Status.ON_TIME: "按时提交",
    Status.LATE: "逾期提交",
    Status.MISSING: "未提交",
    Status.OVERDUE: "逾期未交",
}
# The late list: what the organiser chases and reports on.
LATE = (Status.LATE, Status.OVERDUE)


def status(
    submitted_on: datetime.date | None, deadline: datetime.date | None, today: datetime.date
) -> Status:
    """``submitted_on`` is the local date of the first copy handed in (None: not handed in)."""
    if submitted_on is None:
        return Status.OVERDUE if deadline is not None and today > deadline else Status.MISSING
    if deadline is not None and submitted_on > deadline:
        return Status.LATE
    return Status.ON_TIME


def days_late(
    submitted_on: datetime.date | None, deadline: datetime.date | None, today: datetime.date
) -> int:
    """How many days past the deadline it was handed in, or is now while awaited (0 when not late)."""
    if deadline is None:
        return 0
    end = submitted_on if submitted_on is not None else today
    return max(0, (end - deadline).days)
