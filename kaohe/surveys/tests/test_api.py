"""Public surveys through the JSON API: the organiser's, with the pages' actions, forms and the k rule."""

import io
import json

from openpyxl import load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import Phase
from kaohe.surveys import actions
from kaohe.surveys.models import PublicSurvey, SurveyCode

API = "/api/surveys/2025"
JSON = "application/json"


def send(client, method, url, data=None):
    return getattr(client, method)(url, json.dumps(data or {}), content_type=JSON)


def answer(survey, codes, choices):
    for code, choice in zip(codes, choices, strict=False):
        actions.survey_answer(survey=survey, choice=choice, comment=f"{choice}的意见", code=code)


def test_the_organiser_lists_and_creates_surveys(world, client_for):
    client = client_for("organiser")
    listed = client.get(API).json()
    assert listed["count"] == 2
    assert [(s["unit_code"], s["mode"], s["is_open"], s["code_count"]) for s in listed["items"]] == [
        ("DW01", "codes", True, 5),
        ("DW02", "open", True, 0),
    ]
    assert listed["items"][0]["public_url"].endswith(f"/s/{world['codes_survey'].token}/")
    response = send(client, "post", API, {"unit_code": "DW03", "mode": "codes"})
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["unit_code"], made["category"], made["is_open"]) == ("DW03", "政府部门", False)
    assert AuditEntry.objects.filter(action="survey.create").count() == 3
    again = send(client, "post", API, {"unit_code": "DW01", "mode": "codes"})
    assert again.status_code == 422
    assert again.json()["errors"] == {"unit_code": ["单位「DW01」不是本年度参加考核的单位，或已有公众评议"]}


def test_a_category_gets_its_surveys_at_once(world, client_for):
    world["codes_survey"].delete()
    response = send(client_for("organiser"), "post", f"{API}/bulk", {"category": "乡镇街道", "mode": "open"})
    assert response.status_code == 201
    assert [s["unit_code"] for s in response.json()] == ["DW01"]  # B has one already
    unknown = send(client_for("organiser"), "post", f"{API}/bulk", {"category": "无此类别"})
    assert unknown.json()["errors"] == {"category": ["单位类别「无此类别」没有本年度参加考核的单位"]}


def test_codes_are_generated_listed_and_printed(world, client_for):
    client = client_for("organiser")
    pk = world["codes_survey"].pk
    refused = send(client, "post", f"{API}/{pk}/codes", {"count": 0})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"count": ["生成数量至少为 1"]}
    made = send(client, "post", f"{API}/{pk}/codes", {"count": 3})
    assert made.status_code == 201
    assert made.json() == {"batch": 2, "count": 3}
    codes = client.get(f"{API}/{pk}/codes?batch=2").json()
    assert len(codes) == 3 and all(not c["used"] for c in codes)
    stored = set(SurveyCode.objects.filter(survey_id=pk, batch=2).values_list("code", flat=True))
    assert {c["code"].replace("-", "") for c in codes} == stored
    assert all(c["url"].endswith(f"?c={c['code'].replace('-', '')}") for c in codes)
    pdf = client.get(f"{API}/{pk}/codes/pdf?batch=2")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(client.get(f"{API}/{pk}/codes/xlsx").content))["评议码"]
    assert sheet.max_row == 1 + 8  # the header and both batches
    detail = client.get(f"{API}/{pk}").json()
    assert detail["batches"] == [{"batch": 1, "total": 5, "used": 0}, {"batch": 2, "total": 3, "used": 0}]
    # An open-link survey has no codes to give.
    assert send(client, "post", f"{API}/{world['open_survey'].pk}/codes", {"count": 3}).json()["errors"] == {
        "non_field_errors": ["公开链接方式的评议不使用评议码。"]
    }


def test_a_survey_is_opened_and_closed(world, client_for):
    client = client_for("organiser")
    pk = world["codes_survey"].pk
    closed = send(client, "post", f"{API}/{pk}/close")
    assert closed.status_code == 200
    assert (closed.json()["is_open"], closed.json()["taking_answers"]) == (False, False)
    assert send(client, "post", f"{API}/{pk}/open").json()["is_open"] is True
    new = send(client, "post", API, {"unit_code": "DW03", "mode": "codes"}).json()
    no_codes = send(client, "post", f"{API}/{new['id']}/open")
    assert no_codes.status_code == 422
    assert no_codes.json()["errors"] == {"non_field_errors": ["请先生成评议码，再开放评议。"]}


