"""The cycle workbook carries the derived 平时考核; bringing it back changes nothing and records no override."""

import io
from dataclasses import replace
from decimal import Decimal

import pytest

from kaohe.cycle_workbook.actions import cycle_import, cycle_import_file
from kaohe.cycle_workbook.export import cycle_export
from kaohe.plans.models import AssessedCadre
from kaohe.records.actions import quarterly_grade_set
from kaohe.records.models import RegularOverride
from kaohe.results.inputs import cycle_assessment_input
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.sheets import WorkbookError


@pytest.fixture
def graded(year, cast, roster):
    AssessedCadre.objects.filter(cycle=year, cadre=roster["cadres"]["c2"]).update(regular=Decimal(66))
    a2 = AssessedCadre.objects.get(cycle=year, cadre=roster["cadres"]["a2"])
    AssessedCadre.objects.filter(pk=a2.pk).update(regular=Decimal(70))  # typed before the grades were kept
    for quarter, grade in ((1, "好"), (2, "较好"), (3, "好")):
        quarterly_grade_set(actor=cast["assessor"], cycle=year, assessed=a2, quarter=quarter, grade=grade)
    return year


def regulars(cycle):
    return {c.code: c.regular for c in cycle_assessment_input(cycle).cadres}


def test_the_export_carries_the_derived_score(graded):
    data = read_assessment_workbook(io.BytesIO(cycle_export(graded)))
    found = {c.code: c.regular for c in data.cadres}
    assert found["GB002"] == Decimal("91.67")
    assert found["GB005"] == 66


def test_importing_the_export_back_changes_nothing_and_records_no_override(graded, cast):
    before = regulars(graded)
    stored = dict(AssessedCadre.objects.filter(cycle=graded).values_list("cadre__code", "regular"))
    cycle_import_file(source=io.BytesIO(cycle_export(graded)), actor=cast["organiser"], file_name="导出.xlsx")
    assert regulars(graded) == before
    assert dict(AssessedCadre.objects.filter(cycle=graded).values_list("cadre__code", "regular")) == stored
    assert not RegularOverride.objects.exists()


def test_a_book_with_another_score_for_a_graded_cadre_is_refused(graded, cast):
    data = read_assessment_workbook(io.BytesIO(cycle_export(graded)))
    changed = [replace(c, regular=Decimal(99)) if c.code == "GB002" else c for c in data.cadres]
    with pytest.raises(WorkbookError) as error:
        cycle_import(data=replace(data, cadres=changed), actor=cast["organiser"], file_name="改过.xlsx")
    assert [str(p) for p in error.value.problems] == [
        "干部 平时考核: 「GB002」的平时考核由本年度平时考核记录得出为 91.67，工作簿中为「99」；"
        "如需改定，请在平时考核页面填写并写明理由"
    ]
    assert regulars(graded)["GB002"] == Decimal("91.67")
    assert not RegularOverride.objects.exists()
