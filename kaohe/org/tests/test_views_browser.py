"""The roster pages in a real browser: htmx live search, Chinese field errors, a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def watch_console(page):
    """Errors the page logs, such as content-security-policy violations."""
    problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")  # reported with its URL below
            and problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and problems.append(f"{response.status} {response.url}")
        ),
    )
    return problems


def test_cadre_list_filters_as_you_type(page, live_server, cast):
    problems = watch_console(page)
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server.url}/org/cadres/")
    results = page.locator("#cadre-results tbody")
    assert "王建国" in results.inner_text()

    page.locator("input[name=q]").press_sequentially("zsj", delay=50)
    page.wait_for_url(re.compile(r"q=zsj"))
    expect(results).not_to_contain_text("王建国")
    expect(results).to_contain_text("张思佳")
    assert page.locator("form.roster-filter").count() == 1  # only the results were swapped

    page.select_option("select[name=category]", label="政府部门")
    page.wait_for_url(re.compile(r"category="))
    expect(results).to_contain_text("没有符合条件的干部")
    assert problems == []


def test_unit_form_shows_a_chinese_error_on_the_field(page, live_server, cast):
    log_in(page, live_server, "organiser")
    page.goto(f"{live_server.url}/org/units/new/")
    page.fill("input[name=code]", "DW01")
    page.fill("input[name=name]", "重复单位")
    page.select_option("select[name=category]", label="乡镇街道")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator(".has-error .invalid-feedback").inner_text() == "单位编码 DW01 已存在"


def test_unit_list_fits_a_phone_screen(phone_page, live_server, cast):
    log_in(phone_page, live_server, "organiser")
    phone_page.goto(f"{live_server.url}/org/units/")
    assert "东城街道" in phone_page.locator("table").inner_text()
    # Wide tables scroll inside their .table-responsive box; the page itself does not.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
