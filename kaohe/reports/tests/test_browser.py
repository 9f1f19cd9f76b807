"""In a real browser: a group drafts, edits, discusses and submits a report; the organiser accepts it."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.accounts.actors import SystemActor
from kaohe.reports.models import AnalysisReport, ReportDiscussion
from kaohe.results import actions as results_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_group_drafts_discusses_and_submits_and_the_organiser_accepts(page, live_server, world, cast):
    results_actions.compute_run_create(actor=SystemActor("测试"), cycle=world)

    login(page, live_server, "assessor")
    page.get_by_role("link", name="报告与登记表").click()
    page.get_by_role("link", name="综合分析报告").first.click()
    page.get_by_role("button", name="起草尚未开始的报告").click()
    # Unit A is the assessor's group's: its team and its two cadres, nobody else's.
    expect(page.locator("#reports tbody tr")).to_have_count(3)
    page.get_by_role("link", name="李明").click()
    expect(page.locator("#report-status")).to_contain_text("草稿（第1稿）")
    page.fill("#section-0", "考核组修改：工作扎实，群众认可。")
    page.get_by_role("button", name="保存（新版本）").click()
    expect(page.locator("#report-status")).to_contain_text("第2稿")
    page.fill("#held_on", "2025-12-20")
    page.fill("#attendees", "组长甲、组员乙、组员丙")
    page.fill("#conclusion", "同意报告内容和等次建议")
    page.get_by_role("button", name="提交考核办").click()
    # Asked first, in the page's dialog: the draft, the discussion, nothing written yet.
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("提交后第2稿交考核办审核")
    expect(dialog).to_contain_text("组长甲、组员乙、组员丙")
    assert AnalysisReport.objects.get(cadre__code="GB002").status == "draft"
    dialog.get_by_role("button", name="确认提交").click()
    expect(page.locator("#report-status")).to_contain_text("已提交")
    expect(page.locator("#discussions")).to_contain_text("组长甲、组员乙、组员丙")
    expect(page.locator("#submit-form")).to_have_count(0)

    report = AnalysisReport.objects.get(cadre__code="GB002")
    login(page, live_server, "organiser")
    page.goto(f"{live_server.url}/reports/2025/{report.pk}/")
    expect(page.locator(".section-text").first).to_contain_text("考核组修改：工作扎实，群众认可。")
    page.get_by_role("button", name="采纳").click()
    expect(dialog).to_contain_text("采纳后第2稿定稿")
    dialog.get_by_role("button", name="确认采纳").click()
    expect(page.locator("#report-status")).to_contain_text("已采纳")
    report.refresh_from_db()
    assert report.status == "accepted" and report.version == 2
    assert ReportDiscussion.objects.get(report=report).attendees == "组长甲、组员乙、组员丙"

    login(page, live_server, "liaison")
    response = page.goto(f"{live_server.url}/reports/2025/{report.pk}/")
    assert response.status == 403
