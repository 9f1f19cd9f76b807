"""The roster API at /api/org/: the same access rules, validation and write functions as the pages."""

import pytest

from conftest import make_unit
from kaohe.audit.models import AuditEntry
from kaohe.org.models import Cadre, Unit

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")


def statuses(ok=(), forbidden=(), hidden=(), ok_status=200):
    table = {**dict.fromkeys(ok, ok_status), **dict.fromkeys(forbidden, 403), **dict.fromkeys(hidden, 404)}
    assert set(table) == set(ROLES)
    return table


def organiser_only(ok_status):
    return statuses(ok=["organiser"], forbidden=[r for r in ROLES if r != "organiser"], ok_status=ok_status)


UNIT_READERS = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "outsider"]
CADRE_READERS = ["organiser", "committee", "assessor", "liaison", "leader", "outsider"]


def unit_payload(r):
    return {
        "code": "DW09",
        "name": "南湖街道",
        "category_id": r["categories"]["towns"].pk,
        "parent_code": "DW01",
    }


def cadre_payload(r):
    return {
        "code": "GB009",
        "name": "周文博",
        "unit_code": "DW03",
        "title": "副局长",
        "birth_month": "1976-11",
    }


# (endpoint, method, path from the roster, body from the roster, expected status per role)
ENDPOINTS = [
    (
        "categories",
        "get",
        lambda r: "/api/org/categories",
        None,
        statuses(ok=UNIT_READERS, forbidden=["cadre"]),
    ),
    ("unit list", "get", lambda r: "/api/org/units", None, statuses(ok=UNIT_READERS, forbidden=["cadre"])),
    (
        "unit in scope",
        "get",
        lambda r: f"/api/org/units/{r['units']['a'].pk}",
        None,
        statuses(ok=UNIT_READERS[:-1], forbidden=["cadre"], hidden=["outsider"]),
    ),
    (
        "unit outside the assessor's group",
        "get",
        lambda r: f"/api/org/units/{r['units']['b'].pk}",
        None,
        statuses(
            ok=["organiser", "committee", "clerk", "leader", "outsider"],
            forbidden=["cadre"],
            hidden=["assessor", "liaison"],
        ),
    ),
    ("unit create", "post", lambda r: "/api/org/units", unit_payload, organiser_only(201)),
    (
        "unit update",
        "patch",
        lambda r: f"/api/org/units/{r['units']['b'].pk}",
        lambda r: {"name": "西山镇人民政府"},
        organiser_only(200),
    ),
    (
        "cadre list",
        "get",
        lambda r: "/api/org/cadres",
        None,
        statuses(ok=CADRE_READERS, forbidden=["clerk", "cadre"]),
    ),
    (
        "cadre in scope",
        "get",
        lambda r: f"/api/org/cadres/{r['cadres']['a2'].pk}",
        None,
        statuses(
            ok=["organiser", "committee", "assessor", "liaison", "leader", "cadre"],
            forbidden=["clerk"],
            hidden=["outsider"],
        ),
    ),
    (
        "cadre in another unit",
        "get",
        lambda r: f"/api/org/cadres/{r['cadres']['c1'].pk}",
        None,
        statuses(
            ok=["organiser", "committee", "leader"],
            forbidden=["clerk"],
            hidden=["assessor", "liaison", "cadre", "outsider"],
        ),
    ),
    ("cadre create", "post", lambda r: "/api/org/cadres", cadre_payload, organiser_only(201)),
    (
        "cadre update",
        "patch",
        lambda r: f"/api/org/cadres/{r['cadres']['a2'].pk}",
        lambda r: {"name": "李明远"},
        organiser_only(200),
    ),
    (
        "cadre move",
        "post",
        lambda r: f"/api/org/cadres/{r['cadres']['a2'].pk}/move",
        lambda r: {"unit_code": "DW02", "title": "镇长", "start": "2024-03-01"},
        organiser_only(201),
    ),
]


