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
