"""What the demo's 2025 plants for the integrity page, on top of its one sealed session per unit:

- a lenient session: a further sitting about one unit's leadership team at which 18 of 20 raters mark it
  优秀 and the other two 良好 (the 30% 每票优秀上限 holds the cadres' ballots to much the same shares
  everywhere, so the demo shows leniency on a team);
- a bloc: a further sitting about another unit in which a quarter of the ballots are copies of one;
- a thin sample: a further sitting about a third unit at which 15 of the 40 expected raters came;
- a boundary case: in one unit's pool, the best cadre outside 优秀 ahead of the last 优秀 on 平时考核 and
  behind on the ballots, 0.10 apart, so moving the 民主测评 weight by 5 points changes who is 优秀.

Sessions go through the ballots' write functions (created, opened, closed and sealed); ballots are
stored as the demo stores its others. ``plant_integrity_demo`` runs in the demo's transaction after its
sessions and before its first compute run; the analysis itself runs when that transaction commits.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from kaohe.ballots import actions as ballot_actions
from kaohe.ballots.models import Ballot, BallotTemplate, Mark, SessionKind, TemplateKind
from kaohe.integrity.actions import analysis_run
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.records.models import QuarterlyGrade
from kaohe.results.inputs import cycle_assessment_input
from kaohe.rules.arithmetic import integer_weights
from kaohe.rules.engine import assess
from kaohe.rules.model import Component, Kind

CUT_GAP = Decimal("0.10")


def plant_integrity_demo(*, cycle: AssessmentCycle, actor: Any, seed: int = 2025) -> None:
    rng = random.Random(seed)
    by_unit: dict[int, list[AssessedCadre]] = defaultdict(list)
    for item in (
        AssessedCadre.objects.filter(cycle=cycle).select_related("cadre", "unit").order_by("cadre__code")
    ):
        by_unit[item.unit_id].append(item)
    # The units with most cadres (the demo's tied unit has fewer), one for each further sitting.
    largest = sorted(by_unit, key=lambda u: (-len(by_unit[u]), by_unit[u][0].unit.code))[:3]
    lenient, bloc, thin = (by_unit[u] for u in largest)
    _team_sitting(cycle, actor, lenient[0].unit, [("同级", 8), ("下级", 12)])
    _sitting(cycle, actor, bloc, "（补充测评）", [("同级", 8), ("下级", 12)], _bloc_rows(rng, bloc))
    _sitting(cycle, actor, thin, "（补充测评）", [("下级", 40)], _plain_rows(rng, thin, [("下级", 15)]))
    _boundary(cycle, exclude=set(largest))
    # The analysis needs the compute run the demo makes next: it runs once the demo's data is committed.
    transaction.on_commit(lambda: analysis_run(actor=actor, cycle=cycle))


def _allowance(cadres: int) -> int:
    return int(Decimal(cadres) * Decimal("0.3"))  # the demo plan's 每票优秀上限 30%, 向下取整


def _plain_rows(
    rng: random.Random, items: list[AssessedCadre], groups: list[tuple[str, int]]
) -> list[tuple[str, list[tuple[int, str]]]]:
    rows = []
    limit = _allowance(len(items))
    for group, n in groups:
        for _ in range(n):
            marks = []
            excellent = 0
            for item in items:
                roll = rng.random()
                choice = (
                    "优秀"
                    if roll < 0.25
                    else "称职"
                    if roll < 0.85
                    else "基本称职"
                    if roll < 0.97
                    else "不称职"
                )
                if choice == "优秀":
                    if excellent >= limit:
                        choice = "称职"
                    excellent += choice == "优秀"
                marks.append((item.cadre_id, choice))
            rows.append((group, marks))
    return rows


def _bloc_rows(rng: random.Random, items: list[AssessedCadre]) -> list[tuple[str, list[tuple[int, str]]]]:
    rows = _plain_rows(rng, items, [("同级", 8), ("下级", 12)])
    copied = rows[0][1]
    for i in range(1, 6):  # five copies of the first ballot: six alike of twenty
        rows[i] = (rows[i][0], list(copied))
    rng.shuffle(rows)
    return rows


def _sitting(
    cycle: AssessmentCycle,
    actor: Any,
    items: list[AssessedCadre],
    suffix: str,
    groups: list[tuple[str, int]],
    rows: list[tuple[str, list[tuple[int, str]]]],
) -> None:
    template = BallotTemplate.objects.get(name="干部测评票", kind=TemplateKind.CADRE)
    unit = items[0].unit
    session = ballot_actions.session_create(
        actor=actor,
        cycle=cycle,
        spec=ballot_actions.SessionSpec(
            name=f"{unit.name}民主测评会（纸质票）{suffix}",
            targets=[ballot_actions.TargetSpec(template=template, cadre=item.cadre) for item in items],
            groups=groups,
            kind=SessionKind.PAPER,  # paper ballots, numbered, as the demo's enterprise voted
        ),
    )
    ballot_actions.session_open(actor=actor, session=session)
    for number, (group, marks) in enumerate(rows, start=1):
        ballot = Ballot.objects.create(session=session, number=f"B{number:04d}", rater_group=group)
        Mark.objects.bulk_create(
            [Mark(ballot=ballot, cadre_id=cadre, choice=choice) for cadre, choice in marks]
        )
    ballot_actions.session_close(actor=actor, session=session)
    ballot_actions.session_archive(actor=actor, session=session)


def _team_sitting(cycle: AssessmentCycle, actor: Any, unit: Any, groups: list[tuple[str, int]]) -> None:
    template = BallotTemplate.objects.get(name="领导班子测评票", kind=TemplateKind.TEAM)
    session = ballot_actions.session_create(
        actor=actor,
        cycle=cycle,
        spec=ballot_actions.SessionSpec(
            name=f"{unit.name}领导班子测评会（纸质票）（补充测评）",
            targets=[ballot_actions.TargetSpec(template=template, unit=unit)],
            groups=groups,
            kind=SessionKind.PAPER,
        ),
    )
    ballot_actions.session_open(actor=actor, session=session)
    cast = [group for group, n in groups for _ in range(n)]
    for number, group in enumerate(cast, start=1):
        ballot = Ballot.objects.create(session=session, number=f"B{number:04d}", rater_group=group)
        Mark.objects.create(ballot=ballot, unit=unit, choice="良好" if number in (7, 15) else "优秀")
    ballot_actions.session_close(actor=actor, session=session)
    ballot_actions.session_archive(actor=actor, session=session)


def _boundary(cycle: AssessmentCycle, exclude: set[int]) -> None:
    """Move one cadre's 平时考核 so that they end 0.10 behind the last 优秀 of their pool, with a better
    平时考核 and a worse 民主测评 than that cadre: the verdict then hangs on the 民主测评 weight."""
    data = cycle_assessment_input(cycle)
    settings = data.settings
    weights = integer_weights(settings.cadre_composite_weights)
    results = assess(data).results
    units = {u.code: u for u in data.units}
    unit_ids = dict(AssessedCadre.objects.filter(cycle=cycle).values_list("cadre__code", "unit_id"))
    pools: dict[str, list[Any]] = defaultdict(list)
    for r in results:
        if r.kind is Kind.CADRE and r.rank is not None and r.democratic is not None:
            pools[r.pool].append(r)
    cadres = {c.code: c for c in data.cadres}
    for pool, members in sorted(pools.items()):
        inside = [r for r in members if r.grade == "优秀"]
        outside = [r for r in members if r.grade == "称职" and not r.flags]
        if not inside or not outside or pool not in units or unit_ids.get(members[0].code) in exclude:
            continue
        last = min(inside, key=lambda r: r.composite)
        for runner in sorted(outside, key=lambda r: r.composite, reverse=True):
            regular = cadres[runner.code].regular
            if runner.democratic.score >= last.democratic.score or regular is None:
                continue
            # composite moves by w_regular/Σw for each point of 平时考核 (all four components present).
            share = Decimal(weights[Component.REGULAR]) / sum(Decimal(w) for w in weights.values())
            wanted = last.composite - CUT_GAP
            moved = regular + (wanted - runner.composite) / share
            if not Decimal(0) <= moved <= Decimal(100) or moved != moved.quantize(Decimal("0.0001")):
                continue
            AssessedCadre.objects.filter(cycle=cycle, cadre__code=runner.code).update(regular=moved)
            # Without quarterly grades the 平时考核 given counts (records.regular): none for this cadre.
            QuarterlyGrade.objects.filter(cycle=cycle, cadre__code=runner.code).delete()
            return
