"""A cycle's data as ``kaohe.analytics.CycleData``: the one place the analytics read the database.

- ballots of the cycle's closed and sealed sessions only (never a rehearsal, an open or a void session),
  each read as its rater group and its marks: no id, number or order is carried over;
- 应到 by rater group from each session's rater groups;
- the latest compute run: its stored inputs and its results (for the weight check);
- the departments' indicator scores, self-evaluations beside the verified scores, and last year's
  democratic scores from last year's latest run.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from kaohe.analytics.model import Ballot, CycleData, DepartmentScores, SelfEvaluation, Session, Target
from kaohe.analytics.weights import RunResult, standings
from kaohe.ballots.models import Ballot as BallotRow
from kaohe.ballots.models import EvaluationSession, SessionRaterGroup, SessionStatus
from kaohe.ballots.models import Mark as MarkRow
from kaohe.org.models import Cadre, Unit
from kaohe.performance.models import IndicatorScore, Verification
from kaohe.performance.models import SelfEvaluation as SelfEvaluationRow
from kaohe.plans.models import AssessmentCycle
from kaohe.results import selectors as results
from kaohe.results.models import Result

# How far each rater-group and component weight is moved to test a verdict, in points (±).
WEIGHT_RANGE = Decimal(5)
CHUNK = 20_000


def counted_sessions(cycle: AssessmentCycle) -> dict[int, str]:
    rows = EvaluationSession.objects.filter(
        cycle=cycle, rehearsal=False, status__in=(SessionStatus.CLOSED, SessionStatus.SEALED)
    ).order_by("id")
    return dict(rows.values_list("id", "name"))


def cycle_data(cycle: AssessmentCycle) -> CycleData:
    sessions = counted_sessions(cycle)
    expected: dict[int, dict[str, int]] = defaultdict(dict)
    for session, name, n in SessionRaterGroup.objects.filter(session_id__in=sessions).values_list(
        "session_id", "name", "expected"
    ):
        expected[session][name] = n
    group_of: dict[Any, tuple[int, str]] = {
        ballot: (session, group)
        for ballot, session, group in BallotRow.objects.filter(session_id__in=sessions)
        .values_list("id", "session_id", "rater_group")
        .iterator(chunk_size=CHUNK)
    }
    marks: dict[Any, list[tuple[str, str]]] = defaultdict(list)
    unit_ids: set[int] = set()
    cadre_ids: set[int] = set()
    rows = (
        MarkRow.objects.filter(ballot__session_id__in=sessions)
        .values_list("ballot_id", "unit_id", "cadre_id", "choice")
        .order_by()
    )
    raw: list[tuple[Any, int | None, int | None, str]] = list(rows.iterator(chunk_size=CHUNK))
    for _, unit, cadre, _ in raw:
        if cadre is None:
            unit_ids.add(unit)  # type: ignore[arg-type]
        else:
            cadre_ids.add(cadre)
    units = {
        pk: (code, name)
        for pk, code, name in Unit.objects.filter(id__in=unit_ids).values_list("id", "code", "name")
    }
    cadres = {
        pk: (code, name)
        for pk, code, name in Cadre.objects.filter(id__in=cadre_ids).values_list("id", "code", "name")
    }
    targets: dict[str, Target] = {}
    for code, name in units.values():
        targets[code] = Target(code, f"{name}领导班子", "team")
    for code, name in cadres.values():
        targets[code] = Target(code, name, "cadre")
    for ballot, unit, cadre, choice in raw:
        code = units[unit][0] if cadre is None else cadres[cadre][0]  # type: ignore[index]
        marks[ballot].append((code, choice))
    del raw
    by_session: dict[int, list[Ballot]] = defaultdict(list)
    for ballot, (session, group) in group_of.items():
        found = marks.get(ballot)
        if found:
            by_session[session].append(Ballot(group, tuple(found)))
    analysed = [
        Session(str(pk), name, by_session.get(pk, []), expected.get(pk, {})) for pk, name in sessions.items()
    ]

    run = results.current_run(cycle)
    inputs = None
    made = []
    if run is not None:
        inputs = results.run_inputs(run)
        rows_ = Result.objects.filter(run=run).values_list(
            "kind", "code", "name", "pool", "composite", "grade"
        )
        found_results = list(rows_)
        labels = results.pool_labels(pool for kind, _, _, pool, _, _ in found_results if kind == "cadre")
        run_results = [
            RunResult(
                code, name, kind, pool, labels.get(pool, pool) if kind == "cadre" else pool, composite, grade
            )
            for kind, code, name, pool, composite, grade in found_results
        ]
        made = standings(inputs, run_results)
        for r in run_results:
            targets.setdefault(r.code, Target(r.code, r.name, r.kind))
    return CycleData(
        year=cycle.year,
        sessions=analysed,
        targets=targets,
        inputs=inputs,
        standings=made,
        weight_range=WEIGHT_RANGE,
        departments=_departments(cycle),
        self_evaluations=_self_evaluations(cycle),
        previous=_previous(cycle),
    )


def _departments(cycle: AssessmentCycle) -> list[DepartmentScores]:
    rows = IndicatorScore.objects.filter(cycle=cycle, indicator__department__isnull=False).values_list(
        "indicator__department__code", "indicator__department__name", "unit__code", "score"
    )
    found: dict[tuple[str, str], dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for code, name, unit, score in rows:
        found[(code, name)][unit].append(score)
    return [DepartmentScores(code, name, dict(scores)) for (code, name), scores in sorted(found.items())]


def _self_evaluations(cycle: AssessmentCycle) -> list[SelfEvaluation]:
    verified = {
        (unit, indicator): score
        for unit, indicator, score in Verification.objects.filter(cycle=cycle).values_list(
            "unit_id", "indicator_id", "score"
        )
    }
    claimed: dict[tuple[str, str], tuple[list[Decimal], list[Decimal]]] = defaultdict(lambda: ([], []))
    rows = SelfEvaluationRow.objects.filter(cycle=cycle).values_list(
        "unit_id", "unit__code", "unit__name", "indicator_id", "claimed"
    )
    for unit_id, code, name, indicator, value in rows:
        score = verified.get((unit_id, indicator))
        if score is not None:
            pair = claimed[(code, name)]
            pair[0].append(value)
            pair[1].append(score)
    return [SelfEvaluation(code, name, c, v) for (code, name), (c, v) in sorted(claimed.items())]


def _previous(cycle: AssessmentCycle) -> dict[str, tuple[Decimal, int]]:
    before = AssessmentCycle.objects.filter(year=cycle.year - 1).first()
    run = results.current_run(before) if before else None
    if run is None:
        return {}
    found = {}
    for code, democratic in Result.objects.filter(run=run).values_list("code", "democratic"):
        if democratic:
            found[code] = (Decimal(democratic["score"]), int(democratic["valid"]))
    return found
