"""In a real browser, on the demo as `make run` loads it: each of the seven business accounts signs in to a
home page that lists what waits for it, and the first item's link opens its page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kaohe.ballots.tests.conftest import seed_templates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = {  # account: an item its to-do must show
    "demo-organiser": "定档前尚需处理的事项",
    "demo-committee": "待定结果须领导小组决定",
    "demo-assessor": "尚待现场核验的指标得分",
    "demo-clerk": "本部门尚未评分齐全的单位",
    "demo-liaison": "本单位自评尚未填写的指标",
    "demo-leader": "尚未评价的单位",
    "demo-cadre": "本人考核结果已确定，请查看并签署本人意见",
}


def test_every_demo_account_lands_on_a_to_do_list_whose_links_open(page, live_server):
    seed_templates()  # an earlier browser test's flush dropped what the data migration seeded
    call_command("demo", "--if-empty")
    for username, label in ACCOUNTS.items():
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "kaohe-demo")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        todo = page.locator("#todo")
        expect(todo.locator("li").first).to_be_visible()
        expect(todo).to_contain_text(label)
        expect(page.locator("#todo-empty")).to_have_count(0)
        links = [a.get_attribute("href") for a in todo.locator("li a").all()]
        for href in links:
            response = page.goto(f"{live_server.url}{href}")
            assert response is not None and response.status == 200, (username, href)
    # The cadre's home shows their own record, not the roster's figures over an empty table.
    page.goto(f"{live_server.url}/")
    expect(page.locator(".stat-value")).to_have_count(0)
