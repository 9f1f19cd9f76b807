"""The records tests' year: the shared cast's 2025 cycle in 实施, its three units and five cadres assessed."""

import pytest

from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentPlan, Phase


@pytest.fixture
def year(cast, roster):
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save(update_fields=["phase"])
    AssessmentPlan.objects.create(cycle=cycle)
    for unit in roster["units"].values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    for cadre in roster["cadres"].values():
        position = cadre.positions.get()
        AssessedCadre.objects.create(
            cycle=cycle, cadre=cadre, unit=position.unit, post=position.title, principal=position.principal
        )
    return cycle
