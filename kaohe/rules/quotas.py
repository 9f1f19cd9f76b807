"""Quota pools, ranks and the 优秀 grade (rules §6).

A pool's members are its graded targets that have a composite; only they are ranked and counted in the
quota. Candidates for 优秀 are the members without a cap (no 优秀-limiting effect).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import attrgetter

from .arithmetic import round_count
from .model import (
    CADRE_GRADES,
    PENDING,
    TEAM_GRADES,
    UNGRADED,
    Effect,
    Kind,
    PriorityMode,
    QuotaSummary,
    RuleSettings,
    TieHandling,
)


class Selection(enum.Enum):
    EXCELLENT = "excellent"  # within the quota
    OVER_QUOTA = "over_quota"  # in a tie straddling the boundary, 允许超额
    PENDING = "pending"  # in a tie straddling the boundary, 领导小组决定
    OUTSIDE = "outside"  # a candidate after the quota's places
    PRIORITY_TOOK = "priority_took"  # tied at the boundary; 表现突出 members of the tie took the places
    CAPPED = "capped"  # ranked, but an effect rules out 优秀
    UNRANKED = "unranked"  # not a member of the pool: not graded, or no composite


@dataclass(slots=True)
class Member:
    code: str
    composite: Decimal | None  # rounded
    ratio: Decimal
    effect: Effect | None
    priority: bool


@dataclass(slots=True)
class Placement:
    rank: int | None
    selection: Selection
    tied: int = 0  # size of the tie at the quota's boundary, when this member was in it


@dataclass(frozen=True)
class Pool:
    summary: QuotaSummary
    placements: dict[str, Placement]
    order: list[str]  # members' codes by rank then code, then the unranked by code
    bottom: Bottom | None = None  # 末位 (§7), when 末位比例 is set


@dataclass(frozen=True)
class Bottom:
    """末位 of a pool (§7): n places, and each flagged member's (members strictly lower, size of its tie)."""

    places: int
    flagged: dict[str, tuple[int, int]]


_code = attrgetter("code")
_composite = attrgetter("composite")
_ratio = attrgetter("ratio")


def allot(kind: Kind, name: str, members: Sequence[Member], settings: RuleSettings) -> Pool:
    ranked = [m for m in members if m.composite is not None and m.effect is not Effect.UNGRADED]
    ranked.sort(key=_code)
    ranked.sort(key=_composite, reverse=True)  # stable: by code among equal composites
    ratio = sum(map(_ratio, ranked), Decimal(0))
    quota = round_count(ratio, settings.quota_rounding)

    # Competition ranking on the rounded composite: 1, 2, 2, 4.
    ranks: dict[str, int] = {}
    rank, previous = 0, None
    for position, member in enumerate(ranked, start=1):
        if member.composite != previous:
            rank, previous = position, member.composite
        ranks[member.code] = rank

    candidates = [m for m in ranked if m.effect is None]
    if settings.priority_mode is PriorityMode.FIRST:
        candidates.sort(key=lambda m: not m.priority)  # stable: by composite within each part
    selections = select(candidates, quota, settings)

    placements: dict[str, Placement] = {}
    unranked: list[str] = []
    for member in members:
        code = member.code
        rank_of = ranks.get(code)
        if rank_of is None:
            placements[code] = Placement(None, Selection.UNRANKED)
            unranked.append(code)
        elif member.effect is not None:
            placements[code] = Placement(rank_of, Selection.CAPPED)
        else:
            selection, tied = selections[code]
            placements[code] = Placement(rank_of, selection, tied)
    chosen = [p.selection for p in placements.values()]
    excellent = sum(1 for s in chosen if s in (Selection.EXCELLENT, Selection.OVER_QUOTA))
    summary = QuotaSummary(kind, name, len(ranked), ratio, quota, excellent, chosen.count(Selection.PENDING))
    bottom = None if settings.bottom_ratio is None else bottom_of(ranked, settings)
    return Pool(summary, placements, [*ranks, *sorted(unranked)], bottom)


