"""cycle_assessment_input: the cycle's data gathered by the precedence rules, as the engine takes it."""

from decimal import Decimal
from fractions import Fraction

import pytest

from kaohe.ballots.models import Ballot, EvaluationSession, Mark, SessionKind, SessionStatus
from kaohe.performance.models import (
    Adjustment,
    AdjustmentStatus,
    IndicatorScore,
    LeaderRating,
    PriorGrade,
    Sanction,
    Verification,
    Veto,
)
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentPlan, Indicator
from kaohe.plans.rule_settings import plan_rule_settings
from kaohe.results.inputs import (
    MissingScore,
    cycle_assessment_input,
    missing_indicator_scores,
)
from kaohe.rules import InputError, assess
from kaohe.rules.model import CadrePool, ExcellentLimit
from kaohe.rules.model import Mark as RuleMark
from kaohe.surveys.models import PublicSurvey, SurveyResponse


@pytest.fixture
def cycle(roster):
    """The roster's 2025 cycle with its three units and five cadres assessed."""
    cycle = AssessmentCycle.objects.get(year=2025)
    AssessmentPlan.objects.create(cycle=cycle, settings={"cadre_pool": "单位类别", "excellent_limit": ""})
    for unit in roster["units"].values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    for cadre in roster["cadres"].values():
        position = cadre.positions.get()
        AssessedCadre.objects.create(
            cycle=cycle, cadre=cadre, unit=position.unit, post=position.title, principal=position.principal
        )
    return cycle


def test_settings_are_parsed_from_the_plan_through_the_workbook_layout(cycle):
    data = cycle_assessment_input(cycle)
    assert data.settings.year == 2025
    assert data.settings.cadre_pool is CadrePool.CATEGORY
    assert data.settings.excellent_limit is None  # blank keeps the default


def test_plan_settings_parse_every_form_the_sheet_accepts():
    settings = plan_rule_settings(
        2024,
        {
            "team_excellent_ratio": "30%",
            "admonish_line": "2/3",
            "excellent_limit": "5",
            "bottom_ratio": "10%",
            "year": "1999",
        },
    )
    assert settings.year == 2024
    assert settings.team_excellent_ratio == Decimal("0.3")
    assert settings.admonish_line == Fraction(2, 3)
    assert settings.excellent_limit == ExcellentLimit(count=5)
    assert settings.bottom_ratio == Decimal("0.1")


def test_a_bad_plan_setting_is_named_in_the_error():
    with pytest.raises(InputError) as error:
        plan_rule_settings(2025, {"team_excellent_ratio": "abc", "没有这个": "1"})
    assert error.value.messages == [
        "参数 班子优秀比例：「abc」不是数字",
        "参数「没有这个」不是有效的参数名称",
    ]


def test_units_and_cadres_come_from_the_cycle_snapshot(cycle, roster):
    AssessedUnit.objects.filter(unit=roster["units"]["b"]).update(
        advanced=True, public_survey=Decimal("88.5000")
    )
    AssessedCadre.objects.filter(cadre=roster["cadres"]["a2"]).update(
        unit=roster["units"]["b"], post="副镇长", regular=Decimal("90.0000"), probation=True, priority="抗洪"
    )
    data = cycle_assessment_input(cycle)
    assert [u.code for u in data.units] == ["DW01", "DW02", "DW03"]
    b = data.units[1]
    assert (b.name, b.category, b.advanced, b.public_survey) == ("西山镇", "乡镇街道", True, Decimal("88.5"))
    a2 = next(c for c in data.cadres if c.code == "GB002")
    assert (a2.unit, a2.post, a2.regular, a2.probation, a2.priority) == ("DW02", "副镇长", 90, True, "抗洪")
    assert str(a2.regular) == "90"
    a1 = next(c for c in data.cadres if c.code == "GB001")
    assert a1.principal and a1.priority is None


