"""The second factor: TOTP and recovery codes, required for the administrators and the organiser."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kaohe.accounts import second_factor, security
from kaohe.accounts.models import User
from kaohe.accounts.tests.otp import code_for
from kaohe.audit.models import AuditEntry

SETUP, VERIFY = reverse("accounts:otp_setup"), reverse("accounts:otp_verify")


def log_in(client, username: str):
    client.logout()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def enrol(client, username: str) -> tuple[TOTPDevice, list[str]]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post(SETUP, {"token": code_for(device.bin_key)})
    assert response.status_code == 200
    codes = list(response.context["codes"])
    device.refresh_from_db()
    return device, codes


@pytest.mark.parametrize("role", ["organiser", "sysadmin", "secadmin", "auditadmin"])
def test_a_required_role_must_enrol_before_anything_else(client, cast, second_factor_required, role):
    log_in(client, role)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == SETUP
    page = client.get(SETUP).content.decode()
    assert "您的角色须使用第二因素登录，请先绑定身份验证器。" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn by the app


@pytest.mark.parametrize("role", ["committee", "assessor", "clerk", "liaison", "leader", "cadre"])
def test_the_second_factor_is_optional_for_business_roles_other_than_the_organiser(
    client, cast, second_factor_required, role
):
    log_in(client, role)
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_with_a_right_code_shows_ten_recovery_codes_once_and_is_audited(
    client, cast, second_factor_required
):
    log_in(client, "organiser")
    device, codes = enrol(client, "organiser")
    assert device.confirmed and len(codes) == 10 and len(set(codes)) == 10
    assert User.objects.get(username="organiser").second_factor_enrolled
    assert client.get(reverse("home")).status_code == 200
    entry = AuditEntry.objects.get(action="second_factor.enrol")
    assert entry.actor == cast["organiser"] and "secret" not in str(entry.after)


def test_a_wrong_enrolment_code_is_refused_in_chinese(client, cast, second_factor_required):
    log_in(client, "organiser")
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert "动态口令不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("home")).url == SETUP


def test_the_next_login_asks_for_the_code_and_accepts_it(client, cast, second_factor_required):
    log_in(client, "secadmin")
    device, _codes = enrol(client, "secadmin")
    log_in(client, "secadmin")
    assert client.get(reverse("home")).url == VERIFY
    assert client.get(reverse("accounts:security_list")).url == VERIFY
    response = client.post(VERIFY, {"token": code_for(device.bin_key, steps_ahead=1)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:security_list")).status_code == 200


def test_a_wrong_code_is_refused_in_chinese_and_the_session_stays_unverified(
    client, cast, second_factor_required
):
    log_in(client, "secadmin")
    enrol(client, "secadmin")
    log_in(client, "secadmin")
    assert "动态口令不正确" in client.post(VERIFY, {"token": "123456"}).content.decode()
    assert client.get(reverse("accounts:security_list")).url == VERIFY
    # At once again, even with the right code: the device is locked for a second, and the page says why.
    device = TOTPDevice.objects.get(user__username="secadmin")
    response = client.post(VERIFY, {"token": code_for(device.bin_key, steps_ahead=1)})
    assert "动态口令连续错误 1 次，请稍等几秒后再试。" in response.content.decode()


def test_a_code_cannot_be_used_twice(client, cast, second_factor_required):
    log_in(client, "organiser")
    device, _codes = enrol(client, "organiser")
    code = code_for(device.bin_key, steps_ahead=1)
    log_in(client, "organiser")
    assert client.post(VERIFY, {"token": code}).status_code == 302
    log_in(client, "organiser")
    assert "动态口令不正确" in client.post(VERIFY, {"token": code}).content.decode()


def test_a_recovery_code_works_once(client, cast, second_factor_required):
    log_in(client, "organiser")
    _device, codes = enrol(client, "organiser")
    log_in(client, "organiser")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.count() == 9
    log_in(client, "organiser")
    assert "动态口令不正确" in client.post(VERIFY, {"token": codes[0]}).content.decode()


def test_an_enrolled_optional_user_is_asked_too(client, cast, second_factor_required):
    log_in(client, "liaison")
    device, _codes = enrol(client, "liaison")
    log_in(client, "liaison")
    assert client.get(reverse("home")).url == VERIFY


def test_the_api_refuses_a_session_that_has_not_passed_the_second_factor(
    client, cast, second_factor_required
):
    log_in(client, "sysadmin")
    response = client.get("/api/accounts/users")
    assert response.status_code == 403 and "绑定身份验证器" in response.json()["detail"]


def test_a_lost_phone_is_reset_by_the_secadmin_audited_and_enrolled_again(
    client, client_for, cast, second_factor_required
):
    log_in(client, "organiser")
    enrol(client, "organiser")
    secadmin = client_for(
        "secadmin"
    )  # the cast's secadmin, logged in by force as a verified session would be
    # client_for shares the test client: use the action as the page does, then check the page separately.
    security.second_factor_reset(actor=cast["secadmin"], user=cast["organiser"])
    organiser = User.objects.get(username="organiser")
    assert not organiser.second_factor_enrolled
    assert not TOTPDevice.objects.filter(user=organiser).exists()
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert entry.actor == cast["secadmin"] and entry.before == {"second_factor": "TOTP"}
    log_in(secadmin, "organiser")
    assert secadmin.get(reverse("home")).url == SETUP


def test_the_reset_page_works_for_the_secadmin(client_for, cast):
    TOTPDevice.objects.create(user=cast["clerk"], name="x", confirmed=True)
    User.objects.filter(pk=cast["clerk"].pk).update(second_factor_enrolled=True)
    response = client_for("secadmin").post(
        reverse("accounts:second_factor_reset", args=[cast["clerk"].pk]), follow=True
    )
    assert "已重置账号“clerk”的身份验证器" in response.content.decode()
    assert not User.objects.get(pk=cast["clerk"].pk).second_factor_enrolled


def test_the_secadmin_cannot_reset_its_own_second_factor(cast):
    with pytest.raises(security.ValidationError, match="不能重置自己的第二因素"):
        security.second_factor_reset(actor=cast["secadmin"], user=cast["secadmin"])


def test_demo_accounts_skip_the_second_factor_in_development_only(
    client, db, settings, second_factor_required
):
    demo = User.objects.create_user(username="demo-organiser", password=PASSWORD, role="organiser")
    settings.DEBUG = True
    assert second_factor.demo_bypass(demo) and not second_factor.required(demo)
    log_in(client, "demo-organiser")
    assert client.get(reverse("home")).status_code == 200
    settings.DEBUG = False
    assert second_factor.required(demo)
    assert client.get(reverse("home")).url == SETUP


def test_an_explicit_dev_mode_setting_wins_over_debug(db, settings):
    demo = User(username="demo-sysadmin", role="sysadmin")
    settings.DEBUG, settings.DEV_MODE = True, False
    assert not second_factor.demo_bypass(demo)


def test_other_accounts_do_not_skip_it_in_development(db, settings, second_factor_required):
    settings.DEBUG = True
    assert second_factor.required(User(username="organiser", role="organiser"))
