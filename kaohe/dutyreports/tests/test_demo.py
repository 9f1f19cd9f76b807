"""The demo's 2025 述职述廉 and 一报告两评议: reports on time, late and awaited; flags raised and one handled."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.dutyreports import selectors
from kaohe.dutyreports.lateness import Status
from kaohe.dutyreports.todo import home_items
from kaohe.plans.models import AssessmentCycle
from kaohe.reviews import selectors as review_selectors


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_on_time_late_and_awaited(demo):
    cycle = AssessmentCycle.objects.get(year=2025)
    organiser = User.objects.get(username="demo-organiser")
    counts = selectors.counts(selectors.rows(organiser, cycle, timezone.localdate()))
    assert counts[Status.ON_TIME] > counts[Status.LATE] > 0
    assert counts[Status.OVERDUE] > 0
    [liaison_item] = home_items(User.objects.get(username="demo-liaison"))
    assert liaison_item.count >= 1
    assert home_items(User.objects.get(username="demo-cadre")) == []  # handed in on time


def test_the_demo_has_flags_one_handled_one_waiting(demo):
    cycle = AssessmentCycle.objects.get(year=2025)
    rows = review_selectors.rows(User.objects.get(username="demo-organiser"), cycle)
    assert len([r for r in rows if r.kind == "selection"]) == 6
    flagged = [r for r in rows if r.flagged]
    assert any(r.kind == "promoted" and r.outcome is not None for r in flagged)
    assert any(r.kind == "selection" and r.waiting for r in flagged)
    assert all(r.share.shown for r in rows)


def test_the_demo_has_special_evaluations_with_scores(demo):
    cycle = AssessmentCycle.objects.get(year=2025)
    rows = review_selectors.special_rows(User.objects.get(username="demo-organiser"), cycle)
    assert {r.template for r in rows} == {"服务质量评议表", "重点项目评议表"}
    assert all(r.result.score is not None and not r.applied for r in rows)
