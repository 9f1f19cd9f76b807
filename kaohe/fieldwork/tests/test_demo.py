"""The demo's 2025 work plan: every group unit scheduled, some on time and some late, one conflict."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from kaohe.accounts.models import User
from kaohe.fieldwork import selectors
from kaohe.fieldwork.models import ConflictDeclaration, GroupMember, Visit, VisitAssignment
from kaohe.plans.models import AssessmentCycle, AssessmentGroup


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_demo_schedules_every_group_unit_with_some_late(demo):
    cycle = AssessmentCycle.objects.get(year=2025)
    units = AssessmentGroup.units.through.objects.filter(assessmentgroup__cycle=cycle).count()
    assert Visit.objects.filter(cycle=cycle, entry_on__isnull=False).count() == units > 0
    organiser = User.objects.get(username="demo-organiser")
    today = date(2026, 3, 1)  # after every date of the demo's schedule
    ordered = selectors.progress(organiser, cycle, today)
    rows = selectors.visits_page(cycle, ordered, today, ordered)
    late = [visit for visit, checklist in rows if checklist.late(today)]
    assert 0 < len(late) < len(rows)
    assert rows[0][0].late_count >= rows[-1][0].late_count
    assert GroupMember.objects.filter(role="leader", user__username="demo-assessor").exists()


def test_the_demo_assessor_is_not_sent_where_they_declared_a_conflict(demo):
    declaration = ConflictDeclaration.objects.get(user__username="demo-assessor")
    visit = Visit.objects.get(unit=declaration.unit)
    assert not VisitAssignment.objects.filter(visit=visit).exists()
    flags = selectors.recusal_flags(visit.cycle, [declaration.user], visit.unit, visit.entry_on)
    assert flags[declaration.user.pk] == ["本人申报亲属关系：配偶在该单位工作"]
    assert VisitAssignment.objects.filter(user=declaration.user).count() == visit.group.units.count() - 1
