"""The ballots' test world, on top of the shared cast.

The 2025 cycle is in 实施 with units A, B, C and the five cadres assessed, and 每票优秀上限 1 in its plan.
Session 「第一场」 asks about A's team (领导班子测评票: five aspects and 总体评价), cadres a1, a2 and c1
(干部测评票) and c2 as a newly promoted cadre (新提拔干部评议表); rater groups 上级=2, 同级=3, 下级=5; its
codes are generated, its opening key issued (``world["opening_key"]``) and it is open.
"""

from __future__ import annotations

import pytest

from kaohe.ballots import actions, selectors
from kaohe.ballots.models import BallotTemplate, EvaluationSession
from kaohe.ballots.templates_seed import BUILTIN
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentPlan, Phase

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")


def seed_templates() -> None:
    """The built-in templates, as the data migration seeds them (a transactional test's flush drops them)."""
    for seed in BUILTIN:
        BallotTemplate.objects.get_or_create(
            name=seed["name"], defaults={"kind": seed["kind"], "items": seed["items"], "builtin": True}
        )


def template(name: str) -> BallotTemplate:
    return BallotTemplate.objects.get(name=name)


def make_spec(roster, name="第一场", groups=(("上级", 2), ("同级", 3), ("下级", 5)), **extra):
    units, cadres = roster["units"], roster["cadres"]
    targets = [
        actions.TargetSpec(template("领导班子测评票"), unit=units["a"]),
        actions.TargetSpec(template("干部测评票"), cadre=cadres["a1"]),
        actions.TargetSpec(template("干部测评票"), cadre=cadres["a2"]),
        actions.TargetSpec(template("干部测评票"), cadre=cadres["c1"]),
        actions.TargetSpec(template("新提拔干部评议表"), cadre=cadres["c2"]),
    ]
    return actions.SessionSpec(name=name, targets=targets, groups=list(groups), **extra)


@pytest.fixture
def cycle(roster):
    seed_templates()
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save()
    AssessmentPlan.objects.create(cycle=cycle, settings={"excellent_limit": "1"})
    for unit in roster["units"].values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    for cadre in roster["cadres"].values():
        AssessedCadre.objects.create(cycle=cycle, cadre=cadre, unit=cadre.current_unit, post="职务")
    return cycle


@pytest.fixture
def world(roster, cast, cycle):
    organiser = cast["organiser"]
    session = actions.session_create(actor=organiser, cycle=cycle, spec=make_spec(roster))
    made = actions.session_codes_generate(
        actor=organiser, session=session, counts={"上级": 2, "同级": 3, "下级": 5}
    )
    opening_key = actions.session_key_issue(actor=organiser, session=session)
    actions.session_open(actor=organiser, session=session)
    codes: dict[str, list[str]] = {}
    for new in made:
        codes.setdefault(new.group, []).append(new.code)
    return {
        "cycle": cycle,
        "roster": roster,
        "cast": cast,
        "organiser": organiser,
        "session": EvaluationSession.objects.get(pk=session.pk),
        "codes": codes,
        "all_codes": [new.code for new in made],
        "opening_key": opening_key,
    }


def filled(session, **choices) -> dict[str, str]:
    """A complete, valid ballot: 良好 for teams, 称职 for cadres, the first choice of every item, 认同 for
    promoted cadres; `choices` overrides by target label (e.g. 张思佳="优秀")."""
    layout = selectors.session_layout(session)
    data = {}
    for target in layout.targets:
        if target.overall:
            data[target.field] = choices.get(target.label, target.overall[1])
        for index, item in enumerate(target.items):
            data[target.item_field(index)] = item.choices[0]
    return data


def field_of(session, label: str, item: int | None = None) -> str:
    layout = selectors.session_layout(session)
    target = next(t for t in layout.targets if t.label == label)
    return target.field if item is None else target.item_field(item)


# The API's world (an open paper session made through the API, two typists): a fixture of api_world.py.
from kaohe.ballots.tests.api_world import paper_api  # noqa: E402, F401