def test_a_verified_score_takes_precedence_over_the_department_score(cycle, roster):
    towns = roster["categories"]["towns"]
    first = Indicator.objects.create(cycle=cycle, category=towns, code="ZB1", name="经济", weight=60)
    second = Indicator.objects.create(cycle=cycle, category=towns, code="ZB2", name="党建", weight=40)
    a, b = roster["units"]["a"], roster["units"]["b"]
    IndicatorScore.objects.create(cycle=cycle, unit=a, indicator=first, score=80)
    IndicatorScore.objects.create(cycle=cycle, unit=a, indicator=second, score=70)
    Verification.objects.create(cycle=cycle, unit=a, indicator=second, score=75, reason="现场核实")
    IndicatorScore.objects.create(cycle=cycle, unit=b, indicator=first, score=90)
    data = cycle_assessment_input(cycle)
    assert [(i.category, i.code, i.weight) for i in data.indicators] == [
        ("乡镇街道", "ZB1", 60),
        ("乡镇街道", "ZB2", 40),
    ]
    assert [(s.unit, s.indicator, s.score) for s in data.indicator_scores] == [
        ("DW01", "ZB1", 80),
        ("DW01", "ZB2", 75),
        ("DW02", "ZB1", 90),
    ]
    assert missing_indicator_scores(data) == [MissingScore("DW02", "ZB2")]


def test_collected_survey_and_leader_ratings_take_precedence_over_given_values(cycle, roster, cast):
    a, b = roster["units"]["a"], roster["units"]["b"]
    AssessedUnit.objects.filter(unit__in=[a, b]).update(public_survey=50, leader_rating=50)
    survey = PublicSurvey.objects.create(cycle=cycle, unit=a, token="t1", unsatisfied_value=10)
    for choice in ["满意", "满意", "基本满意", "不满意"]:
        SurveyResponse.objects.create(survey=survey, choice=choice)
    LeaderRating.objects.create(cycle=cycle, unit=a, leader=cast["leader"], score=91)
    LeaderRating.objects.create(cycle=cycle, unit=a, leader=cast["organiser"], score=80)
    units = {u.code: u for u in cycle_assessment_input(cycle).units}
    assert units["DW01"].public_survey == Decimal("72.5")  # (100 + 100 + 80 + 10) / 4
    assert units["DW01"].leader_rating == Decimal("85.5")
    assert (units["DW02"].public_survey, units["DW02"].leader_rating) == (50, 50)


def test_only_approved_adjustments_count_and_vetoes_are_joined(cycle, roster):
    a, c1 = roster["units"]["a"], roster["cadres"]["c1"]
    Adjustment.objects.create(
        cycle=cycle, unit=a, kind="加分", points=2, reason="创新", status=AdjustmentStatus.APPROVED
    )
    Adjustment.objects.create(
        cycle=cycle, unit=a, kind="扣分", points=1, reason="督查", status=AdjustmentStatus.PROPOSED
    )
    Adjustment.objects.create(
        cycle=cycle, cadre=c1, kind="扣分", points=Decimal("0.5"), reason="通报", status="approved"
    )
    Veto.objects.create(cycle=cycle, unit=a, item="安全生产")
    Veto.objects.create(cycle=cycle, unit=a, item="信访")
    Veto.objects.create(cycle=cycle, cadre=c1, item="违规")
    data = cycle_assessment_input(cycle)
    assert [(x.target, x.kind, x.points, x.reason) for x in data.adjustments] == [
        ("DW01", "加分", 2, "创新"),
        ("GB004", "扣分", Decimal("0.5"), "通报"),
    ]
    assert next(u for u in data.units if u.code == "DW01").veto == "安全生产；信访"
    assert next(c for c in data.cadres if c.code == "GB004").veto == "违规"


def test_marks_come_from_closed_or_sealed_sessions_only(cycle, roster):
    a, a1 = roster["units"]["a"], roster["cadres"]["a1"]
    counted = EvaluationSession.objects.create(
        cycle=cycle, name="测评会", kind=SessionKind.PAPER, status="closed"
    )
    void = EvaluationSession.objects.create(cycle=cycle, name="作废", status=SessionStatus.VOID)
    sealed = EvaluationSession.objects.create(
        cycle=cycle, name="第二场", kind=SessionKind.ONLINE, status=SessionStatus.SEALED
    )
    running = EvaluationSession.objects.create(
        cycle=cycle, name="第三场", kind=SessionKind.ONLINE, status=SessionStatus.OPEN
    )
    sessions = ((counted, "P2"), (counted, "P1"), (void, "P1"), (sealed, "Q1"), (running, "R1"))
    for session, number in sessions:
        ballot = Ballot.objects.create(session=session, number=number, rater_group="上级")
        Mark.objects.create(ballot=ballot, unit=a, choice="优秀")
        Mark.objects.create(ballot=ballot, cadre=a1, choice="称职")
    marks = cycle_assessment_input(cycle).marks
    assert [(m.ballot, m.target, m.choice) for m in marks if m.target == "DW01"] == [
        ("P1", "DW01", "优秀"),
        ("P2", "DW01", "优秀"),
        ("Q1", "DW01", "优秀"),
    ]
    assert len(marks) == 6 and {m.rater_group for m in marks} == {"上级"}


