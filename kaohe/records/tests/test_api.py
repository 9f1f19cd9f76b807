"""The records API: the same actions and selectors as the pages, with the same scopes and refusals."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.records.models import ListItem, QuarterlyGrade, RegularOverride, Visit

from .helpers import book, item

JSON = "application/json"


def post(client, url, data, method="post"):
    return getattr(client, method)(url, json.dumps(data), content_type=JSON)


def test_a_liaison_files_a_line_and_sees_no_note_after_verification(year, cast, client_for):
    client = client_for("liaison")
    response = post(
        client, "/api/records/2025/items", {"month": 4, "kind": "progress", "content": "完成两个"}
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert ListItem.objects.get(pk=pk).unit.code == "DW01"
    verified = post(client_for("assessor"), f"/api/records/2025/items/{pk}/verify", {"note": "属实"})
    assert verified.json()["verification_note"] == "属实"
    mine = client_for("liaison").get("/api/records/2025/items?month=4").json()
    assert mine[0]["verified"] is True and mine[0]["verification_note"] is None


def test_a_bad_line_is_a_422_naming_the_field(year, cast, client_for):
    response = post(
        client_for("cadre"), "/api/records/2025/items", {"month": 13, "kind": "task", "content": " "}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "non_field_errors": ["月份「13」应为 1–12", "内容不能为空", "任务清单须填写完成时限"]
    }
    assert not ListItem.objects.exists()


def test_readers_cannot_file_or_verify(year, cast, roster, client_for):
    line = item(year, cast["liaison"], roster["units"]["a"])
    assert (
        post(
            client_for("committee"),
            "/api/records/2025/items",
            {"month": 4, "kind": "progress", "content": "x"},
        ).status_code
        == 403
    )
    # Roles that never verify are refused before the line is looked up, as on the page (the role matrix).
    assert post(client_for("committee"), f"/api/records/2025/items/{line.pk}/verify", {}).status_code == 403
    assert post(client_for("outsider"), f"/api/records/2025/items/{line.pk}/verify", {}).status_code == 403
    assert client_for("clerk").get("/api/records/2025/items").status_code == 403


def test_visits_are_recorded_by_the_group_and_hidden_from_owners(year, cast, roster, client_for):
    line = item(year, cast["liaison"], roster["units"]["a"])
    visit = {
        "unit_code": "DW01",
        "date": "2025-04-08",
        "method": "unannounced",
        "members": "王组长",
        "findings": "脱岗",
        "items": [line.pk],
    }
    assert post(client_for("assessor"), "/api/records/2025/visits", visit).status_code == 201
    assert (
        post(client_for("assessor"), "/api/records/2025/visits", visit | {"unit_code": "DW02"}).status_code
        == 422
    )
    assert post(client_for("leader"), "/api/records/2025/visits", visit).status_code == 403
    assert list(Visit.objects.get().items.all()) == [line]
    assert client_for("leader").get("/api/records/2025/visits").json()[0]["findings"] == "脱岗"
    assert client_for("liaison").get("/api/records/2025/visits").json() == []


def test_grades_and_the_override_through_the_api(year, cast, client_for):
    assessor = client_for("assessor")
    assert (
        post(assessor, "/api/records/2025/grades/GB002", {"quarter": 1, "grade": "较差"}, "put").status_code
        == 422
    )
    assert (
        post(
            assessor,
            "/api/records/2025/grades/GB002",
            {"quarter": 1, "grade": "较差", "reason": "迟报"},
            "put",
        ).status_code
        == 200
    )
    assert (
        post(assessor, "/api/records/2025/grades/GB004", {"quarter": 1, "grade": "好"}, "put").status_code
        == 403
    )
    assert QuarterlyGrade.objects.count() == 1
    assert client_for("cadre").get("/api/records/2025/grades").json() == [
        {"cadre_code": "GB002", "quarter": 1, "grade": "较差", "reason": None}
    ]
    organiser = client_for("organiser")
    assert post(organiser, "/api/records/2025/regular/GB002", {"score": "80"}, "put").status_code == 422
    response = post(
        organiser, "/api/records/2025/regular/GB002", {"score": "80", "reason": "复核后改定"}, "put"
    )
    assert response.json()["note"] == "平时考核 80 为考核办改定（理由：复核后改定；季度等次折算为 60）。"
    assert (
        post(
            client_for("assessor"), "/api/records/2025/regular/GB002", {"score": "90", "reason": "x"}, "put"
        ).status_code
        == 403
    )
    assert RegularOverride.objects.get().score == 80


def test_import_and_gaps_through_the_api(year, cast, client_for):
    upload = SimpleUploadedFile("三月.xlsx", book([("DW02", None, 3, "进度", "x", None, None, None)]))
    refused = client_for("liaison").post("/api/records/2025/items/import", {"month": 3, "file": upload})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"file": ["清单 第2行 单位编码: 只能导入本单位（DW01）的清单"]}
    upload = SimpleUploadedFile("三月.xlsx", book([("DW01", None, 3, "进度", "x", None, None, None)]))
    assert (
        client_for("liaison")
        .post("/api/records/2025/items/import", {"month": 3, "file": upload})
        .json()["created"]
        == 1
    )
    gaps = client_for("organiser").get("/api/records/2025/gaps?month=3").json()
    assert {g["unit_code"] for g in gaps} >= {"DW01"}
    assert client_for("cadre").get("/api/records/2025/gaps?month=3").status_code == 403


def test_the_openapi_schema_lists_the_records_paths(year, client_for):
    schema = client_for("organiser").get("/api/openapi.json").json()
    paths = {p: sorted(m) for p, m in schema["paths"].items() if p.startswith("/api/records/")}
    assert paths == {
        "/api/records/{year}/items": ["get", "post"],
        "/api/records/{year}/items/{item_id}/verify": ["post"],
        "/api/records/{year}/items/import": ["post"],
        "/api/records/{year}/gaps": ["get"],
        "/api/records/{year}/visits": ["get", "post"],
        "/api/records/{year}/grades": ["get"],
        "/api/records/{year}/grades/{cadre_code}": ["put"],
        "/api/records/{year}/regular/{cadre_code}": ["get", "put"],
    }
