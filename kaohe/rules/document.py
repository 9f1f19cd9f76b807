"""The JSON document of an assessment (workbook.md, "JSON output"), printed by the app and ``kaohe assess``.

Deterministic: results, quotas and invalid ballots are ordered, and every number is a string rounded
half-up for display (scores two decimals, shares four).
"""

from __future__ import annotations

from typing import Any

from .arithmetic import display, display_fraction
from .engine import result_order
from .model import Assessment, Democratic, Kind, QuotaSummary, Result


def assessment_document(a: Assessment) -> dict[str, Any]:
    results = sorted(a.results, key=result_order)
    quotas = sorted(a.quotas, key=lambda q: (q.kind is not Kind.TEAM, q.pool))
    return {
        "year": a.year,
        "results": [result_document(r) for r in results],
        "quotas": [quota_document(q) for q in quotas],
        "invalid_ballots": [
            {"ballot": b.ballot, "reason": b.reason}
            for b in sorted(a.invalid_ballots, key=lambda b: b.ballot)
        ],
    }


def result_document(r: Result) -> dict[str, Any]:
    return {
        "code": r.code,
        "kind": r.kind.value,
        "name": r.name,
        "unit": r.unit,
        "pool": r.pool,
        "democratic": None if r.democratic is None else democratic_document(r.democratic),
        "performance": None if r.performance is None else display(r.performance),
        "composite": None if r.composite is None else display(r.composite),
        "rank": r.rank,
        "pool_size": r.pool_size,
        "grade": r.grade,
        "flags": list(r.flags),
        "explanation": r.explanation,
    }


def democratic_document(d: Democratic) -> dict[str, Any]:
    return {
        "score": display(d.score),
        "valid": d.valid,
        "groups": {name: {"score": display(g.score), "valid": g.valid} for name, g in d.groups.items()},
        "shares": {name: display_fraction(share, 4) for name, share in d.shares.items()},
    }


def quota_document(q: QuotaSummary) -> dict[str, Any]:
    return {
        "kind": q.kind.value,
        "pool": q.pool,
        "size": q.size,
        "theoretical": display(q.theoretical),
        "quota": q.quota,
        "excellent": q.excellent,
        "pending": q.pending,
    }
