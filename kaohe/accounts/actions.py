"""Account management by the system administrator: create, edit, deactivate/reactivate, reset a password.

Each role has its scope on the account (a liaison's unit, a clerk's department, a cadre's own record) or
in the assessment groups an assessor belongs to; `scope_errors` holds those rules for the forms, the API
and these functions alike, and the model's CheckConstraints hold them underneath.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.accounts.access import PAPER_TYPIST_PERMISSION as TYPIST_PERMISSION
from kaohe.accounts.access import PAPER_TYPIST_ROLES
from kaohe.accounts.models import ADMIN_ROLES, Role, User
from kaohe.accounts.passwords import password_record
from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, ScoringDepartment, Unit
from kaohe.plans.models import AssessmentGroup

# The scope field each role needs; the other scope fields are cleared when an account is saved.
SCOPE_FIELD = {Role.LIAISON: "unit", Role.CLERK: "department", Role.CADRE: "cadre"}


def snapshot(user: User) -> dict[str, Any]:
    """What the audit records of an account: never the password or its hash."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "is_active": user.is_active,
        "unit": str(user.unit) if user.unit_id else None,
        "department": str(user.department) if user.department_id else None,
        "cadre": f"{user.cadre.code} {user.cadre.name}" if user.cadre_id else None,
        "assessment_groups": sorted(
            f"{group.cycle.name} · {group.name}" for group in user.assessment_groups.select_related("cycle")
        )
        if user.pk
        else [],
        "may_type_paper_ballots": is_paper_typist(user),
    }


def _typist_permission() -> Permission:
    app_label, codename = TYPIST_PERMISSION.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def is_paper_typist(user: User) -> bool:
    # Asked of the table, not has_perm(), whose per-object cache would show the state before a change.
    app_label, codename = TYPIST_PERMISSION.split(".")
    return (
        bool(user.pk)
        and user.user_permissions.filter(content_type__app_label=app_label, codename=codename).exists()
    )


