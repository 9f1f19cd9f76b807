"""Two finalised years (2024, 2025) of the results tests' small world, for profiles and comparisons."""

import dataclasses

import pytest

from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results.tests.conftest import (  # noqa: F401 (the results tests' world, its runs dated before their 公示)
    import_world,
    runs_dated_before_their_notices,
    world,
    world_input,
)
from kaohe.results.tests.sealed_data import seal_cycle, sealed_world


@pytest.fixture
def two_years(world, cast, roster):  # noqa: F811
    data = world_input()
    earlier = dataclasses.replace(data, settings=dataclasses.replace(data.settings, year=2024))
    cycle_2024 = import_world(earlier)
    AssessmentCycle.objects.filter(pk=cycle_2024.pk).update(phase=Phase.EVALUATION)
    cycle_2024.refresh_from_db()
    seal_cycle(cast, cycle_2024)
    sealed_world(world, cast, roster)
    return {2024: cycle_2024, 2025: world}
