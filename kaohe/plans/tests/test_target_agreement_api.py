"""Targets agreed up and down over JSON: the same write functions and scopes as the pages."""

import pytest

from kaohe.plans.models import TargetAgreement, TargetStep

BASE = "/api/cycles/2025/targets"
A = f"{BASE}/agreements/DW01"
LINES = [
    {"indicator": "A01", "content": "GDP 增长 6%", "amount": "6%", "deadline": "2025-12-31"},
    {"indicator": "A02", "content": "信访总量下降"},
]


@pytest.fixture
def setup(agreement_setup):
    return agreement_setup


def test_propose_return_revise_agree_over_json(setup, client_for):
    liaison = client_for("liaison")
    response = liaison.post(f"{A}/propose", {"targets": LINES}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "proposed" and response.json()["round"] == 1
    organiser = client_for("organiser")
    response = organiser.post(f"{A}/review", {"step": "return"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"] == {"step": ["退回须填写审核意见"]}
    response = organiser.post(
        f"{A}/review",
        {"step": "return", "comment": "偏低", "notes": {"A01": "6.5%"}},
        content_type="application/json",
    )
    assert response.json()["status"] == "returned"
    liaison = client_for("liaison")
    response = liaison.put(
        f"{A}/draft", {"targets": [{**LINES[0], "amount": "6.5%"}]}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["targets"][0]["amount"] == "6.5%"
    response = liaison.post(f"{A}/propose", {"note": "按意见调整"}, content_type="application/json")
    assert response.json()["round"] == 2
    organiser = client_for("organiser")
    response = organiser.post(f"{A}/agree", {}, content_type="application/json")
    body = response.json()
    assert body["status"] == "agreed"
    assert [(s["round"], s["kind"]) for s in body["steps"]] == [
        (1, "propose"),
        (1, "return"),
        (2, "propose"),
        (2, "agree"),
    ]
    assert (
        body["steps"][1]["notes"] == {"A01": "6.5%"} and body["steps"][2]["changes"][0]["indicator"] == "A01"
    )
    liaison = client_for("liaison")
    response = liaison.put(f"{A}/draft", {"targets": LINES}, content_type="application/json")
    assert response.status_code == 422 and "已认定锁定" in response.json()["detail"]


def test_refusals_name_the_field_and_write_nothing(setup, client_for):
    liaison = client_for("liaison")
    response = liaison.post(
        f"{A}/propose",
        {"targets": [{"indicator": "B01", "content": "x"}, LINES[0]]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"targets.0.indicator": ["单位类别「乡镇街道」没有指标「B01」"]}
    response = liaison.post(f"{A}/propose", {"targets": LINES[:1]}, content_type="application/json")
    assert response.status_code == 422 and "A02 社会治理" in response.json()["errors"]["targets"][0]
    assert not TargetStep.objects.exists() and not TargetAgreement.objects.exists()
    # Another unit's liaison: that unit is not in their scope.
    outsider = client_for("outsider")
    assert (
        outsider.post(f"{A}/propose", {"targets": LINES}, content_type="application/json").status_code == 404
    )
    assert client_for("clerk").get(f"{BASE}/agreements/DW03").status_code == 404


def test_the_list_is_scoped_and_filtered(setup, client_for):
    client_for("liaison").post(f"{A}/propose", {"targets": LINES}, content_type="application/json")
    rows = client_for("clerk").get(f"{BASE}/agreements").json()
    assert [(r["unit_code"], r["status"], r["late"]) for r in rows] == [
        ("DW01", "proposed", False),
        ("DW02", "draft", True),
    ]
    rows = client_for("organiser").get(f"{BASE}/agreements", {"status": "late"}).json()
    assert [r["unit_code"] for r in rows] == ["DW02", "DW03"]


def test_the_setting_over_json(setup, client_for):
    organiser = client_for("organiser")
    response = organiser.put(f"{BASE}/setting", {"mode": "bogus"}, content_type="application/json")
    assert response.status_code == 422 and "mode" in response.json()["errors"]
    response = organiser.put(f"{BASE}/setting", {"mode": "direct"}, content_type="application/json")
    assert response.json() == {"mode": "direct", "due": None}
