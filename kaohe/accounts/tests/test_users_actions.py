"""The account write functions, as the API and commands call them: the same rules as the forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kaohe.accounts import actions
from kaohe.accounts.models import Role, User
from kaohe.audit.actions import audit_verify
from kaohe.audit.models import AuditEntry

PASSWORD = "Plum-blossom-2025"


def test_user_create_refuses_a_liaison_without_a_unit(cast):
    with pytest.raises(ValidationError) as refused:
        actions.user_create(actor=cast["sysadmin"], username="x1", password=PASSWORD, role=Role.LIAISON)
    assert refused.value.message_dict == {"unit": ["单位联络员必须选择所属单位。"]}
    assert not User.objects.filter(username="x1").exists()
    assert not AuditEntry.objects.exists()


def test_user_create_refuses_an_unknown_role(cast):
    with pytest.raises(ValidationError) as refused:
        actions.user_create(actor=cast["sysadmin"], username="x1", password=PASSWORD, role="root")
    assert "角色“root”不存在" in refused.value.message_dict["role"][0]


def test_user_create_refuses_a_duplicate_username(cast):
    with pytest.raises(ValidationError) as refused:
        actions.user_create(actor=cast["sysadmin"], username="LEADER", password=PASSWORD, role=Role.LEADER)
    assert refused.value.message_dict == {"username": ["用户名“LEADER”已被使用。"]}


def test_user_create_refuses_a_weak_password_in_chinese(cast):
    with pytest.raises(ValidationError) as refused:
        actions.user_create(actor=cast["sysadmin"], username="x1", password="abc", role=Role.LEADER)
    assert "密码太短，至少需要 10 个字符。" in refused.value.message_dict["password1"]
    assert not User.objects.filter(username="x1").exists()


def test_user_create_refuses_a_second_account_for_a_cadre(cast, roster):
    with pytest.raises(ValidationError) as refused:
        actions.user_create(
            actor=cast["sysadmin"],
            username="x1",
            password=PASSWORD,
            role=Role.CADRE,
            cadre=roster["cadres"]["a2"],
        )
    assert "每名干部只能有一个账号" in refused.value.message_dict["cadre"][0]


def test_user_create_audits_the_scope_and_never_the_password(cast, roster):
    user = actions.user_create(
        actor=cast["sysadmin"],
        username="x1",
        password=PASSWORD,
        role=Role.ASSESSOR,
        full_name="周七",
        assessment_groups=[roster["group"]],
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "user.create"
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(user.pk)
    assert entry.before is None
    assert entry.after == {
        "username": "x1",
        "full_name": "周七",
        "role": "assessor",
        "is_active": True,
        "unit": None,
        "department": None,
        "cadre": None,
        "assessment_groups": ["2025年度考核 · 第一考核组"],
        "may_type_paper_ballots": False,
    }
    assert audit_verify() is None


def test_user_set_password_audits_no_secret(cast):
    clerk = cast["clerk"]
    actions.user_set_password(actor=cast["sysadmin"], user=clerk, password=PASSWORD)
    clerk.refresh_from_db()
    entry = AuditEntry.objects.get()
    assert (entry.before, entry.after) == (None, None)
    assert PASSWORD not in str(entry.content()) and clerk.password not in str(entry.content())


def test_user_set_password_refuses_a_weak_password_and_keeps_the_old(cast):
    clerk = cast["clerk"]
    old_hash = clerk.password
    with pytest.raises(ValidationError):
        actions.user_set_password(actor=cast["sysadmin"], user=clerk, password="1234567890")
    clerk.refresh_from_db()
    assert clerk.password == old_hash


def test_user_set_active_twice_writes_one_audit_record(cast):
    for _ in range(2):
        actions.user_set_active(actor=cast["sysadmin"], user=cast["leader"], active=False)
    assert AuditEntry.objects.filter(action="user.deactivate").count() == 1


def test_user_update_rolls_back_entirely_when_refused(cast, roster):
    assessor = cast["assessor"]
    with pytest.raises(ValidationError):
        actions.user_update(actor=cast["sysadmin"], user=assessor, role=Role.LIAISON, full_name="改名")
    assessor.refresh_from_db()
    assert assessor.full_name == "assessor"
    assert assessor.role == Role.ASSESSOR
    assert assessor.assessment_groups.exists()


@pytest.mark.parametrize("role", [Role.LIAISON, Role.CLERK, Role.CADRE])
def test_the_database_refuses_a_role_without_its_scope(db, role):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="raw", role=role)


def test_the_database_refuses_two_accounts_for_one_cadre(cast, roster):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="raw", role=Role.CADRE, cadre=roster["cadres"]["a2"])
