"""In a real browser: approving a pool over its quota and withdrawing a decision ask first, in the page's
dialog, with the pool's figures; cancelling writes nothing, confirming writes once."""

import pytest
from playwright.sync_api import expect

from kaohe.accounts.actors import SystemActor
from kaohe.results import actions
from kaohe.results.models import Decision, DecisionStatus, QuotaApproval
from kaohe.results.tests.test_browser_results import example_five, log_in, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_committee_approves_an_excess_and_withdraws_a_decision_after_confirming(
    roster, cast, page, live_server
):
    cycle = example_five(roster)
    actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    log_in(page, live_server, "committee")
    page.goto(f"{live_server.url}/cycles/2025/results/review/?pool=team:全部")
    for name in ("西山镇领导班子", "市财政局领导班子", "南湖街道领导班子"):
        row(page, name).get_by_role("button", name="定为优秀").click()
        expect(row(page, name).locator("td.grade")).to_contain_text("领导小组决定")

    # Four 优秀 against a quota of three: approving asks first.
    page.fill("#approve-reason", "三个单位并列且均表现突出")
    page.get_by_role("button", name="批准超额").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("批准后名额池「全部」按优秀 4 个定等（名额 3 个，超出 1 个）")
    dialog.get_by_role("link", name="取消").click()
    expect(dialog).not_to_be_visible()
    assert not QuotaApproval.objects.exists()
    page.get_by_role("button", name="批准超额").click()
    dialog.get_by_role("button", name="确认批准").click()
    expect(page.locator("#pool-summary")).to_contain_text("领导小组已批准优秀 4 个")
    assert QuotaApproval.objects.get().reason == "三个单位并列且均表现突出"

    # Withdrawing 南湖街道's decision: the grade it falls back to, then the history says so.
    row(page, "南湖街道领导班子").get_by_role("link", name="南湖街道领导班子").click()
    page.get_by_role("button", name="撤回").click()
    expect(dialog).to_contain_text("撤回后「南湖街道领导班子」不再定为「优秀」，回到计算等次「待定」")
    dialog.get_by_role("button", name="确认撤回").click()
    expect(page.get_by_role("alert").first).to_contain_text("已撤回")
    decision = Decision.objects.get(code="DW04")
    assert decision.status == DecisionStatus.WITHDRAWN
