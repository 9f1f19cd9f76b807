"""The fieldwork world on the shared cast: 第一考核组 visits unit A (东城街道); `assessor` is its member.

`assessor2` is a second member who is also a cadre who served in unit A until mid-2024 (回避 within 3 years).
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import make_user
from kaohe.accounts.models import Role
from kaohe.fieldwork import actions
from kaohe.fieldwork.models import Visit
from kaohe.org.models import Cadre, Position
from kaohe.plans.models import AssessmentCycle


@pytest.fixture
def cycle(roster):
    return AssessmentCycle.objects.get(year=2025)


@pytest.fixture
def visit(roster, cast, cycle) -> Visit:
    actions.visits_open(actor=cast["organiser"], cycle=cycle)
    return Visit.objects.select_related("unit", "group", "cycle").get(cycle=cycle, unit=roster["units"]["a"])


@pytest.fixture
def former(roster, cast):
    """An assessor who was 副主任 of unit A until June 2024."""
    cadre = Cadre.objects.create(code="GB900", name="周回避", current_unit=roster["units"]["c"])
    Position.objects.create(
        cadre=cadre, unit=roster["units"]["a"], title="副主任", start=date(2019, 1, 1), end=date(2024, 6, 30)
    )
    user = make_user("assessor2", Role.ASSESSOR, cadre=cadre)
    roster["group"].members.add(user)
    return user
