"""述职述廉 over JSON: the same checks, scopes and late list as the pages."""

from __future__ import annotations

from datetime import date

import pytest

from kaohe.dutyreports.models import DutyReport
from kaohe.dutyreports.tests.conftest import PDF, docx_bytes, upload

pytestmark = pytest.mark.django_db


def post(client, **fields):
    file = fields.pop("file", None) or upload()
    return client.post("/api/dutyreports/2025/reports", {**fields, "file": file})


def test_a_liaison_hands_in_its_units_report(client_for, cycle):
    response = post(client_for("liaison"), kind="duty", unit="DW01", summary="全年工作摘要")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "DW01" and body["status"] == "on_time" and body["summary"] == "全年工作摘要"
    file = client_for("assessor").get(f"/api/dutyreports/2025/reports/{body['report']}/file")
    assert file.status_code == 200 and b"".join(file.streaming_content) == docx_bytes()


def test_a_file_refused_by_its_bytes_is_named_under_file(client_for, cycle):
    response = post(client_for("liaison"), kind="duty", unit="DW01", file=upload("x.pdf", b"not a pdf"))
    assert response.status_code == 422
    assert "「x.pdf」的内容与扩展名 .pdf 不符" in response.json()["errors"]["file"][0]
    assert not DutyReport.objects.exists()


def test_out_of_scope_targets_are_not_found(client_for, cycle):
    assert post(client_for("liaison"), kind="duty", unit="DW02").status_code == 404
    cadre = client_for("cadre")
    assert post(cadre, kind="duty", cadre="GB001").status_code == 404
    assert post(cadre, kind="duty", cadre="GB002", file=upload("a.pdf", PDF)).status_code == 201


def test_a_cadre_has_no_selection_report_to_hand_in(client_for, cycle):
    response = post(client_for("cadre"), kind="selection", cadre="GB002")
    assert response.status_code == 422 and "kind" in response.json()["errors"]


def test_the_late_list_and_the_setting(client_for, cycle):
    organiser = client_for("organiser")
    bad = organiser.put(
        "/api/dutyreports/2025/setting", {"deadline": "2025-13-01"}, content_type="application/json"
    )
    assert bad.status_code == 422
    done = organiser.put(
        "/api/dutyreports/2025/setting",
        {"deadline": "2020-12-20", "integrity_required": False, "selection_required": False},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["deadline"] == "2020-12-20"
    assert post(client_for("liaison"), kind="duty", unit="DW01").status_code == 201
    organiser = client_for("organiser")  # one test client, signed in again
    late = organiser.get("/api/dutyreports/2025/reports?late=true").json()
    assert late["deadline"] == "2020-12-20"
    assert len(late["reports"]) == 5  # 2 teams + 3 cadres, 述职报告 only
    statuses = {r["code"]: r["status"] for r in late["reports"]}
    assert statuses.pop("DW01") == "late" and set(statuses.values()) == {"overdue"}
    assert late["counts"]["overdue"] == 4
    assert organiser.get("/api/dutyreports/2025/reports?status=soon").status_code == 422
    mine = client_for("assessor").get("/api/dutyreports/2025/reports").json()
    assert {r["code"] for r in mine["reports"]} == {"DW01", "GB001", "GB002"}
    assert date.fromisoformat(late["deadline"]).year == 2020


def test_the_phase_gate_is_a_409_with_its_sentence(client_for, cycle):
    """As in every router: a write the cycle's phase does not allow is a conflict, not bad input."""
    cycle.phase = "completed"
    cycle.save()
    response = post(client_for("liaison"), kind="duty", unit="DW01")
    assert response.status_code == 409 and response.json()["detail"]
    setting = client_for("organiser").put(
        "/api/dutyreports/2025/setting", {"deadline": "2025-12-20"}, content_type="application/json"
    )
    assert setting.status_code == 409 and "考核方案已锁定" in setting.json()["detail"]
    assert not DutyReport.objects.exists()
