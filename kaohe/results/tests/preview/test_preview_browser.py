"""In a real browser, under the strict CSP: the preview draws its chart and refreshes on demand; no script is refused."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.performance.models import LeaderRating
from kaohe.performance.tests.test_progress import collected

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_draws_its_chart_and_refreshes_without_breaking_the_csp(world, page, live_server):
    collected(world)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/cycles/2025/preview/")
    expect(page.locator("#preview-notice")).to_have_text("预览：数据尚未最终确定")
    expect(page.locator(".preview-chart canvas")).to_have_count(1)
    expect(page.locator('tr[data-unit="DW02"]')).to_contain_text("缺1项")

    # New data arrives; 刷新 swaps in the results with htmx and the chart is drawn again.
    LeaderRating.objects.create(
        cycle=world["cycle"], unit=world["units"]["b"], leader=world["cast"]["leader"], score=70
    )
    page.get_by_role("link", name="刷新").click()
    expect(page.locator('tr[data-unit="DW02"]')).to_contain_text("70.00")
    expect(page.locator(".preview-chart canvas")).to_have_count(1)
    page.locator('tr[data-unit="DW02"] summary').click()
    expect(page.locator('tr[data-unit="DW02"] .preview-explanation')).to_contain_text("缺少指标得分（ZB02）")
    assert page.url.endswith("/cycles/2025/preview/")  # swapped in place, not navigated
    assert not [text for text in refused if "Content Security Policy" in text], refused
