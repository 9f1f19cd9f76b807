"""The fieldwork API: the same rules as the pages, and access denied to everyone else."""

from __future__ import annotations

from datetime import date

import pytest

from kaohe.fieldwork.models import ConflictDeclaration, VisitAssignment

pytestmark = pytest.mark.django_db


def test_the_organiser_reads_progress_and_schedules(visit, client_for):
    client = client_for("organiser")
    body = client.get("/api/fieldwork/2025/progress").json()
    assert body["count"] == 1 and body["visits"][0]["unit"] == "DW01"
    assert [i["key"] for i in body["visits"][0]["items"]][:2] == ["duty_report", "evaluation"]
    response = client.put(
        f"/api/fieldwork/2025/visits/{visit.pk}/schedule",
        {"entry_on": "2025-12-01", "documents_on": "2020-01-01"},
        content_type="application/json",
    )
    assert (
        response.status_code == 422 and "查阅资料日期（2020-01-01）早于进点日期" in response.json()["detail"]
    )
    response = client.put(
        f"/api/fieldwork/2025/visits/{visit.pk}/schedule",
        {"entry_on": "2020-01-01", "documents_on": "2020-01-02"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["late"] == 1


def test_an_assessor_marks_but_cannot_schedule(visit, client_for):
    client = client_for("assessor")
    response = client.post(
        f"/api/fieldwork/2025/visits/{visit.pk}/mark",
        {"item": "documents", "done": "2025-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert next(i for i in response.json()["items"] if i["key"] == "documents")["done"]
    visit.refresh_from_db()
    assert visit.documents_done == date(2025, 12, 1)
    assert (
        client.put(
            f"/api/fieldwork/2025/visits/{visit.pk}/schedule", {}, content_type="application/json"
        ).status_code
        == 403
    )


def test_assigning_a_flagged_member_needs_a_reason(visit, former, client_for):
    client = client_for("organiser")
    url = f"/api/fieldwork/2025/visits/{visit.pk}/assign"
    response = client.post(url, {"username": "assessor2"}, content_type="application/json")
    assert response.status_code == 422 and "须回避" in response.json()["errors"]["reason"][0]
    response = client.post(
        url, {"username": "assessor2", "reason": "经批准"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["reason"] == "经批准" and response.json()["flags"]
    assert client.post(url, {"username": "clerk"}, content_type="application/json").status_code == 422
    assert VisitAssignment.objects.count() == 1


def test_conflicts_are_declared_only_by_assessors_for_themselves(cycle, cast, client_for):
    payload = {"unit": "DW01", "kind": "kin", "detail": "叔父"}
    assert (
        client_for("assessor")
        .post("/api/fieldwork/2025/conflicts", payload, content_type="application/json")
        .status_code
        == 200
    )
    assert ConflictDeclaration.objects.get().user == cast["assessor"]
    assert (
        client_for("organiser")
        .post("/api/fieldwork/2025/conflicts", payload, content_type="application/json")
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    "role", ["committee", "clerk", "liaison", "leader", "cadre", "outsider", "auditadmin"]
)
def test_every_other_role_is_denied(role, visit, client_for):
    client = client_for(role)
    assert client.get("/api/fieldwork/2025/progress").status_code == 403
    assert client.get(f"/api/fieldwork/2025/visits/{visit.pk}").status_code == 403
    mark = client.post(
        f"/api/fieldwork/2025/visits/{visit.pk}/mark",
        {"item": "documents", "done": None},
        content_type="application/json",
    )
    assert mark.status_code == 403


def test_an_assessor_of_another_group_gets_404(roster, visit, cycle, client_for):
    from kaohe.plans.models import AssessmentGroup

    roster["group"].members.clear()
    AssessmentGroup.objects.create(cycle=cycle, name="第二考核组")
    assert client_for("assessor").get(f"/api/fieldwork/2025/visits/{visit.pk}").status_code == 404


def test_anonymous_is_refused(visit, client):
    assert client.get("/api/fieldwork/2025/progress").status_code == 401


def test_the_openapi_schema_lists_the_fieldwork_paths(client_for, roster):
    schema = client_for("organiser").get("/api/openapi.json").json()
    paths = {p: sorted(m) for p, m in schema["paths"].items() if p.startswith("/api/fieldwork/")}
    assert paths == {
        "/api/fieldwork/{year}/progress": ["get"],
        "/api/fieldwork/{year}/visits/{pk}": ["get"],
        "/api/fieldwork/{year}/visits/{pk}/schedule": ["put"],
        "/api/fieldwork/{year}/visits/{pk}/mark": ["post"],
        "/api/fieldwork/{year}/visits/{pk}/assign": ["post"],
        "/api/fieldwork/{year}/conflicts": ["post"],
    }
