"""The interviews' cast: the shared one, plus a second group (another assessor, visiting unit B)."""

from datetime import date

import pytest

from conftest import make_user
from kaohe.accounts.models import Role
from kaohe.interviews import actions
from kaohe.interviews.models import Interviewee, Kind
from kaohe.interviews.record import CadreEvaluation, InterviewRecord
from kaohe.plans.models import AssessmentCycle, AssessmentGroup

MARKER = "SECRET-MARKER-7f3a 书记作风霸道"


@pytest.fixture
def world(cast, roster):
    cycle = AssessmentCycle.objects.get(year=2025)
    other = AssessmentGroup.objects.create(cycle=cycle, name="第二考核组")
    other.units.add(roster["units"]["b"])
    stranger = make_user("assessor2", Role.ASSESSOR)
    other.members.add(stranger)
    partner = make_user("partner", Role.ASSESSOR)
    roster["group"].members.add(partner)
    cast["assessor2"], cast["partner"] = stranger, partner
    unit = roster["units"]["a"]
    actions.interviewees_prepare(actor=cast["organiser"], cycle=cycle, unit=unit)
    return {"cycle": cycle, "unit": unit, "cast": cast, "roster": roster}


def leader(world, key="a1") -> Interviewee:
    return Interviewee.objects.get(cycle=world["cycle"], cadre=world["roster"]["cadres"][key])


def a_record(world, **changes) -> InterviewRecord:
    cadres = world["roster"]["cadres"]
    record = InterviewRecord(
        held_on=date(2025, 12, 1),
        interviewers=["assessor", "partner"],
        interviewee_name="张思佳",
        interviewee_post="党工委书记",
        team={"作风建设": MARKER},
        cadres=[
            CadreEvaluation(cadres["a1"].pk, "张思佳", {"德": "好"}, "优秀"),
            CadreEvaluation(cadres["a2"].pk, "李明", {"绩": "一般"}, "称职"),
        ],
        problems=MARKER,
        problem_tags=["形式主义官僚主义"],
        suggestions="加强学习",
    )
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def heard(world, person: Interviewee, actor="assessor", **changes):
    actions.pledge_acknowledge(actor=world["cast"][actor], cycle=world["cycle"])
    record = a_record(world, **changes)
    if "cadres" not in changes:  # an interviewee does not grade themselves
        record.cadres = [c for c in record.cadres if c.cadre_id != person.cadre_id]
    return actions.interview_save(actor=world["cast"][actor], interviewee=person, record=record)


def middle(world, name="周中层") -> Interviewee:
    return actions.interviewee_add(
        actor=world["cast"]["organiser"],
        cycle=world["cycle"],
        unit=world["unit"],
        kind=Kind.MIDDLE,
        name=name,
        post="办公室主任",
    )


def complete_unit(world, grades):
    """Unit A's interviews complete: 张思佳, a middle manager and staff heard, 李明 (a2) graded by each in
    turn with `grades`; the rest and 李明 himself excused."""
    cadres = world["roster"]["cadres"]
    people = [leader(world, "a1"), middle(world)]  # 李明 (a2), who is graded, is away
    for name in ("甲", "乙", "丙"):
        people.append(
            actions.interviewee_add(
                actor=world["cast"]["organiser"],
                cycle=world["cycle"],
                unit=world["unit"],
                kind=Kind.STAFF,
                name=name,
                post="",
            )
        )
    for person, grade in zip(people, grades, strict=False):
        record = a_record(world)
        record.cadres[1].grade = grade  # 李明
        record.cadres = [c for c in record.cadres if c.cadre_id == cadres["a2"].pk]
        heard(world, person, cadres=record.cadres)
    for person in [*people[len(grades) :], leader(world, "a2")]:
        actions.interviewee_excuse(actor=world["cast"]["organiser"], interviewee=person, reason="出差")
