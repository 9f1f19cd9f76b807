"""党风廉政意见 before 公示: requests, answers, the committee's decisions, the refusals and who sees what."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.plans import actions as plan_actions
from kaohe.plans.models import AssessedCadre, AssessmentPlan
from kaohe.results import actions
from kaohe.results.dossier import cadre_dossier
from kaohe.results.models import ClearanceRequest
from kaohe.results.tests.test_decisions import MONDAY, finalise, publish, refusal, resolve_ties


@pytest.fixture
def run(world, cast):
    AssessmentPlan.objects.update_or_create(cycle=world, defaults={"clearance_required": True})
    AssessedCadre.objects.filter(cycle=world, cadre__code="GB001").update(post="副局长")
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    return run


def send(cast, world, run):
    return {r.code: r for r in actions.clearance_request(actor=cast["organiser"], cycle=world, run=run)}


def answer(cast, request, value, note=""):
    return actions.clearance_answer(actor=cast["discipline"], request=request, answer=value, note=note)


def test_publishing_waits_for_a_request_and_an_answer_on_every_proposed_excellent(world, cast, run):
    assert "拟定优秀 2 个尚未征求党风廉政意见：东城街道领导班子、张思佳" in refusal(
        lambda: publish(cast, world, run)
    )
    sent = send(cast, world, run)
    assert sorted(sent) == ["DW01", "GB001"]
    assert (sent["GB001"].name, sent["GB001"].post, sent["DW01"].post) == ("张思佳", "副局长", "领导班子")
    assert "纪检监察机关尚未回复党风廉政意见 2 个" in refusal(lambda: publish(cast, world, run))
    answer(cast, sent["DW01"], "clear")
    assert "尚未回复党风廉政意见 1 个：张思佳" in refusal(lambda: publish(cast, world, run))
    answer(cast, sent["GB001"], "clear")
    assert publish(cast, world, run).excellent


def test_a_reflection_needs_the_committees_decision_before_publishing_and_sealing(world, cast, run):
    sent = send(cast, world, run)
    answer(cast, sent["DW01"], "clear")
    answer(cast, sent["GB001"], "check", "有群众来信反映其公车私用")
    message = refusal(lambda: publish(cast, world, run))
    assert "领导小组尚未决定：张思佳（有反映需核实）" in message
    assert "领导小组尚未决定" in refusal(lambda: finalise(cast, world, run))
    actions.clearance_resolve(
        actor=cast["committee"], request=sent["GB001"], resolution="keep", note="经核实，反映不属实"
    )
    publish(cast, world, run, starts_on=MONDAY)
    assert finalise(cast, world, run, today=datetime.date(2026, 1, 12)).hash
    # Requests, answers and decisions are audited, and the dossier carries them.
    actions_logged = list(
        AuditEntry.objects.filter(action__startswith="clearance.").values_list("action", flat=True)
    )
    assert actions_logged.count("clearance.request") == 2 and actions_logged.count("clearance.answer") == 2
    assert "clearance.resolve" in actions_logged
    year = cadre_dossier(sent["GB001"].cycle.assessed_cadres.get(cadre__code="GB001").cadre).years[0]
    assert (
        year.clearance
        == "党风廉政意见：有反映需核实；领导小组决定：经核实，维持拟定优秀（经核实，反映不属实）"
    )


def test_a_refusal_the_committee_upholds_needs_the_grade_changed(world, cast, run):
    sent = send(cast, world, run)
    answer(cast, sent["DW01"], "clear")
    answer(cast, sent["GB001"], "refuse", "正在接受组织调查")
    actions.clearance_resolve(
        actor=cast["committee"], request=sent["GB001"], resolution="withdraw", note="不确定为优秀"
    )
    assert "请先调整其等次：张思佳" in refusal(lambda: publish(cast, world, run))
    # The committee's decision on the result takes them off the list; 公示 then goes ahead.
    resolve_ties(cast, world, run, winner="GB002", loser="GB001")
    assert "尚未征求党风廉政意见：李明" in refusal(lambda: publish(cast, world, run))
    answer(cast, send(cast, world, run)["GB002"], "clear")
    assert [e["code"] for e in publish(cast, world, run).excellent] == ["DW01", "GB002"]


def test_the_writes_refuse_bad_input(world, cast, run):
    sent = send(cast, world, run)
    assert "没有新的人选" in refusal(lambda: send(cast, world, run))
    assert "应为无反映、有反映需核实或不同意" in refusal(lambda: answer(cast, sent["GB001"], "maybe"))
    assert "须写明情况" in refusal(lambda: answer(cast, sent["GB001"], "refuse"))
    # Only the discipline-inspection body answers.
    message = refusal(
        lambda: actions.clearance_answer(
            actor=cast["organiser"], request=sent["GB001"], answer="clear", note=""
        )
    )
    assert "只有纪检监察机关" in message
    assert "尚未回复" in refusal(
        lambda: actions.clearance_resolve(
            actor=cast["committee"], request=sent["GB001"], resolution="keep", note="x"
        )
    )
    answer(cast, sent["DW01"], "clear")
    assert "无需决定" in refusal(
        lambda: actions.clearance_resolve(
            actor=cast["committee"], request=sent["DW01"], resolution="keep", note="x"
        )
    )
    answer(cast, sent["GB001"], "check", "待核实")
    assert "决定理由" in refusal(
        lambda: actions.clearance_resolve(
            actor=cast["committee"], request=sent["GB001"], resolution="keep", note=" "
        )
    )
    actions.clearance_resolve(
        actor=cast["committee"], request=sent["GB001"], resolution="keep", note="属实但轻微"
    )
    assert "不能再修改" in refusal(lambda: answer(cast, sent["GB001"], "clear"))
    assert ClearanceRequest.objects.get(code="GB001").answer == "check"


def test_the_plan_setting_is_fixed_from_evaluation_on(world, cast):
    with pytest.raises(ValidationError):
        plan_actions.plan_clearance_set(actor=cast["organiser"], cycle=world, required=True)
    assert not AssessmentPlan.objects.filter(cycle=world, clearance_required=True).exists()


def test_without_the_plan_setting_publishing_does_not_wait(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    assert publish(cast, world, run).excellent


# --- who sees what ----------------------------------------------------------------------------------------


def test_the_discipline_inspection_body_sees_name_unit_and_post_only(world, cast, run, client_for):
    send(cast, world, run)
    client = client_for("discipline")
    page = client.get(reverse("results:clearance_inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "张思佳" in html and "副局长" in html and "东城街道" in html
    for figure in ("综合得分", "优秀", "得票", "排名"):
        assert figure not in html.replace("拟定优秀人选", "")
    data = client.get("/api/results/clearance/requests").json()
    assert {tuple(sorted(row)) for row in data} == {
        ("answer", "answer_note", "id", "name", "post", "unit", "year")
    }
    pk = next(row["id"] for row in data if row["name"] == "张思佳")
    response = client.post(
        f"/api/results/clearance/requests/{pk}/answer",
        {"answer": "check", "note": "有来信"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["answer"] == "check"
    response = client.post(
        f"/api/results/clearance/requests/{pk}/answer", {"answer": "nope"}, content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "role", ["organiser", "committee", "leader", "liaison", "cadre", "sysadmin", "auditadmin"]
)
def test_no_one_else_opens_the_bodys_list_or_answers(world, cast, run, client_for, role):
    sent = send(cast, world, run)
    client = client_for(role)
    assert client.get(reverse("results:clearance_inbox")).status_code == 403
    assert (
        client.post(
            reverse("results:clearance_answer", args=[sent["GB001"].pk]), {"answer": "clear"}
        ).status_code
        == 403
    )
    assert client.get("/api/results/clearance/requests").status_code == 403
    assert ClearanceRequest.objects.get(code="GB001").answer == ""


def test_the_committee_sees_answers_beside_the_candidates_and_decides(world, cast, run, client_for):
    sent = send(cast, world, run)
    answer(cast, sent["GB001"], "check", "有群众来信")
    client = client_for("committee")
    html = client.get(reverse("results:clearance", args=[world.year])).content.decode()
    assert (
        "有反映需核实" in html and "有群众来信" in html and "待领导小组决定" not in html
    )  # the form is there
    assert client.post(reverse("results:clearance_send", args=[world.year])).status_code == 403
    response = client.post(
        reverse("results:clearance_resolve", args=[world.year, sent["GB001"].pk]),
        {"resolution": "keep", "note": "经核实不属实"},
    )
    assert response.status_code == 302
    assert ClearanceRequest.objects.get(code="GB001").resolution == "keep"
    api = client.get(f"/api/results/{world.year}/clearance").json()
    assert {r["code"]: r["resolution"] for r in api} == {"GB001": "keep", "DW01": ""}
    assert client_for("leader").get(reverse("results:clearance", args=[world.year])).status_code == 403


def test_the_organiser_sends_through_the_api(world, cast, run, client_for):
    response = client_for("organiser").post(f"/api/results/{world.year}/clearance")
    assert response.status_code == 201 and {r["code"] for r in response.json()} == {"GB001", "DW01"}
    assert client_for("organiser").post(f"/api/results/{world.year}/clearance").status_code == 422
