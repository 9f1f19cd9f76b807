"""The system administrator's account pages: list, create, edit, deactivate/reactivate, reset a password."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from kaohe.accounts import actions
from kaohe.accounts.models import Role, User
from kaohe.audit.models import AuditEntry

CAST = [
    "sysadmin",
    "organiser",
    "secadmin",
    "auditadmin",
    "committee",
    "assessor",
    "clerk",
    "liaison",
    "leader",
    "cadre",
    "outsider",
]
NOT_SYSADMINS = [name for name in CAST if name != "sysadmin"]
NEW_PASSWORD = "Plum-blossom-2025"


def page_urls(cast):
    pk = cast["liaison"].pk
    return [
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:user_edit", args=[pk]),
        reverse("accounts:user_password", args=[pk]),
    ]


def create_data(**overrides):
    data = {
        "username": "newbie",
        "full_name": "孙小梅",
        "role": Role.LEADER,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    return response.content.decode()


# Access


def test_sysadmin_opens_every_account_page(client_for, cast):
    client = client_for("sysadmin")
    for url in page_urls(cast):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", NOT_SYSADMINS)
def test_other_roles_are_refused_every_account_page(client_for, cast, name):
    client = client_for(name)
    for url in page_urls(cast):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("accounts:user_create"), create_data()).status_code == 403
    target = cast["leader"].pk
    assert client.post(reverse("accounts:user_set_active", args=[target]), {"active": "0"}).status_code == 403
    assert (
        client.post(
            reverse("accounts:user_password", args=[target]),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ).status_code
        == 403
    )
    assert not User.objects.filter(username="newbie").exists()
    assert User.objects.get(pk=target).is_active


def test_anonymous_visitor_is_sent_to_login_from_every_account_page(client_for, cast):
    client = client_for(None)
    for url in page_urls(cast):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.post(reverse("accounts:user_set_active", args=[cast["leader"].pk]), {"active": "0"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast["leader"].pk).is_active


def test_a_deactivated_sysadmin_is_refused(client_for, cast):
    client = client_for("sysadmin")
    User.objects.filter(pk=cast["sysadmin"].pk).update(is_active=False)
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302  # the session no longer authenticates an inactive account


def test_unknown_account_is_404(client_for, cast):
    response = client_for("sysadmin").get(reverse("accounts:user_edit", args=[999999]))
    assert response.status_code == 404


def test_the_account_list_is_in_the_sysadmins_navigation_only(client_for, cast):
    url = reverse("accounts:user_list")
    assert url in client_for("sysadmin").get(reverse("home")).content.decode()
    assert url not in client_for("committee").get(reverse("home")).content.decode()


# The list


def test_list_shows_every_account_with_its_scope(client_for, cast):
    html = client_for("sysadmin").get(reverse("accounts:user_list")).content.decode()
    for name in CAST:
        assert f">{name}</a>" in html
    assert "东城街道" in html  # the liaison's unit
    assert "市发改委" in html  # the clerk's department
    assert "李明" in html  # the cadre's record
    assert "第一考核组" in html  # the assessor's group


def test_list_filters_by_role(client_for, cast):
    html = client_for("sysadmin").get(reverse("accounts:user_list"), {"role": "liaison"}).content.decode()
    assert ">liaison</a>" in html
    assert ">outsider</a>" in html
    assert ">clerk</a>" not in html


def test_list_searches_username_name_and_scope(client_for, cast):
    client = client_for("sysadmin")
    html = client.get(reverse("accounts:user_list"), {"q": "西山"}).content.decode()
    assert ">outsider</a>" in html
    assert ">liaison</a>" not in html
    html = client.get(reverse("accounts:user_list"), {"q": "CLER"}).content.decode()
    assert ">clerk</a>" in html
    assert ">organiser</a>" not in html


def test_list_filters_by_status(client_for, cast):
    User.objects.filter(pk=cast["leader"].pk).update(is_active=False)
    html = client_for("sysadmin").get(reverse("accounts:user_list"), {"status": "inactive"}).content.decode()
    assert ">leader</a>" in html
    assert ">clerk</a>" not in html


def test_htmx_filter_swaps_only_the_table(client_for, cast):
    response = client_for("sysadmin").get(
        reverse("accounts:user_list"), {"role": "clerk"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.startswith('<div id="user-table">')
    assert "<html" not in html
    assert ">clerk</a>" in html


def test_list_takes_a_fixed_number_of_queries(client_for, cast, django_assert_max_num_queries, roster):
    client = client_for("sysadmin")
    for i in range(20):
        User.objects.create_user(username=f"extra{i}", role=Role.ASSESSOR).assessment_groups.add(
            roster["group"]
        )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("accounts:user_list")).status_code == 200


def test_list_is_paginated(client_for, cast):
    User.objects.bulk_create(User(username=f"bulk{i:03}", role=Role.LEADER) for i in range(60))
    client = client_for("sysadmin")
    html = client.get(reverse("accounts:user_list"), {"role": "leader"}).content.decode()
    assert "1 / 2" in html
    assert "page=2" in html
    assert "role=leader" in html  # the pages keep the filter
    second = client.get(reverse("accounts:user_list"), {"role": "leader", "page": 2}).content.decode()
    assert "2 / 2" in second


# Creating


def test_sysadmin_creates_a_leader_who_can_then_log_in(client_for, client, cast):
    response = client_for("sysadmin").post(reverse("accounts:user_create"), create_data())
    user = User.objects.get(username="newbie")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_edit", args=[user.pk])
    assert user.role == Role.LEADER
    assert user.full_name == "孙小梅"
    client.logout()
    assert client.login(username="newbie", password=NEW_PASSWORD)


def test_sysadmin_creates_a_liaison_of_a_unit(client_for, cast, roster):
    unit = roster["units"]["b"]
    client_for("sysadmin").post(reverse("accounts:user_create"), create_data(role=Role.LIAISON, unit=unit.pk))
    assert User.objects.get(username="newbie").unit == unit


def test_sysadmin_creates_a_clerk_of_a_department(client_for, cast, roster):
    client_for("sysadmin").post(
        reverse("accounts:user_create"), create_data(role=Role.CLERK, department=roster["department"].pk)
    )
    assert User.objects.get(username="newbie").department == roster["department"]


def test_sysadmin_creates_an_account_for_a_cadre(client_for, cast, roster):
    cadre = roster["cadres"]["c1"]
    client_for("sysadmin").post(reverse("accounts:user_create"), create_data(role=Role.CADRE, cadre=cadre.pk))
    assert User.objects.get(username="newbie").cadre == cadre


def test_sysadmin_creates_an_assessor_in_an_assessment_group(client_for, cast, roster):
    client_for("sysadmin").post(
        reverse("accounts:user_create"),
        create_data(role=Role.ASSESSOR, assessment_groups=[roster["group"].pk]),
    )
    user = User.objects.get(username="newbie")
    assert list(user.assessment_groups.all()) == [roster["group"]]


def test_scope_fields_that_do_not_fit_the_role_are_not_kept(client_for, cast, roster):
    client_for("sysadmin").post(
        reverse("accounts:user_create"),
        create_data(
            role=Role.LEADER,
            unit=roster["units"]["a"].pk,
            department=roster["department"].pk,
            assessment_groups=[roster["group"].pk],
        ),
    )
    user = User.objects.get(username="newbie")
    assert user.unit is None and user.department is None
    assert not user.assessment_groups.exists()


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (Role.LIAISON, "单位联络员必须选择所属单位"),
        (Role.CLERK, "职能部门账号必须选择职能部门"),
        (Role.CADRE, "干部账号必须关联一名干部"),
    ],
)
def test_a_role_without_its_scope_is_refused(client_for, cast, role, message):
    response = client_for("sysadmin").post(reverse("accounts:user_create"), create_data(role=role))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not User.objects.filter(username="newbie").exists()


def test_a_second_account_for_the_same_cadre_is_refused(client_for, cast, roster):
    cadre = roster["cadres"]["a2"]  # the cast's cadre already has it
    response = client_for("sysadmin").post(
        reverse("accounts:user_create"), create_data(role=Role.CADRE, cadre=cadre.pk)
    )
    assert "干部 李明（GB002）已有账号“cadre”" in errors_of(response)
    assert not User.objects.filter(username="newbie").exists()


def test_a_duplicate_username_is_refused_whatever_its_case(client_for, cast):
    client = client_for("sysadmin")
    for username in ("clerk", "Clerk"):
        response = client.post(reverse("accounts:user_create"), create_data(username=username))
        assert f"用户名“{username}”已被使用" in errors_of(response)
    assert User.objects.filter(username__iexact="clerk").count() == 1


def test_a_username_with_spaces_or_symbols_is_refused(client_for, cast):
    response = client_for("sysadmin").post(
        reverse("accounts:user_create"), create_data(username="zhang san!")
    )
    assert response.status_code == 200
    assert not User.objects.filter(full_name="孙小梅").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A", "密码太短，至少需要 10 个字符"),
        ("1234567890123", "密码只包含数字"),
        ("password123", "这个密码太常见了"),
        ("newbie2025x", "密码跟 用户名 太相似了"),
    ],
)
def test_a_weak_password_is_refused_in_chinese(client_for, cast, password, message):
    response = client_for("sysadmin").post(
        reverse("accounts:user_create"), create_data(password1=password, password2=password)
    )
    assert message in errors_of(response)
    assert not User.objects.filter(username="newbie").exists()


def test_mismatched_passwords_are_refused(client_for, cast):
    response = client_for("sysadmin").post(
        reverse("accounts:user_create"), create_data(password2=NEW_PASSWORD + "x")
    )
    assert "输入的两个密码不一致" in errors_of(response)
    assert not User.objects.filter(username="newbie").exists()


def test_creating_an_account_is_audited_without_the_password(client_for, cast):
    client_for("sysadmin").post(reverse("accounts:user_create"), create_data())
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor == cast["sysadmin"]
    assert entry.after["username"] == "newbie"
    assert entry.after["role"] == Role.LEADER
    stored = str(entry.before) + str(entry.after)
    assert NEW_PASSWORD not in stored
    assert User.objects.get(username="newbie").password not in stored
    assert "password" not in entry.after


# Editing


def test_sysadmin_changes_a_liaisons_unit(client_for, cast, roster):
    liaison = cast["liaison"]
    response = client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[liaison.pk]),
        {"full_name": "新名字", "role": Role.LIAISON, "unit": roster["units"]["c"].pk},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.unit == roster["units"]["c"]
    assert liaison.full_name == "新名字"
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before["unit"] == "东城街道"
    assert entry.after["unit"] == "市财政局"


def test_the_edit_form_shows_the_current_scope(client_for, cast, roster):
    html = (
        client_for("sysadmin").get(reverse("accounts:user_edit", args=[cast["assessor"].pk])).content.decode()
    )
    assert f'value="{roster["group"].pk}" id="id_assessment_groups_0" checked' in html


def test_changing_a_role_moves_the_scope(client_for, cast, roster):
    assessor = cast["assessor"]
    client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[assessor.pk]),
        {"role": Role.CLERK, "department": roster["department"].pk},
    )
    assessor.refresh_from_db()
    assert assessor.role == Role.CLERK
    assert assessor.department == roster["department"]
    assert not assessor.assessment_groups.exists()  # no longer an assessor, no longer in the group


def test_editing_a_liaison_without_a_unit_is_refused(client_for, cast):
    liaison = cast["liaison"]
    response = client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[liaison.pk]), {"role": Role.LIAISON}
    )
    assert "单位联络员必须选择所属单位" in errors_of(response)
    liaison.refresh_from_db()
    assert liaison.unit is not None


def test_moving_a_cadre_account_to_a_cadre_who_has_one_is_refused(client_for, cast, roster):
    other = User.objects.create_user(username="other", role=Role.CADRE, cadre=roster["cadres"]["b1"])
    response = client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[other.pk]),
        {"role": Role.CADRE, "cadre": roster["cadres"]["a2"].pk},
    )
    assert "已有账号“cadre”" in errors_of(response)
    other.refresh_from_db()
    assert other.cadre == roster["cadres"]["b1"]


def test_a_cadre_account_keeps_its_own_cadre_on_edit(client_for, cast, roster):
    response = client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[cast["cadre"].pk]),
        {"role": Role.CADRE, "cadre": roster["cadres"]["a2"].pk, "full_name": "李明"},
    )
    assert response.status_code == 302


def test_sysadmin_cannot_change_their_own_role(client_for, cast):
    sysadmin = cast["sysadmin"]
    response = client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[sysadmin.pk]), {"role": Role.LEADER}
    )
    assert "管理员账号由安全管理员管理" in errors_of(response)
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSADMIN


def test_an_organiser_cannot_change_their_own_role(cast):
    organiser = cast["organiser"]
    with pytest.raises(ValidationError, match="不能修改自己账号的角色"):
        actions.user_update(actor=organiser, user=organiser, role=Role.LEADER)


def test_an_edit_that_changes_nothing_writes_no_audit(client_for, cast):
    clerk = cast["clerk"]
    client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[clerk.pk]),
        {"role": Role.CLERK, "department": clerk.department_id, "full_name": clerk.full_name},
    )
    assert not AuditEntry.objects.filter(action="user.update").exists()


# The permission to type paper ballots


def test_sysadmin_lets_a_clerk_type_paper_ballots_and_it_is_audited(client_for, cast):
    clerk = cast["clerk"]
    data = {"role": Role.CLERK, "department": clerk.department_id, "full_name": clerk.full_name}
    edit = reverse("accounts:user_edit", args=[clerk.pk])

    client_for("sysadmin").post(edit, {**data, "may_type_paper_ballots": "on"})

    assert User.objects.get(pk=clerk.pk).has_perm("ballots.type_paper_ballots")
    entry = AuditEntry.objects.get(action="user.update")
    assert (entry.before["may_type_paper_ballots"], entry.after["may_type_paper_ballots"]) == (False, True)
    html = client_for("sysadmin").get(edit).content.decode()
    assert 'id="id_may_type_paper_ballots" checked' in html

    client_for("sysadmin").post(edit, data)

    assert not User.objects.get(pk=clerk.pk).has_perm("ballots.type_paper_ballots")
    entry = AuditEntry.objects.filter(action="user.update").latest("seq")
    assert (entry.before["may_type_paper_ballots"], entry.after["may_type_paper_ballots"]) == (True, False)


def test_an_assessor_may_be_created_as_a_typist(client_for, cast, roster):
    client_for("sysadmin").post(
        reverse("accounts:user_create"),
        create_data(role=Role.ASSESSOR, assessment_groups=[roster["group"].pk], may_type_paper_ballots="on"),
    )
    assert User.objects.get(username="newbie").has_perm("ballots.type_paper_ballots")
    assert AuditEntry.objects.get(action="user.create").after["may_type_paper_ballots"] is True


@pytest.mark.parametrize("role", [Role.LEADER, Role.COMMITTEE])
def test_the_permission_is_not_kept_for_a_role_that_may_not_type(client_for, cast, role):
    client_for("sysadmin").post(
        reverse("accounts:user_create"), create_data(role=role, may_type_paper_ballots="on")
    )
    assert not User.objects.get(username="newbie").has_perm("ballots.type_paper_ballots")


def test_a_typist_moved_to_a_role_that_may_not_type_loses_the_permission(client_for, cast, roster):
    clerk = cast["clerk"]
    edit = reverse("accounts:user_edit", args=[clerk.pk])
    client_for("sysadmin").post(
        edit, {"role": Role.CLERK, "department": clerk.department_id, "may_type_paper_ballots": "on"}
    )
    client_for("sysadmin").post(
        edit, {"role": Role.LIAISON, "unit": roster["units"]["a"].pk, "may_type_paper_ballots": "on"}
    )
    assert not User.objects.get(pk=clerk.pk).has_perm("ballots.type_paper_ballots")


# Deactivating and reactivating


def test_sysadmin_deactivates_and_reactivates_an_account(client_for, client, cast):
    leader = cast["leader"]
    organiser = client_for("sysadmin")
    url = reverse("accounts:user_set_active", args=[leader.pk])
    assert organiser.post(url, {"active": "0"}).status_code == 302
    leader.refresh_from_db()
    assert not leader.is_active
    organiser.logout()
    assert not client.login(username="leader", password=PASSWORD)
    client.force_login(cast["sysadmin"])
    client.post(url, {"active": "1"})
    leader.refresh_from_db()
    assert leader.is_active
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "user.deactivate",
        "user.reactivate",
    ]


def test_a_deactivated_account_is_logged_out_of_its_session(client_for, cast):
    client = client_for("leader")
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=cast["leader"].pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


def test_sysadmin_cannot_deactivate_themselves(client_for, cast):
    sysadmin = cast["sysadmin"]
    client = client_for("sysadmin")
    response = client.post(
        reverse("accounts:user_set_active", args=[sysadmin.pk]), {"active": "0"}, follow=True
    )
    assert "管理员账号由安全管理员管理" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.is_active


def test_set_active_refuses_get(client_for, cast):
    response = client_for("sysadmin").get(reverse("accounts:user_set_active", args=[cast["leader"].pk]))
    assert response.status_code == 405


def test_there_is_no_way_to_delete_an_account(client_for, cast):
    html = (
        client_for("sysadmin").get(reverse("accounts:user_edit", args=[cast["leader"].pk])).content.decode()
    )
    assert "删除" not in html.replace("账号不能删除", "")


# Resetting a password


def test_sysadmin_resets_a_password(client_for, client, cast):
    response = client_for("sysadmin").post(
        reverse("accounts:user_password", args=[cast["clerk"].pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username="clerk", password=NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="user.set_password")
    assert entry.object_id == str(cast["clerk"].pk)
    assert entry.before is None and entry.after is None


def test_a_weak_new_password_is_refused_in_chinese(client_for, client, cast):
    response = client_for("sysadmin").post(
        reverse("accounts:user_password", args=[cast["clerk"].pk]), {"password1": "123", "password2": "123"}
    )
    html = response.content.decode()
    assert "密码太短，至少需要 10 个字符" in html
    assert "密码只包含数字" in html
    assert "This password" not in html
    client.logout()
    assert client.login(username="clerk", password=PASSWORD)
    assert not AuditEntry.objects.exists()


def test_a_new_password_like_the_username_is_refused(client_for, cast):
    response = client_for("sysadmin").post(
        reverse("accounts:user_password", args=[cast["leader"].pk]),
        {"password1": "leader1234", "password2": "leader1234"},
    )
    assert "密码跟 用户名 太相似了" in response.content.decode()


def test_sysadmin_resetting_their_own_password_stays_logged_in(client_for, cast):
    client = client_for("sysadmin")
    client.post(
        reverse("accounts:user_password", args=[cast["sysadmin"].pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert client.get(reverse("accounts:user_list")).status_code == 200


def test_pages_carry_no_inline_script_or_style(client_for, cast):
    client = client_for("sysadmin")
    for url in page_urls(cast):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "style=" not in html and " onclick=" not in html
