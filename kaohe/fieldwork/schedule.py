"""What a visit's schedule holds and when its dates contradict each other (plain Python)."""

from __future__ import annotations

from typing import Any

SCHEDULE_FIELDS = (
    "entry_on",
    "entry_place",
    "duty_report_on",
    "duty_report_place",
    "evaluation_on",
    "evaluation_place",
    "interviews_from",
    "interviews_until",
    "interview_place",
    "documents_on",
    "verification_on",
    "analysis_due",
)


def check_schedule(values: dict[str, Any]) -> list[str]:
    """What is wrong with one visit's dates, in Chinese (empty: nothing)."""
    problems = []
    start, end = values.get("interviews_from"), values.get("interviews_until")
    if start and end and end < start:
        problems.append("个别谈话结束日期早于开始日期")
    entry = values.get("entry_on")
    for field, label in (
        ("duty_report_on", "述职会"),
        ("evaluation_on", "测评会"),
        ("interviews_from", "个别谈话"),
        ("documents_on", "查阅资料"),
        ("verification_on", "实地核验"),
    ):
        day = values.get(field)
        if entry and day and day < entry:
            problems.append(f"{label}日期（{day:%Y-%m-%d}）早于进点日期（{entry:%Y-%m-%d}）")
    return problems
