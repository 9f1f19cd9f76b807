"""The demo's documents: the earlier year's reports accepted and 登记表 filed, the current year's drafted."""

import io

import docx
import pytest

from kaohe.accounts.actors import SystemActor
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.reports.demo import demo_reports_load
from kaohe.reports.models import AnalysisReport, Register
from kaohe.results import actions as results_actions

pytestmark = pytest.mark.django_db


def test_demo_documents(world, cast, roster):
    results_actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    previous = AssessmentCycle.objects.create(year=2024, name="2024年度考核", phase="completed")
    cadre = roster["cadres"]["a2"]
    AssessedCadre.objects.create(cycle=previous, cadre=cadre, unit=roster["units"]["a"], post="办事处主任")

    demo_reports_load()

    assert set(AnalysisReport.objects.filter(cycle=previous).values_list("status", flat=True)) == {"accepted"}
    current = AnalysisReport.objects.filter(cycle=world)
    assert current.count() == 3 + 5  # three teams, five cadres
    assert current.filter(status="submitted").count() == 3 and current.filter(status="draft").count() == 5
    filed = Register.objects.get(cycle=previous, cadre=cadre)
    text = "\n".join(
        c.text for t in docx.Document(io.BytesIO(bytes(filed.filed))).tables for r in t.rows for c in r.cells
    )
    assert filed.filed_at is not None and "李明" in text and "个人总结" in text