def call(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


MATRIX = [
    pytest.param(method, path, body, role, expected[role], id=f"{name}-{role}")
    for name, method, path, body, expected in ENDPOINTS
    for role in ROLES
]


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), MATRIX)
def test_each_endpoint_answers_each_role_as_the_access_rules_say(
    client_for, roster, method, path, body, role, status
):
    response = call(client_for(role), method, path(roster), body(roster) if body else None)
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    ("method", "path", "body"), [pytest.param(m, p, b, id=name) for name, m, p, b, _ in ENDPOINTS]
)
def test_anonymous_callers_get_401_from_every_endpoint(client_for, roster, method, path, body):
    before = AuditEntry.objects.count()
    assert call(client_for(None), method, path(roster), body(roster) if body else None).status_code == 401
    assert AuditEntry.objects.count() == before


def test_refused_writes_change_nothing(client_for, roster):
    before = Unit.objects.count(), Cadre.objects.count(), AuditEntry.objects.count()
    for role in ROLES[1:]:
        client = client_for(role)
        call(client, "post", "/api/org/units", unit_payload(roster))
        call(client, "post", "/api/org/cadres", cadre_payload(roster))
    assert (Unit.objects.count(), Cadre.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/org/units/999999"),
        ("patch", "/api/org/units/999999"),
        ("get", "/api/org/cadres/999999"),
        ("patch", "/api/org/cadres/999999"),
        ("post", "/api/org/cadres/999999/move"),
    ],
)
def test_missing_objects_are_404(client_for, roster, method, path):
    body = {"unit_code": "DW02", "title": "镇长", "start": "2024-03-01"} if path.endswith("move") else {}
    assert call(client_for("organiser"), method, path, body if method != "get" else None).status_code == 404


# --- reads -----------------------------------------------------------------------------------------------


def test_unit_list_is_paginated_and_filtered(client_for, roster):
    towns = roster["categories"]["towns"]
    Unit.objects.bulk_create([Unit(code=f"X{i:03}", name=f"单位{i}", category=towns) for i in range(60)])
    client = client_for("organiser")
    body = client.get("/api/org/units").json()
    assert body["count"] == 63 and len(body["items"]) == 50
    assert len(client.get("/api/org/units", {"page": 2}).json()["items"]) == 13
    depts = client.get("/api/org/units", {"category": roster["categories"]["depts"].pk}).json()
    assert [u["code"] for u in depts["items"]] == ["DW03"]


def test_unit_list_filters_by_parent(client_for, roster):
    make_unit("DW0101", "社区", roster["categories"]["towns"], roster["units"]["a"])
    body = client_for("organiser").get("/api/org/units", {"parent": roster["units"]["a"].pk}).json()
    assert body["items"] == [
        {
            "id": Unit.objects.get(code="DW0101").pk,
            "code": "DW0101",
            "name": "社区",
            "category_id": roster["categories"]["towns"].pk,
            "category_name": "乡镇街道",
            "parent_id": roster["units"]["a"].pk,
            "parent_code": "DW01",
            "parent_name": "东城街道",
        }
    ]


def test_assessor_lists_only_the_units_and_cadres_of_their_groups(client_for, roster):
    client = client_for("assessor")
    assert [u["code"] for u in client.get("/api/org/units").json()["items"]] == ["DW01"]
    assert [c["code"] for c in client.get("/api/org/cadres").json()["items"]] == ["GB001", "GB002"]


def test_cadre_list_filters_by_category_and_unit(client_for, roster):
    client = client_for("organiser")
    depts = client.get("/api/org/cadres", {"category": roster["categories"]["depts"].pk}).json()
    assert [c["code"] for c in depts["items"]] == ["GB004", "GB005"]
    unit_b = client.get("/api/org/cadres", {"unit": roster["units"]["b"].pk}).json()
    assert [(c["code"], c["current_title"], c["current_principal"]) for c in unit_b["items"]] == [
        ("GB003", "镇党委书记", True)
    ]


