"""末位 in the app: the plan's 末位比例 reaches the engine; the bottom_rank flag shows as 末位 on the review
page (with its filter), in the explanation, the results workbook, the 审定表 and the dossiers."""

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.actors import SystemActor
from kaohe.plans.models import AssessmentCycle, AssessmentPlan, Phase
from kaohe.results import actions
from kaohe.results.dossier import cadre_dossier
from kaohe.results.models import Result
from kaohe.results.tests.conftest import import_world, world_input
from kaohe.results.tests.sealed_data import sealed_world
from kaohe.results.tests.test_approval_sheet import docx_rows


@pytest.fixture
def world(cast):
    """The results conftest's world with 末位比例 40%: 2 of the 5 cadres' places, 1 of the 3 teams'."""
    data = world_input()
    cycle = import_world(replace(data, settings=replace(data.settings, bottom_ratio=Decimal("0.4"))))
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.EVALUATION)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def run(world):
    return actions.compute_run_create(actor=SystemActor("测试"), cycle=world)


def flagged(run):
    return sorted(r.code for r in Result.objects.filter(run=run) if "bottom_rank" in r.flags)


def test_the_imported_plan_keeps_the_ratio_and_the_run_flags_the_lowest(world, run):
    assert AssessmentPlan.objects.get(cycle=world).settings["bottom_ratio"] == "40%"
    assert flagged(run) == ["DW03", "GB004", "GB005"]
    lowest = Result.objects.get(run=run, code="GB005")
    assert lowest.grade == "称职"  # the flag changes no grade
    assert "列为末位：全部名额池参加排名的5人×末位比例40%=2.00，按向下取整为2名" in lowest.explanation


def test_the_review_page_filters_by_the_flag_and_labels_it(run, client_for):
    url = reverse("results:review", args=[2025])
    page = client_for("organiser").get(url + "?pool=cadre:全部&flag=bottom_rank").content.decode()
    assert '<option value="bottom_rank" selected>末位</option>' in page
    assert "赵丽" in page and "钱伟" in page
    assert "张思佳" not in page and "王建国" not in page
    teams = client_for("committee").get(url + "?pool=team:全部&flag=bottom_rank").content.decode()
    assert "市财政局领导班子" in teams and "东城街道领导班子" not in teams


def test_the_explanation_and_the_detail_say_why(run, client_for):
    pk = Result.objects.get(run=run, code="GB005").pk
    client = client_for("leader")
    explanation = client.get(reverse("results:result_explanation", args=[2025, run.version, pk]))
    assert "列为末位" in explanation.content.decode()
    detail = client.get(reverse("results:result_detail", args=[2025, run.version, pk])).content.decode()
    assert "末位" in detail


def test_the_results_workbook_lists_the_flag(run, client_for):
    response = client_for("organiser").get(reverse("results:export", args=[2025, run.version]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["结果"]
    rows = [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    [qian] = [row for row in rows if "GB005" in row]
    [zhang] = [row for row in rows if "GB001" in row]
    assert any("末位" in cell for cell in qian)
    assert not any("末位" in cell for cell in zhang)


@pytest.fixture
def sealed(world, cast, roster):
    return sealed_world(world, cast, roster)


def test_dossiers_and_the_approval_sheet_show_the_flag(sealed, roster, client_for):
    [year] = cadre_dossier(roster["cadres"]["c1"]).years  # 赵丽 (GB004)
    assert "末位" in year.flags
    page = client_for("organiser").get(reverse("results:cadre_dossier", args=[roster["cadres"]["c1"].pk]))
    assert "末位" in page.content.decode()
    response = client_for("organiser").get(
        reverse("results:approval_sheet_docx", args=[2025, roster["units"]["c"].pk])
    )
    rows = {row[0]: row for row in docx_rows(b"".join(response.streaming_content))}
    assert "末位" in rows["赵丽"][8] and "末位" in rows["市财政局领导班子"][8]
    assert "末位" not in rows["市财政局领导班子"][8].replace("末位", "", 1)  # shown once


def test_a_runs_settings_leave_an_unset_ratio_out_so_digests_from_before_it_hold():
    from kaohe.results import canonical
    from kaohe.rules.model import RuleSettings

    assert "末位比例" not in canonical.settings_texts(RuleSettings(year=2025))
    texts = canonical.settings_texts(RuleSettings(year=2025, bottom_ratio=Decimal("0.1")))
    assert texts["末位比例"] == "0.1"
    assert canonical.settings_from_texts(texts).bottom_ratio == Decimal("0.1")
