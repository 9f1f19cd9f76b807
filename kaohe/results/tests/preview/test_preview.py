"""The live preview: organisers only, the same scores and ranks as the rules engine, missing parts named."""

import json

import pytest
from django.urls import reverse

from kaohe.performance.models import (
    Adjustment,
    AdjustmentStatus,
    IndicatorScore,
    LeaderRating,
    Verification,
    Veto,
)
from kaohe.performance.tests.conftest import ROLES, D, only
from kaohe.performance.tests.test_progress import collected
from kaohe.plans.models import AssessmentPlan
from kaohe.results.inputs import cycle_assessment_input
from kaohe.results.preview import cycle_preview, unit_performance_input
from kaohe.rules import assess
from kaohe.rules.arithmetic import to_decimal
from kaohe.rules.model import Kind

YEAR = 2025


def preview_url(query=""):
    return reverse("results:preview", args=[YEAR]) + query


@pytest.fixture
def data(world):
    return collected(world)


def complete(w):
    """Every indicator scored; bonuses and a deduction, one bonus not yet approved; ties in 乡镇街道."""
    cycle, units, ind, cast = w["cycle"], w["units"], w["indicators"], w["cast"]
    IndicatorScore.objects.create(cycle=cycle, unit=units["b"], indicator=ind["governance"], score=95)
    Verification.objects.create(
        cycle=cycle, unit=units["b"], indicator=ind["economy"], score=75, reason="复核"
    )
    LeaderRating.objects.create(cycle=cycle, unit=units["b"], leader=cast["leader"], score=90)
    for unit, kind, points, status in (
        ("a", "加分", 3, AdjustmentStatus.APPROVED),
        ("a", "加分", 4, AdjustmentStatus.APPROVED),  # 7 in all, capped at 5
        ("b", "扣分", 1, AdjustmentStatus.APPROVED),
        ("c", "加分", 2, AdjustmentStatus.PROPOSED),  # not counted
    ):
        Adjustment.objects.create(
            cycle=cycle, unit=units[unit], kind=kind, points=points, reason="事由", status=status
        )
    return w


def rows_by_code(preview):
    return {row.code: row for category in preview.categories for row in category.rows}


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_see_the_preview(client_for, data, role):
    assert client_for(role).get(preview_url()).status_code == only("organiser")[role]


def test_anonymous_visitors_are_sent_to_log_in(client_for, data):
    assert client_for(None).get(preview_url()).status_code == 302


def test_the_preview_of_a_year_without_a_cycle_is_not_found(client_for, data):
    assert client_for("organiser").get(reverse("results:preview", args=[1999])).status_code == 404


# --- agreement with the rules engine -------------------------------------------------------------------------


def test_with_complete_data_the_preview_gives_the_engines_scores_and_ranks(data):
    complete(data)
    results = {
        r.code: r for r in assess(cycle_assessment_input(data["cycle"])).results if r.kind is Kind.TEAM
    }
    rows = rows_by_code(cycle_preview(data["cycle"]))
    assert set(rows) == set(results)
    for code, row in rows.items():
        assert to_decimal(row.exact) == results[code].performance, code
        assert row.rank == results[code].rank, code
        assert row.missing_indicators == ()
    assert [r.code for r in cycle_preview(data["cycle"]).category("乡镇街道").rows] == ["DW01", "DW02"]


def test_equal_scores_share_a_rank_as_the_engine_ranks_them(data):
    complete(data)
    Adjustment.objects.filter(unit=data["units"]["a"]).delete()
    Adjustment.objects.filter(unit=data["units"]["b"]).delete()
    cycle = data["cycle"]
    # A: 指标 80·60% + 90·40% = 84, survey 90, rating 85: (84·70 + 90·15 + 85·15) / 100 = 85.05.
    # B: 指标 75·60% + 95·40% = 83, no survey, rating 94.62: (83·70 + 94.62·15) / 85 = 85.0506… → 85.05.
    LeaderRating.objects.filter(unit=data["units"]["b"]).update(score=D("94.62"))
    Veto.objects.create(cycle=cycle, unit=data["units"]["c"], item="安全生产事故")
    results = {r.code: r for r in assess(cycle_assessment_input(cycle)).results if r.kind is Kind.TEAM}
    rows = rows_by_code(cycle_preview(cycle))
    for code, row in rows.items():
        assert row.rank == results[code].rank, code
    assert rows["DW01"].performance == rows["DW02"].performance == "85.05"
    assert rows["DW01"].rank == rows["DW02"].rank == 1
    assert rows["DW03"].veto == "安全生产事故"


