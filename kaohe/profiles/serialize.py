"""Profiles, timelines and comparisons as plain JSON data: one shape for the API and the pages' charts."""

from __future__ import annotations

from typing import Any

from kaohe.profiles import stats
from kaohe.profiles.gather import CadreProfile, Comparison, Member, TeamProfile, TermView, Year


def interval(i: stats.Interval | None) -> dict[str, Any] | None:
    if i is None:
        return None
    return {
        "estimate": round(i.estimate, 4),
        "low": round(max(0.0, i.low), 4),
        "high": round(min(1.0, i.high), 4),
        "half_width": round(i.half_width, 4),
        "exact": i.exact,
    }


def change(c: stats.Change | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "difference": round(c.difference, 4),
        "half_width": round(c.half_width, 4),
        "beyond_noise": c.beyond_noise,
        "word": c.word,
    }


def year(y: Year) -> dict[str, Any]:
    return {
        "year": y.year,
        "grade": y.grade,
        "source": y.source,
        "unit": y.unit_name,
        "pool": y.pool,
        "composite": y.composite,
        "rank": y.rank,
        "pool_size": y.pool_size,
        "democratic": y.democratic,
        "valid": y.valid,
        "expected": y.expected,
        "top_share": interval(y.top_share),
        "groups": y.groups,
        "flags": y.flags,
        "explanation": y.explanation,
        "manual_reason": y.manual_reason,
        "void": y.void,
        "composite_spread": y.composite_spread,
        "democratic_spread": y.democratic_spread,
    }


def brief(y: Year) -> dict[str, Any]:
    """A year as a comparison row needs it."""
    return {
        "grade": y.grade,
        "composite": y.composite,
        "rank": y.rank,
        "pool_size": y.pool_size,
        "democratic": y.democratic,
        "valid": y.valid,
        "expected": y.expected,
        "top_share": interval(y.top_share),
        "void": y.void,
    }


def member(m: Member) -> dict[str, Any]:
    return {
        "name": m.name,
        "code": m.code,
        "title": m.title,
        "principal": m.principal,
        "start": m.start.isoformat() if m.start else None,
        "end": m.end.isoformat() if m.end else None,
        "age": m.age,
        "tenure_years": m.tenure_years,
    }


def term(t: TermView | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "principal": t.principal,
        "first": t.first.isoformat() if t.first else None,
        "last": t.last.isoformat() if t.last else None,
        "members": [member(m) for m in t.members],
        "years": [year(y) for y in t.years],
    }


def cadre_profile(p: CadreProfile) -> dict[str, Any]:
    return {
        "code": p.cadre.code,
        "name": p.cadre.name,
        "k": p.k,
        "years": [year(y) for y in p.years],
        "changes": p.changes,
        "aspects": {str(y): v for y, v in sorted(p.aspects.items())},
        "positions": [
            {
                "unit": pos.unit.name,
                "title": pos.title,
                "principal": pos.principal,
                "start": pos.start.isoformat() if pos.start else None,
                "end": pos.end.isoformat() if pos.end else None,
            }
            for pos in p.positions
        ],
        "carried": [item.as_dict() for item in p.carried],
    }


def team_profile(p: TeamProfile) -> dict[str, Any]:
    return {
        "code": p.unit.code,
        "name": f"{p.unit.name}领导班子",
        "k": p.k,
        "years": [year(y) for y in p.years],
        "changes": p.changes,
        "aspects": {str(y): v for y, v in sorted(p.aspects.items())},
        "members": [member(m) for m in p.members],
        "mean_age": p.mean_age,
        "movements": p.movements,
        "current_term": term(p.current),
        "previous_term": term(p.previous),
        "carried": [item.as_dict() for item in p.carried],
    }


def comparison(c: Comparison, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """The comparison with its rows ``offset`` to ``offset + limit`` (all without a limit) and their count."""
    shown = c.rows[offset : None if limit is None else offset + limit]
    return {
        "category": c.category.name,
        "year": c.year,
        "k": c.k,
        "count": len(c.rows),
        "offset": offset,
        "rows": [
            {
                "unit": r.unit.code,
                "name": r.unit.name,
                "now": brief(r.now) if r.now else None,
                "before": brief(r.before) if r.before else None,
                "composite_change": r.composite_change,
                "share_change": change(r.share_change),
            }
            for r in shown
        ],
        "history": c.history,
    }
