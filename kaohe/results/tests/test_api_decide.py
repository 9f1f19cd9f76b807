"""The decide stage through /api/results/: the same write functions, role checks and refusals as the pages.

The world of conftest: a tie for the one cadre 优秀 (GB001, GB002), runs dated Friday 2 January 2026.
"""

from __future__ import annotations

import datetime
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from kaohe.accounts.actors import SystemActor
from kaohe.accounts.tokens import token_create
from kaohe.audit.models import AuditEntry
from kaohe.jobs.models import Job, JobStatus
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results import actions, selectors
from kaohe.results.models import Decision, Objection, PublicNotice, QuotaApproval, ResultVoid, Seal

ROLES = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]
READERS = {"organiser", "committee", "leader"}
DECIDERS = {"organiser", "committee"}
MANAGERS = {"organiser"}
API = "/api/results/2025"
MONDAY = "2026-01-05"


def signed_in(cast, role: str) -> Client:
    """A second client, signed in as ``role``: the tests' own client stays who it was."""
    client = Client()
    client.force_login(cast[role])
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def run(world):
    return actions.compute_run_create(actor=SystemActor("测试"), cycle=world)


def resolve(client, version=1, winner="GB001", loser="GB002"):
    for code, grade in ((winner, "优秀"), (loser, "称职")):
        response = post(
            client,
            f"{API}/runs/{version}/decisions",
            {"kind": "cadre", "code": code, "decision": "resolve", "grade": grade},
        )
        assert response.status_code == 201, response.json()


def publish(client, starts_on=MONDAY, days=5):
    return post(client, f"{API}/notices", {"starts_on": starts_on, "working_days": days})


# --- compute ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_start_a_compute_and_get_the_job_to_follow(world, client_for, role):
    client = client_for(role)
    response = post(client, f"{API}/runs", {"note": "第一次"})
    if role not in MANAGERS:
        assert response.status_code == 403
        assert not world.runs.exists() and not Job.objects.exists()
        return
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == f"/api/jobs/{job['id']}"
    assert (job["kind"], job["kind_label"], job["cycle"], job["url"]) == (
        "compute",
        "计算考核结果",
        2025,
        response["Location"],
    )
    # The tests' queue runs the job at once: it is done when the answer comes back.
    followed = client.get(response["Location"]).json()
    assert (followed["state"], followed["state_label"]) == ("done", "已完成")
    assert followed["summary"] == {"version": 1} and followed["errors"] == {}
    assert [r["version"] for r in client.get(f"{API}/runs").json()] == [1]
    assert world.runs.get().note == "第一次"


