"""The demo's feedback: letters sent, rectification items closed and open, actions recorded, none rendered."""

import pytest

from kaohe.demo.feedback import demo_feedback_load
from kaohe.feedback.models import Letter, Rectification, ResultAction
from kaohe.feedback.selectors import unhandled_flags

pytestmark = pytest.mark.django_db


def test_demo_feedback(accepted, world, cast, principal):
    demo_feedback_load(year=2025)
    assert Letter.objects.filter(cycle=world).count() == 8
    assert set(Letter.objects.values_list("status", flat=True)) == {"sent"}
    assert Letter.objects.get(kind="team", unit__code="DW01").recipient == principal
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert "closed" in statuses and "open" in statuses
    assert ResultAction.objects.exists()
    assert all(e.basis for e in ResultAction.objects.all())
    demo_feedback_load(year=2025)  # again: nothing twice
    assert Letter.objects.filter(cycle=world).count() == 8
    assert isinstance(unhandled_flags(world, days=0), list)