def username_taken(username: str, *, exclude: User | None = None) -> bool:
    """Usernames are unique regardless of case: 'Zhang' and 'zhang' would be one person at the login box."""
    taken = User.objects.filter(username__iexact=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.exists()


def scope_errors(
    *,
    role: str,
    unit: Unit | None,
    department: ScoringDepartment | None,
    cadre: Cadre | None,
    user: User | None = None,
) -> dict[str, str]:
    """The role-scope rules, as a message per form field; empty when the scope fits the role."""
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("角色“%(role)s”不存在。") % {"role": role}
    elif role in ADMIN_ROLES:
        # 三员: the administrators' roles are granted by the security administrator only (accounts/security.py).
        errors["role"] = _("管理员角色只能由安全管理员授予。")
    if role == Role.LIAISON and unit is None:
        errors["unit"] = _("单位联络员必须选择所属单位。")
    if role == Role.CLERK and department is None:
        errors["department"] = _("职能部门账号必须选择职能部门。")
    if role == Role.CADRE:
        if cadre is None:
            errors["cadre"] = _("干部账号必须关联一名干部。")
        else:
            holders = User.objects.filter(cadre=cadre)
            if user is not None and user.pk:
                holders = holders.exclude(pk=user.pk)
            holder = holders.first()
            if holder is not None:
                errors["cadre"] = _(
                    "干部 %(cadre)s（%(code)s）已有账号“%(username)s”，每名干部只能有一个账号。"
                ) % {
                    "cadre": cadre.name,
                    "code": cadre.code,
                    "username": holder.username,
                }
    return errors


def validate_new_password(password: str, user: User) -> None:
    """Django's password validators, with every message in Chinese."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError([_chinese(e) for e in error.error_list]) from None


def _chinese(error: ValidationError) -> ValidationError:
    # Django 5.2's zh-hans catalogue lacks the minimum-length message (its msgid changed).
    if error.code == "password_too_short":
        min_length = (error.params or {}).get("min_length") or _min_length()
        return ValidationError(
            ngettext(
                "密码太短，至少需要 %(min_length)d 个字符。",
                "密码太短，至少需要 %(min_length)d 个字符。",
                min_length,
            )
            % {"min_length": min_length},
            code=error.code,
        )
    return error


def _min_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 0


def _apply_scope(
    user: User,
    *,
    role: str,
    unit: Unit | None,
    department: ScoringDepartment | None,
    cadre: Cadre | None,
) -> None:
    errors = scope_errors(role=role, unit=unit, department=department, cadre=cadre, user=user)
    if errors:
        raise ValidationError(errors)
    user.role = role
    kept = SCOPE_FIELD.get(Role(role))
    user.unit = unit if kept == "unit" else None
    user.department = department if kept == "department" else None
    user.cadre = cadre if kept == "cadre" else None


def _refuse_admin_account(actor: User, user: User) -> None:
    # 三员: the system administrator runs the business accounts; the administrators' own accounts are
    # deactivated, reactivated and reset by the security administrator.
    if user.role in ADMIN_ROLES and actor.role != Role.SECADMIN:
        raise ValidationError(_("管理员账号由安全管理员管理。"))


def _set_groups(user: User, groups: Iterable[AssessmentGroup]) -> None:
    # Only assessors belong to assessment groups: another role leaves them all.
    user.assessment_groups.set(list(groups) if user.role == Role.ASSESSOR else [])


def _set_typist(user: User, may_type: bool) -> None:
    # Like a scope, the permission is kept only for the roles that may hold it.
    if may_type and user.role in PAPER_TYPIST_ROLES:
        user.user_permissions.add(_typist_permission())
    else:
        user.user_permissions.remove(_typist_permission())


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    unit: Unit | None = None,
    department: ScoringDepartment | None = None,
    cadre: Cadre | None = None,
    assessment_groups: Iterable[AssessmentGroup] = (),
    may_type_paper_ballots: bool = False,
) -> User:
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("请填写用户名。")})
    if username_taken(username):
        raise ValidationError({"username": _("用户名“%(username)s”已被使用。") % {"username": username}})
    user = User(username=username, full_name=full_name.strip())
    _apply_scope(user, role=role, unit=unit, department=department, cadre=cadre)
    try:
        validate_new_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.error_list}) from None
    password_record(user, password, by_someone_else=True)
    user.save()
    _set_groups(user, assessment_groups)
    _set_typist(user, may_type_paper_ballots)
    audit_record(actor=actor, action="user.create", obj=user, before=None, after=snapshot(user))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role: str,
    full_name: str = "",
    unit: Unit | None = None,
    department: ScoringDepartment | None = None,
    cadre: Cadre | None = None,
    assessment_groups: Iterable[AssessmentGroup] = (),
    may_type_paper_ballots: bool = False,
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user)
    if user.role in ADMIN_ROLES:
        raise ValidationError({"role": _("管理员账号由安全管理员管理。")})
    if user.pk == actor.pk and role != user.role:
        raise ValidationError({"role": _("不能修改自己账号的角色。")})
    user.full_name = full_name.strip()
    _apply_scope(user, role=role, unit=unit, department=department, cadre=cadre)
    user.save()
    _set_groups(user, assessment_groups)
    _set_typist(user, may_type_paper_ballots)
    after = snapshot(user)
    if after != before:
        audit_record(actor=actor, action="user.update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account; accounts are never deleted, since the audit refers to them."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_admin_account(actor, user)
    if user.pk == actor.pk and not active:
        raise ValidationError(_("不能停用自己的账号。"))
    if user.is_active == active:
        return user
    before = {"is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.reactivate" if active else "user.deactivate",
        obj=user,
        before=before,
        after={"is_active": user.is_active},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """The system administrator sets a new password, which its holder must change at the next login; the
    audit records that it happened, never the password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk != actor.pk:
        _refuse_admin_account(actor, user)
    validate_new_password(password, user)
    password_record(user, password, by_someone_else=user.pk != actor.pk)
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=actor, action="user.set_password", obj=user, before=None, after=None)
    return user