def test_a_compute_while_one_is_unfinished_is_409_naming_that_job(world, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for("organiser")
    first = post(client, f"{API}/runs")
    assert first.status_code == 202 and first.json()["state"] == "queued"
    second = post(client, f"{API}/runs")
    assert second.status_code == 409
    assert second["Location"] == first["Location"]
    assert "本年度考核正在计算" in second.json()["detail"] and first.json()["id"] in second.json()["detail"]
    assert Job.objects.count() == 1


def test_a_compute_refused_by_the_rules_is_a_finished_job_with_every_message(run, cast, client_for, world):
    resolve(client_for("committee"))
    actions.notice_publish(
        actor=cast["organiser"], cycle=world, run=run, starts_on=datetime.date(2026, 1, 5), working_days=5
    )
    actions.results_seal(actor=cast["organiser"], cycle=world, run=run, today=datetime.date(2026, 1, 12))
    client = client_for("organiser")
    job = client.get(post(client, f"{API}/runs")["Location"]).json()
    assert job["state"] == "done" and job["summary"] is None
    assert job["errors"] == {"non_field_errors": [selectors.FINALISED_MESSAGE]}
    assert world.runs.count() == 1


def test_a_compute_needs_no_body(world, client_for):
    response = client_for("organiser").post(f"{API}/runs", "", content_type="application/json")
    assert response.status_code == 202 and response.json()["state"] == "done"
    assert world.runs.get().note == ""


def test_a_compute_note_longer_than_the_pages_is_refused_by_field(world, client_for):
    response = post(client_for("organiser"), f"{API}/runs", {"note": "长" * 501})
    assert response.status_code == 422 and "note" in response.json()["errors"]
    assert not Job.objects.exists()


# --- decisions and approvals ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_organisers_and_the_committee_decide(run, client_for, role):
    response = post(
        client_for(role),
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB001", "decision": "resolve", "grade": "优秀"},
    )
    assert response.status_code == (201 if role in DECIDERS else 403)
    assert Decision.objects.exists() == (role in DECIDERS)
    if role in DECIDERS:
        made = response.json()
        assert (made["name"], made["grade"], made["computed_grade"], made["status"], made["run"]) == (
            "张思佳",
            "优秀",
            "待定",
            "active",
            1,
        )


def test_a_decision_refused_names_its_field_in_the_pages_words(run, client_for):
    client = client_for("committee")
    response = post(
        client,
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB005", "decision": "override", "grade": "基本称职", "reason": " "},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["调整「钱伟」的等次必须填写理由"]}
    response = post(
        client,
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB001", "decision": "resolve", "grade": "基本称职"},
    )
    assert response.json()["errors"] == {"grade": ["「基本称职」不是「张思佳」可选的等次（优秀、称职）"]}
    response = post(
        client,
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB003", "decision": "resolve", "grade": "优秀"},
    )
    assert response.json()["errors"] == {"code": ["「王建国」不是待定（计算等次：称职）"]}
    assert not Decision.objects.exists()


def test_a_decision_on_a_target_or_run_that_is_not_there_is_404(run, client_for):
    client = client_for("committee")
    body = {"kind": "cadre", "code": "GB999", "decision": "resolve", "grade": "优秀"}
    assert post(client, f"{API}/runs/1/decisions", body).status_code == 404
    body["code"] = "GB001"
    assert post(client, f"{API}/runs/2/decisions", body).status_code == 404
    assert post(client, "/api/results/2024/runs/1/decisions", body).status_code == 404


def test_a_decision_on_an_old_run_is_refused_as_stale(run, world, client_for):
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    response = post(
        client_for("committee"),
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB001", "decision": "resolve", "grade": "优秀"},
    )
    assert response.status_code == 422 and "已重新计算（现为第2次）" in response.json()["detail"]


def test_ties_resolved_show_in_the_pools_and_a_withdrawal_undoes_them(run, client_for, cast):
    client = client_for("committee")
    resolve(client)
    pool = next(p for p in client.get(f"{API}/pools").json() if p["kind"] == "cadre")
    assert (pool["excellent"], pool["pending"]) == (1, 0)
    decisions = client.get(f"{API}/decisions").json()
    assert {d["code"]: d["grade"] for d in decisions} == {"GB001": "优秀", "GB002": "称职"}
    pk = next(d["id"] for d in decisions if d["code"] == "GB001")
    response = post(client, f"{API}/decisions/{pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = post(client, f"{API}/decisions/{pk}/withdraw")
    assert again.status_code == 422 and "已不再有效" in again.json()["detail"]
    assert signed_in(cast, "leader").get(f"{API}/decisions").status_code == 200
    assert post(signed_in(cast, "leader"), f"{API}/decisions/{pk}/withdraw").status_code == 403
    pool = next(p for p in client.get(f"{API}/pools").json() if p["kind"] == "cadre")
    assert (pool["excellent"], pool["pending"]) == (0, 1)


def test_an_excess_over_the_quota_is_approved_with_a_reason(run, client_for, cast):
    client = client_for("committee")
    resolve(client)
    post(
        client,
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB002", "decision": "resolve", "grade": "优秀"},
    )
    url = f"{API}/runs/1/quota-approvals"
    response = post(client, url, {"kind": "cadre", "pool": "全部", "reason": ""})
    assert response.status_code == 422 and response.json()["errors"] == {
        "reason": ["批准名额池「全部」超额必须填写理由"]
    }
    response = post(client, url, {"kind": "team", "pool": "全部", "reason": "x"})
    assert response.status_code == 422 and "无需批准" in response.json()["errors"]["pool"][0]
    assert (
        post(signed_in(cast, "leader"), url, {"kind": "cadre", "pool": "全部", "reason": "x"}).status_code
        == 403
    )
    response = post(client, url, {"kind": "cadre", "pool": "全部", "reason": "两人并列且均表现突出"})
    assert response.status_code == 201
    assert (response.json()["excellent"], response.json()["quota"]) == (2, 1)
    assert QuotaApproval.objects.get().reason == "两人并列且均表现突出"
    pool = next(p for p in client.get(f"{API}/pools").json() if p["kind"] == "cadre")
    assert pool["approved"]


# --- 公示, objections, the seal ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_publish(run, client_for, role):
    resolve(client_for("committee"))
    response = publish(client_for(role))
    assert response.status_code == (201 if role in MANAGERS else 403)
    assert PublicNotice.objects.exists() == (role in MANAGERS)


def test_publishing_is_refused_while_a_tie_remains_and_before_the_runs_date(run, client_for):
    client = client_for("organiser")
    response = publish(client)
    assert (
        response.status_code == 422
        and "名额池「全部」（干部）仍有待定 2 个：张思佳、李明" in response.json()["detail"]
    )
    resolve(client)
    response = publish(client, starts_on="2025-12-16")
    assert response.status_code == 422
    assert response.json()["errors"]["starts_on"] == [
        "公示开始日期 2025-12-16 早于第1次计算的日期 2026-01-02；公示只能从计算之日起开始"
    ]
    response = publish(client, days=0)
    assert response.status_code == 422 and response.json()["errors"] == {
        "working_days": ["公示期至少 1 个工作日"]
    }
    assert publish(client, days=61).json()["errors"] == {"working_days": ["公示期最多 60 个工作日"]}
    assert not PublicNotice.objects.exists()


def test_publishing_is_refused_before_evaluation(run, world, client_for):
    resolve(client_for("committee"))
    AssessmentCycle.objects.filter(pk=world.pk).update(phase=Phase.IMPLEMENTATION)
    response = publish(client_for("organiser"))
    assert response.status_code == 422 and "尚未进入评定阶段" in response.json()["detail"]


def test_a_notice_runs_on_working_days_and_moves_the_cycle_to_public_notice(run, world, client_for, cast):
    client = client_for("organiser")
    resolve(client)
    response = publish(client, starts_on="2026-01-02", days=5)  # Friday: the run's own date
    assert response.status_code == 201
    notice = response.json()
    assert (notice["starts_on"], notice["ends_on"], notice["run"]) == ("2026-01-02", "2026-01-08", 1)
    assert [(e["code"], e.get("post")) for e in notice["excellent"]] == [
        ("DW01", None),
        ("GB001", "党工委书记"),
    ]
    world.refresh_from_db()
    assert world.phase == Phase.PUBLIC_NOTICE
    assert [n["id"] for n in signed_in(cast, "leader").get(f"{API}/notices").json()] == [notice["id"]]


def test_objections_are_recorded_and_handled_before_the_seal(run, world, client_for, cast):
    client = client_for("organiser")
    resolve(client)
    notice = publish(client).json()
    url = f"{API}/notices/{notice['id']}/objections"
    early = post(client, url, {"received_on": "2026-01-02", "subject": "张思佳", "content": "反映"})
    assert early.status_code == 422
    assert early.json()["errors"] == {"received_on": ["收到日期 2026-01-02 早于公示开始日期 2026-01-05"]}
    assert (
        post(
            signed_in(cast, "committee"), url, {"received_on": MONDAY, "subject": "x", "content": "y"}
        ).status_code
        == 403
    )
    response = post(client, url, {"received_on": MONDAY, "subject": "张思佳", "content": "反映其考勤问题"})
    assert response.status_code == 201
    objection = response.json()
    state = client.get(f"{API}/finalisation").json()
    assert state["problems"] == ["公示期间收到的反映还有 1 条尚未处理"]
    assert (state["notice"], state["notice_ends_on"], state["finalised"]) == (
        notice["id"],
        "2026-01-09",
        False,
    )
    refused = post(client, f"{API}/runs/1/finalise")
    assert refused.status_code == 422 and "还有 1 条尚未处理" in refused.json()["detail"]
    handle = f"{API}/objections/{objection['id']}/handle"
    assert post(client, handle, {"handling": " "}).json()["errors"] == {"handling": ["请填写处理情况"]}
    response = post(client, handle, {"handling": "经核实，反映不属实"})
    assert response.status_code == 200 and response.json()["handled_by"] == "organiser"
    assert Objection.objects.get().handling == "经核实，反映不属实"
    [shown] = client.get(f"{API}/notices").json()
    assert shown["objections"][0]["handling"] == "经核实，反映不属实"


def test_the_seal_waits_for_the_end_of_the_notice_on_todays_calendar(run, client_for):
    client = client_for("organiser")
    resolve(client)
    today = timezone.localdate()
    assert publish(client, starts_on=str(today), days=5).status_code == 201
    response = post(client, f"{API}/runs/1/finalise")
    assert response.status_code == 422 and "尚未期满（5 个工作日）" in response.json()["detail"]
    assert not Seal.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_finalise(run, client_for, role):
    resolve(client_for("committee"))
    publish(client_for("organiser"))
    response = post(client_for(role), f"{API}/runs/1/finalise")
    assert response.status_code == (201 if role in MANAGERS else 403)
    assert Seal.objects.exists() == (role in MANAGERS)


def test_the_sealed_results_are_read_back_with_the_decisions_applied(run, world, client_for, cast):
    client = client_for("organiser")
    assert client.get(f"{API}/final").status_code == 404
    resolve(client)
    publish(client)
    seal = post(client, f"{API}/runs/1/finalise").json()
    stored = Seal.objects.get()
    assert (seal["hash"], seal["algorithm"], seal["run"], seal["shown"]) == (
        stored.hash,
        stored.algorithm,
        1,
        stored.shown,
    )
    world.refresh_from_db()
    assert world.phase == Phase.COMPLETED
    final = signed_in(cast, "leader").get(f"{API}/final").json()
    assert final["seal"]["hash"] == stored.hash
    grades = {r["code"]: (r["grade"], r["computed_grade"], r["manual"]) for r in final["results"]}
    assert grades["GB001"] == ("优秀", "待定", True) and grades["GB002"] == ("称职", "待定", True)
    assert grades["GB003"] == ("称职", "称职", False)
    state = client.get(f"{API}/finalisation").json()
    assert state["finalised"] and state["problems"] == [selectors.FINALISED_MESSAGE]
    again = post(client, f"{API}/runs/1/finalise")
    assert again.status_code == 422 and "已定档封存" in again.json()["detail"]


# --- voids and re-runs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_void(run, client_for, role):
    body = {"scope": "cadre", "code": "GB005", "reason": "失实"}
    response = post(client_for(role), f"{API}/runs/1/void", body)
    assert response.status_code == (201 if role in MANAGERS else 403)
    assert ResultVoid.objects.exists() == (role in MANAGERS)


def test_a_void_names_what_is_missing_and_a_rerun_keeps_the_history(run, world, client_for, cast):
    client = client_for("organiser")
    url = f"{API}/runs/1/void"
    assert post(client, url, {"scope": "cadre", "reason": "失实"}).json()["errors"] == {
        "code": ["请填写要宣布无效的单位或干部的编码"]
    }
    assert post(client, url, {"scope": "cadre", "code": "GB999", "reason": "失实"}).json()["errors"] == {
        "code": ["编码「GB999」不是本年度考核的单位或干部"]
    }
    assert post(client, url, {"scope": "cadre", "code": "GB005", "reason": " "}).json()["errors"] == {
        "reason": ["宣布结果无效必须填写原因"]
    }
    response = post(client, url, {"scope": "cadre", "code": "GB005", "reason": "平时考核记录有误"})
    assert response.status_code == 201
    void = response.json()
    assert (void["cadre"], void["targets"], void["run"], void["sealed"]) == (
        "GB005",
        [["cadre", "GB005"]],
        1,
        False,
    )
    again = post(client, url, {"scope": "cadre", "code": "GB005", "reason": "再次"})
    assert again.json()["errors"] == {"code": ["干部「钱伟」的考核结果已宣布无效，待重新考核"]}
    problems = client.get(f"{API}/finalisation").json()["problems"]
    assert any("须重新计算后才能公示或定档" in p for p in problems)
    assert [v["id"] for v in signed_in(cast, "leader").get(f"{API}/voids").json()] == [void["id"]]
    job = post(client, f"{API}/runs", {"note": "更正后重新计算"}).json()
    assert client.get(f"/api/jobs/{job['id']}").json()["summary"] == {"version": 2}
    assert [r["version"] for r in client.get(f"{API}/runs").json()] == [2, 1]
    assert ResultVoid.objects.get().run.version == 1  # kept, with the old run's results
    assert not any("须重新计算" in p for p in client.get(f"{API}/finalisation").json()["problems"])
    moves = client.get(f"{API}/compare", {"old": 1, "new": 2}).json()
    assert moves == []  # the same data: nobody moved


# --- documents --------------------------------------------------------------------------------------------


def test_the_runs_document_is_the_assess_document_under_the_k_rule(run, client_for):
    response = client_for("committee").get(f"{API}/runs/1/document")
    assert response.status_code == 200
    document, stored = response.json(), selectors.run_document(run)
    assert list(document) == ["year", "results", "quotas", "invalid_ballots"]
    assert document["quotas"] == stored["quotas"] and document["year"] == 2025
    shown = {r["code"]: r for r in document["results"]}
    full = {r["code"]: r for r in stored["results"]}
    # DW01: 3 上级 ballots, shown as they are; GB001: 上级 3 and 同级 2 would let 同级 be worked back.
    assert shown["DW01"] == full["DW01"]
    assert set(full["GB001"]["democratic"]["groups"]) == {"上级", "同级"}
    assert set(shown["GB001"]["democratic"]["groups"]) == {"其他"}
    assert AuditEntry.objects.filter(action="read.results.api").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_documents_are_for_organisers_and_the_committee(run, roster, client_for, role):
    client = client_for(role)
    allowed = role in DECIDERS
    assert client.get(f"{API}/runs/1/document").status_code == (200 if allowed else 403)
    response = client.get(f"{API}/runs/1/workbook")
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.sheetnames == ["结果", "名额", "无效票"]
    unit = roster["units"]["a"]
    response = client.get(f"{API}/approval-sheets/{unit.pk}/docx")
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        text = "\n".join(
            p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs
        )
        assert "东城街道" in text


def test_a_sheet_of_a_unit_that_does_not_exist_is_404(run, client_for):
    assert client_for("organiser").get(f"{API}/approval-sheets/999999/docx").status_code == 404


def test_a_token_decides_as_its_owner_and_is_audited_as_the_token(run, cast, client):
    issued = token_create(
        actor=cast["organiser"],
        name="定档脚本",
        role="committee",
        expires_at=timezone.now() + timedelta(days=1),
    )
    response = client.post(
        f"{API}/runs/1/decisions",
        {"kind": "cadre", "code": "GB001", "decision": "resolve", "grade": "优秀"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="result.decide")
    assert entry.actor_name == "organiser（令牌 定档脚本）"
    # A committee token may decide but not publish, as a committee member.
    response = client.post(
        f"{API}/notices",
        {"starts_on": MONDAY},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 403


def test_a_job_of_the_api_is_one_the_job_page_shows(world, client_for):
    client = client_for("organiser")
    job = Job.objects.get(pk=post(client, f"{API}/runs").json()["id"])
    assert job.status == JobStatus.DONE
    assert client.get(job.get_absolute_url()).status_code == 200


# --- 本人意见 ---------------------------------------------------------------------------------------------


def sealed(client_for):
    client = client_for("organiser")
    resolve(client)
    publish(client)
    assert post(client, f"{API}/runs/1/finalise").status_code == 201


def test_my_result_is_pending_until_the_seal_then_shown_with_its_grade(run, client_for):
    [mine] = client_for("cadre").get("/api/results/mine").json()
    assert (mine["year"], mine["status"], mine["final_id"], mine["can_acknowledge"]) == (
        2025,
        "pending",
        None,
        False,
    )
    sealed(client_for)
    [mine] = client_for("cadre").get("/api/results/mine").json()
    assert (mine["status"], mine["code"], mine["grade"], mine["can_acknowledge"]) == (
        "final",
        "GB002",
        "称职",
        True,
    )
    assert mine["decision"] == "领导小组决定：待定 → 称职"
    [team] = client_for("liaison").get("/api/results/mine").json()
    assert (team["kind"], team["code"], team["grade"]) == ("team", "DW01", "优秀")


@pytest.mark.parametrize("role", ROLES)
def test_only_cadres_and_liaisons_read_their_own(run, client_for, role):
    assert client_for(role).get("/api/results/mine").status_code == (
        200 if role in {"cadre", "liaison", "outsider"} else 403
    )
    assert client_for(role).get(f"{API}/acknowledgements").status_code == (200 if role in MANAGERS else 403)


def test_a_result_is_acknowledged_once_with_the_pages_words(run, client_for):
    sealed(client_for)
    client = client_for("cadre")
    [mine] = client.get("/api/results/mine").json()
    url = f"/api/results/mine/{mine['final_id']}/confirm"
    assert post(client_for("outsider"), url, {"opinion": "agree"}).status_code == 404
    client = client_for("cadre")
    refused = post(client, url, {"opinion": "object", "text": " "})
    assert refused.status_code == 422 and refused.json()["errors"] == {
        "text": ["本人意见：选择「有异议」时请写明异议内容。"]
    }
    refused = post(client, url, {"opinion": "maybe"})
    assert refused.json()["errors"] == {"opinion": ["本人意见：请选择「同意」或「有异议」。"]}
    response = post(client, url, {"opinion": "agree"})
    assert response.status_code == 201
    shown = response.json()
    assert shown["acknowledgement"]["opinion_label"] == "同意" and not shown["can_acknowledge"]
    again = post(client, url, {"opinion": "agree"})
    assert again.status_code == 422 and "已经确认过" in again.json()["detail"]
    listing = client_for("organiser").get(f"{API}/acknowledgements").json()
    assert listing["sealed"] and listing["counts"]["agreed"] == 1
    assert {r["code"]: r["state"] for r in listing["rows"]}["GB002"] == "agreed"
    waiting = client_for("organiser").get(f"{API}/acknowledgements", {"state": "waiting"}).json()
    assert "GB002" not in {r["code"] for r in waiting["rows"]}
