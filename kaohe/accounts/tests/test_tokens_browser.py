"""In a real browser: the organiser makes a token and copies it once; /api/docs renders from the app alone,
under the content-security policy, and calls the API with the session."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.accounts.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_made_once_and_the_docs_work_offline(page, live_server, cast):
    outside, problems = [], []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url),
    )
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="API 令牌").click()
    page.fill("#id_name", "同步脚本")
    page.select_option("#id_role", "committee")
    page.get_by_role("button", name="创建").click()
    secret = page.locator("[data-secret]").input_value()
    assert secret.startswith("kh.")
    expect(page.locator('[data-token="同步脚本"]')).to_contain_text("领导小组成员")
    page.reload()  # a reload re-posts nothing the browser may keep: the page asks again, or shows no secret
    page.goto(f"{live_server.url}/accounts/tokens/")
    assert secret not in page.content()
    assert ApiToken.objects.get().name == "同步脚本"

    page.goto(f"{live_server.url}/api/docs")
    me = page.locator(".opblock", has_text="/api/accounts/me")
    expect(me).to_be_visible()
    me.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(me.locator(".live-responses-table")).to_contain_text('"username": "organiser"')
    assert outside == [], outside
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
