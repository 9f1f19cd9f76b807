"""In a real browser: a liaison fills a month's lists, an assessor verifies a line, the organiser sees the gaps."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.records.models import ListEvidence, ListItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def add(page, kind, content, **fields):
    page.locator("#id_kind").select_option(label=kind)
    page.locator("#id_content").fill(content)
    for field, value in fields.items():
        page.locator(f"#id_{field}").fill(value)
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已添加到3月{kind}")


def test_a_liaison_fills_a_month_an_assessor_verifies_the_organiser_sees_the_gaps(year, page, live_server):
    login(page, live_server, "liaison")
    page.locator("#todo-records a").click()
    page.locator("#todo").get_by_role("link", name="3月", exact=True).click()  # March not filed yet
    page.wait_for_url("**/records/2025/mine/3/")
    add(page, "任务清单", "完成老旧小区改造三个", due="2025-03-31")
    add(page, "进度清单", "已完成一个小区")
    add(page, "问题清单", "台账资料不完整", found_by="第一考核组")
    page.locator("#id_kind").select_option(label="成绩清单")
    page.locator("#id_content").fill("获评省级示范街道")
    page.locator("#id_files").set_input_files(
        {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 certificate"}
    )
    page.get_by_role("button", name="添加").click()
    expect(page.locator("#list-achievement")).to_contain_text("证书.pdf")
    # A task without its due date is refused, and says why.
    page.locator("#id_kind").select_option(label="任务清单")
    page.locator("#id_content").fill("没有时限的任务")
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_role("alert")).to_contain_text("任务清单须填写完成时限")
    assert ListItem.objects.count() == 4 and ListEvidence.objects.count() == 1

    page.context.clear_cookies()
    login(page, live_server, "assessor")
    page.goto(f"{live_server.url}/records/2025/?month=3")
    row = page.locator("#gap-list tr", has_text="东城街道")
    expect(row).to_contain_text("4")
    row.get_by_role("link", name="查看").click()
    task = ListItem.objects.get(kind="task")
    page.get_by_label(f"核实意见 {task.pk}").fill("现场查看，三个小区已开工")
    page.locator("#list-task").get_by_role("button", name="核实").click()
    expect(page.locator("#list-task")).to_contain_text("已核实")
    expect(page.locator("#list-task")).to_contain_text("现场查看，三个小区已开工")
    task.refresh_from_db()
    assert task.verified_at is not None

    page.context.clear_cookies()
    login(page, live_server, "organiser")
    page.locator("#todo-records a").click()
    page.locator("#month").select_option("3")
    page.get_by_role("button", name="查看").click()
    gaps = page.locator("#gap-list")
    expect(gaps.locator("tr", has_text="东城街道")).to_contain_text("3")  # three lines still to verify
    expect(gaps.locator("tr", has_text="西山镇")).to_contain_text("未报送")
    expect(gaps.locator("tr", has_text="市财政局")).to_contain_text("未报送")
