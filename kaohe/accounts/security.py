"""The security administrator's write functions (三员): roles, unlocking, second-factor resets.

And `administrator_create`, with which `kaohe admins create` makes the first three administrators: no
migration creates one silently.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts.actions import scope_errors, snapshot, username_taken, validate_new_password
from kaohe.accounts.models import ADMIN_ROLES, LoginFailure, Role, User
from kaohe.accounts.passwords import password_record
from kaohe.audit.actions import audit_record


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str) -> User:
    """Give an account another role; the only way to grant or withdraw an administrator's role.

    A role with a scope (a liaison's unit, a clerk's department, a cadre's record) needs that scope on
    the account already: the system administrator sets it.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError(_("不能修改自己账号的角色。"))
    if role not in Role.values:
        raise ValidationError(_("角色“%(role)s”不存在。") % {"role": role})
    if role == user.role:
        return user
    if role not in ADMIN_ROLES:
        errors = scope_errors(
            role=role, unit=user.unit, department=user.department, cadre=user.cadre, user=user
        )
        if errors:
            raise ValidationError(
                _("账号“%(username)s”缺少该角色的范围：%(why)s请系统管理员先设置。")
                % {"username": user.username, "why": "".join(errors.values())}
            )
    before = snapshot(user)
    user.role = role
    if role in ADMIN_ROLES:
        # An administrator holds no business scope.
        user.unit = user.department = user.cadre = None
        user.save(update_fields=["role", "unit", "department", "cadre"])
        user.assessment_groups.clear()
        user.user_permissions.clear()
    else:
        user.save(update_fields=["role"])
    audit_record(actor=actor, action="user.set_role", obj=user, before=before, after=snapshot(user))
    return user


@transaction.atomic
def login_unlock(*, actor: User, user: User) -> int:
    """Clear an account's failed logins, so a throttled holder may try again at once; returns how many."""
    cleared, _rows = LoginFailure.objects.filter(username=user.username.lower()).delete()
    audit_record(actor=actor, action="user.unlock", obj=user, before={"failed_logins": cleared}, after=None)
    return cleared


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """A lost phone: remove the account's authenticator and recovery codes; it enrols again at next login."""
    if user.pk == actor.pk:
        raise ValidationError(_("不能重置自己的第二因素，请另一名安全管理员操作。"))
    totp, _rows = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(second_factor_enrolled=False)
    audit_record(
        actor=actor,
        action="second_factor.reset",
        obj=user,
        before={"second_factor": "TOTP" if totp else None},
        after={"second_factor": None},
    )


@transaction.atomic
def administrator_create(*, actor: Any, username: str, role: str, password: str, full_name: str = "") -> User:
    """One of the three administrators, from the command line; it changes its password at first login."""
    username = username.strip()
    if role not in ADMIN_ROLES:
        raise ValidationError(
            _("角色应为 sysadmin、secadmin 或 auditadmin，而不是“%(role)s”。") % {"role": role}
        )
    if not username:
        raise ValidationError(_("请填写用户名。"))
    if username_taken(username):
        raise ValidationError(_("用户名“%(username)s”已被使用。") % {"username": username})
    user = User(username=username, full_name=full_name.strip(), role=role)
    validate_new_password(password, user)
    password_record(user, password, by_someone_else=True)
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, before=None, after=snapshot(user))
    return user
