"""A sealed year's final grades are the next year's earlier grades (rules §8), and later records leave it alone."""

import dataclasses

import pytest

from kaohe.accounts.actors import SystemActor
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.performance.models import Sanction
from kaohe.plans.models import AssessmentCycle
from kaohe.results.inputs import cycle_assessment_input
from kaohe.results.tests.conftest import world_input
from kaohe.results.tests.sealed_data import sealed_world


@pytest.fixture
def sealed(world, cast, roster):
    return sealed_world(world, cast, roster)


def next_year():
    data = world_input()
    data = dataclasses.replace(data, settings=dataclasses.replace(data.settings, year=2026))
    cycle_workbook.cycle_import(data=data, actor=SystemActor("测试"), file_name="2026.xlsx")
    return AssessmentCycle.objects.get(year=2026)


def test_the_final_grades_of_a_sealed_year_count_as_earlier_grades_the_next_year(sealed):
    grades = {(p.target, p.year): p.grade for p in cycle_assessment_input(next_year()).prior_grades}
    assert grades[("GB001", 2025)] == "优秀"  # the committee resolved the tie
    assert grades[("GB002", 2025)] == "称职"
    assert grades[("GB005", 2025)] == "基本称职"  # the committee's override, not the computed grade
    assert grades[("GB002", 2024)] == "优秀"  # 往年等次 still fill the years the app did not keep
    assert grades[("DW01", 2024)] == "良好"


def test_a_sanction_taking_effect_later_leaves_a_sealed_years_inputs_unchanged(sealed, roster):
    before = cycle_assessment_input(sealed.cycle)
    Sanction.objects.create(cadre=roster["cadres"]["a1"], name="政务警告", year=2026)
    assert cycle_assessment_input(sealed.cycle) == before
