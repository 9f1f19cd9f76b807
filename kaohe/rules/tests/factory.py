"""Small builders for the rules tests: units, cadres and ballots with little typing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from itertools import count
from typing import Any

from kaohe.rules import assess
from kaohe.rules.model import (
    Assessment,
    AssessmentInput,
    Cadre,
    Mark,
    Result,
    RuleSettings,
    Unit,
)

YEAR = 2025
_ballot_numbers = count(1)


def settings(**changes: Any) -> RuleSettings:
    return replace(RuleSettings(year=YEAR), **changes)


def unit(code: str = "DW01", category: str = "政府部门", **fields: Any) -> Unit:
    return Unit(code=code, name=fields.pop("name", f"单位{code}"), category=category, **fields)


def cadre(code: str, unit: str = "DW01", **fields: Any) -> Cadre:
    return Cadre(code=code, name=fields.pop("name", f"干部{code}"), unit=unit, **fields)


def ballots(target: str, votes: Mapping[str, int], group: str = "上级") -> list[Mark]:
    """One ballot per vote, each marking only ``target``."""
    marks = []
    for choice, n in votes.items():
        for _ in range(n):
            marks.append(Mark(f"P{next(_ballot_numbers):06d}", group, target, choice))
    return marks


def ballot(number: str, group: str, choices: Mapping[str, str]) -> list[Mark]:
    """One ballot marking several targets: {target: choice}."""
    return [Mark(number, group, target, choice) for target, choice in choices.items()]


def run(
    units: Iterable[Unit] = (),
    cadres: Iterable[Cadre] = (),
    settings_: RuleSettings | None = None,
    **lists: Any,
) -> Assessment:
    return assess(AssessmentInput(settings_ or settings(), list(units) or [unit()], list(cadres), **lists))


def result(assessment: Assessment, code: str) -> Result:
    return next(r for r in assessment.results if r.code == code)


def d(value: str | int) -> Decimal:
    return Decimal(value)


def scored_cadres(scores: Mapping[str, str], unit_code: str = "DW01", **fields: Any) -> list[Cadre]:
    """Cadres whose composite is exactly their 平时考核 score: no other component is present."""
    return [cadre(code, unit_code, regular=Decimal(score), **fields) for code, score in scores.items()]
