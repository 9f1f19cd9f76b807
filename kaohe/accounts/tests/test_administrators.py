"""三员: the role × permission matrix of the three administrators, and the security administrator's work.

Each administrator does its own work only, and none reaches business data: the roster and every
assessment step stay with the business roles.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from conftest import PASSWORD
from kaohe.accounts import access, actions, security
from kaohe.accounts.models import ADMIN_ROLES, LoginFailure, Role, User
from kaohe.audit.models import AuditEntry

ADMINS = ["sysadmin", "secadmin", "auditadmin"]
# What each page is, and the one administrator who may open it (None: none of them).
PAGES = {
    "accounts:user_list": "sysadmin",
    "accounts:user_create": "sysadmin",
    "accounts:security_list": "secadmin",
    "audit:entry_list": "auditadmin",
    "audit:chain_verify": "auditadmin",
    "audit:entry_export": "auditadmin",
    "org:unit_list": None,
    "org:cadre_list": None,
    "org:category_list": None,
    "org:roster_import": None,
    "org:roster_export": None,
    "plans:cycle_list": None,
    "plans:cycle_create": None,
    "performance:inputs_home": None,
    "results:feedback_mine": None,
}
API = {
    "/api/accounts/users": "sysadmin",
    "/api/org/units": None,
    "/api/org/cadres": None,
    "/api/org/categories": None,
    "/api/cycles/": None,
}


@pytest.mark.parametrize("admin", ADMINS)
@pytest.mark.parametrize("page", PAGES)
def test_each_administrator_opens_its_own_pages_only(client_for, admin, page):
    status = client_for(admin).get(reverse(page)).status_code
    assert status == (200 if PAGES[page] == admin else 403), (admin, page, status)


@pytest.mark.parametrize("admin", ADMINS)
@pytest.mark.parametrize("path", API)
def test_each_administrator_reaches_its_own_api_only(client_for, admin, path):
    status = client_for(admin).get(path).status_code
    assert status == (200 if API[path] == admin else 403), (admin, path, status)


@pytest.mark.parametrize("admin", ADMINS)
def test_no_administrator_reads_a_units_record(client_for, roster, admin):
    unit = roster["units"]["a"]
    assert client_for(admin).get(reverse("org:unit_detail", args=[unit.pk])).status_code == 403
    assert client_for(admin).get(f"/api/org/units/{unit.pk}").status_code == 403


def test_no_administrator_role_appears_in_a_business_row_of_the_role_table():
    own = {
        "ACCOUNT_MANAGERS": Role.SYSADMIN,
        "SECURITY_MANAGERS": Role.SECADMIN,
        "TOKEN_REVOKERS": Role.SECADMIN,  # revoking a token is security work, it shows no business data
        "AUDIT_READERS": Role.AUDITADMIN,
    }
    for name, roles in vars(access).items():
        if not name.isupper() or not isinstance(roles, tuple) or name == "ADMIN_ROLES":
            continue
        admins = set(roles) & set(ADMIN_ROLES)
        assert admins == ({own[name]} if name in own else set()), name


@pytest.mark.parametrize(
    "business", ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre"]
)
def test_no_business_role_does_an_administrators_work(client_for, business):
    client = client_for(business)
    for page in ("accounts:user_list", "accounts:security_list", "audit:entry_list", "audit:entry_export"):
        assert client.get(reverse(page)).status_code == 403, (business, page)


def test_each_administrator_sees_only_its_own_navigation(client_for):
    pages = {
        "sysadmin": "accounts:user_list",
        "secadmin": "accounts:security_list",
        "auditadmin": "audit:entry_list",
    }
    for admin in ADMINS:
        html = client_for(admin).get(reverse("home")).content.decode()
        for other, page in pages.items():
            assert (f'href="{reverse(page)}"' in html) == (other == admin), (admin, page)
        assert reverse("org:unit_list") not in html and reverse("plans:cycle_list") not in html


# The system administrator gives business roles only


def test_the_sysadmin_cannot_grant_an_administrators_role(client_for):
    response = client_for("sysadmin").post(
        reverse("accounts:user_create"),
        {
            "username": "x",
            "role": Role.SECADMIN,
            "password1": "Plum-blossom-2025",
            "password2": "Plum-blossom-2025",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="x").exists()
    with pytest.raises(actions.ValidationError, match="管理员角色只能由安全管理员授予"):
        actions.user_create(actor=None, username="x", password="Plum-blossom-2025", role=Role.AUDITADMIN)


@pytest.mark.parametrize("other", ["secadmin", "auditadmin"])
def test_the_sysadmin_cannot_edit_deactivate_or_reset_an_administrator(client_for, cast, other):
    client = client_for("sysadmin")
    target = cast[other]
    client.post(reverse("accounts:user_edit", args=[target.pk]), {"role": Role.LEADER})
    client.post(reverse("accounts:user_set_active", args=[target.pk]), {"active": "0"})
    client.post(
        reverse("accounts:user_password", args=[target.pk]),
        {"password1": "Plum-blossom-2025", "password2": "Plum-blossom-2025"},
    )
    target.refresh_from_db()
    assert target.role == other and target.is_active and target.check_password(PASSWORD)
    assert not AuditEntry.objects.exists()


# The security administrator


def test_the_secadmin_grants_an_administrators_role_and_it_is_audited(client_for, cast):
    response = client_for("secadmin").post(
        reverse("accounts:user_set_role", args=[cast["leader"].pk]), {"role": Role.AUDITADMIN}, follow=True
    )
    assert "已修改账号“leader”的角色" in response.content.decode()
    leader = User.objects.get(pk=cast["leader"].pk)
    assert leader.role == Role.AUDITADMIN
    entry = AuditEntry.objects.get(action="user.set_role")
    assert (
        entry.actor == cast["secadmin"]
        and entry.before["role"] == "leader"
        and entry.after["role"] == "auditadmin"
    )


def test_an_administrators_role_drops_the_business_scope(cast, roster):
    security.user_set_role(actor=cast["secadmin"], user=cast["assessor"], role=Role.SYSADMIN)
    assessor = User.objects.get(pk=cast["assessor"].pk)
    assert assessor.assessment_groups.count() == 0
    liaison = security.user_set_role(actor=cast["secadmin"], user=cast["liaison"], role=Role.SECADMIN)
    assert liaison.unit_id is None


def test_a_role_whose_scope_is_missing_is_refused_in_chinese(client_for, cast):
    response = client_for("secadmin").post(
        reverse("accounts:user_set_role", args=[cast["leader"].pk]), {"role": Role.LIAISON}, follow=True
    )
    assert "缺少该角色的范围：单位联络员必须选择所属单位。请系统管理员先设置。" in response.content.decode()
    assert User.objects.get(pk=cast["leader"].pk).role == Role.LEADER


def test_the_secadmin_cannot_change_its_own_role(cast):
    with pytest.raises(actions.ValidationError, match="不能修改自己账号的角色"):
        security.user_set_role(actor=cast["secadmin"], user=cast["secadmin"], role=Role.ORGANISER)


def test_the_secadmin_unlocks_a_throttled_account_and_it_is_audited(client_for, cast, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert LoginFailure.objects.filter(username="clerk").count() >= 5
    html = client_for("secadmin").get(reverse("accounts:security_list")).content.decode()
    assert "已锁定" in html
    client_for("secadmin").post(reverse("accounts:login_unlock", args=[cast["clerk"].pk]))
    assert not LoginFailure.objects.filter(username="clerk").exists()
    assert AuditEntry.objects.get(action="user.unlock").before == {"failed_logins": 5}
    client.logout()
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 302


def test_the_secadmin_deactivates_an_administrator_but_not_a_business_account(client_for, cast):
    client = client_for("secadmin")
    client.post(reverse("accounts:admin_set_active", args=[cast["auditadmin"].pk]), {"active": "0"})
    assert not User.objects.get(pk=cast["auditadmin"].pk).is_active
    response = client.post(
        reverse("accounts:admin_set_active", args=[cast["clerk"].pk]), {"active": "0"}, follow=True
    )
    assert "业务账号由系统管理员停用或启用" in response.content.decode()
    assert User.objects.get(pk=cast["clerk"].pk).is_active


def test_the_security_page_shows_the_policy_in_force(client_for, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 60
    html = client_for("secadmin").get(reverse("accounts:security_list")).content.decode()
    assert "60 天" in html and "standard" in html


@pytest.mark.parametrize(
    "page,args",
    [
        ("accounts:user_set_role", {"role": Role.ORGANISER}),
        ("accounts:login_unlock", {}),
        ("accounts:second_factor_reset", {}),
        ("accounts:admin_set_active", {"active": "0"}),
    ],
)
@pytest.mark.parametrize("who", ["sysadmin", "auditadmin", "organiser", "liaison"])
def test_only_the_secadmin_does_security_work(client_for, cast, page, args, who):
    assert client_for(who).post(reverse(page, args=[cast["leader"].pk]), args).status_code == 403
    assert not AuditEntry.objects.exists()


# The audit administrator reads and exports, and changes nothing


def test_the_auditadmin_exports_the_log_in_chinese_and_the_export_is_recorded(client_for, cast):
    actions.user_set_active(actor=cast["sysadmin"], user=cast["leader"], active=False)
    response = client_for("auditadmin").get(reverse("audit:entry_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "操作人", "操作")
    assert (
        rows[1][2] == "sysadmin"
        and rows[1][3] == "停用账号（user.deactivate）"
        and rows[1][9] == "hmac-sha256"
    )
    assert AuditEntry.objects.filter(action="audit.export", actor=cast["auditadmin"]).exists()


@pytest.mark.parametrize(
    "page,args",
    [
        ("accounts:user_create", []),
        ("accounts:user_set_active", "leader"),
        ("accounts:user_set_role", "leader"),
    ],
)
def test_the_auditadmin_changes_nothing(client_for, cast, page, args):
    url = reverse(page, args=[cast[args].pk] if args else [])
    assert client_for("auditadmin").post(url, {"role": Role.ORGANISER, "active": "0"}).status_code == 403


# The first three, from the command line


def test_no_administrator_exists_until_the_command_makes_one(db, capsys):
    call_command("admins", "list")
    assert "尚无管理员账号" in capsys.readouterr().out


def test_the_command_makes_an_administrator_who_must_change_the_password(db, monkeypatch, capsys):
    monkeypatch.setenv("KAOHE_ADMIN_PASSWORD", "Plum-blossom-2025")
    call_command("admins", "create", "zhang-sys", "--role", "sysadmin", "--full-name", "张三")
    assert "已创建系统管理员“zhang-sys”" in capsys.readouterr().out
    user = User.objects.get(username="zhang-sys")
    assert user.role == Role.SYSADMIN and user.must_change_password
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor is None and entry.actor_name == "命令行"
    call_command("admins", "list")
    assert "系统管理员\tzhang-sys\t张三\t启用" in capsys.readouterr().out


def test_the_command_refuses_a_weak_password_in_chinese(db, monkeypatch):
    monkeypatch.setenv("KAOHE_ADMIN_PASSWORD", "alllowercaseletters")
    with pytest.raises(CommandError, match="至少 3 类"):
        call_command("admins", "create", "zhang-sys", "--role", "secadmin")
    assert not User.objects.exists()


def test_the_command_makes_administrators_only(db, monkeypatch):
    monkeypatch.setenv("KAOHE_ADMIN_PASSWORD", "Plum-blossom-2025")
    with pytest.raises(CommandError):
        call_command("admins", "create", "x", "--role", "organiser")
