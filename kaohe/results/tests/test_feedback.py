"""Feedback: each cadre sees their own final result and confirms it once with 本人意见; each liaison sees their
unit's team; nobody sees anyone else's; organisers see who confirmed, who objected and who not yet."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from kaohe.accounts.actors import SystemActor
from kaohe.accounts.models import Role
from kaohe.audit.actions import audit_verify
from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessmentCycle
from kaohe.results import actions, feedback
from kaohe.results.models import FinalResult, VoidScope
from kaohe.results.tests.sealed_data import OVERRIDE_REASON, sealed_world

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")
MINE = ("cadre", "liaison", "outsider")  # a cadre, and liaisons (the outsider is unit B's liaison)


@pytest.fixture
def sealed(world, cast, roster):
    return sealed_world(world, cast, roster)


def mine_url():
    return reverse("results:feedback_mine")


def confirm_url(final):
    return reverse("results:feedback_confirm", args=[final.pk])


def list_url(year=2025):
    return reverse("results:feedback_list", args=[year])


def final_of(seal, code, kind="cadre"):
    return FinalResult.objects.get(seal=seal, kind=kind, code=code)


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_my_results_or_a_refusal(client_for, sealed, role):
    expected = 200 if role in MINE else 403
    assert client_for(role).get(mine_url()).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_see_the_list_of_acknowledgements(client_for, sealed, role):
    expected = 200 if role == "organiser" else 403
    assert client_for(role).get(list_url()).status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "code,kind", [("GB002", "cadre"), ("GB001", "cadre"), ("DW01", "team"), ("DW02", "team")]
)
def test_only_the_owner_may_confirm_a_result(client_for, sealed, role, code, kind):
    """李明 (GB002) is the cast's cadre, 东城街道 (DW01) the liaison's unit, 西山镇 (DW02) the outsider's."""
    final = final_of(sealed, code, kind)
    owner = {"GB002": "cadre", "DW01": "liaison", "DW02": "outsider"}.get(code)
    response = client_for(role).post(confirm_url(final), {"opinion": "agree"})
    if role == owner:
        assert response.status_code == 302
    elif role in MINE:
        assert response.status_code == 404
    else:
        assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client_for, sealed):
    response = client_for(None).get(mine_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_confirming_needs_a_post(client_for, sealed):
    assert client_for("cadre").get(confirm_url(final_of(sealed, "GB002"))).status_code == 405


# --- what each one sees ------------------------------------------------------------------------------------


def test_a_cadre_sees_their_own_result_explanation_rank_and_flags(client_for, sealed):
    page = client_for("cadre").get(mine_url()).content.decode()
    final = final_of(sealed, "GB002")
    assert "李明" in page
    assert "称职" in page
    assert "91.11" in page
    assert "第 1 名（共 5 名）" in page
    assert "并列待定" in page  # the flag in Chinese, not "tie"
    assert "tie" not in page.split("result-explanation")[0].split("feedback-2025")[1]
    assert final.explanation[:40] in page
    assert "领导小组决定" in page
    assert "张思佳" not in page and "钱伟" not in page


def test_a_liaison_sees_the_units_performance_and_team_but_no_cadre(client_for, sealed):
    page = client_for("liaison").get(mine_url()).content.decode()
    assert "东城街道领导班子" in page
    assert "优秀" in page
    assert "93.00" in page  # the team's composite
    assert "90.00" in page  # the unit's 实绩
    for name in ("张思佳", "李明", "西山镇领导班子"):
        assert name not in page


def test_the_outsider_sees_only_their_own_units_team(client_for, sealed):
    page = client_for("outsider").get(mine_url()).content.decode()
    assert "西山镇领导班子" in page
    assert "东城街道领导班子" not in page


def test_before_finalisation_the_result_is_not_yet_determined(client_for, world, cast):
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    for role in ("cadre", "liaison"):
        page = client_for(role).get(mine_url()).content.decode()
        assert "考核结果尚未确定" in page
        assert "91.11" not in page and "确认收到" not in page


def test_a_result_cannot_be_confirmed_before_it_is_final(client_for, world, cast, roster):
    actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    assert not FinalResult.objects.exists()
    assert (
        client_for("cadre")
        .post(reverse("results:feedback_confirm", args=[1]), {"opinion": "agree"})
        .status_code
        == 404
    )


def test_a_voided_result_is_shown_as_void_and_cannot_be_confirmed(client_for, sealed, cast, roster):
    actions.result_void(
        actor=cast["organiser"], cycle=sealed.cycle, run=sealed.run, scope=VoidScope.CADRE,
        cadre=roster["cadres"]["a2"], reason="考核结果失实",
    )  # fmt: skip
    page = client_for("cadre").get(mine_url()).content.decode()
    assert "考核结果已宣布无效，待重新考核" in page
    assert "91.11" not in page
    assert (
        client_for("cadre").post(confirm_url(final_of(sealed, "GB002")), {"opinion": "agree"}).status_code
        == 404
    )
    # the others of the same seal still stand
    assert "东城街道领导班子" in client_for("liaison").get(mine_url()).content.decode()


# --- confirming once ---------------------------------------------------------------------------------------


def test_a_cadre_confirms_with_their_opinion_once_and_it_is_audited(client_for, sealed, cast):
    final = final_of(sealed, "GB002")
    client = client_for("cadre")
    response = client.post(confirm_url(final), {"opinion": "agree", "text": "无意见"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=feedback.ACK_ACTION)
    assert entry.actor == cast["cadre"]
    assert entry.object_id == str(final.pk)
    assert entry.after["opinion"] == "agree" and entry.after["grade"] == "称职"
    assert audit_verify() is None
    page = client.get(mine_url()).content.decode()
    assert "本人意见：同意" in page
    assert 'name="opinion"' not in page

    again = client.post(confirm_url(final), {"opinion": "object", "text": "改变主意"})
    assert again.status_code == 400
    assert "已经确认过，不能重复确认" in again.content.decode()
    assert AuditEntry.objects.filter(action=feedback.ACK_ACTION).count() == 1


def test_the_action_refuses_a_second_acknowledgement(sealed, cast):
    final = final_of(sealed, "GB002")
    actions.result_acknowledge(actor=cast["cadre"], final=final, opinion="object", text="排名有误")
    with pytest.raises(ValidationError, match="不能重复确认"):
        actions.result_acknowledge(actor=cast["cadre"], final=final, opinion="agree")
    ack = feedback.acknowledgement_of(final)
    assert ack.objected and ack.text == "排名有误" and ack.opinion_label == "有异议"


def test_an_objection_needs_its_text(client_for, sealed):
    final = final_of(sealed, "GB002")
    response = client_for("cadre").post(confirm_url(final), {"opinion": "object", "text": "  "})
    assert response.status_code == 400
    assert "选择「有异议」时请写明异议内容" in response.content.decode()
    assert feedback.acknowledgement_of(final) is None


def test_an_opinion_must_be_chosen(client_for, sealed):
    response = client_for("cadre").post(confirm_url(final_of(sealed, "GB002")), {"text": "好"})
    assert response.status_code == 400
    assert "请选择「同意」或「有异议」" in response.content.decode()


def test_an_overlong_opinion_is_refused_with_its_length(sealed, cast):
    with pytest.raises(ValidationError, match="最多 1000 个字，现有 1001 个字"):
        actions.result_acknowledge(
            actor=cast["cadre"], final=final_of(sealed, "GB002"), opinion="object", text="异" * 1001
        )


def test_a_liaison_confirms_the_teams_result(client_for, sealed, cast):
    final = final_of(sealed, "DW01", "team")
    assert client_for("liaison").post(confirm_url(final), {"opinion": "agree"}).status_code == 302
    assert feedback.acknowledgement_of(final).by == "liaison"


def test_a_replaced_seal_needs_a_new_acknowledgement(sealed, cast, roster):
    """After a void, a new run and a new seal, the person confirms the new final result again."""
    old = final_of(sealed, "GB002")
    actions.result_acknowledge(actor=cast["cadre"], final=old, opinion="agree")
    cycle = sealed.cycle
    actions.result_void(
        actor=cast["organiser"], cycle=cycle, run=sealed.run, scope=VoidScope.CADRE,
        cadre=roster["cadres"]["c2"], reason="考核结果失实",
    )  # fmt: skip
    later = actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    actions.notice_publish(
        actor=cast["organiser"], cycle=cycle, run=later, starts_on=datetime.date(2026, 1, 12), working_days=5
    )
    second = actions.results_seal(
        actor=cast["organiser"], cycle=cycle, run=later, today=datetime.date(2026, 1, 19)
    )
    new = final_of(second, "GB002")
    with pytest.raises(ValidationError, match="已被新的定档结果取代"):
        actions.result_acknowledge(actor=cast["cadre"], final=old, opinion="agree")
    [item] = feedback.own_feedback(cast["cadre"])
    assert item.final == new and item.acknowledgement is None and item.can_acknowledge


# --- the organisers' list ----------------------------------------------------------------------------------


def test_organisers_see_who_confirmed_who_objected_and_who_not_yet(client_for, sealed, cast):
    actions.result_acknowledge(
        actor=cast["cadre"], final=final_of(sealed, "GB002"), opinion="object", text="排名有误"
    )
    actions.result_acknowledge(actor=cast["liaison"], final=final_of(sealed, "DW01", "team"), opinion="agree")
    listing = feedback.acknowledgement_list(sealed.cycle)
    assert listing.counts == {"objected": 1, "agreed": 1, "waiting": 6}
    states = {row.final.code: row.state for row in listing.rows}
    assert states["GB002"] == "objected" and states["DW01"] == "agreed" and states["GB001"] == "waiting"

    client = client_for("organiser")
    page = client.get(list_url()).content.decode()
    assert "排名有误" in page
    objected = client.get(list_url(), {"state": "objected"}).content.decode()
    assert "李明" in objected and "张思佳" not in objected
    waiting = client.get(list_url(), {"state": "waiting", "kind": "team"}).content.decode()
    assert "西山镇领导班子" in waiting and "东城街道领导班子" not in waiting and "张思佳" not in waiting


def test_the_list_before_finalisation_says_so(client_for, world, cast):
    page = client_for("organiser").get(list_url()).content.decode()
    assert "考核结果尚未确定" in page


def test_the_list_of_an_unknown_year_is_404(client_for, sealed):
    assert client_for("organiser").get(list_url(1999)).status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(client_for, sealed, django_assert_max_num_queries):
    client = client_for("organiser")
    with django_assert_max_num_queries(12):
        assert client.get(list_url()).status_code == 200


def test_the_override_reason_reaches_the_cadre_it_concerns(client, sealed, roster):
    client.force_login(make_user("qianwei", Role.CADRE, cadre=roster["cadres"]["c2"]))
    body = client.get(mine_url()).content.decode()
    assert "基本称职" in body and OVERRIDE_REASON in body


def test_a_cycle_the_cadre_takes_no_part_in_is_not_listed(client_for, sealed):
    AssessmentCycle.objects.create(year=2026, name="2026年度考核")
    page = client_for("cadre").get(mine_url()).content.decode()
    assert "2026年度考核" not in page and "考核结果尚未确定" not in page


@pytest.mark.parametrize("role", ROLES)
def test_my_results_are_in_the_navigation_of_cadres_and_liaisons_only(client_for, sealed, role):
    page = client_for(role).get(reverse("home")).content.decode()
    assert (f'href="{mine_url()}"' in page) == (role in MINE)


def test_the_liaison_sees_the_team_named_once(client_for, sealed):
    page = client_for("liaison").get(mine_url()).content.decode()
    assert "东城街道领导班子" in page
    assert "领导班子领导班子" not in page
