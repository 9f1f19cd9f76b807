"""The 全程纪实's records from through the year: the four lists and quarterly grades (the cadre's own too),
visits, on-site verification and interview summaries (the organisation's only; counts, never a word)."""

from datetime import date

import pytest
from django.urls import reverse

from kaohe.interviews.tests.conftest import MARKER, complete_unit
from kaohe.interviews.tests.conftest import world as interviews_world  # noqa: F401 (its fixture)
from kaohe.performance.models import Verification
from kaohe.plans.models import AssessedCadre, Indicator
from kaohe.profiles.timeline import Subject, timeline
from kaohe.records.models import Grade, ListItem, ListKind, QuarterlyGrade, Visit, VisitMethod
from kaohe.results.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(interviews_world, settings):  # noqa: F811
    settings.MIN_GROUP_SIZE = 3
    w = interviews_world
    cycle, unit, a2 = w["cycle"], w["unit"], w["roster"]["cadres"]["a2"]
    for key in ("a1", "a2"):
        AssessedCadre.objects.create(cycle=cycle, cadre=w["roster"]["cadres"][key], unit=unit)
    complete_unit(w, ["优秀", "优秀", "称职", "称职"])
    for n in range(7):
        ListItem.objects.create(
            cycle=cycle,
            unit=unit,
            month=3,
            kind=ListKind.PROBLEM,
            content=f"问题{n}",
            completed=date(2025, 4, 1) if n < 2 else None,
        )
    ListItem.objects.create(
        cycle=cycle, unit=unit, cadre=a2, month=5, kind=ListKind.ACHIEVEMENT, content="牵头完成改造"
    )
    QuarterlyGrade.objects.create(cycle=cycle, cadre=a2, quarter=2, grade=Grade.GOOD, reason="按期完成")
    Visit.objects.create(
        cycle=cycle,
        unit=unit,
        date=date(2025, 6, 3),
        method=VisitMethod.UNANNOUNCED,
        members="考核组",
        findings="窗口无人值守",
    )
    indicator = Indicator.objects.filter(cycle=cycle).first() or Indicator.objects.create(
        cycle=cycle, category=w["roster"]["categories"]["towns"], code="I1", name="招商引资", weight=100
    )
    Verification.objects.create(cycle=cycle, unit=unit, indicator=indicator, score=80, reason="台账不全")
    return w


def entries(w, kind, notes=True, who="team"):
    subject = (
        Subject(Kind.TEAM, None, w["unit"], 3)
        if who == "team"
        else Subject(Kind.CADRE, w["roster"]["cadres"][who], None, 3)
    )
    return [e for e in timeline(subject, notes=notes) if e.kind == kind]


def test_a_month_of_a_list_is_one_entry_with_its_counts_and_first_items(recorded):
    (problems,) = entries(recorded, "list")
    assert problems.title == "3月问题清单：7项（完成2项，核实0项）"
    assert (
        problems.detail.splitlines()[:5] == ["问题0", "问题1", "问题2", "问题3", "问题4"]
        and "等7项" in problems.detail
    )
    (own,) = entries(recorded, "list", who="a2")
    assert "成绩清单" in own.title and "牵头完成改造" in own.detail  # the cadre's own list is not the team's


def test_quarterly_grades_visits_and_verification_are_on_the_timeline(recorded):
    (quarter,) = entries(recorded, "quarterly", who="a2")
    assert quarter.title == "第2季度平时考核：好" and quarter.day == date(2025, 6, 1)
    (visit,) = entries(recorded, "visit")
    assert "明察暗访" in visit.title and visit.detail == "窗口无人值守"
    (check,) = entries(recorded, "verification")
    assert "80" in check.title and check.detail == "台账不全"


def test_interview_summaries_are_counts_and_only_once_they_may_be_shown(recorded, settings):
    (team,) = entries(recorded, "interview")
    assert team.title == "个别谈话4人次" and "形式主义官僚主义4人次" in team.detail
    (cadre,) = entries(recorded, "interview", who="a2")
    assert cadre.detail == "等次意见：优秀2人次、称职2人次"
    settings.MIN_GROUP_SIZE = 5
    assert entries(recorded, "interview") == [] and entries(recorded, "interview", who="a2") == []


def test_the_cadre_reads_their_own_lists_and_grades_never_the_organisations_notes(recorded, client_for):
    a2 = recorded["roster"]["cadres"]["a2"]
    mine = client_for("cadre").get(f"/api/profiles/cadres/{a2.pk}/timeline").json()
    kinds = {e["kind"] for e in mine}
    assert {"list", "quarterly"} <= kinds and not kinds & {"interview", "visit", "verification"}
    page = client_for("cadre").get(reverse("profiles:cadre_timeline", args=[a2.pk])).content.decode()
    assert "个别谈话" not in page and MARKER not in page
    organisation = client_for("committee").get(f"/api/profiles/cadres/{a2.pk}/timeline").json()
    assert "interview" in {e["kind"] for e in organisation}
    assert not any(MARKER in e["detail"] or MARKER in e["title"] for e in organisation)
