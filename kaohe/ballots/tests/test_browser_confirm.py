"""In a real browser: ending a session asks first and says what cannot be undone, with the ballots received —
in a dialog with JavaScript, on a page of its own without it; cancelling leaves the session open."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.ballots import actions
from kaohe.ballots.models import EvaluationSession, SessionStatus
from kaohe.ballots.tests.conftest import filled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSEQUENCE = "封存后不能再投票，也不能重新开始：已收 2/10 张。"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def two_ballots_in(world) -> str:
    session = world["session"]
    for code in world["codes"]["下级"][:2]:
        actions.ballot_submit(code=code, data=filled(session))
    return f"/cycles/2025/sessions/{session.pk}/"


def status(world) -> str:
    return EvaluationSession.objects.get(pk=world["session"].pk).status


def test_closing_asks_in_a_dialog_and_cancel_leaves_it_open(page, live_server, world):
    detail = two_ballots_in(world)
    log_in(page, live_server)
    page.goto(f"{live_server.url}{detail}")
    page.fill("#opening-key", world["opening_key"])
    page.locator("#close-form").get_by_role("button", name="结束测评并封存").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-consequence")).to_have_text(CONSEQUENCE)
    expect(dialog.locator("#confirm-warnings")).to_contain_text("尚有 8 人未投票")
    assert page.url == f"{live_server.url}{detail}"  # still on the session's page, the dialog over it
    dialog.get_by_role("link", name="取消").click()
    expect(dialog).to_be_hidden()
    assert status(world) == SessionStatus.OPEN

    page.locator("#close-form").get_by_role("button", name="结束测评并封存").click()
    dialog.get_by_role("button", name="确认结束并封存").click()
    expect(page.get_by_role("alert").first).to_contain_text("测评已结束")
    expect(page.locator("#seal")).to_be_visible()
    assert status(world) == SessionStatus.SEALED


def test_closing_without_javascript_asks_on_a_page_of_its_own(no_js_page, live_server, world):
    page = no_js_page
    detail = two_ballots_in(world)
    log_in(page, live_server)
    page.goto(f"{live_server.url}{detail}")
    page.fill("#opening-key", world["opening_key"])
    page.locator("#close-form").get_by_role("button", name="结束测评并封存").click()
    expect(page.locator("#confirm-consequence")).to_have_text(CONSEQUENCE)
    assert page.url.endswith(f"{detail}close/")
    assert status(world) == SessionStatus.OPEN  # asking wrote nothing
    page.get_by_role("button", name="确认结束并封存").click()
    expect(page.get_by_role("alert").first).to_contain_text("测评已结束")
    assert status(world) == SessionStatus.SEALED


def test_a_form_error_shows_on_the_page_not_in_the_dialog(page, live_server, world):
    detail = two_ballots_in(world)
    log_in(page, live_server)
    page.goto(f"{live_server.url}{detail}")
    page.locator("#void-form").get_by_role("button", name="作废测评会").click()  # no reason given
    expect(page.locator("#void-form")).to_contain_text("请填写作废原因")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    page.locator("#void-form textarea, #void-form input[name=reason]").first.fill("组织有误，重新测评")
    page.locator("#void-form").get_by_role("button", name="作废测评会").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog.locator("#confirm-consequence")).to_contain_text("不能恢复：已收 2/10 张")
    dialog.get_by_role("button", name="确认作废").click()
    expect(page.locator("#void-reason")).to_contain_text("组织有误，重新测评")
    assert status(world) == SessionStatus.VOID
