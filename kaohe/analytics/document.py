"""A report as plain JSON (the command's ``--json``, the API, what the app stores), and back."""

from __future__ import annotations

from typing import Any

from .model import (
    CHECK_LABELS,
    SCOPE_LABELS,
    Action,
    Check,
    Finding,
    Report,
    Scope,
)

FORMAT = 1


def finding_document(f: Finding) -> dict[str, Any]:
    return {
        "key": f.key,
        "check": f.check.value,
        "check_label": CHECK_LABELS[f.check],
        "scope": f.scope.value,
        "scope_label": SCOPE_LABELS[f.scope],
        "subject": f.subject,
        "label": f.label,
        "strength": round(f.strength, 3),
        "figures": f.figures,
        "sentence": f.sentence,
        "action": f.action.value,
        "p_value": f.p_value,
        "q_value": f.q_value,
    }


def report_document(report: Report) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "year": report.year,
        "k": report.k,
        "sessions": report.sessions,
        "ballots": report.ballots,
        "marks": report.marks,
        "notes": report.notes,
        "baseline": [round(x, 4) for x in report.baseline],
        "findings": [finding_document(f) for f in report.findings],
        "profiles": [
            {
                "key": p.key,
                "name": p.name,
                "ballots": p.ballots,
                "shares": [round(x, 4) for x in p.shares],
                "mean": round(p.mean, 2),
            }
            for p in report.profiles
        ],
        "bands": [
            {
                "pool": b.pool,
                "pool_label": b.pool_label,
                "cut": None if b.cut is None else str(b.cut),
                "members": [
                    {"code": code, "name": name, "low": str(low), "base": str(base), "high": str(high)}
                    for code, name, low, base, high in b.members
                ],
            }
            for b in report.bands
        ],
        "intervals": [
            {
                "code": i.code,
                "name": i.name,
                "share": i.share,
                "value": round(i.value, 4),
                "low": round(i.low, 4),
                "high": round(i.high, 4),
                "line": None if i.line is None else round(i.line, 4),
            }
            for i in report.intervals
        ],
    }


def finding_from_document(row: dict[str, Any]) -> Finding:
    return Finding(
        check=Check(row["check"]),
        scope=Scope(row["scope"]),
        subject=row["subject"],
        label=row["label"],
        strength=row["strength"],
        figures=row["figures"],
        sentence=row["sentence"],
        action=Action(row["action"]),
        p_value=row["p_value"],
        q_value=row["q_value"],
    )
