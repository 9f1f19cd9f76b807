"""The cycle, its plan and its participants written through the API: the pages' forms and write functions,
their refusals by field, the phase gate's 409."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentPlan,
    Indicator,
    Phase,
)

pytestmark = pytest.mark.django_db


def send(client, method, url, body=None):
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json")


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


@pytest.fixture
def cycle(roster):
    return AssessmentCycle.objects.get(year=2025)


def freeze(cycle):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.EVALUATION)


# --- cycles -----------------------------------------------------------------------------------------------


def test_an_organiser_creates_a_cycle_copying_last_years_plan_indicators_and_groups(roster, cast, organiser):
    last = AssessmentCycle.objects.get(year=2025)
    AssessmentPlan.objects.create(cycle=last, settings={"cadre_excellent_ratio": "15%"}, notes="依据文件")
    Indicator.objects.create(
        cycle=last, category=roster["categories"]["towns"], code="A01", name="经济", weight=100
    )
    body = {"year": 2026, "copy_plan": True, "copy_indicators": True, "copy_groups": True}
    response = send(organiser, "post", "/api/cycles/", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["year"], data["name"], data["phase"], data["notes"]) == (
        2026,
        "2026年度考核",
        "preparation",
        "依据文件",
    )
    assert data["counts"]["indicators"] == 1 and data["counts"]["groups"] == 1
    assert {s["field"]: s["value"] for s in data["settings"]}["cadre_excellent_ratio"] == "15%"
    entry = AuditEntry.objects.get(action="cycle.create")
    assert entry.actor == cast["organiser"] and entry.after["copied_from"] == 2025


def test_a_cycle_of_a_year_that_exists_is_refused_by_field(cycle, organiser):
    response = send(organiser, "post", "/api/cycles/", {"year": 2025})
    assert response.status_code == 422
    assert response.json()["errors"] == {"year": ["2025 年度的考核已存在"]}
    assert response.json()["detail"] == "2025 年度的考核已存在"  # the label is in the message already
    assert AssessmentCycle.objects.count() == 1


def test_a_cycle_without_a_year_or_with_nothing_to_copy_is_refused(cycle, organiser):
    assert send(organiser, "post", "/api/cycles/", {}).json()["errors"] == {"year": ["这个字段是必填项。"]}
    response = send(organiser, "post", "/api/cycles/", {"year": 2020, "copy_plan": True})
    assert response.status_code == 422
    assert response.json()["errors"] == {"non_field_errors": ["没有早于 2020 年度的考核，无可复制"]}
    assert not AssessmentCycle.objects.filter(year=2020).exists()


def test_the_name_and_timeline_change_and_only_what_is_given(cycle, organiser):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(completion_date=datetime.date(2026, 3, 1))
    response = send(
        organiser, "patch", "/api/cycles/2025", {"name": "二〇二五年度考核", "evaluation_date": "2026-01-10"}
    )
    assert response.status_code == 200, response.json()
    cycle.refresh_from_db()
    assert cycle.name == "二〇二五年度考核" and cycle.evaluation_date == datetime.date(2026, 1, 10)
    assert cycle.completion_date == datetime.date(2026, 3, 1)
    assert AuditEntry.objects.filter(action="cycle.update").count() == 1


def test_a_timeline_out_of_order_is_refused_by_field(cycle, organiser):
    body = {"implementation_date": "2025-06-01", "evaluation_date": "2025-05-01"}
    response = send(organiser, "patch", "/api/cycles/2025", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["evaluation_date"]
    assert "不能早于" in response.json()["errors"]["evaluation_date"][0]
    nameless = send(organiser, "patch", "/api/cycles/2025", {"name": ""}).json()
    assert nameless == {"detail": "名称：这个字段是必填项。", "errors": {"name": ["这个字段是必填项。"]}}
    cycle.refresh_from_db()
    assert cycle.implementation_date is None and cycle.name == "2025年度考核"


def test_advancing_moves_one_phase_and_a_repeat_is_refused(cycle, organiser):
    response = send(organiser, "post", "/api/cycles/2025/advance", {"from_phase": "preparation"})
    assert response.status_code == 200
    assert response.json()["phase"] == "implementation"
    assert response.json()["implementation_date"] == timezone.localdate().isoformat()
    again = send(organiser, "post", "/api/cycles/2025/advance", {"from_phase": "preparation"})
    assert again.status_code == 409 and "页面已过期" in again.json()["detail"]
    cycle.refresh_from_db()
    assert cycle.phase == Phase.IMPLEMENTATION


def test_advancing_into_evaluation_freezes_the_plan(cycle, organiser):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.IMPLEMENTATION)
    data = send(organiser, "post", "/api/cycles/2025/advance", {"from_phase": "implementation"}).json()
    assert (data["phase"], data["plan_frozen"]) == ("evaluation", True)
    response = send(organiser, "patch", "/api/cycles/2025/plan", {"notes": "改"})
    assert response.status_code == 409 and response.json()["detail"] == "已进入评定阶段，考核方案已锁定"


def test_a_completed_cycle_has_no_next_phase(cycle, organiser):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.COMPLETED)
    response = send(organiser, "post", "/api/cycles/2025/advance", {"from_phase": "completed"})
    assert response.status_code == 409 and response.json()["detail"] == "考核已完成，没有下一阶段"


# --- the plan ---------------------------------------------------------------------------------------------


def test_plan_settings_are_merged_by_name_or_field_and_audited(cycle, organiser):
    first = {"settings": {"干部优秀比例": "15%"}, "notes": "方案说明"}
    assert send(organiser, "patch", "/api/cycles/2025/plan", first).status_code == 200
    response = send(
        organiser, "patch", "/api/cycles/2025/plan", {"settings": {"team_excellent_ratio": "25%"}}
    )
    assert response.status_code == 200
    plan = AssessmentPlan.objects.get(cycle=cycle)
    assert plan.settings == {"cadre_excellent_ratio": "15%", "team_excellent_ratio": "25%"}
    assert plan.notes == "方案说明"
    rows = {s["name"]: s for s in response.json()["settings"]}
    assert rows["班子优秀比例"]["effective"] == "25%" and response.json()["notes"] == "方案说明"
    back = send(organiser, "patch", "/api/cycles/2025/plan", {"settings": {"干部优秀比例": ""}})
    assert back.status_code == 200
    assert AssessmentPlan.objects.get(cycle=cycle).settings == {"team_excellent_ratio": "25%"}
    assert AuditEntry.objects.filter(action="plan.update").count() == 3
    assert send(organiser, "get", "/api/cycles/2025/plan").json() == back.json()


def test_a_bad_setting_is_refused_under_its_field_and_nothing_is_saved(cycle, organiser):
    response = send(organiser, "patch", "/api/cycles/2025/plan", {"settings": {"干部优秀比例": "abc"}})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["settings.cadre_excellent_ratio"]
    assert response.json()["detail"].startswith("干部优秀比例：")
    unknown = send(
        organiser, "patch", "/api/cycles/2025/plan", {"settings": {"年度": "2024", "无此参数": "1"}}
    )
    assert set(unknown.json()["errors"]) == {"settings.年度", "settings.无此参数"}
    assert not AssessmentPlan.objects.filter(cycle=cycle).exists()


# --- participants -----------------------------------------------------------------------------------------


def test_enrolling_a_category_with_its_cadres_and_listing_them(roster, cycle, organiser):
    towns = roster["categories"]["towns"]
    response = send(organiser, "post", "/api/cycles/2025/units", {"category_id": towns.pk})
    assert response.status_code == 200 and response.json() == {"units": 2, "cadres": 3}
    again = send(organiser, "post", "/api/cycles/2025/units", {"unit_code": "DW03", "with_cadres": False})
    assert again.json() == {"units": 1, "cadres": 0}
    listed = organiser.get("/api/cycles/2025/units", {"category_id": towns.pk}).json()
    assert listed["count"] == 2
    assert [(u["unit_code"], u["category"], u["cadre_count"]) for u in listed["items"]] == [
        ("DW01", "乡镇街道", 2),
        ("DW02", "乡镇街道", 1),
    ]
    cadres = organiser.get("/api/cycles/2025/cadres", {"unit_code": "DW01"}).json()["items"]
    assert [(c["cadre_code"], c["principal"]) for c in cadres] == [("GB001", True), ("GB002", False)]
    assert AuditEntry.objects.filter(action="cycle.enrol").count() == 2


def test_enrolling_an_unknown_unit_or_category_is_refused_by_field(cycle, organiser):
    response = send(organiser, "post", "/api/cycles/2025/units", {"unit_code": "DW99"})
    assert response.status_code == 422 and response.json()["errors"] == {
        "unit_code": ["单位编码 DW99 不存在"]
    }
    category = send(organiser, "post", "/api/cycles/2025/units", {"category_id": 999999})
    assert list(category.json()["errors"]) == ["category_id"]
    assert not AssessedUnit.objects.exists()


def test_a_unit_is_marked_advanced_and_removed_with_its_cadres(roster, cycle, organiser):
    send(organiser, "post", "/api/cycles/2025/units", {"unit_code": "DW01"})
    item = AssessedUnit.objects.get(unit__code="DW01")
    marked = send(organiser, "patch", f"/api/cycles/2025/units/{item.pk}", {"advanced": True})
    assert marked.status_code == 200 and marked.json()["advanced"] is True
    item.refresh_from_db()
    assert item.advanced
    removed = organiser.delete(f"/api/cycles/2025/units/{item.pk}")
    assert removed.status_code == 200 and removed.json() == {"cadres_removed": 2}
    assert not AssessedUnit.objects.exists() and not AssessedCadre.objects.exists()
    assert organiser.delete(f"/api/cycles/2025/units/{item.pk}").status_code == 404


def test_a_cadres_marks_change_and_bad_ones_are_refused_by_field(roster, cycle, organiser):
    send(organiser, "post", "/api/cycles/2025/units", {"unit_code": "DW01"})
    item = AssessedCadre.objects.get(cadre__code="GB002")
    url = f"/api/cycles/2025/cadres/{item.pk}"
    response = send(organiser, "patch", url, {"regular": "85.5", "probation": True, "priority": "抗洪抢险"})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (Decimal(data["regular"]), data["probation"], data["priority"]) == (
        Decimal("85.5"),
        True,
        "抗洪抢险",
    )
    bad = send(organiser, "patch", url, {"regular": "150"})
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["regular"]
    item.refresh_from_db()
    assert item.regular == Decimal("85.5") and item.investigation is False
    assert organiser.delete(url).status_code == 204
    assert not AssessedCadre.objects.filter(pk=item.pk).exists()


def test_participants_are_fixed_once_the_plan_is(roster, cycle, organiser):
    send(organiser, "post", "/api/cycles/2025/units", {"unit_code": "DW01"})
    unit = AssessedUnit.objects.get()
    cadre = AssessedCadre.objects.first()
    freeze(cycle)
    for method, url, body in (
        ("post", "/api/cycles/2025/units", {"unit_code": "DW02"}),
        ("patch", f"/api/cycles/2025/units/{unit.pk}", {"advanced": True}),
        ("delete", f"/api/cycles/2025/units/{unit.pk}", None),
        ("patch", f"/api/cycles/2025/cadres/{cadre.pk}", {"probation": True}),
        ("delete", f"/api/cycles/2025/cadres/{cadre.pk}", None),
    ):
        response = send(organiser, method, url, body)
        assert response.status_code == 409, (method, url)
        assert response.json()["detail"] == "已进入评定阶段，考核方案已锁定"
    assert AssessedUnit.objects.count() == 1 and AssessedCadre.objects.count() == 2
    assert not AssessedUnit.objects.get().advanced


def test_a_participant_of_another_cycle_is_not_found(roster, cycle, organiser):
    other = AssessmentCycle.objects.create(year=2024, name="2024年度考核")
    item = AssessedUnit.objects.create(
        cycle=other, unit=roster["units"]["a"], category=roster["categories"]["towns"]
    )
    cadre = AssessedCadre.objects.create(cycle=other, cadre=roster["cadres"]["a1"], unit=roster["units"]["a"])
    assert (
        send(organiser, "patch", f"/api/cycles/2025/units/{item.pk}", {"advanced": True}).status_code == 404
    )
    assert organiser.delete(f"/api/cycles/2025/cadres/{cadre.pk}").status_code == 404
    assert AssessedCadre.objects.filter(pk=cadre.pk).exists()
