"""The API's refusals, as an attacker provokes them: always JSON, a status the schema lists, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/org/units", "/api/org/cadres"])
def test_multipart_without_a_boundary_is_a_400_even_anonymously(path):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # the CSRF check reads the body before anything else
    response = client.generic("POST", path, b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求体无法解析")


def test_multipart_without_a_boundary_is_a_400_when_signed_in_too(client_for, roster):
    response = client_for("organiser").generic(
        "POST", "/api/org/units", b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400


def test_a_body_that_does_not_fit_the_schema_gets_detail_as_a_string_naming_the_field(client_for, roster):
    response = client_for("organiser").post("/api/org/units", {"code": 1}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": "code：应为文本", "errors": {"code": ["应为文本"]}}


def test_anonymous_and_missing_answers_are_json_in_chinese(client_for, roster):
    assert Client().get("/api/org/units").json() == {"detail": "请先登录"}
    response = client_for("organiser").get("/api/org/units/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "不存在，或不在当前账号的范围内"}


def test_every_operation_documents_its_refusals(client_for, roster):
    schema = client_for("organiser").get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
    assert schema["components"]["schemas"]["ApiError"]["properties"]["detail"]["type"] == "string"


# Found by the fuzzer (kaohe/tests/test_api_fuzz.py) once the feedback, fieldwork and reports APIs joined it.


def test_every_refusal_is_documented_in_the_one_shape(client_for, roster):
    schema = client_for("organiser").get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "422"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/ApiError"}, (method, path, status)


def test_no_two_schemas_of_the_api_share_a_name():
    """The OpenAPI names a schema by its class: two classes of one name (feedback's and fieldwork's ItemOut,
    records' and fieldwork's VisitOut, two ErrorOut of different shapes) documented one for the other."""
    import importlib
    from pathlib import Path

    from ninja import Schema

    import kaohe

    owners: dict[str, set[str]] = {}
    modules = sorted(p.parent.name for p in Path(kaohe.__file__).parent.glob("*/api.py"))
    for name in [f"kaohe.{app}.api" for app in modules] + ["kaohe.api_errors", "kaohe.api_paging"]:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == name:
                owners.setdefault(value.__name__, set()).add(name)
    assert {cls: where for cls, where in owners.items() if len(where) > 1} == {}


@pytest.mark.parametrize(
    "path",
    [
        "/api/feedback/-1/letters",
        "/api/feedback/rectifications/-1",
        "/api/fieldwork/-1/progress",
        "/api/fieldwork/2025/visits/-1",
        "/api/reports/-1/",
        "/api/reports/2025/-1",
    ],
)
def test_a_negative_number_in_the_path_is_a_json_404_not_a_page(client_for, roster, path):
    response = client_for("organiser").get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "不存在，或不在当前账号的范围内"}


def test_a_word_in_place_of_a_number_is_a_422_naming_the_parameter(client_for, roster):
    response = client_for("organiser").get("/api/feedback/rectifications/abc")
    assert response.status_code == 422
    assert response.json()["errors"] == {"pk": ["应为整数"]}


def test_a_write_functions_refusal_is_a_422_under_the_field_it_concerns(client_for, cast, roster):
    from kaohe.feedback.models import Letter

    letter = Letter.objects.create(
        cycle=roster["group"].cycle, kind="team", unit=roster["units"]["a"], status="sent",
        recipient_name="张思佳", created_at="2026-01-05T09:00:00+08:00",
    )  # fmt: skip
    response = client_for("organiser").post(
        f"/api/feedback/2025/letters/{letter.pk}/talk",
        {"talk_on": "2026-01-06", "talk_by": "  "},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "谈话人：请填写反馈谈话的谈话人。",
        "errors": {"talk_by": ["谈话人：请填写反馈谈话的谈话人。"]},
    }


def test_an_unknown_choice_is_refused_by_the_schema_naming_the_field(client_for, roster):
    response = client_for("organiser").post(
        "/api/feedback/2025/letters/prepare", {"kind": "nope"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": ["不是有效的选项"]}


def test_a_place_longer_than_its_column_is_a_422_not_a_database_error(client_for, cast, roster):
    from kaohe.fieldwork import actions
    from kaohe.fieldwork.models import Visit

    actions.visits_open(actor=cast["organiser"], cycle=roster["group"].cycle)
    visit = Visit.objects.get(unit=roster["units"]["a"])
    response = client_for("organiser").put(
        f"/api/fieldwork/2025/visits/{visit.pk}/schedule",
        {"entry_place": "会" * 101},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"entry_place": ["过长"]}
    visit.refresh_from_db()
    assert visit.entry_place == ""


@pytest.mark.parametrize(
    ("method", "path", "answer"),
    [
        ("post", "/api/reports/2025/draft", 200),  # was shadowed by GET /{year}/{pk}: a 405
        ("get", "/api/reports/templates/team/docx", 200),
        ("get", "/api/reports/templates/nope/docx", 404),
    ],
)
def test_a_fixed_word_in_the_path_is_not_taken_for_a_number(client_for, roster, method, path, answer):
    response = getattr(client_for("organiser"), method)(path)
    assert response.status_code == answer


def test_a_nul_character_in_a_body_is_a_422_naming_the_field_on_every_database(client_for, cast, roster):
    """PostgreSQL refuses NUL in text: the write answered 404 there (its DataError) and stored it on SQLite."""
    from kaohe.fieldwork import actions
    from kaohe.fieldwork.models import Visit

    actions.visits_open(actor=cast["organiser"], cycle=roster["group"].cycle)
    visit = Visit.objects.get(unit=roster["units"]["a"])
    response = client_for("organiser").put(
        f"/api/fieldwork/2025/visits/{visit.pk}/schedule",
        {"entry_place": "会\x00议室"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "entry_place：不能包含空字符（\\x00）",
        "errors": {"entry_place": ["不能包含空字符（\\x00）"]},
    }
    visit.refresh_from_db()
    assert visit.entry_place == ""
    response = client_for("organiser").put(
        "/api/reports/2025/1/sections", {"sections": {"主要成绩": "\x00"}}, content_type="application/json"
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["sections"]


def test_a_nul_character_in_a_query_is_a_422_and_a_huge_number_a_404(client_for, cast, roster):
    """On PostgreSQL both are its DataError; the NUL answered 404 (不存在) like the number. SQLite compares
    the text and finds nothing."""
    from django.db import connection

    client = client_for("organiser")
    response = client.get("/api/records/2025/items?unit_code=a%00b")
    if connection.vendor == "postgresql":
        assert response.status_code == 422 and "空字符" in response.json()["detail"]
    else:
        assert response.status_code == 200 and response.json() == []
    assert client.get("/api/records/2025/items?unit_code=DW01").status_code == 200
    # A choice is checked before the database: not one of them, on either database.
    assert client.get("/api/feedback/rectifications?status=a%00b").status_code == 422
    assert client.get(f"/api/feedback/rectifications/{10**20}").status_code == 404
