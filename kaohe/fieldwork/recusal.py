"""回避 (recusal) of an assessment-group member from a visited unit, as plain Python (no Django).

A member is flagged for a unit when, as a cadre, they held a post in it within the cycle's recusal window
(a post still held, or one that ended less than `years` years before the cut-off date), or when they
declared a conflict with it (亲属关系 or another, self-declared). A flagged member may be assigned to the
unit only with a recorded reason (`actions.visit_assign`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Post:
    unit_id: int
    unit_name: str
    title: str
    start: datetime.date | None
    end: datetime.date | None  # None: still held


@dataclass(frozen=True)
class Declaration:
    unit_id: int
    kind_label: str  # 亲属关系 / 其他
    detail: str


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def recusal_reasons(
    *,
    unit_id: int,
    posts: Iterable[Post],
    declarations: Iterable[Declaration],
    years: int,
    cutoff: datetime.date,
) -> list[str]:
    """Why the member must recuse from `unit_id` (empty: no reason). `cutoff` is usually the visit's date."""
    since = years_before(cutoff, years)
    reasons = []
    for post in posts:
        if post.unit_id != unit_id or (post.start is not None and post.start > cutoff):
            continue
        if post.end is None:
            reasons.append(f"现任「{post.unit_name}」{post.title}")
        elif post.end > since:
            reasons.append(f"{post.end:%Y年%m月}前曾任「{post.unit_name}」{post.title}（{years}年内）")
    for declaration in declarations:
        if declaration.unit_id == unit_id:
            detail = f"：{declaration.detail}" if declaration.detail else ""
            reasons.append(f"本人申报{declaration.kind_label}{detail}")
    return reasons
