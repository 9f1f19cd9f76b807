"""The demo's 2025 interviews: the first group has finished most of its units, not all; other groups none."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from kaohe.accounts.models import User
from kaohe.anonymity import min_group
from kaohe.demo.roster import GROUP_NAMES
from kaohe.interviews import selectors
from kaohe.interviews.drafting import outline_draft
from kaohe.interviews.models import Interview, Interviewee, Kind
from kaohe.plans.models import AssessmentCycle, AssessmentGroup


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_interviews_are_done_for_some_units_and_missing_for_others(demo):
    cycle = AssessmentCycle.objects.get(year=2025)
    first = AssessmentGroup.objects.get(cycle=cycle, name=GROUP_NAMES[0])
    coverage = {unit.name: selectors.unit_coverage(cycle, unit) for unit in first.units.all()}
    complete = [name for name, c in coverage.items() if c.complete]
    assert len(complete) == len(coverage) - 2 and len(complete) >= 3
    assert all(c.missing > 0 for name, c in coverage.items() if name not in complete)
    assert Interviewee.objects.filter(cycle=cycle).exclude(excused_reason="").count() == 1
    other = AssessmentGroup.objects.get(cycle=cycle, name=GROUP_NAMES[1]).units.first()
    assert not selectors.unit_coverage(cycle, other).complete


def test_the_demo_assessor_meets_the_pledge_and_the_committee_sees_summaries(demo, client):
    cycle = AssessmentCycle.objects.get(year=2025)
    interview = Interview.objects.select_related("interviewee").first()
    client.force_login(User.objects.get(username="demo-assessor"))
    path = f"/cycles/2025/interviews/people/{interview.interviewee_id}/record/"
    assert "/pledge/" in client.get(path)["Location"]
    client.force_login(User.objects.get(username="demo-committee"))
    body = client.get(f"/api/interviews/2025/units/{interview.interviewee.unit_id}/summary").json()
    assert body["shown"] and body["interviews"] >= min_group()
    assert any(c["grades"] for c in body["cadres"])
    assert client.get(path).status_code == 403
    assert cycle.year == 2025


def test_a_demo_outline_draws_on_targets_verifications_and_last_year(demo):
    person = (
        Interviewee.objects.filter(kind=Kind.LEADER, interview__isnull=False)
        .select_related("unit", "cycle")
        .first()
    )
    text = outline_draft(person)
    assert "2024年度考核为" in text, text
    assert "”的目标任务“" in text or "现场核验“" in text, text
