"""In a real browser: log in, import a roster through the upload page, find a cadre by pinyin initials."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.accounts.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def roster_file(path):
    book = Workbook()
    units = book.active
    units.title = "单位"
    units.append(["单位编码", "单位名称", "单位类别", "上级单位编码"])
    units.append(["DW10", "示例市南湖街道", "乡镇街道", None])
    units.append(["DW11", "示例市统计局", "政府部门", None])
    cadres = book.create_sheet("干部")
    cadres.append(["干部编码", "姓名", "单位编码", "职务", "主要负责人", "性别", "出生年月", "任职时间"])
    cadres.append(["GB100", "张思佳", "DW10", "党工委书记", "是", "女", "1981-04", "2021-06"])
    cadres.append(["GB101", "周文博", "DW11", "局长", "是", "男", "1976-11", "2019-03"])
    book.save(path)
    return path


def test_organiser_imports_a_roster_and_finds_a_cadre_by_pinyin_initials(page, live_server, tmp_path):
    User.objects.create_user(username="organiser", password=PASSWORD, role=Role.ORGANISER)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/org/roster/import/")
    page.set_input_files("input[type=file]", str(roster_file(tmp_path / "名册.xlsx")))
    page.get_by_role("button", name="导入").click()
    result = page.locator("#roster-result")
    result.wait_for()
    assert "已导入" in result.inner_text()

    page.goto(f"{live_server.url}/org/cadres/")
    page.fill("input[name=q]", "zsj")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=zsj**")
    results = page.locator("table tbody")
    expect(results).to_contain_text("张思佳")
    expect(results).not_to_contain_text("周文博")
