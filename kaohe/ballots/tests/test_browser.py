"""On a phone-sized screen: a rater opens the slip's link, fills the ballot, sees the receipt; the code
cannot be used again. The same with JavaScript off."""

import pytest
from playwright.sync_api import expect

from kaohe.ballots import actions
from kaohe.ballots.models import Ballot, Mark

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_phone_page(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    yield page
    context.close()


def fill_and_submit(page, live_server, code: str, world) -> None:
    page.goto(f"{live_server.url}/b/{code}/")
    expect(page.get_by_role("heading", name="第一场")).to_be_visible()
    team = page.locator("fieldset", has_text="东城街道")
    for aspect in range(5):
        team.locator(".bl-item").nth(aspect).get_by_label("好", exact=True).check()
    team.locator(".bl-overall").get_by_label("良好").check()
    page.locator("fieldset", has_text="张思佳").get_by_label("优秀").check()
    page.locator("fieldset", has_text="李明").get_by_label("优秀").check()
    page.locator("fieldset", has_text="赵丽").get_by_label("称职", exact=True).check()
    box = page.locator("fieldset", has_text="赵丽").locator("label.bl-c").first.bounding_box()
    assert box["height"] >= 44  # a big touch target
    page.get_by_role("button", name="提交测评票").click()
    # Two 优秀 over the limit of one, and the promoted cadre not answered: nothing stored, choices kept.
    expect(page.locator("#ballot-errors")).to_contain_text("超过每票优秀上限 1 名")
    expect(page.locator("fieldset", has_text="钱伟")).to_contain_text(
        "请为「钱伟」的「对选拔任用该干部的看法」选择评价"
    )
    expect(page.locator("fieldset", has_text="张思佳").get_by_label("优秀")).to_be_checked()
    assert not Ballot.objects.exists()
    page.locator("fieldset", has_text="李明").get_by_label("称职", exact=True).check()
    promoted = page.locator("fieldset", has_text="钱伟")
    promoted.get_by_role("radio", name="不认同", exact=True).check()
    promoted.get_by_label("时请填写理由").fill("任职经历不足")
    page.get_by_role("button", name="提交测评票").click()
    expect(page.locator("#ballot-message")).to_contain_text("提交成功")
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt) == 14

    page.goto(f"{live_server.url}/b/{code}/")
    expect(page.locator("#ballot-message")).to_contain_text("此测评码已使用")
    # Sealed until the organiser closes the session with the opening key; then the receipt is found.
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    page.goto(f"{live_server.url}/b/receipt/")
    page.get_by_label("回执码").fill(receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#receipt-result")).to_contain_text("的测评票已计入")


def test_a_phone_fills_a_ballot_sees_the_receipt_and_cannot_reuse_the_code(world, phone_page, live_server):
    fill_and_submit(phone_page, live_server, world["codes"]["下级"][0], world)
    ballot = Ballot.objects.get()
    assert ballot.rater_group == "下级"
    assert sorted(Mark.objects.values_list("choice", flat=True)) == ["优秀", "称职", "称职", "良好"]


def test_the_same_with_javascript_off(world, no_js_phone_page, live_server):
    fill_and_submit(no_js_phone_page, live_server, world["codes"]["上级"][0], world)
    assert Ballot.objects.get().rater_group == "上级"
