"""Password and session rules (等保 level 3): complexity, history, expiry, forced change, idle timeout."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from kaohe.accounts import actions, passwords
from kaohe.accounts.middleware import LAST_SEEN
from kaohe.accounts.models import Role, User
from kaohe.audit.models import AuditEntry

NEW = "Plum-blossom-2025"


def change(client, old: str, new: str, confirm: str | None = None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "password1": new, "password2": confirm or new},
        follow=True,
    )


@pytest.mark.parametrize(
    "password,kinds",
    [("abcdefghij", 1), ("abcdeFGHIJ", 2), ("abcdeFGH12", 3), ("abcdeFG12!", 4), ("考核系统abc123", 3)],
)
def test_character_classes_are_counted(password, kinds):
    assert passwords.character_classes(password) == kinds


def test_a_password_with_too_few_kinds_of_character_is_refused_in_chinese(cast):
    with pytest.raises(ValidationError) as refused:
        actions.user_set_password(actor=cast["sysadmin"], user=cast["clerk"], password="onlylowercaseletters")
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类。" in refused.value.messages


def test_the_number_of_kinds_is_a_setting(cast, settings):
    settings.PASSWORD_MIN_CHARACTER_CLASSES = 4
    with pytest.raises(ValidationError, match="至少 4 类"):
        actions.user_set_password(actor=cast["sysadmin"], user=cast["clerk"], password="Plumblossom2025")


def test_the_current_and_recent_passwords_cannot_come_back(client_for, settings):
    settings.PASSWORD_HISTORY = 2
    client = client_for("clerk")
    response = change(client, PASSWORD, PASSWORD)
    assert "新密码不能与最近 3 次使用过的密码相同。" in response.content.decode()
    assert "密码已修改" in change(client, PASSWORD, NEW).content.decode()
    second, third = "Second-pass-2025", "Third-pass-2025"
    assert "密码已修改" in change(client, NEW, second).content.decode()
    assert "最近 3 次" in change(client, second, PASSWORD).content.decode()  # two back: refused
    assert "密码已修改" in change(client, second, third).content.decode()
    assert "密码已修改" in change(client, third, "Fourth-pass-2025").content.decode()
    assert "密码已修改" in change(client, "Fourth-pass-2025", PASSWORD).content.decode()  # four back: allowed


def test_the_history_keeps_only_what_the_setting_needs(cast, settings):
    settings.PASSWORD_HISTORY = 2
    clerk = cast["clerk"]
    for password in ("Aaaa-2025-one", "Aaaa-2025-two", "Aaaa-2025-three", "Aaaa-2025-four"):
        passwords.own_password_change(user=clerk, password=password)
    assert clerk.password_history.count() == 2


def test_a_wrong_current_password_is_refused(client_for):
    response = change(client_for("clerk"), "not-it", NEW)
    assert "当前密码不正确" in response.content.decode()
    assert User.objects.get(username="clerk").check_password(PASSWORD)


def test_an_own_change_is_audited_without_the_password(client_for):
    change(client_for("clerk"), PASSWORD, NEW)
    entry = AuditEntry.objects.get(action="user.change_password")
    assert entry.actor.username == "clerk" and entry.before is None and entry.after is None


def test_an_expired_password_must_be_changed_before_anything_else(client_for, cast, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=cast["clerk"].pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client = client_for("clerk")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "您的密码已超过 90 天未修改，请修改密码。" in page
    api = client.get("/api/accounts/me")
    assert api.status_code == 403 and "90 天" in api.json()["detail"]
    change(client, PASSWORD, NEW)
    assert client.get(reverse("home")).status_code == 200


def test_a_password_within_its_age_is_not_expired(client_for, cast):
    User.objects.filter(pk=cast["clerk"].pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client_for("clerk").get(reverse("home")).status_code == 200


def test_an_account_created_by_the_sysadmin_changes_its_password_at_first_login(client, cast):
    actions.user_create(actor=cast["sysadmin"], username="newbie", password=NEW, role=Role.LEADER)
    client.post(reverse("login"), {"username": "newbie", "password": NEW})
    response = client.get(reverse("home"))
    assert response.url == reverse("accounts:password_change")
    assert "您的密码由他人设置，请先修改密码。" in client.get(response.url).content.decode()
    assert "密码已修改" in change(client, NEW, "Own-choice-2025").content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert not User.objects.get(username="newbie").must_change_password


def test_a_password_reset_by_the_sysadmin_must_be_changed(client, cast):
    actions.user_set_password(actor=cast["sysadmin"], user=cast["clerk"], password=NEW)
    clerk = User.objects.get(pk=cast["clerk"].pk)
    assert clerk.must_change_password
    assert client.login(username="clerk", password=NEW)
    assert client.get(reverse("org:unit_list")).url == reverse("accounts:password_change")


def test_a_password_one_sets_oneself_need_not_be_changed_again(cast):
    passwords.own_password_change(user=cast["clerk"], password=NEW)
    assert not User.objects.get(pk=cast["clerk"].pk).must_change_password


def test_the_forced_change_page_itself_and_logout_stay_reachable(client_for, cast):
    User.objects.filter(pk=cast["clerk"].pk).update(must_change_password=True)
    client = client_for("clerk")
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_an_idle_session_ends_with_a_chinese_message(client_for, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = client_for("clerk")
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN] -= 31 * 60
    session.save()
    response = client.get(reverse("org:unit_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    login_page = client.get(response.url).content.decode()
    assert "已超过 30 分钟未操作，请重新登录。" in login_page
    assert client.get(reverse("home")).status_code == 302  # logged out for good


def test_a_session_in_use_does_not_time_out(client_for, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = client_for("clerk")
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN] -= 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_an_idle_api_session_gets_401_in_chinese(client_for, settings):
    client = client_for("clerk")
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN] -= settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    response = client.get("/api/accounts/me")
    assert response.status_code == 401 and "请重新登录" in response.json()["detail"]
