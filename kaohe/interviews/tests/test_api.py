"""The interviews API: the same write functions and checks as the pages, refusals named in Chinese."""

from kaohe.audit.models import AuditEntry
from kaohe.interviews import selectors
from kaohe.interviews.models import Interview, Interviewee
from kaohe.interviews.tests.conftest import MARKER, leader


def put_json(client, path, body):
    return client.put(path, body, content_type="application/json")


def record_body(world, **changes):
    cadres = world["roster"]["cadres"]
    body = {
        "held_on": "2025-12-03",
        "interviewers": ["assessor", "partner"],
        "interviewee_name": "张思佳",
        "interviewee_post": "党工委书记",
        "team": {"工作实绩": "完成较好"},
        "cadres": [{"cadre_id": cadres["a2"].pk, "comments": {"德": "好"}, "grade": "称职"}],
        "problems": MARKER,
        "problem_tags": ["服务群众"],
    }
    body.update(changes)
    return body


def test_an_assessor_lists_excuses_and_records_over_the_api(world, client_for, cast):
    client = client_for("assessor")
    unit = world["unit"].pk
    added = client.post(
        f"/api/interviews/2025/units/{unit}/people",
        {"kind": "middle", "name": "周中层"},
        content_type="application/json",
    )
    assert added.status_code == 201
    excused = client.post(
        f"/api/interviews/2025/people/{added.json()['id']}/excuse",
        {"reason": "病假"},
        content_type="application/json",
    )
    assert excused.json()["excused_reason"] == "病假"
    person = leader(world)
    refused = put_json(client, f"/api/interviews/2025/people/{person.pk}/record", record_body(world))
    assert refused.status_code == 403  # the pledge first
    assert client.post("/api/interviews/2025/pledge").json()["acknowledged"] is True
    saved = put_json(client, f"/api/interviews/2025/people/{person.pk}/record", record_body(world))
    assert saved.status_code == 200
    read = client.get(f"/api/interviews/2025/people/{person.pk}/record").json()
    assert read["problems"] == MARKER and read["cadres"][0]["name"] == "李明"
    detail = client.get(f"/api/interviews/2025/units/{unit}").json()
    assert detail["missing"] == 1 + 3  # 李明, and three staff representatives
    assert {p["name"]: (p["heard"], p["excused"]) for p in detail["people"]}["周中层"] == (False, True)


def test_a_bad_record_is_refused_whole_with_each_problem_named(world, client_for):
    client = client_for("assessor")
    client.post("/api/interviews/2025/pledge")
    person = leader(world)
    body = record_body(world, interviewers=["assessor"], problem_tags=["乱写"])
    body["cadres"][0]["grade"] = "很好"
    response = put_json(client, f"/api/interviews/2025/people/{person.pk}/record", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "谈话人：至少需要 2 名不同的谈话人" in detail
    assert "李明的推荐等次：“很好”不是等次" in detail
    assert "问题类别：“乱写”不是问题类别" in detail
    assert not Interview.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="interview.create").exists()


def test_a_cadre_of_another_unit_cannot_be_graded_in_this_units_record(world, client_for):
    client = client_for("assessor")
    client.post("/api/interviews/2025/pledge")
    body = record_body(world)
    body["cadres"] = [{"cadre_id": world["roster"]["cadres"]["b1"].pk, "grade": "不称职"}]
    response = put_json(client, f"/api/interviews/2025/people/{leader(world).pk}/record", body)
    assert response.status_code == 422 and "不是本单位参加考核的干部" in response.json()["detail"]


def test_the_outline_over_the_api_is_drafted_then_saved_sealed(world, client_for):
    client = client_for("assessor")
    client.post("/api/interviews/2025/pledge")
    person = leader(world)
    draft = client.get(f"/api/interviews/2025/people/{person.pk}/outline").json()
    assert draft["saved"] is False and "谈话提纲" in draft["text"]
    assert (
        put_json(client, f"/api/interviews/2025/people/{person.pk}/outline", {"text": MARKER}).status_code
        == 200
    )
    assert MARKER not in Interviewee.objects.get(pk=person.pk).outline.sealed
    assert client.get(f"/api/interviews/2025/people/{person.pk}/outline").json() == {
        "text": MARKER,
        "saved": True,
    }


def test_a_leader_cannot_be_added_by_hand(world, client_for):
    response = client_for("assessor").post(
        f"/api/interviews/2025/units/{world['unit'].pk}/people",
        {"kind": "leader", "name": "冒充"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "班子成员按名册生成" in response.json()["detail"]


def test_the_units_list_gives_coverage_without_names(world, client_for):
    body = client_for("committee").get("/api/interviews/2025/units").json()
    assert [u["unit"] for u in body] == ["东城街道", "西山镇"]
    assert (
        "people" not in body[0]
        and body[0]["missing"] == selectors.unit_coverage(world["cycle"], world["unit"]).missing
    )


def test_the_openapi_schema_lists_the_interview_paths(world, client_for):
    paths = client_for("organiser").get("/api/openapi.json").json()["paths"]
    assert "/api/interviews/{year}/people/{person_id}/record" in paths
    assert "/api/interviews/{year}/units/{unit_id}/summary" in paths
