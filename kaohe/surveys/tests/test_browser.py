"""On a phone-sized screen: a member of the public answers a survey from the slip's link, with and without
JavaScript; the code cannot be used twice."""

import pytest
from playwright.sync_api import expect

from kaohe.surveys.forms import code_display
from kaohe.surveys.models import SurveyCode, SurveyResponse

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


def answer_from_the_slip(page, live_server, world, code: str) -> None:
    survey = world["codes_survey"]
    page.goto(f"{live_server.url}/s/{survey.token}/?c={code}")
    expect(page.get_by_role("heading", name="东城街道")).to_be_visible()
    expect(page.get_by_text(survey.question)).to_be_visible()
    expect(page.get_by_label("评议码")).to_have_value(code_display(code))
    choice = page.get_by_label("基本满意")
    expect(choice).to_be_visible()
    box = page.locator("label.sv-choice").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big touch target on a 375 px screen
    choice.check()
    page.get_by_label("意见建议").fill("窗口办事很方便")
    page.get_by_role("button", name="提交评议").click()
    page.wait_for_url(f"**/s/{survey.token}/thanks/")
    expect(page.locator("#survey-message")).to_contain_text("感谢您的评议")

    page.goto(f"{live_server.url}/s/{survey.token}/?c={code}")
    expect(page.locator("#survey-message")).to_contain_text("此评议码已使用")


def test_a_phone_answers_from_the_slip_and_the_code_cannot_be_reused(world, phone_page, live_server):
    code = world["codes"][0]
    answer_from_the_slip(phone_page, live_server, world, code)
    # Typing the used code by hand is refused too.
    phone_page.goto(f"{live_server.url}/s/{world['codes_survey'].token}/")
    phone_page.get_by_label("评议码").fill(code_display(code).lower())
    phone_page.get_by_label("满意", exact=True).check()
    phone_page.get_by_role("button", name="提交评议").click()
    expect(phone_page.locator("#survey-message")).to_contain_text("此评议码已使用")
    stored = SurveyResponse.objects.get()
    assert (stored.choice, stored.comment) == ("基本满意", "窗口办事很方便")
    assert SurveyCode.objects.get(code=code).used


def test_the_survey_works_with_javascript_turned_off(world, no_js_phone_page, live_server):
    code = world["codes"][1]
    answer_from_the_slip(no_js_phone_page, live_server, world, code)
    assert SurveyResponse.objects.filter(choice="基本满意").count() == 1


def test_a_wrong_code_typed_on_the_phone_is_named_and_can_be_corrected(world, phone_page, live_server):
    survey, code = world["codes_survey"], world["codes"][2]
    phone_page.goto(f"{live_server.url}/s/{survey.token}/")
    phone_page.get_by_label("评议码").fill("0000-0000-0000-0000")
    phone_page.get_by_label("不满意").check()
    phone_page.get_by_role("button", name="提交评议").click()
    expect(phone_page.locator("#code-error")).to_have_text("评议码无效")
    expect(phone_page.get_by_label("不满意")).to_be_checked()
    phone_page.get_by_label("评议码").fill(code)
    phone_page.get_by_role("button", name="提交评议").click()
    expect(phone_page.locator("#survey-message")).to_contain_text("感谢您的评议")
    assert SurveyResponse.objects.get().choice == "不满意"
