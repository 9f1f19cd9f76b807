"""Withdrawing a committee decision and approving a quota pool ask first, stating the consequence with the
pool's live figures; only the confirmed POST writes, with JavaScript (the dialog's body) or without it."""

import pytest
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.results import actions
from kaohe.results.models import Decision, DecisionStatus, QuotaApproval
from kaohe.results.tests.test_decisions import resolve_ties, result

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def run(world):
    return actions.compute_run_create(actor=SystemActor("测试"), cycle=world)


def over_quota(cast, world, run):
    """Both tied cadres resolved to 优秀: the pool 全部 holds 2 against a quota of 1."""
    resolve_ties(cast, world, run, winner="GB001", loser="GB002")
    return actions.decision_record(
        actor=cast["committee"],
        cycle=world,
        run=run,
        result=result(run, "GB002"),
        decision="resolve",
        grade="优秀",
        reason="",
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_withdrawing_a_decision_asks_first_with_the_grade_it_falls_back_to(
    run, world, cast, client_for, htmx
):
    resolve_ties(cast, world, run)
    decision = Decision.objects.get(code="GB001", status=DecisionStatus.ACTIVE)
    url = reverse("results:decision_withdraw", args=[2025, decision.pk])
    client = client_for("committee")
    response = client.post(url, {"next": "/cycles/2025/results/review/"}, **(HTMX if htmx else {}))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-card"' in html
    assert ("<html" in html) is not htmx
    assert "撤回后「张思佳」不再定为「优秀」，回到计算等次「待定」" in html
    assert "又成为待定，须领导小组重新决定" in html
    assert "优秀名额" in html  # the pool's figures beside it
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ACTIVE
    response = client.post(url, {"next": "/cycles/2025/results/review/", "confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == "/cycles/2025/results/review/"
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="result.decision_withdraw").count() == 1


def test_the_withdraw_link_opens_the_confirmation_without_javascript(run, world, cast, client_for):
    resolve_ties(cast, world, run)
    decision = Decision.objects.get(code="GB001", status=DecisionStatus.ACTIVE)
    response = client_for("committee").get(reverse("results:decision_withdraw", args=[2025, decision.pk]))
    assert response.status_code == 200 and "确认撤回" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ACTIVE


def test_a_leader_cannot_withdraw_nor_see_the_confirmation(run, world, cast, client_for):
    resolve_ties(cast, world, run)
    decision = Decision.objects.get(code="GB001", status=DecisionStatus.ACTIVE)
    url = reverse("results:decision_withdraw", args=[2025, decision.pk])
    assert client_for("leader").post(url, {"confirm": "yes"}).status_code == 403
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ACTIVE


@pytest.mark.parametrize("htmx", [False, True])
def test_approving_a_pool_over_its_quota_asks_first_with_the_pools_figures(
    run, world, cast, client_for, htmx
):
    over_quota(cast, world, run)
    url = reverse("results:quota_approve", args=[2025, run.version])
    data = {"kind": "cadre", "pool": "全部", "reason": "两人并列且均表现突出"}
    client = client_for("committee")
    response = client.post(url, data, **(HTMX if htmx else {}))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-card"' in html
    assert "批准后名额池「全部」按优秀 2 个定等（名额 1 个，超出 1 个）" in html
    assert 'name="reason" value="两人并列且均表现突出"' in html
    assert not QuotaApproval.objects.exists()
    client.post(url, {**data, "confirm": "yes"})
    approval = QuotaApproval.objects.get()
    assert (approval.excellent, approval.quota) == (2, 1)


def test_an_approval_with_nothing_to_approve_is_refused_without_a_confirmation(run, client_for):
    url = reverse("results:quota_approve", args=[2025, run.version])
    response = client_for("committee").post(
        url, {"kind": "team", "pool": "全部", "reason": "x", "next": "/cycles/2025/results/"}, follow=True
    )
    html = response.content.decode()
    assert 'id="confirm-card"' not in html and "无需批准" in html
    assert not QuotaApproval.objects.exists()


def test_withdrawing_a_withdrawn_decision_is_refused_without_a_confirmation(run, world, cast, client_for):
    resolve_ties(cast, world, run)
    decision = Decision.objects.get(code="GB001", status=DecisionStatus.ACTIVE)
    actions.decision_withdraw(actor=cast["committee"], cycle=world, decision=decision)
    url = reverse("results:decision_withdraw", args=[2025, decision.pk])
    html = client_for("committee").post(url, {"next": "/cycles/2025/results/"}, follow=True).content.decode()
    assert 'id="confirm-card"' not in html and "对「张思佳」的决定已不再有效" in html
