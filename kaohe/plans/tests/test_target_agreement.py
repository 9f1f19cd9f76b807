"""Targets agreed up and down: the liaison proposes, the department and the organiser review and return, the
unit revises, the organiser agrees and the targets are locked; every round kept; every refusal writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kaohe.accounts.todo import todo_items
from kaohe.audit.models import AuditEntry
from kaohe.plans import actions
from kaohe.plans.models import (
    AgreementStatus,
    AssessmentCycle,
    AssessmentPlan,
    Phase,
    Target,
    TargetAgreement,
    TargetMode,
    TargetStep,
)

DUE = datetime.date(2025, 3, 31)


@pytest.fixture
def setup(agreement_setup):
    return agreement_setup


def rows(setup, gdp="GDP 增长 6%", amount="6%"):
    return [
        actions.TargetDraft(setup["a01"], gdp, amount, datetime.date(2025, 12, 31)),
        actions.TargetDraft(setup["a02"], "信访总量下降", "10%"),
    ]


def propose(setup, cast, **kwargs):
    return actions.targets_propose(
        actor=cast["liaison"], cycle=setup["cycle"], unit_id=setup["a"].pk, rows=rows(setup, **kwargs)
    )


def agreement(setup) -> TargetAgreement:
    return TargetAgreement.objects.get(cycle=setup["cycle"], unit=setup["a"])


def test_the_liaison_proposes_and_the_round_keeps_what_was_proposed(setup, cast):
    step = propose(setup, cast)
    a = agreement(setup)
    assert (a.status, a.round) == (AgreementStatus.PROPOSED, 1)
    assert step.kind == "propose" and step.actor == cast["liaison"] and step.role == "liaison"
    assert [(t["indicator"], t["content"], t["amount"], t["deadline"]) for t in step.targets] == [
        ("A01", "GDP 增长 6%", "6%", "2025-12-31"),
        ("A02", "信访总量下降", "10%", ""),
    ]
    assert Target.objects.filter(cycle=setup["cycle"], unit=setup["a"]).count() == 2
    entry = AuditEntry.objects.get(action="target_agreement.propose")
    assert entry.before == {"status": "draft", "round": 0} and entry.after["status"] == "proposed"


def test_a_proposal_missing_an_indicator_is_refused_and_saves_nothing(setup, cast):
    with pytest.raises(ValidationError, match="A02 社会治理"):
        actions.targets_propose(
            actor=cast["liaison"], cycle=setup["cycle"], unit_id=setup["a"].pk, rows=rows(setup)[:1]
        )
    assert not Target.objects.exists() and not TargetStep.objects.exists()
    assert not TargetAgreement.objects.filter(round__gt=0).exists()


def test_another_units_liaison_and_other_roles_may_not_propose(setup, cast):
    for who in ("outsider", "organiser", "clerk"):
        with pytest.raises(PermissionDenied):
            actions.targets_propose(
                actor=cast[who], cycle=setup["cycle"], unit_id=setup["a"].pk, rows=rows(setup)
            )
    assert not Target.objects.exists() and not TargetStep.objects.exists()


def test_only_the_responsible_department_concurs_and_a_return_needs_a_comment(setup, cast):
    propose(setup, cast)
    cycle, unit = setup["cycle"], setup["a"].pk
    with pytest.raises(ValidationError, match="部门审核同意由归口部门作出"):
        actions.targets_review(actor=cast["organiser"], cycle=cycle, unit_id=unit, step="concur")
    with pytest.raises(PermissionDenied):
        actions.targets_review(actor=cast["liaison"], cycle=cycle, unit_id=unit, step="return", comment="x")
    with pytest.raises(ValidationError, match="退回须填写审核意见"):
        actions.targets_review(actor=cast["clerk"], cycle=cycle, unit_id=unit, step="return", comment=" ")
    with pytest.raises(ValidationError, match="「Z9」不是该单位的指标"):
        actions.targets_review(
            actor=cast["clerk"], cycle=cycle, unit_id=unit, step="concur", notes={"Z9": "?"}
        )
    step = actions.targets_review(
        actor=cast["clerk"], cycle=cycle, unit_id=unit, step="concur", comment="同意"
    )
    assert step.department_id == cast["clerk"].department_id and agreement(setup).status == "proposed"
    with pytest.raises(ValidationError, match="本部门已审核本轮"):
        actions.targets_review(actor=cast["clerk"], cycle=cycle, unit_id=unit, step="concur")
    assert TargetStep.objects.filter(kind="concur").count() == 1


def test_a_clerk_whose_department_owns_nothing_in_the_category_may_not_review(setup, cast):
    c = setup["c"]
    TargetAgreement.objects.create(cycle=setup["cycle"], unit=c, status=AgreementStatus.PROPOSED, round=1)
    with pytest.raises(PermissionDenied):
        actions.targets_review(actor=cast["clerk"], cycle=setup["cycle"], unit_id=c.pk, step="concur")


def test_returned_revised_and_agreed_every_round_kept_with_what_changed(setup, cast):
    cycle, unit = setup["cycle"], setup["a"].pk
    propose(setup, cast)
    actions.targets_review(
        actor=cast["clerk"],
        cycle=cycle,
        unit_id=unit,
        step="return",
        comment="目标偏低",
        notes={"A01": "不低于全市平均 6.5%"},
    )
    assert agreement(setup).status == AgreementStatus.RETURNED
    with pytest.raises(ValidationError, match="与上一轮提出的相同"):
        actions.targets_propose(actor=cast["liaison"], cycle=cycle, unit_id=unit, note="没改")
    with pytest.raises(ValidationError, match="再次提出须填写修改说明"):
        propose(setup, cast, gdp="GDP 增长 6.5%", amount="6.5%")
    assert Target.objects.get(indicator=setup["a01"]).amount == "6%"  # refused: nothing written
    actions.targets_propose(
        actor=cast["liaison"],
        cycle=cycle,
        unit_id=unit,
        rows=rows(setup, gdp="GDP 增长 6.5%", amount="6.5%"),
        note="按发改委意见调整",
    )
    second = TargetStep.objects.get(kind="propose", round=2)
    assert second.comment == "按发改委意见调整"
    assert second.changes == [
        {
            "indicator": "A01",
            "kind": "changed",
            "before": {"content": "GDP 增长 6%", "amount": "6%", "deadline": "2025-12-31"},
            "after": {"content": "GDP 增长 6.5%", "amount": "6.5%", "deadline": "2025-12-31"},
        }
    ]
    actions.targets_agree(actor=cast["organiser"], cycle=cycle, unit_id=unit)
    assert agreement(setup).status == AgreementStatus.AGREED
    history = list(TargetStep.objects.order_by("at", "id").values_list("round", "kind", "actor_name"))
    assert history == [
        (1, "propose", "liaison"),
        (1, "return", "clerk"),
        (2, "propose", "liaison"),
        (2, "agree", "organiser"),
    ]
    assert TargetStep.objects.get(kind="return").notes == {"A01": "不低于全市平均 6.5%"}


def test_agreed_targets_are_locked_for_everyone_until_a_reasoned_reopening(setup, cast):
    cycle, unit = setup["cycle"], setup["a"].pk
    propose(setup, cast)
    actions.targets_agree(actor=cast["organiser"], cycle=cycle, unit_id=unit)
    with pytest.raises(ValidationError, match="已认定锁定"):
        actions.target_draft_save(
            actor=cast["liaison"], cycle=cycle, unit_id=unit, rows=rows(setup, gdp="改")
        )
    with pytest.raises(ValidationError, match="已认定锁定"):
        actions.target_set(
            actor=cast["organiser"], cycle=cycle, unit=setup["a"], indicator=setup["a01"], content="改"
        )
    with pytest.raises(ValidationError, match="已认定锁定"):
        actions.targets_review(actor=cast["organiser"], cycle=cycle, unit_id=unit, step="return", comment="x")
    # nor by deleting the indicator under them
    with pytest.raises(ValidationError, match="已提出或认定的目标任务，不能删除"):
        actions.indicator_delete(actor=cast["organiser"], indicator=setup["a01"])
    with pytest.raises(PermissionDenied):
        actions.targets_reopen(actor=cast["clerk"], cycle=cycle, unit_id=unit, reason="x")
    with pytest.raises(ValidationError, match="重新开启须说明理由"):
        actions.targets_reopen(actor=cast["organiser"], cycle=cycle, unit_id=unit, reason="")
    assert Target.objects.get(indicator=setup["a01"]).content == "GDP 增长 6%"
    actions.targets_reopen(actor=cast["organiser"], cycle=cycle, unit_id=unit, reason="市里调整了经济目标")
    assert agreement(setup).status == AgreementStatus.RETURNED
    entry = AuditEntry.objects.get(action="target_agreement.reopen")
    assert entry.after["comment"] == "市里调整了经济目标" and entry.before["status"] == "agreed"
    actions.target_draft_save(actor=cast["liaison"], cycle=cycle, unit_id=unit, rows=rows(setup, gdp="改"))
    assert Target.objects.get(indicator=setup["a01"]).content == "改"


def test_the_organiser_may_issue_targets_before_the_unit_proposes_but_not_while_under_review(setup, cast):
    cycle = setup["cycle"]
    actions.target_set(
        actor=cast["organiser"], cycle=cycle, unit=setup["a"], indicator=setup["a01"], content="下达"
    )
    actions.target_set(
        actor=cast["organiser"], cycle=cycle, unit=setup["a"], indicator=setup["a02"], content="下达2"
    )
    actions.targets_propose(actor=cast["liaison"], cycle=cycle, unit_id=setup["a"].pk)
    with pytest.raises(ValidationError, match="正在审核"):
        actions.target_set(
            actor=cast["organiser"], cycle=cycle, unit=setup["a"], indicator=setup["a01"], content="改"
        )


def test_targets_set_directly_where_the_plan_says_so(setup, cast):
    AssessmentPlan.objects.filter(cycle=setup["cycle"]).update(target_mode=TargetMode.DIRECT)
    with pytest.raises(ValidationError, match="由考核办直接下达"):
        propose(setup, cast)
    actions.target_set(
        actor=cast["organiser"], cycle=setup["cycle"], unit=setup["a"], indicator=setup["a01"], content="下达"
    )
    assert Target.objects.get().content == "下达"


def test_the_plan_cannot_go_back_to_direct_targets_once_a_unit_proposed(setup, cast):
    propose(setup, cast)
    with pytest.raises(ValidationError, match="已有单位提出"):
        actions.plan_targets_set(actor=cast["organiser"], cycle=setup["cycle"], mode="direct", due=None)
    plan = actions.plan_targets_set(actor=cast["organiser"], cycle=setup["cycle"], mode="agreed", due=None)
    assert plan.targets_due is None
    assert AuditEntry.objects.get(action="plan.targets").after == {
        "target_mode": "agreed",
        "targets_due": None,
    }


def test_nothing_moves_once_the_plan_is_frozen(setup, cast):
    AssessmentCycle.objects.filter(pk=setup["cycle"].pk).update(phase=Phase.EVALUATION)
    with pytest.raises(ValidationError, match="考核方案已锁定"):
        propose(setup, cast)


def test_the_units_page_and_the_history_by_role(setup, cast, client_for):
    propose(setup, cast)
    actions.targets_review(
        actor=cast["organiser"], cycle=setup["cycle"], unit_id=setup["a"].pk, step="return", comment="请细化"
    )
    html = client_for("clerk").get(reverse("plans:target_agreements", args=[2025])).content.decode()
    assert "东城街道" in html and "西山镇" in html and "市财政局" not in html  # the clerk's categories only
    assert "已退回" in html
    detail = reverse("plans:target_agreement", args=[2025, setup["a"].pk])
    html = client_for("liaison").get(detail).content.decode()
    assert "请细化" in html and "GDP 增长 6%" in html and "第 1 轮" in html
    assert reverse("plans:target_proposal", args=[2025]) in html
    assert client_for("outsider").get(detail).status_code == 404
    assert (
        client_for("clerk").get(reverse("plans:target_agreement", args=[2025, setup["c"].pk])).status_code
        == 404
    )


def test_the_liaisons_form_saves_and_proposes(setup, cast, client_for):
    liaison = client_for("liaison")
    url = reverse("plans:target_proposal", args=[2025])
    a01, a02 = setup["a01"].pk, setup["a02"].pk
    data = {f"content_{a01}": "GDP 增长 6%", f"amount_{a01}": "6%", f"deadline_{a01}": "2025-12-31"}
    response = liaison.post(url, {**data, "action": "save"})
    assert response.status_code == 302 and Target.objects.count() == 1
    assert agreement(setup).status == AgreementStatus.DRAFT
    response = liaison.post(url, {**data, f"deadline_{a02}": "明年", "action": "propose"})
    assert "不是有效日期" in response.content.decode() and agreement(setup).round == 0
    response = liaison.post(url, {**data, "action": "propose"})
    assert "尚未填写目标" in response.content.decode() and agreement(setup).round == 0
    response = liaison.post(url, {**data, f"content_{a02}": "信访下降", "action": "propose"})
    assert response.status_code == 302 and agreement(setup).status == AgreementStatus.PROPOSED


def test_the_organiser_returns_agrees_after_confirming_and_reopens_with_a_reason(setup, cast, client_for):
    propose(setup, cast)
    organiser = client_for("organiser")
    unit = setup["a"].pk
    organiser.post(reverse("plans:target_review", args=[2025, unit]), {"step": "return", "comment": ""})
    assert agreement(setup).status == AgreementStatus.PROPOSED  # refused without a comment
    agree = reverse("plans:target_agree", args=[2025, unit])
    page = organiser.post(agree, {"comment": "同意"}).content.decode()
    assert "认定后本年度目标任务锁定" in page and "归口部门「市发改委」尚未审核同意" in page
    assert agreement(setup).status == AgreementStatus.PROPOSED
    organiser.post(agree, {"comment": "同意", "confirm": "yes"})
    assert agreement(setup).status == AgreementStatus.AGREED
    reopen = reverse("plans:target_reopen", args=[2025, unit])
    organiser.post(reopen, {"reason": "", "confirm": "yes"})
    assert agreement(setup).status == AgreementStatus.AGREED
    organiser.post(reopen, {"reason": "任务调整", "confirm": "yes"})
    assert agreement(setup).status == AgreementStatus.RETURNED


def test_to_do_the_liaisons_late_proposal_the_clerks_reviews_the_organisers_agreements(setup, cast):
    # The cast's cycle is in 准备 and its due date has passed: unit A (the liaison's) and B are late.
    [item] = [i for i in todo_items(cast["liaison"]) if i.key == "targets-propose"]
    assert item.label == "本单位目标任务待提出" and "已逾期" in item.note
    late = {i.key: i for i in todo_items(cast["organiser"])}
    assert late["targets-late"].count == 3 and "targets-agree" not in late
    propose(setup, cast)
    assert not [i for i in todo_items(cast["liaison"]) if i.key.startswith("targets")]
    items = {i.key: i for i in todo_items(cast["organiser"])}
    assert items["targets-agree"].count == 1 and items["targets-late"].count == 2
    [review] = [i for i in todo_items(cast["clerk"]) if i.key == "targets-review"]
    assert review.count == 1
    actions.targets_review(actor=cast["clerk"], cycle=setup["cycle"], unit_id=setup["a"].pk, step="concur")
    assert not [i for i in todo_items(cast["clerk"]) if i.key == "targets-review"]
    [other] = [i for i in todo_items(cast["outsider"]) if i.key == "targets-propose"]  # unit B, still late
    assert "已逾期" in other.note