def test_cadre_detail_lists_the_positions(client_for, roster):
    body = client_for("cadre").get(f"/api/org/cadres/{roster['cadres']['a2'].pk}").json()
    assert body["name"] == "李明" and body["gender"] == "女" and body["birth_month"] == "1980-05"
    assert body["current_unit_code"] == "DW01"
    assert body["positions"] == [
        {
            "id": body["positions"][0]["id"],
            "unit_id": roster["units"]["a"].pk,
            "unit_code": "DW01",
            "unit_name": "东城街道",
            "title": "办事处主任",
            "principal": False,
            "start": "2021-03-01",
            "end": None,
        }
    ]


def test_categories_are_listed_in_order(client_for, roster):
    body = client_for("clerk").get("/api/org/categories").json()
    assert [c["name"] for c in body] == ["乡镇街道", "政府部门"]


# --- writes ----------------------------------------------------------------------------------------------


def test_organiser_creates_a_unit_through_the_api(client_for, roster):
    response = client_for("organiser").post(
        "/api/org/units", unit_payload(roster), content_type="application/json"
    )
    assert response.status_code == 201
    unit = Unit.objects.get(code="DW09")
    assert response.json()["id"] == unit.pk and unit.parent == roster["units"]["a"] and unit.team
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_unit_patch_changes_only_the_given_fields(client_for, roster):
    unit = roster["units"]["b"]
    response = client_for("organiser").patch(
        f"/api/org/units/{unit.pk}", {"parent_code": "DW01"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["parent_code"] == "DW01"
    unit.refresh_from_db()
    assert (unit.code, unit.name, unit.parent.code) == ("DW02", "西山镇", "DW01")
    # An explicit null clears the parent.
    client_for("organiser").patch(
        f"/api/org/units/{unit.pk}", {"parent_code": None}, content_type="application/json"
    )
    unit.refresh_from_db()
    assert unit.parent is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"code": "DW01"}, "code", "单位编码 DW01 已存在"),
        ({"category_id": 999}, "category_id", "单位类别不存在"),
        ({"parent_code": "DW99"}, "parent_code", "单位编码 DW99 不存在"),
        ({"name": ""}, "name", "这个字段是必填项。"),
    ],
)
def test_unit_create_refuses_bad_input_with_422_in_chinese(client_for, roster, body, field, message):
    payload = {**unit_payload(roster), **body}
    response = client_for("organiser").post("/api/org/units", payload, content_type="application/json")
    assert response.status_code == 422
    assert message in response.json()["errors"][field]
    assert message in response.json()["detail"]
    assert not Unit.objects.filter(code="DW09").exists()


def test_unit_patch_refuses_a_parent_cycle(client_for, roster):
    a = roster["units"]["a"]
    make_unit("DW0101", "社区", roster["categories"]["towns"], a)
    response = client_for("organiser").patch(
        f"/api/org/units/{a.pk}", {"parent_code": "DW0101"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "parent_code": ["上级单位 DW0101 是 DW01 的下级单位，不能互为上下级"]
    }


def test_organiser_creates_a_cadre_through_the_api(client_for, roster):
    response = client_for("organiser").post(
        "/api/org/cadres", cadre_payload(roster), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["current_unit_code"] == "DW03" and body["birth_month"] == "1976-11"
    assert [p["title"] for p in body["positions"]] == ["副局长"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"code": "GB001"}, "code", "干部编码 GB001 已存在"),
        ({"unit_code": "DW99"}, "unit_code", "单位编码 DW99 不存在"),
        ({"birth_month": "1976-13"}, "birth_month", "年月 1976-13 格式不对，应为 YYYY-MM，例如 1980-05"),
        ({"gender": "X"}, "gender", "性别只能是“男”或“女”，不能是 X"),
        ({"start": "2023-02-30"}, "start", "输入一个有效的日期。"),
    ],
)
def test_cadre_create_refuses_bad_input_with_422_in_chinese(client_for, roster, body, field, message):
    payload = {**cadre_payload(roster), **body}
    response = client_for("organiser").post("/api/org/cadres", payload, content_type="application/json")
    assert response.status_code == 422
    assert message in response.json()["errors"][field]
    assert not Cadre.objects.filter(code="GB009").exists() or field == "code"


