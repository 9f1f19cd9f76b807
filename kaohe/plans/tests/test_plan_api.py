"""The cycles API: GET cycles, cycles/{year} with the plan's settings, cycles/{year}/indicators."""

from decimal import Decimal

import pytest

from kaohe.plans.models import AssessmentCycle, AssessmentPlan, Indicator

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")
READERS = ("organiser", "committee", "leader")
ENDPOINTS = ("/api/cycles/", "/api/cycles/2025", "/api/cycles/2025/indicators")


@pytest.fixture
def cycle(roster):
    cycle = AssessmentCycle.objects.get(year=2025)
    AssessmentPlan.objects.create(cycle=cycle, settings={"cadre_excellent_ratio": "15%"}, notes="方案说明")
    Indicator.objects.create(
        cycle=cycle,
        category=roster["categories"]["towns"],
        code="A01",
        name="经济发展",
        weight=Decimal("60.5"),
        department=roster["department"],
        method="按完成率",
    )
    Indicator.objects.create(
        cycle=cycle, category=roster["categories"]["depts"], code="B01", name="服务", weight=100
    )
    return cycle


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ENDPOINTS)
def test_each_endpoint_answers_readers_and_refuses_the_rest(cycle, client_for, role, url):
    response = client_for(role).get(url)
    assert response.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_callers_are_refused(cycle, client_for, url):
    assert client_for(None).get(url).status_code == 401


def test_an_unknown_year_is_not_found(cycle, client_for):
    client = client_for("organiser")
    assert client.get("/api/cycles/2019").status_code == 404
    assert client.get("/api/cycles/2019/indicators").status_code == 404


def test_the_cycle_list(cycle, client_for):
    data = client_for("leader").get("/api/cycles/").json()
    assert [(c["year"], c["phase"], c["phase_label"], c["plan_frozen"]) for c in data] == [
        (2025, "preparation", "准备", False)
    ]


def test_a_cycle_carries_its_plan_settings_with_defaults(cycle, client_for):
    data = client_for("committee").get("/api/cycles/2025").json()
    assert data["name"] == "2025年度考核" and data["notes"] == "方案说明"
    assert data["counts"]["indicators"] == 2
    settings = {s["name"]: s for s in data["settings"]}
    assert settings["干部优秀比例"]["value"] == "15%" and settings["干部优秀比例"]["default"] == "20%"
    assert settings["班子优秀比例"] == {
        "field": "team_excellent_ratio",
        "name": "班子优秀比例",
        "value": "",
        "default": "20%",
        "effective": "20%",
        "help": "领导班子优秀等次名额比例",
    }
    assert "年度" not in settings


def test_the_indicators_of_a_cycle(cycle, client_for):
    data = client_for("organiser").get("/api/cycles/2025/indicators").json()
    assert data[0] == {
        "id": Indicator.objects.get(code="A01").pk,
        "category_id": cycle.indicators.get(code="A01").category_id,
        "category": "乡镇街道",
        "code": "A01",
        "name": "经济发展",
        "weight": "60.5000",
        "method": "按完成率",
        "department_code": "BM01",
        "department_name": "市发改委",
    }
    towns = client_for("organiser").get("/api/cycles/2025/indicators", {"category": "政府部门"}).json()
    assert [i["code"] for i in towns] == ["B01"]
