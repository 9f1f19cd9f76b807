"""In a real browser: a department clerk enters scores in the grid, saves, sees them; a bad value saves nothing."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.performance.models import IndicatorScore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stored():
    return {
        (s.unit.code, s.indicator.code, s.indicator.category.name): s.score
        for s in IndicatorScore.objects.all()
    }


def test_clerk_enters_scores_in_the_grid_and_a_bad_value_saves_nothing(world, page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/inputs/")
    page.get_by_role("link", name="进入").click()
    page.wait_for_url("**/cycles/2025/scores/")
    page.get_by_label("东城街道 · 经济发展").fill("88")
    page.get_by_label("西山镇 · 经济发展").fill("92.5")
    page.get_by_label("市财政局 · 服务质量").fill("75")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存：新增 3 项")
    expect(page.get_by_label("西山镇 · 经济发展")).to_have_value("92.5")
    assert stored() == {
        ("DW01", "ZB01", "乡镇街道"): 88,
        ("DW02", "ZB01", "乡镇街道"): 92.5,
        ("DW03", "ZB03", "政府部门"): 75,
    }

    page.get_by_label("东城街道 · 经济发展").fill("105")
    page.get_by_label("市财政局 · 经济运行").fill("60")
    page.get_by_role("button", name="保存").click()
    problems = page.locator("#grid-problems")
    expect(problems).to_contain_text("东城街道 · 经济发展: 「105」超出 0–100")
    expect(problems).to_contain_text("没有保存任何数据")
    expect(page.get_by_label("东城街道 · 经济发展")).to_have_value("105")
    expect(page.get_by_label("东城街道 · 经济发展")).to_have_class(
        "form-control form-control-sm text-end is-invalid"
    )
    assert stored() == {
        ("DW01", "ZB01", "乡镇街道"): 88,
        ("DW02", "ZB01", "乡镇街道"): 92.5,
        ("DW03", "ZB03", "政府部门"): 75,
    }
