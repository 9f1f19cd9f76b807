"""The demo's three administrators: in development they sign in with the demo password alone."""

import pytest
from django.urls import reverse

from kaohe.accounts.demo import DEMO_ADMINISTRATORS, demo_administrator_lines, demo_administrators_load
from kaohe.accounts.models import User

PASSWORD = "kaohe-demo"


@pytest.mark.parametrize(
    "username,page",
    [
        ("demo-sysadmin", "accounts:user_list"),
        ("demo-secadmin", "accounts:security_list"),
        ("demo-auditadmin", "audit:entry_list"),
    ],
)
def test_a_demo_administrator_signs_in_with_the_password_alone_in_development(
    client, db, settings, second_factor_required, username, page
):
    settings.DEBUG = True
    demo_administrators_load(password=PASSWORD)
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse(page)).status_code == 200


def test_outside_development_a_demo_administrator_must_enrol(client, db, settings, second_factor_required):
    settings.DEBUG = False
    demo_administrators_load(password=PASSWORD)
    client.post(reverse("login"), {"username": "demo-secadmin", "password": PASSWORD})
    assert client.get(reverse("accounts:security_list")).url == reverse("accounts:otp_setup")


def test_loading_twice_keeps_three_and_the_table_lists_them(db):
    demo_administrators_load(password=PASSWORD)
    demo_administrators_load(password=PASSWORD)
    assert User.objects.count() == len(DEMO_ADMINISTRATORS) == 3
    assert [line[:2] for line in demo_administrator_lines()] == [
        ("demo-sysadmin", "系统管理员"),
        ("demo-secadmin", "安全管理员"),
        ("demo-auditadmin", "审计管理员"),
    ]
