"""The progress page: who may see it, what each role sees, the missing counts, the list to chase, its cost."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_unit
from kaohe.performance.models import IndicatorScore, LeaderRating, SelfEvaluation, Verification
from kaohe.performance.progress import Status, cycle_progress, progress_scope
from kaohe.performance.tests.conftest import ROLES, D, only
from kaohe.plans.models import AssessedUnit, AssessmentGroup, Indicator
from kaohe.surveys.models import PublicSurvey, SurveyResponse

YEAR = 2025


def progress_url(*suffix):
    return reverse("performance:progress", args=[YEAR]) + "".join(suffix)


def chase_url(*suffix):
    return reverse("performance:progress_chase", args=[YEAR]) + "".join(suffix)


def collected(w):
    """A: everything (one score verified only); B: one self-evaluation, one of two scores; C: scores, a given rating.

    市发改委 (BM01) has scored all of its 4 cells; 市统计局 (BM02) none of its 2 (A's is verified instead).
    """
    cycle, units, ind, cast = w["cycle"], w["units"], w["indicators"], w["cast"]
    for indicator in (ind["economy"], ind["governance"]):
        SelfEvaluation.objects.create(cycle=cycle, unit=units["a"], indicator=indicator, claimed=90)
    SelfEvaluation.objects.create(cycle=cycle, unit=units["b"], indicator=ind["economy"], claimed=80)
    for unit, indicator, score in (
        ("a", "economy", 80),
        ("b", "economy", 70),
        ("c", "operations", 60),
        ("c", "service", 80),
    ):
        IndicatorScore.objects.create(cycle=cycle, unit=units[unit], indicator=ind[indicator], score=score)
    Verification.objects.create(
        cycle=cycle, unit=units["a"], indicator=ind["governance"], score=90, reason="现场核实"
    )
    LeaderRating.objects.create(cycle=cycle, unit=units["a"], leader=cast["leader"], score=85)
    survey = PublicSurvey.objects.create(cycle=cycle, unit=units["a"], token="survey-a")
    SurveyResponse.objects.create(survey=survey, choice="满意")
    SurveyResponse.objects.create(survey=survey, choice="基本满意")
    AssessedUnit.objects.filter(cycle=cycle, unit=units["c"]).update(leader_rating=D(75))
    return w


@pytest.fixture
def data(world):
    return collected(world)


def report_for(w, name, **filters):
    return cycle_progress(progress_scope(w["cast"][name]), w["cycle"], **filters)


def by_code(report):
    return {u.code: u for u in report.units}


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("make_url", [progress_url, chase_url], ids=["page", "xlsx"])
def test_every_role_gets_the_progress_page_or_a_refusal(client_for, data, role, make_url):
    expected = only("organiser", "assessor", "clerk")[role]
    assert client_for(role).get(make_url()).status_code == expected


def test_anonymous_visitors_are_sent_to_log_in(client_for, data):
    response = client_for(None).get(progress_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_year_without_a_cycle_is_not_found(client_for, data):
    assert client_for("organiser").get(reverse("performance:progress", args=[1999])).status_code == 404


# --- the counts --------------------------------------------------------------------------------------------


def test_the_organiser_sees_every_unit_with_what_is_missing(data):
    units = by_code(report_for(data, "organiser"))
    assert list(units) == ["DW01", "DW02", "DW03"]
    a, b, c = units["DW01"], units["DW02"], units["DW03"]
    assert (a.indicators, a.self_evaluations, a.scores, a.verifications, a.scored) == (2, 2, 1, 1, 2)
    assert (a.leader_ratings, a.survey_responses, a.status) == (1, 2, Status.COMPLETE)
    assert a.chase == []
    assert (b.self_evaluations, b.scores, b.scored, b.missing_scores) == (1, 1, 1, 1)
    assert b.status is Status.INCOMPLETE and not b.computable
    assert [item.what for item in b.chase] == ["自评", "指标得分", "公众评议", "领导评价"]
    assert (c.self_evaluations, c.scores, c.scored, c.leader_ratings, c.given_rating) == (0, 2, 2, 0, True)
    assert c.status is Status.RENORMALISED and c.missing_names == "公众评议"
    assert [(item.what, item.count) for item in c.chase] == [("自评", 2), ("公众评议", 1)]


def test_the_totals_add_up_over_the_units(data):
    totals = {t.label: (t.done, t.expected) for t in report_for(data, "organiser").totals}
    assert totals["自评"] == (3, 6)
    assert totals["部门评分"] == (4, 6)
    assert totals["现场核验"] == (1, 6)
    assert totals["计分指标（核验或部门评分）"] == (5, 6)
    assert totals["有领导评价的单位"] == (2, 3)
    assert totals["有公众评议的单位"] == (1, 3)
    assert totals["绩效可计算的单位"] == (2, 3)
    assert totals["绩效构成完整的单位"] == (1, 3)


def test_departments_count_their_own_scores_and_a_verification_is_not_theirs(data):
    departments = {d.code: d for d in report_for(data, "organiser").departments}
    assert (departments["BM01"].entered, departments["BM01"].expected) == (4, 4)
    assert (departments["BM02"].entered, departments["BM02"].expected) == (0, 2)
    assert [d.code for d in report_for(data, "organiser").departments_to_chase] == ["BM02"]


def test_a_score_on_a_unit_not_assessed_or_of_another_category_is_not_counted(data):
    cycle, ind = data["cycle"], data["indicators"]
    stray = make_unit("DW09", "北岭镇", data["units"]["a"].category)
    IndicatorScore.objects.create(cycle=cycle, unit=stray, indicator=ind["governance"], score=50)
    # C is 政府部门: a score on a 乡镇街道 indicator does not belong to it.
    IndicatorScore.objects.create(cycle=cycle, unit=data["units"]["c"], indicator=ind["governance"], score=50)
    report = report_for(data, "organiser")
    assert by_code(report)["DW03"].scores == 2
    assert {d.code: d.entered for d in report.departments}["BM02"] == 0


def test_a_component_of_weight_zero_is_never_missing(data):
    from kaohe.plans.models import AssessmentPlan

    AssessmentPlan.objects.create(
        cycle=data["cycle"], settings={"performance_weights": "指标考评=80,领导评价=20"}
    )
    units = by_code(report_for(data, "organiser"))
    assert units["DW03"].status is Status.COMPLETE
    assert [item.what for item in units["DW02"].chase] == ["自评", "指标得分", "领导评价"]


def test_bad_settings_are_reported_and_the_defaults_used(client_for, data):
    from kaohe.plans.models import AssessmentPlan

    AssessmentPlan.objects.create(cycle=data["cycle"], settings={"performance_weights": "指标考评=abc"})
    response = client_for("organiser").get(progress_url())
    assert response.status_code == 200
    assert "settings-errors" in response.content.decode()


def test_a_category_with_no_indicators_needs_its_given_indicator_score(world):
    cycle = world["cycle"]
    Indicator.objects.filter(cycle=cycle, category=world["units"]["c"].category).delete()
    unit = by_code(report_for(world, "organiser"))["DW03"]
    assert unit.indicators == 0 and unit.status is Status.NONE
    assert "指标考评" in [item.what for item in unit.chase]
    AssessedUnit.objects.filter(cycle=cycle, unit=world["units"]["c"]).update(indicator_score=D(88))
    assert by_code(report_for(world, "organiser"))["DW03"].status is Status.RENORMALISED


# --- scope -------------------------------------------------------------------------------------------------


def test_an_assessor_sees_only_the_units_of_their_groups(client_for, data):
    assert list(by_code(report_for(data, "assessor"))) == ["DW01"]
    page = client_for("assessor").get(progress_url()).content.decode()
    assert "东城街道" in page and "西山镇" not in page and "市财政局" not in page


def test_an_assessor_cannot_filter_by_a_group_they_are_not_in(client_for, data):
    other = AssessmentGroup.objects.create(cycle=data["cycle"], name="第二考核组")
    other.units.add(data["units"]["b"])
    response = client_for("assessor").get(progress_url(f"?group={other.pk}"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "filter-errors" in page and "西山镇" not in page


def test_a_clerk_sees_only_their_departments_indicators(client_for, data):
    report = report_for(data, "clerk")
    assert [d.code for d in report.departments] == ["BM01"]
    units = by_code(report)
    assert {code: (u.scores, u.indicators) for code, u in units.items()} == {
        "DW01": (1, 1),
        "DW02": (1, 1),
        "DW03": (2, 2),
    }
    assert all(not u.chase for u in units.values())
    page = client_for("clerk").get(progress_url()).content.decode()
    assert "市统计局" not in page and "自评" not in page and "公众评议" not in page


def test_filters_narrow_to_a_category_and_a_group(client_for, data):
    towns = data["units"]["a"].category
    assert list(by_code(report_for(data, "organiser", category_id=towns.pk))) == ["DW01", "DW02"]
    group = data["cast"]["assessor"].assessment_groups.get(cycle=data["cycle"])
    assert list(by_code(report_for(data, "organiser", group_id=group.pk))) == ["DW01"]
    page = client_for("organiser").get(progress_url(f"?category={towns.pk}")).content.decode()
    assert "东城街道" in page and "市财政局" not in page


def test_only_missing_shows_the_units_to_chase(client_for, data):
    page = client_for("organiser").get(progress_url("?show=missing")).content.decode()
    assert 'data-unit="DW02"' in page and 'data-unit="DW03"' in page and 'data-unit="DW01"' not in page


# --- the list to chase -------------------------------------------------------------------------------------


def test_the_list_to_chase_downloads_as_a_workbook_with_the_pages_to_enter_it(client_for, data):
    response = client_for("organiser").get(chase_url())
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:6] == ("对象", "编码", "名称", "单位类别", "缺少", "数量")
    body = rows[1:]
    assert ("归口部门", "BM02", "市统计局") == body[0][:3] and body[0][5] == 2
    assert body[0][7].endswith(reverse("performance:score_grid", args=[YEAR]))
    unit_rows = [(r[1], r[4], r[5]) for r in body if r[0] == "单位"]
    assert unit_rows == [
        ("DW02", "自评", 1),
        ("DW02", "指标得分", 1),
        ("DW02", "公众评议", 1),
        ("DW02", "领导评价", 1),
        ("DW03", "自评", 2),
        ("DW03", "公众评议", 1),
    ]
    assert [r for r in body if r[1] == "DW02" and r[4] == "领导评价"][0][7].endswith(
        reverse("performance:rating_edit", args=[YEAR, data["units"]["b"].pk])
    )


def test_the_assessors_list_to_chase_holds_only_their_units(client_for, data):
    SelfEvaluation.objects.filter(unit=data["units"]["a"]).delete()
    response = client_for("assessor").get(chase_url())
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)[1:]
    assert {r[1] for r in rows if r[0] == "单位"} == {"DW01"}


# --- cost --------------------------------------------------------------------------------------------------


def more_units(w, n):
    towns = w["units"]["a"].category
    cycle, ind = w["cycle"], w["indicators"]
    group = w["cast"]["assessor"].assessment_groups.get(cycle=cycle)
    for i in range(n):
        unit = make_unit(f"DX{i:03d}", f"新增镇{i}", towns)
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=towns)
        IndicatorScore.objects.create(cycle=cycle, unit=unit, indicator=ind["economy"], score=60)
        SelfEvaluation.objects.create(cycle=cycle, unit=unit, indicator=ind["economy"], claimed=60)
        group.units.add(unit)


@pytest.mark.parametrize(("role", "queries"), [("organiser", 15), ("assessor", 15), ("clerk", 10)])
def test_the_page_takes_the_same_few_queries_however_many_units(
    client_for, data, django_assert_num_queries, role, queries
):
    client = client_for(role)
    with django_assert_num_queries(queries):
        assert client.get(progress_url()).status_code == 200
    more_units(data, 12)
    with django_assert_num_queries(queries):
        assert client.get(progress_url()).status_code == 200


def test_the_page_shows_a_hundred_units_while_the_totals_count_them_all(client_for, data):
    more_units(data, 120)
    report = report_for(data, "organiser")
    assert len(report.units) == 123 and [u.code for u in report.units[100:]][-2:] == ["DX119", "DW03"]
    assert {t.label: t.expected for t in report.totals}["绩效可计算的单位"] == 123
    second = client_for("organiser").get(progress_url("?page=2")).content.decode()
    assert second.count("data-unit=") == 23 and 'data-unit="DW03"' in second
    assert 'data-unit="DW01"' not in second


def test_a_unit_named_like_a_formula_is_written_to_the_list_to_chase_as_text(client_for, data):
    from conftest import HOSTILE_TEXT, formula_cells

    data["units"]["b"].__class__.objects.filter(pk=data["units"]["b"].pk).update(name=HOSTILE_TEXT)
    content = b"".join(client_for("organiser").get(chase_url()).streaming_content)
    assert formula_cells(content) == []
    assert HOSTILE_TEXT in [row[2] for row in load_workbook(io.BytesIO(content)).active.values]


def test_a_clerk_whose_department_owns_no_indicator_that_year_sees_an_empty_page_and_list(world, client_for):
    from kaohe.plans.models import AssessmentCycle, Phase

    AssessmentCycle.objects.filter(year=2024).update(phase=Phase.IMPLEMENTATION)
    client = client_for("clerk")
    assert client.get(reverse("performance:progress", args=[2024])).status_code == 200
    response = client.get(reverse("performance:progress_chase", args=[2024]))
    assert response.status_code == 200
    assert len(list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)) == 1