def test_results_are_withheld_below_k(world, client_for, settings):
    settings.MIN_GROUP_SIZE = 3
    survey, codes = world["codes_survey"], world["codes"]
    answer(survey, codes, ["满意", "不满意"])
    client = client_for("organiser")
    detail = client.get(f"{API}/{survey.pk}").json()
    assert detail["results"] == {"total": 2, "counts": None, "score": None}
    assert detail["comments"] == [] and detail["min_responses"] == 3
    assert client.get(API).json()["items"][0]["results"]["counts"] is None
    settings.MIN_GROUP_SIZE = 2
    shown = client.get(f"{API}/{survey.pk}").json()
    assert shown["results"] == {"total": 2, "counts": {"满意": 1, "基本满意": 0, "不满意": 1}, "score": "50"}
    assert sorted(shown["comments"]) == ["不满意的意见", "满意的意见"]


def test_settings_are_checked_as_on_the_page(world, client_for):
    client = client_for("organiser")
    pk = world["codes_survey"].pk
    settings_in = {
        "mode": "codes",
        "question": "您满意吗？",
        "satisfied_value": 90,
        "basic_value": 95,
        "unsatisfied_value": 0,
    }
    refused = send(client, "put", f"{API}/{pk}", settings_in)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"basic_value": ["基本满意分值（95）不能高于满意分值（90）"]}
    saved = send(client, "put", f"{API}/{pk}", settings_in | {"basic_value": "70.5"})
    assert saved.status_code == 200
    assert (saved.json()["question"], saved.json()["basic_value"]) == ("您满意吗？", "70.5")


def test_an_answered_survey_is_not_deleted(world, client_for):
    client = client_for("organiser")
    survey = world["codes_survey"]
    answer(survey, world["codes"], ["满意"])
    refused = client.delete(f"{API}/{survey.pk}")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"non_field_errors": ["已有公众作答的评议不能删除。"]}
    assert client.delete(f"{API}/{world['open_survey'].pk}").status_code == 204
    assert list(PublicSurvey.objects.values_list("unit__code", flat=True)) == ["DW01"]


def test_only_the_organiser_and_only_the_cycles_surveys(world, client_for):
    pk = world["codes_survey"].pk
    for role in ("committee", "assessor", "clerk", "liaison", "leader", "cadre"):
        client = client_for(role)
        assert client.get(API).status_code == 403
        assert client.get(f"{API}/{pk}/codes").status_code == 403
        assert send(client, "post", f"{API}/{pk}/close").status_code == 403
    client = client_for("organiser")
    assert client.get(f"/api/surveys/2024/{pk}").status_code == 404  # no such cycle
    assert client.get(f"{API}/999999").status_code == 404
    assert PublicSurvey.objects.get(pk=pk).is_open


def test_from_public_notice_surveys_are_fixed_and_closed_with_the_pages_sentence(world, client_for):
    cycle = world["cycle"]
    cycle.phase = Phase.PUBLIC_NOTICE
    cycle.save(update_fields=["phase"])
    client = client_for("organiser")
    pk = world["codes_survey"].pk
    created = send(client, "post", API, {"unit_code": "DW03"})
    assert created.status_code == 409
    assert created.json()["detail"] == "2025年度考核已进入公示阶段，公众评议不能再新增或修改。"
    assert send(client, "post", f"{API}/{pk}/codes", {"count": 0}).status_code == 409
    assert send(client, "post", f"{API}/{pk}/open").status_code == 409
    # Closing is always possible; the results stay readable.
    assert send(client, "post", f"{API}/{pk}/close").json()["is_open"] is False
    assert client.get(f"{API}/{pk}").status_code == 200
    assert PublicSurvey.objects.count() == 2


def test_the_list_costs_the_same_queries_for_more_surveys(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("organiser")

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(API).status_code == 200
        return len(queries)

    before = cost()
    send(client, "post", API, {"unit_code": "DW03", "mode": "open"})
    assert cost() == before