def test_a_number_used_by_two_counted_sessions_stays_two_ballots(cycle, roster):
    a = roster["units"]["a"]
    for name in ("上午场", "下午场"):
        session = EvaluationSession.objects.create(cycle=cycle, name=name, status="closed")
        Mark.objects.create(
            ballot=Ballot.objects.create(session=session, number="001", rater_group="下级"),
            unit=a,
            choice="良好",
        )
    assert sorted(m.ballot for m in cycle_assessment_input(cycle).marks) == ["上午场:001", "下午场:001"]


def test_marks_come_sorted_by_ballot_group_target_and_choice_without_targets_no_longer_assessed(
    cycle, roster
):
    a, b = roster["units"]["a"], roster["units"]["b"]
    a1, b1 = roster["cadres"]["a1"], roster["cadres"]["b1"]
    AssessedCadre.objects.filter(cadre=b1).delete()
    session = EvaluationSession.objects.create(cycle=cycle, name="测评会", status="closed")
    for number, group in (("P3", "下级"), ("P1", "上级"), ("P2", "同级")):
        ballot = Ballot.objects.create(session=session, number=number, rater_group=group)
        Mark.objects.create(ballot=ballot, cadre=b1, choice="优秀")
        Mark.objects.create(ballot=ballot, cadre=a1, choice="称职")
        Mark.objects.create(ballot=ballot, unit=b, choice="一般")
        Mark.objects.create(ballot=ballot, unit=a, choice="良好")
    marks = [(m.ballot, m.rater_group, m.target, m.choice) for m in cycle_assessment_input(cycle).marks]
    assert marks == [
        (number, group, target, choice)
        for number, group in (("P1", "上级"), ("P2", "同级"), ("P3", "下级"))
        for target, choice in (("DW01", "良好"), ("DW02", "一般"), ("GB001", "称职"))
    ]


def test_sanctions_and_earlier_grades_of_those_assessed(cycle, roster):
    a1, b1 = roster["cadres"]["a1"], roster["cadres"]["b1"]
    AssessedCadre.objects.filter(cadre=b1).delete()
    Sanction.objects.create(cadre=a1, name="诫勉", year=2024)
    Sanction.objects.create(cadre=b1, name="诫勉", year=2024)
    PriorGrade.objects.create(cadre=a1, year=2024, grade="优秀")
    PriorGrade.objects.create(cadre=a1, year=2025, grade="称职")  # not earlier than the cycle
    PriorGrade.objects.create(unit=roster["units"]["a"], year=2023, grade="良好")
    PriorGrade.objects.create(cadre=b1, year=2024, grade="称职")
    data = cycle_assessment_input(cycle)
    assert [(s.cadre, s.name, s.year) for s in data.sanctions] == [("GB001", "诫勉", 2024)]
    assert [(p.target, p.year, p.grade) for p in data.prior_grades] == [
        ("DW01", 2023, "良好"),
        ("GB001", 2024, "优秀"),
    ]


def test_the_gathered_input_is_assessed_by_the_engine(cycle, roster):
    session = EvaluationSession.objects.create(cycle=cycle, name="测评会", status="closed")
    ballot = Ballot.objects.create(session=session, number="P1", rater_group="上级")
    Mark.objects.create(ballot=ballot, cadre=roster["cadres"]["a1"], choice="优秀")
    assessment = assess(cycle_assessment_input(cycle))
    assert len(assessment.results) == 8
    assert isinstance(cycle_assessment_input(cycle).marks[0], RuleMark)


def test_gathering_takes_a_fixed_number_of_queries(cycle, roster, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        cycle_assessment_input(cycle)