def test_cadre_patch_changes_personal_fields_and_the_current_position_together(client_for, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("organiser").patch(
        f"/api/org/cadres/{cadre.pk}", {"gender": "男", "principal": True}, content_type="application/json"
    )
    assert response.status_code == 200
    cadre.refresh_from_db()
    assert cadre.gender == "男" and cadre.name == "李明" and cadre.birth_month.isoformat() == "1980-05-01"
    assert cadre.current_position.principal and cadre.current_position.title == "办事处主任"
    assert AuditEntry.objects.filter(action__in=["cadre.update", "position.update"]).count() == 2


def test_cadre_patch_saves_nothing_when_one_part_is_invalid(client_for, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("organiser").patch(
        f"/api/org/cadres/{cadre.pk}", {"name": "李明远", "title": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["这个字段是必填项。"]}
    assert "职务：这个字段是必填项。" in response.json()["detail"]
    cadre.refresh_from_db()
    assert cadre.name == "李明" and not AuditEntry.objects.exists()


def test_cadre_move_through_the_api_keeps_the_history(client_for, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("organiser").post(
        f"/api/org/cadres/{cadre.pk}/move",
        {"unit_code": "DW02", "title": "镇长", "start": "2024-03-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    positions = response.json()["positions"]
    assert [(p["unit_code"], p["end"]) for p in positions] == [("DW02", None), ("DW01", "2024-03-01")]


def test_cadre_move_refuses_a_start_before_the_current_position(client_for, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("organiser").post(
        f"/api/org/cadres/{cadre.pk}/move",
        {"unit_code": "DW02", "title": "镇长", "start": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["start"] == [
        "新职务的任职时间 2020-01-01 必须晚于现任职务的任职时间 2021-03-01"
    ]


# --- schema ----------------------------------------------------------------------------------------------


def test_openapi_schema_lists_the_roster_paths(client_for, roster):
    schema = client_for("organiser").get("/api/openapi.json").json()
    paths = {
        path: sorted(methods) for path, methods in schema["paths"].items() if path.startswith("/api/org/")
    }
    assert {
        "/api/org/categories": ["get"],
        "/api/org/units": ["get", "post"],
        "/api/org/units/{unit_id}": ["get", "patch"],
        "/api/org/cadres": ["get", "post"],
        "/api/org/cadres/{cadre_id}": ["get", "patch"],
        "/api/org/cadres/{cadre_id}/move": ["post"],
    }.items() <= paths.items()
    unit_list = schema["paths"]["/api/org/units"]["get"]
    assert {p["name"] for p in unit_list["parameters"]} >= {"q", "category", "parent", "page"}
    cadre_list = schema["paths"]["/api/org/cadres"]["get"]
    assert {p["name"] for p in cadre_list["parameters"]} >= {"q", "category", "unit", "page"}
    assert "422" in schema["paths"]["/api/org/units"]["post"]["responses"]


def test_missing_and_malformed_fields_get_chinese_messages_too(client_for, roster):
    client = client_for("organiser")
    response = client.post("/api/org/units", {"category_id": "abc"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "code": ["这个字段是必填项。"],
        "name": ["这个字段是必填项。"],
        "category_id": ["单位类别不存在"],
    }
    move = client.post(
        f"/api/org/cadres/{roster['cadres']['a2'].pk}/move", {}, content_type="application/json"
    )
    assert set(move.json()["errors"]) == {"unit_code", "title", "start"}


def test_a_list_filter_that_is_not_an_id_is_refused_in_chinese(client_for, roster):
    response = client_for("organiser").get("/api/org/cadres", {"unit": "DW01"})
    assert response.status_code == 422
    assert response.json()["detail"] == "参数 unit 应为整数 id，不能是 DW01"


@pytest.mark.parametrize("path", ["/api/org/units", "/api/org/cadres"])
def test_a_search_with_a_nul_character_is_no_500_on_postgresql_either(client_for, roster, path):
    response = client_for("organiser").get(path, {"q": "东\x00城"})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["org:unit_list", "org:cadre_list"])
def test_a_list_page_searched_with_a_nul_character_is_no_500(client_for, roster, name):
    from django.urls import reverse

    assert client_for("organiser").get(reverse(name), {"q": "\x00"}).status_code == 200
