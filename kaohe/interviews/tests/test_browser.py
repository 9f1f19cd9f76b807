"""In a real browser: an assessor meets the pledge, records an interview, and the organiser sees the summary."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.interviews import actions, selectors
from kaohe.interviews.models import Kind
from kaohe.interviews.tests.conftest import heard, leader, middle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def two_heard(world, settings):
    """One staff representative asked; a middle-level head and the representative heard already, 李明 away
    (病假): 张思佳 is the last to be heard."""
    settings.MIN_GROUP_SIZE = 3
    cycle, organiser = world["cycle"], world["cast"]["organiser"]
    actions.interview_settings_update(
        actor=organiser,
        cycle=cycle,
        staff=1,
        service_users=0,
        deputies=0,
        recommend=False,
        pledge=selectors.settings_of(cycle).pledge,
    )
    heard(world, middle(world), actor="organiser")
    staff = actions.interviewee_add(
        actor=organiser, cycle=cycle, unit=world["unit"], kind=Kind.STAFF, name="陈晓", post="科员"
    )
    heard(world, staff, actor="organiser")
    actions.interviewee_excuse(actor=organiser, interviewee=leader(world, "a2"), reason="病假")
    return world


def test_an_assessor_records_an_interview_and_the_organiser_sees_the_summary(two_heard, page, live_server):
    log_in(page, live_server, "assessor")
    expect(page.locator("#todo-interviews-count")).to_have_text("1")
    page.locator("#todo-interviews").get_by_role("link", name="个别谈话尚缺").click()
    page.get_by_role("link", name="东城街道").click()
    row = page.locator("#interviewees tr", has_text="张思佳")
    row.get_by_role("link", name="填写记录").click()

    expect(page.locator("#pledge-text")).to_contain_text("八不准")
    page.get_by_role("button", name="我已阅读并承诺遵守").click()

    expect(page.get_by_role("heading", name="个别谈话记录：张思佳")).to_be_visible()
    page.get_by_label("partner").check()
    page.get_by_label("作风建设").fill("作风扎实，深入基层")
    page.get_by_label("李明 · 绩").fill("完成任务较好")
    page.get_by_label("李明 · 推荐等次").select_option("优秀")
    page.get_by_label("服务群众").check()
    page.get_by_label("反映的问题").fill("窗口服务时间不够方便")
    page.get_by_role("button", name="加密保存").click()
    expect(page.get_by_role("alert")).to_contain_text("“张思佳”的谈话记录已加密保存")
    expect(page.locator("#unit-coverage")).to_contain_text("谈话已完成")

    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server.url}/cycles/2025/interviews/")
    page.locator("#interview-units tr", has_text="东城街道").get_by_role("link", name="汇总").click()
    expect(page.locator("#summary-count")).to_contain_text("谈话 3 人次，谈话已完成")
    li_ming = page.locator("#summary-cadres tr", has_text="李明")
    expect(li_ming.locator("td")).to_have_text(["李明", "3", "1", "2", "0", "0"])
    expect(page.locator("#summary-problems")).to_contain_text("服务群众")
    expect(page.locator("body")).not_to_contain_text("窗口服务时间不够方便")
