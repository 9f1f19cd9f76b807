"""The performance inputs through the JSON API: the same actions, forms and scopes as the pages.

Each role writes its own input; a role without it gets 403 before anything is looked up, and an object
outside the account's scope (another unit's evidence, another department's indicator, a unit outside the
assessor's groups) is not found (404). Refusals carry the page's messages under the field they concern.
"""

import io
import json

from openpyxl import Workbook, load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.performance.models import (
    Adjustment,
    AdjustmentStatus,
    Evidence,
    IndicatorScore,
    LeaderRating,
    Sanction,
    SelfEvaluation,
    Verification,
    Veto,
)
from kaohe.performance.tests.conftest import PDF, D, set_phase, upload
from kaohe.plans.models import Phase

API = "/api/performance/2025"
JSON = "application/json"


def send(client, method, url, data):
    return getattr(client, method)(url, json.dumps(data), content_type=JSON)


# --- the unit liaison's self-evaluation ------------------------------------------------------------------------


def test_a_liaison_lists_their_units_indicators_and_saves_a_self_evaluation_with_evidence(world, client_for):
    client = client_for("liaison")
    rows = client.get(f"{API}/self-evaluations").json()
    assert [(r["indicator_code"], r["claimed"]) for r in rows] == [("ZB01", None), ("ZB02", None)]
    response = client.post(
        f"{API}/self-evaluations/ZB01",
        {"claimed": "88.5", "narrative": "完成", "files": [upload("报告.pdf"), upload("照片.pdf")]},
    )
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["claimed"] == "88.5" and saved["narrative"] == "完成"
    assert [e["name"] for e in saved["evidence"]] == ["报告.pdf", "照片.pdf"]
    evaluation = SelfEvaluation.objects.get()
    assert (evaluation.unit.code, evaluation.claimed) == ("DW01", D("88.5"))
    assert AuditEntry.objects.filter(action="self_evaluation.create").count() == 1
    evidence = saved["evidence"][0]["id"]
    download = client.get(f"/api/performance/evidence/{evidence}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # The assessor of unit A's group reads it too; the liaison of unit B does not find it.
    assert client_for("assessor").get(f"/api/performance/evidence/{evidence}").status_code == 200
    assert client_for("outsider").get(f"/api/performance/evidence/{evidence}").status_code == 404
    assert client_for("outsider").delete(f"/api/performance/evidence/{evidence}").status_code == 404
    assert client_for("liaison").delete(f"/api/performance/evidence/{evidence}").status_code == 204
    assert list(Evidence.objects.values_list("name", flat=True)) == ["照片.pdf"]


def test_a_bad_score_or_file_is_refused_by_field_and_nothing_is_saved(world, client_for):
    client = client_for("liaison")
    response = client.post(f"{API}/self-evaluations/ZB01", {"claimed": "105"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"claimed": ["「105」超出 0–100"]}
    renamed = client.post(
        f"{API}/self-evaluations/ZB01", {"claimed": "80", "files": [upload("病毒.exe", b"MZ\x90\x00")]}
    )
    assert renamed.status_code == 422
    assert renamed.json()["errors"]["files"] == [
        "「病毒.exe」的类型不允许上传，只接受 pdf、jpg、png、docx、xlsx 文件"
    ]
    fake = client.post(
        f"{API}/self-evaluations/ZB01", {"claimed": "80", "files": [upload("假.pdf", b"GIF89a")]}
    )
    assert "内容与扩展名 .pdf 不符" in fake.json()["errors"]["files"][0]
    assert not SelfEvaluation.objects.exists() and not Evidence.objects.exists()


def test_the_evidence_size_limit_of_the_page_holds(world, client_for, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    response = client_for("liaison").post(
        f"{API}/self-evaluations/ZB01", {"claimed": "80", "files": [upload("大.pdf", PDF)]}
    )
    assert response.status_code == 422
    assert "每个文件不能超过" in response.json()["errors"]["files"][0]


def test_a_liaison_reaches_only_their_own_units_indicators(world, client_for):
    # ZB03 is an indicator of 政府部门, not of the liaison's 乡镇街道 unit.
    response = client_for("liaison").post(f"{API}/self-evaluations/ZB03", {"claimed": "80"})
    assert response.status_code == 404
    # The liaison of unit B writes B's own self-evaluation, never A's: theirs lists only B's rows.
    client_for("outsider").post(f"{API}/self-evaluations/ZB01", {"claimed": "70"})
    assert [(e.unit.code, e.claimed) for e in SelfEvaluation.objects.all()] == [("DW02", 70)]
    assert client_for("liaison").get(f"{API}/self-evaluations").json()[0]["claimed"] is None


def test_other_roles_cannot_self_evaluate(world, client_for):
    for role in ("organiser", "clerk", "assessor", "leader", "committee", "cadre"):
        assert client_for(role).post(f"{API}/self-evaluations/ZB01", {"claimed": "80"}).status_code == 403
        assert client_for(role).get(f"{API}/self-evaluations").status_code == 403


# --- the department clerk's scores ------------------------------------------------------------------------------


def scores():
    return {
        (s.unit.code, s.indicator.name): s.score
        for s in IndicatorScore.objects.select_related("unit", "indicator")
    }


def test_a_clerk_reads_and_writes_their_departments_cells(world, client_for):
    client = client_for("clerk")
    grid = client.get(f"{API}/scores").json()
    assert grid["department_code"] == "BM01"
    assert [(c["unit_code"], c["indicator_code"]) for c in grid["cells"]] == [
        ("DW01", "ZB01"),
        ("DW02", "ZB01"),
        ("DW03", "ZB01"),
        ("DW03", "ZB03"),
    ]
    cells = [
        {"unit_code": "DW01", "indicator_code": "ZB01", "score": 88},
        {"unit_code": "DW02", "indicator_code": "ZB01", "score": "92.5"},
    ]
    response = send(client, "put", f"{API}/scores", {"cells": cells})
    assert response.json() == {"created": 2, "updated": 0, "deleted": 0, "unchanged": 0}
    assert scores() == {("DW01", "经济发展"): 88, ("DW02", "经济发展"): D("92.5")}
    cleared = send(
        client, "put", f"{API}/scores", {"cells": [{"unit_code": "DW01", "indicator_code": "ZB01"}]}
    )
    assert cleared.json()["deleted"] == 1
    assert client.get(f"{API}/scores").json()["cells"][1]["score"] == "92.5"


def test_a_bad_cell_is_named_and_nothing_is_saved(world, client_for):
    cells = [
        {"unit_code": "DW01", "indicator_code": "ZB01", "score": 80},
        {"unit_code": "DW03", "indicator_code": "ZB03", "score": 105},
    ]
    response = send(client_for("clerk"), "put", f"{API}/scores", {"cells": cells})
    assert response.status_code == 422
    assert response.json()["errors"] == {"cells.1.score": ["市财政局 · 服务质量: 「105」超出 0–100"]}
    assert not IndicatorScore.objects.exists()


def test_a_clerk_cannot_write_another_departments_indicator(world, client_for):
    # 乡镇街道 ZB02 社会治理 is 市统计局's.
    cells = [
        {"unit_code": "DW01", "indicator_code": "ZB01", "score": 80},
        {"unit_code": "DW01", "indicator_code": "ZB02", "score": 80},
    ]
    response = send(client_for("clerk"), "put", f"{API}/scores", {"cells": cells})
    assert response.status_code == 404
    assert "ZB02" in response.json()["detail"]
    assert not IndicatorScore.objects.exists()
    for role in ("organiser", "liaison", "assessor", "leader"):
        assert send(client_for(role), "put", f"{API}/scores", {"cells": cells[:1]}).status_code == 403


def sheet_with(content: bytes, changes: dict[str, object]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    for ref, value in changes.items():
        book["部门评分"][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_score_sheet_goes_down_and_comes_back_up(world, client_for):
    client = client_for("clerk")
    download = client.get(f"{API}/scores/sheet")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    # Rows: DW01, DW02 (乡镇街道), DW03 (政府部门); columns: 单位编码, 单位名称, ZB01, ZB03.
    filled = sheet_with(content, {"C2": 81, "C3": 82, "D4": 83})
    response = client.post(f"{API}/scores/sheet", {"file": upload("评分.xlsx", filled)})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3
    assert scores() == {("DW01", "经济发展"): 81, ("DW02", "经济发展"): 82, ("DW03", "服务质量"): 83}


def test_a_bad_sheet_is_refused_by_sheet_row_and_column(world, client_for):
    client = client_for("clerk")
    content = b"".join(client.get(f"{API}/scores/sheet").streaming_content)
    bad = sheet_with(content, {"C2": 81, "C3": "很好", "D2": 50})
    response = client.post(f"{API}/scores/sheet", {"file": upload("评分.xlsx", bad)})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["部门评分/3/ZB01"] == ["「很好」不是数字"]
    assert "没有本部门的指标ZB03" in errors["部门评分/2/ZB03"][0]
    assert not IndicatorScore.objects.exists()
    not_a_book = client.post(f"{API}/scores/sheet", {"file": upload("评分.xlsx", b"not a workbook")})
    assert not_a_book.status_code == 422
    assert client.post(f"{API}/scores/sheet").json()["errors"] == {"file": ["请选择要上传的评分表（.xlsx）"]}


def test_an_empty_workbook_names_the_missing_sheet(world, client_for):
    out = io.BytesIO()
    Workbook().save(out)
    response = client_for("clerk").post(f"{API}/scores/sheet", {"file": upload("空.xlsx", out.getvalue())})
    assert response.status_code == 422
    assert any("部门评分" in key or "部门评分" in m[0] for key, m in response.json()["errors"].items())


# --- verification and ratings ----------------------------------------------------------------------------------


def test_an_assessor_verifies_a_unit_of_their_group(world, client_for):
    client = client_for("assessor")
    assert [u["unit_code"] for u in client.get(f"{API}/verifications").json()] == ["DW01"]
    response = send(client, "put", f"{API}/verifications/DW01/ZB01", {"score": 85, "reason": "台账齐全"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "unit_code": "DW01",
        "indicator_code": "ZB01",
        "score": "85",
        "reason": "台账齐全",
    }
    rows = client.get(f"{API}/verifications/DW01").json()
    assert [(r["indicator_code"], r["verified_score"]) for r in rows] == [("ZB01", "85"), ("ZB02", None)]
    unexplained = send(client, "put", f"{API}/verifications/DW01/ZB02", {"score": 85, "reason": " "})
    assert unexplained.status_code == 422
    assert unexplained.json()["errors"] == {"reason": ["请填写核验说明：核验得分必须说明理由"]}
    # Unit B is not in the assessor's 2025 group (only in last year's).
    assert (
        send(client, "put", f"{API}/verifications/DW02/ZB01", {"score": 85, "reason": "x"}).status_code == 404
    )
    assert client.get(f"{API}/verifications/DW02").status_code == 404
    assert Verification.objects.count() == 1
    assert send(client_for("clerk"), "put", f"{API}/verifications/DW01/ZB01", {"score": 1}).status_code == 403


def test_a_leader_rates_units_and_reads_only_their_own_ratings(world, client_for):
    client = client_for("leader")
    response = send(client, "put", f"{API}/ratings/DW02", {"score": "90", "comment": "好"})
    assert response.status_code == 200
    assert response.json()["score"] == "90"
    assert [(r["unit_code"], r["score"]) for r in client.get(f"{API}/ratings").json()] == [
        ("DW01", None),
        ("DW02", "90"),
        ("DW03", None),
    ]
    refused = send(client, "put", f"{API}/ratings/DW01", {"score": 100.12345})
    assert refused.json()["errors"] == {"score": ["「100.12345」超出 0–100"]}
    assert send(client, "put", f"{API}/ratings/DW04", {"score": 80}).status_code == 404  # not assessed
    assert send(client_for("organiser"), "put", f"{API}/ratings/DW01", {"score": 80}).status_code == 403
    assert LeaderRating.objects.count() == 1


def test_a_closed_phase_is_a_409_with_the_pages_sentence_before_the_input_is_read(world, client_for):
    set_phase(world["cycle"], Phase.PUBLIC_NOTICE)
    closed = "2025年度考核已进入公示阶段，录入已截止，不能再新增或修改。"
    response = send(client_for("leader"), "put", f"{API}/ratings/DW01", {"score": 80})
    assert response.status_code == 409
    assert response.json()["detail"] == closed
    bad_input = send(
        client_for("clerk"),
        "put",
        f"{API}/scores",
        {"cells": [{"unit_code": "DW01", "indicator_code": "ZB01", "score": 105}]},
    )
    assert (bad_input.status_code, bad_input.json()["detail"]) == (409, closed)
    assert client_for("liaison").post(f"{API}/self-evaluations/ZB01", {"claimed": "80"}).status_code == 409
    assert not LeaderRating.objects.exists() and not IndicatorScore.objects.exists()
    # Out of scope is still not found, and another role still refused, whatever the phase.
    assert send(client_for("leader"), "put", f"{API}/ratings/DW04", {"score": 80}).status_code == 404
    assert send(client_for("organiser"), "put", f"{API}/ratings/DW01", {"score": 80}).status_code == 403


# --- the organiser's adjustments, vetoes and sanctions ------------------------------------------------------------


def test_an_adjustment_is_proposed_then_approved_once(world, client_for):
    client = client_for("organiser")
    response = client.post(
        f"{API}/adjustments",
        {
            "target": "DW01",
            "kind": "加分",
            "points": "2",
            "reason": "获省级表彰",
            "evidence": upload("表彰.pdf"),
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["target_kind"], made["points"], made["status"], made["evidence"]) == (
        "unit",
        "2",
        "proposed",
        True,
    )
    listed = client.get(f"{API}/adjustments?status=proposed").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == made["id"]
    evidence = client.get(f"{API}/adjustments/{made['id']}/evidence")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == PDF
    decided = send(client, "post", f"{API}/adjustments/{made['id']}/decide", {"decision": "approve"})
    assert decided.json()["status"] == "approved"
    again = send(client, "post", f"{API}/adjustments/{made['id']}/decide", {"decision": "reject"})
    assert again.status_code == 422
    assert again.json()["errors"] == {"decision": ["这条加减分已经已批准，不能再审批"]}
    assert Adjustment.objects.get().status == AdjustmentStatus.APPROVED
    assert client_for("assessor").get(f"{API}/adjustments").status_code == 403


def test_an_adjustment_on_an_unknown_target_names_the_field(world, client_for):
    response = client_for("organiser").post(
        f"{API}/adjustments", {"target": "DW99", "kind": "扣分", "points": "0", "reason": ""}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["target"] == ["「DW99」不是2025年度考核参加考核的单位或干部的编码"]
    assert errors["points"] == ["分值「0」应大于 0"]
    assert errors["reason"] == ["请填写加减分原因"]
    assert not Adjustment.objects.exists()


def test_a_veto_needs_its_evidence_and_can_be_deleted(world, client_for):
    client = client_for("organiser")
    bare = client.post(f"{API}/vetoes", {"target": "GB001", "item": "安全生产事故"})
    assert bare.status_code == 422
    assert bare.json()["errors"] == {"evidence": ["一票否决必须附佐证材料"]}
    response = client.post(
        f"{API}/vetoes", {"target": "GB001", "item": "安全生产事故", "evidence": upload("通报.pdf")}
    )
    assert response.status_code == 201
    veto = response.json()
    assert (veto["target_kind"], veto["target_code"]) == ("cadre", "GB001")
    assert client.get(f"{API}/vetoes?target=cadre").json()["count"] == 1
    assert client.get(f"{API}/vetoes/{veto['id']}/evidence").status_code == 200
    assert client.delete(f"{API}/vetoes/{veto['id']}").status_code == 204
    assert not Veto.objects.exists()
    assert client.delete(f"{API}/vetoes/{veto['id']}").status_code == 404


def test_sanctions_are_recorded_listed_and_deleted(world, client_for):
    client = client_for("organiser")
    unknown = send(client, "post", f"{API}/sanctions", {"cadre": "GB999", "name": "政务警告", "year": 2025})
    assert unknown.json()["errors"] == {"cadre": ["干部编码「GB999」不存在"]}
    wrong_year = send(client, "post", f"{API}/sanctions", {"cadre": "GB001", "name": "政务警告", "year": 25})
    assert wrong_year.json()["errors"] == {"year": ["生效年度应为四位年份，如 2025"]}
    response = send(client, "post", f"{API}/sanctions", {"cadre": "GB001", "name": "政务警告", "year": 2025})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.get(f"{API}/sanctions?sanction_year=2025").json()["items"][0]["cadre_code"] == "GB001"
    assert client.delete(f"{API}/sanctions/{pk}").status_code == 204
    assert not Sanction.objects.exists()
    assert send(client_for("leader"), "post", f"{API}/sanctions", {"cadre": "GB001"}).status_code == 403


# --- progress -----------------------------------------------------------------------------------------------------


def test_progress_as_each_role_may_see_it(world, client_for):
    SelfEvaluation.objects.create(
        cycle=world["cycle"], unit=world["units"]["a"], indicator=world["indicators"]["economy"], claimed=80
    )
    report = client_for("organiser").get(f"{API}/progress").json()
    assert report["scope"] == "all" and report["unit_count"] == 3
    first = report["units"][0]
    assert (first["code"], first["self_evaluations"], first["indicators"]) == ("DW01", 1, 2)
    assert any(item["who"] == "单位联络员" for item in first["chase"])
    assessor = client_for("assessor").get(f"{API}/progress").json()
    assert [u["code"] for u in assessor["units"]] == ["DW01"]
    clerk = client_for("clerk").get(f"{API}/progress?missing=true&limit=1").json()
    assert clerk["scope"] == "department" and clerk["unit_count"] == 3 and len(clerk["units"]) == 1
    assert clerk["units"][0]["self_evaluations"] is None
    assert client_for("organiser").get(f"{API}/progress?group=999999").json()["errors"] == {
        "group": ["考核组 999999 不存在或不在您的范围内"]
    }
    for role in ("liaison", "leader", "committee"):
        assert client_for(role).get(f"{API}/progress").status_code == 403


def test_an_organisers_token_records_a_veto_audited_under_the_tokens_name(world, cast):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from kaohe.accounts.tokens import token_create

    issued = token_create(
        actor=cast["organiser"],
        name="督查系统",
        role="organiser",
        expires_at=timezone.now() + timedelta(days=1),
    )
    script = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    response = script.post(
        f"{API}/vetoes", {"target": "DW02", "item": "重大责任事故", "evidence": upload("通报.pdf")}
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(action="veto.create")
    assert "令牌 督查系统" in entry.actor_name
    # A committee token reads nothing of the inputs.
    committee = token_create(
        actor=cast["organiser"], name="只读", role="committee", expires_at=timezone.now() + timedelta(days=1)
    )
    assert Client(HTTP_AUTHORIZATION=f"Bearer {committee.secret}").get(f"{API}/vetoes").status_code == 403


def test_the_adjustments_list_costs_the_same_queries_for_more_entries(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("organiser")

    def propose(target):
        fields = {"target": target, "kind": "扣分", "points": "1", "reason": "督查通报"}
        assert client.post(f"{API}/adjustments", fields).status_code == 201

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/adjustments").status_code == 200
        return len(queries)

    propose("DW01")
    before = cost()
    propose("GB001")
    propose("DW03")
    assert cost() == before


def test_the_list_to_chase_downloads_as_on_the_progress_page(world, client_for):
    response = client_for("organiser").get(f"{API}/progress/chase")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["待催办"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in rows} >= {"DW01", "DW02", "DW03"}
    assert client_for("liaison").get(f"{API}/progress/chase").status_code == 403
