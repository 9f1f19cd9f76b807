"""Dossiers (考核档案): a cadre's and a team's grades and flags across years, with the posts over time; who
may open which."""

import json
from datetime import date

import pytest
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.org.models import Position
from kaohe.performance.models import PriorGrade
from kaohe.results import actions
from kaohe.results.dossier import cadre_dossier, team_dossier
from kaohe.results.models import VoidScope
from kaohe.results.tests.sealed_data import sealed_world

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")

# The cast: the assessor's group visits unit A (东城街道); the liaison is unit A's, the outsider unit B's;
# the cadre is 李明 (a2, unit A). Cadre a1 is 张思佳 (unit A), c2 钱伟 (unit C).
CADRE_ACCESS = {
    "a2": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 200, "cadre": 200},
    "a1": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 200, "cadre": 404},
    "c2": {"organiser": 200, "committee": 200, "leader": 200, "assessor": 404, "cadre": 404},
}
TEAM_ACCESS = {
    "a": {
        "organiser": 200,
        "committee": 200,
        "leader": 200,
        "assessor": 200,
        "liaison": 200,
        "outsider": 404,
    },
    "b": {
        "organiser": 200,
        "committee": 200,
        "leader": 200,
        "assessor": 404,
        "liaison": 404,
        "outsider": 200,
    },
    "c": {
        "organiser": 200,
        "committee": 200,
        "leader": 200,
        "assessor": 404,
        "liaison": 404,
        "outsider": 404,
    },
}


@pytest.fixture
def sealed(world, cast, roster):
    return sealed_world(world, cast, roster)


def cadre_url(cadre):
    return reverse("results:cadre_dossier", args=[cadre.pk])


def team_url(unit):
    return reverse("results:team_dossier", args=[unit.pk])


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("who", sorted(CADRE_ACCESS))
def test_every_role_gets_a_cadres_dossier_or_a_refusal(client_for, sealed, roster, role, who):
    expected = CADRE_ACCESS[who].get(role, 403)  # liaisons and clerks: no cadre dossiers at all
    assert client_for(role).get(cadre_url(roster["cadres"][who])).status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", sorted(TEAM_ACCESS))
def test_every_role_gets_a_teams_dossier_or_a_refusal(client_for, sealed, roster, role, which):
    expected = TEAM_ACCESS[which].get(role, 403)  # clerks and cadres: no team dossiers
    assert client_for(role).get(team_url(roster["units"][which])).status_code == expected


def test_an_unknown_dossier_is_404(client_for, sealed):
    assert client_for("organiser").get(reverse("results:cadre_dossier", args=[99999])).status_code == 404
    assert client_for("organiser").get(reverse("results:team_dossier", args=[99999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client_for, sealed, roster):
    response = client_for(None).get(cadre_url(roster["cadres"]["a2"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- content -----------------------------------------------------------------------------------------------


def test_a_cadres_dossier_has_the_final_results_and_earlier_grades_newest_first(sealed, roster):
    dossier = cadre_dossier(roster["cadres"]["a2"])
    assert [(y.year, y.grade, y.source) for y in dossier.years] == [
        (2025, "称职", "final"),
        (2024, "优秀", "prior"),
        (2023, "称职", "prior"),
    ]
    this_year = dossier.years[0]
    assert str(this_year.composite) == "91.11" and this_year.rank == 1 and this_year.pool_size == 5
    assert this_year.flags == ["并列待定"] and this_year.manual
    assert this_year.unit_name == "东城街道" and this_year.post == "办事处主任"
    assert dossier.chart() == {
        "title": "李明",
        "years": ["2023", "2024", "2025"],
        "composite": [None, None, 91.11],
        "grades": ["称职", "优秀", "称职"],
    }


def test_a_final_result_takes_the_place_of_an_imported_grade_of_the_same_year(sealed, roster):
    PriorGrade.objects.create(cadre=roster["cadres"]["c2"], year=2025, grade="优秀")
    [year] = cadre_dossier(roster["cadres"]["c2"]).years
    assert (year.year, year.grade, year.source) == (2025, "基本称职", "final")


def test_a_teams_dossier_has_its_years_and_its_members_over_time(sealed, roster):
    unit, cadres = roster["units"]["a"], roster["cadres"]
    Position.objects.create(
        cadre=cadres["b1"], unit=unit, title="原党工委副书记", start=date(2018, 1, 1), end=date(2020, 12, 31)
    )
    dossier = team_dossier(unit)
    assert dossier.name == "东城街道领导班子"
    assert [(y.year, y.grade) for y in dossier.years] == [(2025, "优秀"), (2024, "良好")]
    assert [(p.cadre.name, p.end) for p in dossier.positions] == [
        ("张思佳", None),
        ("李明", None),
        ("王建国", date(2020, 12, 31)),
    ]


def test_the_page_shows_years_flags_positions_and_the_charts_data(client_for, sealed, roster):
    page = client_for("cadre").get(cadre_url(roster["cadres"]["a2"])).content.decode()
    assert "往年等次（导入）" in page
    assert "并列待定" in page
    assert "办事处主任" in page and "2021-03-01" in page
    data = page.split('<script id="dossier-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["composite"] == [None, None, 91.11]
    assert "dossier-charts.js" in page
    assert "<script>" not in page  # CSP: the data is JSON, the code a static file


def test_a_dossier_without_any_year_says_so(client_for, world, roster):
    page = client_for("organiser").get(cadre_url(roster["cadres"]["c1"])).content.decode()
    assert "暂无已定档的考核结果或往年等次" in page
    assert "dossier-data" not in page


def test_a_voided_year_is_shown_as_void(client_for, sealed, cast, roster):
    actions.result_void(
        actor=cast["organiser"], cycle=sealed.cycle, run=sealed.run, scope=VoidScope.UNIT,
        unit=roster["units"]["a"], reason="考核结果失实",
    )  # fmt: skip
    dossier = team_dossier(roster["units"]["a"])
    assert dossier.years[0].void
    assert dossier.chart()["composite"] == [None, None]
    page = client_for("liaison").get(team_url(roster["units"]["a"])).content.decode()
    assert "无效，待重新考核" in page


def test_only_finalised_cycles_count(client_for, world, roster):
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    assert cadre_dossier(roster["cadres"]["a2"]).years == []


def test_the_dossier_costs_a_fixed_number_of_queries(
    client_for, sealed, roster, django_assert_max_num_queries
):
    client = client_for("organiser")
    with django_assert_max_num_queries(17):  # the team's 16 and the principal's own items
        assert client.get(cadre_url(roster["cadres"]["a2"])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(team_url(roster["units"]["a"])).status_code == 200
