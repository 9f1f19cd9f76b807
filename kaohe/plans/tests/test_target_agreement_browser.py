"""In a real browser: the liaison proposes the unit's targets, the organiser returns them with a comment, the
liaison revises and proposes again saying why, the organiser agrees after confirming, and they are locked."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.plans.models import AgreementStatus, Target, TargetAgreement, TargetStep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(agreement_setup):
    return agreement_setup


def log_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_proposed_returned_revised_and_locked(setup, page, live_server):
    unit = setup["a"]
    log_in(page, live_server, "liaison")
    page.get_by_role("link", name="本单位目标任务待提出").click()
    page.wait_for_url("**/cycles/2025/targets/proposal/")
    page.get_by_label("经济发展 · 目标内容").fill("地区生产总值增长")
    page.get_by_label("经济发展 · 目标值").fill("6%")
    page.get_by_label("社会治理 · 目标内容").fill("信访总量下降")
    page.get_by_role("button", name="提出，报送审核").click()
    expect(page.locator("#agreement-status")).to_have_text("待审核")

    log_in(page, live_server, "organiser")
    page.get_by_role("link", name="待审核认定的单位目标任务").click()
    page.get_by_role("row", name="东城街道").get_by_role("link", name="查看").click()
    page.get_by_label("A01 的意见").fill("不低于全市平均 6.5%")
    page.fill("#id_comment", "经济目标偏低，请重新测算")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator("#agreement-status")).to_have_text("已退回")

    log_in(page, live_server, "liaison")
    page.get_by_role("link", name="本单位目标任务已退回，待修改后重新提出").click()
    expect(page.locator(".return-comment")).to_contain_text("经济目标偏低，请重新测算")
    expect(page.locator(".return-comment")).to_contain_text("A01：不低于全市平均 6.5%")
    page.get_by_label("经济发展 · 目标值").fill("6.5%")
    page.fill("#id_note", "按考核办意见调整为 6.5%")
    page.get_by_role("button", name="提出，报送审核").click()
    expect(page.locator("#agreement-status")).to_have_text("待审核")
    expect(page.locator(".agreement-round[data-round='2'] .changes")).to_contain_text(
        "6% → 地区生产总值增长 6.5%"
    )

    log_in(page, live_server, "organiser")
    page.goto(f"{live_server.url}/cycles/2025/targets/agreements/{unit.pk}/")
    page.get_by_role("button", name="认定并锁定").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog.locator("#confirm-consequence")).to_contain_text("认定后本年度目标任务锁定")
    dialog.get_by_role("button", name="确认认定").click()
    expect(page.locator("#agreement-locked")).to_be_visible()

    agreement = TargetAgreement.objects.get(cycle=setup["cycle"], unit=unit)
    assert (agreement.status, agreement.round) == (AgreementStatus.AGREED, 2)
    assert list(TargetStep.objects.order_by("at", "id").values_list("kind", flat=True)) == [
        "propose",
        "return",
        "propose",
        "agree",
    ]
    assert Target.objects.get(indicator=setup["a01"]).amount == "6.5%"
