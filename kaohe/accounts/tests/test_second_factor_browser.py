"""In a real browser: the organiser binds an authenticator at the first login, then signs in with a code."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.accounts.models import Role, User
from kaohe.accounts.tests.otp import code_for, key_from_secret_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_enrolling_and_using_totp(page, live_server, second_factor_required):
    User.objects.create_user(username="organiser", password=PASSWORD, role=Role.ORGANISER)
    sign_in(page, live_server.url)

    # First login: the enrolment page, with the QR code drawn by the app and the key to type by hand.
    page.wait_for_url(f"{live_server.url}/accounts/otp/setup/")
    expect(page.get_by_text("您的角色须使用第二因素登录，请先绑定身份验证器。")).to_be_visible()
    qr = page.get_by_alt_text("身份验证器二维码")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG renders under the CSP
    key = key_from_secret_text(page.locator("#otp-secret").inner_text())

    page.fill("#id_token", "000000" if code_for(key) != "000000" else "111111")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_text("动态口令不正确")).to_be_visible()
    page.wait_for_timeout(1500)  # django-otp locks a device for a second after a wrong code

    page.fill("#id_token", code_for(key))
    page.get_by_role("button", name="完成绑定").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="年度考核").first).to_be_visible()

    # Next login: the code from the phone (a step ahead: the enrolment code may not be used again).
    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/accounts/otp/")
    page.goto(f"{live_server.url}/cycles/")  # nothing else opens before the code
    page.wait_for_url(f"{live_server.url}/accounts/otp/")
    page.fill("#id_token", code_for(key, steps_ahead=1))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live_server.url}/")

    # The phone lost: a recovery code lets the organiser in once.
    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/accounts/otp/")
    page.fill("#id_token", recovery)
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live_server.url}/")
