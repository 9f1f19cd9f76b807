"""A cycle for the integrity tests: the shared roster imported as 2025's data (kaohe/results/tests), then
twelve closed sessions on its five cadres from the analytics' generator, one of them lenient, and a
compute run over all of it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kaohe.accounts.actors import SystemActor
from kaohe.analytics.simulate import Plant, make_session
from kaohe.ballots.models import Ballot, EvaluationSession, Mark, SessionRaterGroup, SessionStatus
from kaohe.org.models import Cadre
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results import actions as results_actions
from kaohe.results.tests.conftest import (  # noqa: F401 (runs dated before their 公示)
    import_world,
    runs_dated_before_their_notices,
    world_input,
)

CADRES = ("GB001", "GB002", "GB003", "GB004", "GB005")
LENIENT = "测评会05"


def add_session(
    cycle: AssessmentCycle,
    name: str,
    rng: np.random.Generator,
    plants: frozenset[Plant] = frozenset(),
    status: str = SessionStatus.CLOSED,
    rehearsal: bool = False,
) -> EvaluationSession:
    made = make_session(rng, name, list(CADRES), plants).session
    session = EvaluationSession.objects.create(cycle=cycle, name=name, status=status, rehearsal=rehearsal)
    for order, (group, n) in enumerate(made.expected.items()):
        SessionRaterGroup.objects.create(session=session, name=group, expected=n, order=order)
    cadres = dict(Cadre.objects.filter(code__in=CADRES).values_list("code", "id"))
    for number, ballot in enumerate(made.ballots):
        row = Ballot.objects.create(
            session=session, number=f"{name}-{number:03d}", rater_group=ballot.rater_group
        )
        Mark.objects.bulk_create([Mark(ballot=row, cadre_id=cadres[t], choice=c) for t, c in ballot.marks])
    return session


@pytest.fixture
def analysed_cycle(cast: dict[str, Any]) -> AssessmentCycle:
    cycle = import_world(world_input())
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.EVALUATION)
    cycle.refresh_from_db()
    rng = np.random.default_rng(5)  # the bench measures rates; this seed plants one the checks find
    for i in range(12):
        name = f"测评会{i:02d}"
        add_session(cycle, name, rng, frozenset({Plant.LENIENT}) if name == LENIENT else frozenset())
    results_actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    return cycle
