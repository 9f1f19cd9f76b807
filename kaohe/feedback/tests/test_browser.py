"""In a real browser: the organiser sends a letter, the liaison answers a rectification item, the group closes it."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.feedback.models import Letter, Rectification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_organiser_sends_liaison_answers_group_closes(page, live_server, accepted, cast, principal):
    login(page, live_server, "organiser")
    page.get_by_role("link", name="反馈与整改").click()
    page.get_by_role("link", name="考核结果反馈意见书").first.click()
    page.get_by_role("button", name="生成领导班子反馈意见书").click()
    expect(page.locator("#letters tbody tr")).to_have_count(3)
    page.get_by_role("link", name="东城街道领导班子").click()
    expect(page.locator("#problems")).to_contain_text("基层调研不够深入")
    expect(page.locator("#problems")).not_to_contain_text("谈话")
    page.get_by_role("button", name="发送给张思佳").click()
    page.locator("#confirm-dialog").get_by_role("button", name="确认发送").click()
    expect(page.locator("#letter-status")).to_contain_text("已发送")
    expect(page.locator("#items li")).to_have_count(2)
    letter = Letter.objects.get(kind="team", unit__code="DW01")
    assert letter.status == "sent" and letter.recipient == principal

    login(page, live_server, "liaison")
    page.get_by_role("link", name="反馈与整改").click()
    expect(page.locator("#unit-letters")).to_contain_text("发送给主要负责人张思佳")
    page.get_by_role("link", name="整改事项").click()
    page.get_by_role("link", name="1. 基层调研不够深入。").click()
    page.fill("#owner", "办公室主任")
    page.fill("#deadline", "2026-06-30")
    page.fill("#measures", "建立领导班子成员基层调研制度")
    page.fill("#progress", "制度已印发，本季度调研12次")
    page.get_by_role("button", name="整改完成，申请销号").click()
    expect(page.locator("#item-status")).to_contain_text("待销号")
    expect(page.locator("#updates")).to_contain_text("制度已印发")

    item = Rectification.objects.get(letter=letter, number=1)
    login(page, live_server, "assessor")
    page.goto(f"{live_server.url}/feedback/rectifications/{item.pk}/")
    expect(page.locator("#update-form")).to_have_count(0)
    page.get_by_role("button", name="核验通过，销号").click()
    expect(page.locator("#item-status")).to_contain_text("已销号")
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_by == cast["assessor"]
