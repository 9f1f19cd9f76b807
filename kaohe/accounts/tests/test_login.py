import pytest
from django.urls import reverse

from conftest import PASSWORD


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_logs_in_with_username_and_password(client, cast):
    response = client.post(reverse("login"), {"username": "organiser", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_in_chinese(client, cast):
    response = client.post(reverse("login"), {"username": "organiser", "password": "wrong-password"})
    assert "用户名或密码不正确" in response.content.decode()


def test_logins_are_locked_after_repeated_failures(client, cast, settings):
    settings.LOGIN_THROTTLE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "organiser", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "organiser", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from kaohe import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_carry_a_content_security_policy(client, cast):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_an_empty_login_says_what_is_missing(client, cast):
    page = client.post("/login/", {"username": "", "password": ""}).content.decode()
    assert "请输入用户名。" in page and "请输入密码。" in page
    page = client.post("/login/", {"username": "organiser", "password": ""}).content.decode()
    assert "请输入密码。" in page and "请输入用户名。" not in page
