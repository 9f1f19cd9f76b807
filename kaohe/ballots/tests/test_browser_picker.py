"""In a real browser with htmx: the organiser finds a unit by its pinyin initials, adds it whole (its team and
every cadre) in one click, sees the chosen list, unticks one cadre and saves the session."""

import pytest
from playwright.sync_api import expect

from kaohe.ballots.models import EvaluationSession
from kaohe.ballots.tests.test_browser_confirm import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_whole_unit_is_chosen_by_pinyin_and_saved(page, live_server, cycle, cast):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/cycles/2025/sessions/new/")
    page.fill("#id_name", "东城街道测评会")
    page.fill("#id_groups", "上级=3,下级=20")
    page.fill("#target-q", "dcjd")  # 东城街道, searched as it is typed
    unit = page.locator("#found-units li[data-unit='DW01']")
    expect(unit).to_contain_text("整个单位（班子和 2 名干部）")
    unit.get_by_role("button", name="整个单位").click()
    expect(page.locator("#chosen-teams")).to_contain_text("东城街道")
    cadres = page.locator("#chosen-cadres")
    expect(cadres.locator("[data-count]")).to_have_text("2")
    expect(cadres).to_contain_text("张思佳")
    cadres.get_by_label("GB002 李明", exact=False).uncheck()
    expect(cadres.locator("[data-count]")).to_have_text("1")
    expect(page.locator("#id_name")).to_have_value("东城街道测评会")  # the picker's swap left the form alone
    page.fill("#target-q", "wjg")
    # The button too: typed just after the swap above, the input event can reach the old field (a flake).
    page.locator("#target-search").click()
    found = page.locator("#found-cadres li[data-cadre='GB003']")
    # A click, not check(): ticking it swaps the picker at once (the row then says 已选), so there is no
    # checkbox left for check() to confirm when the swap wins the race.
    found.get_by_label("测评").click()
    expect(cadres).to_contain_text("王建国")
    page.locator("#session-save").click()
    page.wait_for_url(f"{live_server.url}/cycles/2025/sessions/*/")
    session = EvaluationSession.objects.get(name="东城街道测评会")
    codes = sorted(t.cadre.code for t in session.targets.filter(cadre__isnull=False))
    assert codes == ["GB001", "GB003"]
    assert [t.unit.code for t in session.targets.filter(unit__isnull=False)] == ["DW01"]


def test_without_javascript_the_picker_posts_the_form_back_and_saves_nothing_until_asked(
    browser, live_server, cycle, cast
):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/cycles/2025/sessions/new/")
    page.fill("#id_name", "财政局测评会")
    page.fill("#id_groups", "上级=3,下级=20")
    page.fill("#target-q", "czj")  # 市财政局
    page.locator("#target-search").click()
    page.locator("#found-units li[data-unit='DW03']").get_by_role("button", name="整个单位").click()
    expect(page.locator("#chosen-cadres [data-count]")).to_have_text("2")
    expect(page.locator("#id_name")).to_have_value("财政局测评会")
    assert not EvaluationSession.objects.exists()
    page.locator("#session-save").click()
    page.wait_for_url(f"{live_server.url}/cycles/2025/sessions/*/")
    session = EvaluationSession.objects.get(name="财政局测评会")
    assert sorted(t.cadre.code for t in session.targets.filter(cadre__isnull=False)) == ["GB004", "GB005"]
    context.close()


def test_a_category_is_added_whole_and_saved(page, live_server, cycle, cast):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/cycles/2025/sessions/new/")
    page.fill("#id_name", "乡镇街道测评会")
    page.fill("#id_groups", "上级=3,下级=20")
    page.select_option("#target-category", label="乡镇街道（2 个单位、3 名干部）")
    page.get_by_role("button", name="加入该类别的班子和干部").click()
    expect(page.locator("#chosen-teams [data-count]")).to_have_text("2")
    expect(page.locator("#chosen-cadres [data-count]")).to_have_text("3")
    expect(page.locator("#id_name")).to_have_value("乡镇街道测评会")
    page.locator("#session-save").click()
    page.wait_for_url(f"{live_server.url}/cycles/2025/sessions/*/")
    session = EvaluationSession.objects.get(name="乡镇街道测评会")
    assert sorted(t.unit.code for t in session.targets.filter(unit__isnull=False)) == ["DW01", "DW02"]
    assert sorted(t.cadre.code for t in session.targets.filter(cadre__isnull=False)) == [
        "GB001",
        "GB002",
        "GB003",
    ]