def test_the_preview_reads_the_same_units_as_the_full_gathering(data):
    complete(data)
    units_only = unit_performance_input(data["cycle"])
    full = cycle_assessment_input(data["cycle"])
    assert units_only.units == full.units
    assert units_only.indicator_scores == full.indicator_scores
    assert units_only.adjustments == [a for a in full.adjustments if a.target in {u.code for u in full.units}]


# --- what is missing ---------------------------------------------------------------------------------------


def test_an_incomplete_indicator_component_is_missing_and_named(data):
    rows = rows_by_code(cycle_preview(data["cycle"]))
    b = rows["DW02"]
    assert b.missing_indicators == ("ZB02",)
    assert b.indicators == "" and b.indicators_note == "缺1项"
    assert b.performance == "" and b.rank is None  # nothing else to compute it from
    assert "指标考评" in b.missing and "缺少指标得分（ZB02）" in b.explanation
    LeaderRating.objects.create(
        cycle=data["cycle"], unit=data["units"]["b"], leader=data["cast"]["leader"], score=70
    )
    b = rows_by_code(cycle_preview(data["cycle"]))["DW02"]
    assert (b.performance, b.rank, b.missing) == ("70.00", 2, ("指标考评", "公众评议"))


def test_missing_components_are_renormalised_and_named(data):
    c = rows_by_code(cycle_preview(data["cycle"]))["DW03"]
    # 指标考评 60·50% + 80·50% = 70 (weight 70), 领导评价 75 given (weight 15); 公众评议 missing.
    assert c.indicators == "70.00" and c.indicators_note == "由指标得分计算"
    assert c.leader_rating == "75.00" and c.public_survey == ""
    assert c.missing == ("公众评议",)
    assert c.performance == "70.88"  # (70·70 + 75·15) / 85 = 6025 / 85
    assert "公众评议（权重15）缺项" in c.explanation


def test_only_approved_adjustments_count_and_bonuses_are_capped(data):
    complete(data)
    rows = rows_by_code(cycle_preview(data["cycle"]))
    assert (rows["DW01"].bonus, rows["DW01"].deduction) == ("5.00", "")
    assert (rows["DW02"].bonus, rows["DW02"].deduction) == ("", "1.00")
    assert rows["DW03"].bonus == ""


def test_settings_that_cannot_be_read_are_shown_instead_of_a_preview(client_for, data):
    AssessmentPlan.objects.create(cycle=data["cycle"], settings={"performance_weights": "指标考评=abc"})
    page = client_for("organiser").get(preview_url()).content.decode()
    assert "preview-errors" in page and "绩效构成" in page


# --- the page ----------------------------------------------------------------------------------------------


def test_the_page_is_labelled_a_preview_and_charts_through_a_data_block(client_for, data):
    response = client_for("organiser").get(preview_url())
    page = response.content.decode()
    assert "预览：数据尚未最终确定" in page
    assert 'id="preview-chart-data" type="application/json"' in page
    assert "preview-charts.js" in page and "vendor/echarts/echarts.min.js" in page
    assert "<script>" not in page and "style=" not in page and " onclick" not in page
    chart = json.loads(
        page.split('id="preview-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart == {"category": "乡镇街道", "labels": ["东城街道"], "values": [85.05]}
    assert 'hx-trigger="every 30s"' in page


def test_a_category_is_chosen_by_its_tab(client_for, data):
    page = client_for("organiser").get(preview_url("?category=政府部门")).content.decode()
    assert 'data-unit="DW03"' in page and 'data-unit="DW01"' not in page


def test_an_htmx_refresh_gets_the_results_part_only(client_for, data):
    response = client_for("organiser").get(preview_url("?category=政府部门"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="preview-results"')
    assert "<html" not in page and 'data-unit="DW03"' in page
    assert "HX-Request" in response["Vary"]


def test_a_cycle_without_units_says_so(client_for, world):
    from kaohe.plans.models import AssessedUnit

    AssessedUnit.objects.all().delete()
    page = client_for("organiser").get(preview_url()).content.decode()
    assert "preview-empty" in page


def test_the_preview_takes_the_same_few_queries_however_many_units(
    client_for, data, django_assert_num_queries
):
    from kaohe.performance.tests.test_progress import more_units

    client = client_for("organiser")
    with django_assert_num_queries(14):
        client.get(preview_url())
    more_units(data, 12)
    with django_assert_num_queries(14):
        client.get(preview_url())