def bottom_of(ranked: Sequence[Member], settings: RuleSettings) -> Bottom:
    """末位 (§7): n = the pool's graded size × 末位比例 rounded by 名额取整; a member is flagged when fewer
    than n members have a strictly lower composite, so a tie at the bottom is flagged whole.

    ``ranked`` are the pool's graded members with a composite, by composite high first.
    """
    assert settings.bottom_ratio is not None
    places = round_count(len(ranked) * settings.bottom_ratio, settings.quota_rounding)
    flagged: dict[str, tuple[int, int]] = {}
    lower = 0  # members below the current run of equal composites
    for _, run in groupby(reversed(ranked), key=_composite):
        if lower >= places:
            break
        group = list(run)
        for member in group:
            flagged[member.code] = (lower, len(group))
        lower += len(group)
    return Bottom(places, flagged)


def select(
    candidates: Sequence[Member], quota: int, settings: RuleSettings
) -> dict[str, tuple[Selection, int]]:
    """The first ``quota`` candidates get 优秀; a tie straddling the boundary is settled by §6."""
    result = {m.code: (Selection.OUTSIDE, 0) for m in candidates}
    first = settings.priority_mode is PriorityMode.FIRST
    straddle = (
        Selection.OVER_QUOTA if settings.tie_handling is TieHandling.ALLOW_OVER_QUOTA else Selection.PENDING
    )
    left = quota
    for _, run in groupby(candidates, key=lambda m: (m.priority, m.composite) if first else m.composite):
        if left <= 0:
            break
        group = list(run)
        if len(group) <= left:
            for member in group:
                result[member.code] = (Selection.EXCELLENT, 0)
            left -= len(group)
            continue
        # The group straddles the boundary. With 同分优先 its 表现突出 members take the places first: if
        # they fit, the rest of the group is not 优秀 (places left over stay empty, since giving them to a
        # lower score would pass over the tie); if they do not fit, the straddle is among them alone.
        priority = [m for m in group if m.priority] if not first else []
        if priority:
            for member in group:
                result[member.code] = (Selection.PRIORITY_TOOK, len(group))
            if len(priority) <= left:
                for member in priority:
                    result[member.code] = (Selection.EXCELLENT, len(group))
            else:
                for member in priority:
                    result[member.code] = (straddle, len(priority))
        else:
            for member in group:
                result[member.code] = (straddle, len(group))
        break
    return result


def lowest_grade(kind: Kind) -> str:
    return TEAM_GRADES[-1] if kind is Kind.TEAM else CADRE_GRADES[-1]


def band(kind: Kind, composite: Decimal, settings: RuleSettings) -> tuple[str, str, Decimal] | None:
    """The score band a composite falls in, if any: (grade, the line's name, the line)."""
    if kind is Kind.TEAM:
        lines = (
            ("较差", "班子较差线", settings.team_poor_line),
            ("一般", "班子一般线", settings.team_fair_line),
        )
    else:
        lines = (
            ("不称职", "干部不称职线", settings.cadre_unfit_line),
            ("基本称职", "干部基本称职线", settings.cadre_basic_line),
        )
    for grade, line_name, line in lines:
        if line is not None and composite < line:
            return grade, line_name, line
    return None


def grade(kind: Kind, member: Member, placement: Placement, settings: RuleSettings) -> str:
    if member.effect is Effect.UNGRADED:
        return UNGRADED
    if member.effect is Effect.UNFIT:
        return lowest_grade(kind)  # forced grades override bands and need no score
    if member.composite is None:
        return UNGRADED
    if placement.selection in (Selection.EXCELLENT, Selection.OVER_QUOTA):
        return "优秀"
    if placement.selection is Selection.PENDING:
        return PENDING
    banded = band(kind, member.composite, settings)
    if banded is not None:
        return banded[0]
    return "良好" if kind is Kind.TEAM else "称职"
