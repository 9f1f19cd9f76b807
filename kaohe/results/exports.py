"""A run as the results workbook (结果, 名额, 无效票) through ``kaohe.workbook.writer``.

The writer takes the engine's ``Assessment``; it is rebuilt here from the run's stored document, whose
numbers are exactly those the writer prints. For the current run the committee's decisions are applied:
the grade is the decided one, the explanation ends with the decision and its reason, and each pool's
优秀 and 待定 are counted after the decisions.
"""

from __future__ import annotations

import os
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any

from kaohe.anonymity import min_group
from kaohe.results import selectors
from kaohe.results.models import ComputeRun
from kaohe.rules.disclosure import disclose_result
from kaohe.rules.model import (
    Assessment,
    Democratic,
    GroupScore,
    InvalidBallot,
    Kind,
    QuotaSummary,
    Result,
)
from kaohe.workbook.writer import write_results


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _democratic(d: dict[str, Any] | None) -> Democratic | None:
    if d is None:
        return None
    return Democratic(
        score=Decimal(d["score"]),
        valid=d["valid"],
        groups={name: GroupScore(Decimal(g["score"]), g["valid"]) for name, g in d["groups"].items()},
        shares={name: Fraction(Decimal(share)) for name, share in d["shares"].items()},
    )


def run_assessment(run: ComputeRun, *, decided: bool = True) -> Assessment:
    document = selectors.run_document(run)
    cycle = run.cycle
    current = selectors.current_run(cycle)
    decisions = selectors.active_decisions(cycle) if decided and current and current.pk == run.pk else {}
    results = []
    weights = selectors.run_settings(run).rater_group_weights
    for full in document["results"]:
        # What the app may show (the k rule); the organiser's JSON document keeps every group.
        r = disclose_result(full, weights, min_group())
        decision = decisions.get((r["kind"], r["code"]))
        explanation = r["explanation"]
        if decision is not None:
            explanation += (
                f"（{selectors.decision_label(decision)}：{decision.grade}；{decision.reason or '无'}）"
            )
        results.append(
            Result(
                code=r["code"],
                kind=Kind(r["kind"]),
                name=r["name"],
                unit=r["unit"],
                pool=r["pool"],
                democratic=_democratic(r["democratic"]),
                performance=_decimal(r["performance"]),
                composite=_decimal(r["composite"]),
                rank=r["rank"],
                pool_size=r["pool_size"],
                grade=selectors.final_grade(r["grade"], decision),
                flags=list(r["flags"]),
                explanation=explanation,
            )
        )
    counted = {(p.kind, p.pool): p for p in selectors.pool_states(cycle, run)} if decisions else {}
    quotas = []
    for q in document["quotas"]:
        p = counted.get((q["kind"], q["pool"]))
        quotas.append(
            QuotaSummary(
                kind=Kind(q["kind"]),
                pool=q["pool"],
                size=q["size"],
                theoretical=Decimal(q["theoretical"]),
                quota=q["quota"],
                excellent=p.excellent if p else q["excellent"],
                pending=p.pending if p else q["pending"],
            )
        )
    invalid = [InvalidBallot(b["ballot"], b["reason"]) for b in document["invalid_ballots"]]
    return Assessment(year=document["year"], results=results, quotas=quotas, invalid_ballots=invalid)


def write_run_workbook(
    run: ComputeRun, destination: str | os.PathLike[str] | IO[bytes], *, decided: bool = True
) -> None:
    write_results(run_assessment(run, decided=decided), destination)
