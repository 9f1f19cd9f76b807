"""The targets' test world: the 2025 cycle in 准备 with units A and B (乡镇街道: A01, owned by the clerk's
department, and A02) and C (政府部门: B01) assessed; the plan has the units propose their targets, due 2025-03-31."""

import datetime

import pytest

from kaohe.plans.models import AssessedUnit, AssessmentCycle, AssessmentPlan, Indicator, TargetMode

DUE = datetime.date(2025, 3, 31)


@pytest.fixture
def agreement_setup(roster, cast):
    cycle = AssessmentCycle.objects.get(year=2025)
    towns, depts = roster["categories"]["towns"], roster["categories"]["depts"]
    for unit in roster["units"].values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    a01 = Indicator.objects.create(
        cycle=cycle, category=towns, code="A01", name="经济发展", weight=60, department=roster["department"]
    )
    a02 = Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="社会治理", weight=40)
    b01 = Indicator.objects.create(cycle=cycle, category=depts, code="B01", name="服务质量", weight=100)
    AssessmentPlan.objects.create(cycle=cycle, target_mode=TargetMode.AGREED, targets_due=DUE)
    return {
        "cycle": cycle,
        "a": roster["units"]["a"],
        "c": roster["units"]["c"],
        "a01": a01,
        "a02": a02,
        "b01": b01,
    }
