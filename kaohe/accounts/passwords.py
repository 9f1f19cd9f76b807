"""Password rules for 等保 level 3: character classes, history, expiry, forced change; all refusals in Chinese.

The two validators join Django's in AUTH_PASSWORD_VALIDATORS, so every place a password is set — the
account pages, the API, the administrators' command — applies them. `password_record` is called
wherever a password is set, so expiry and history have one owner.
"""

from __future__ import annotations

import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import PasswordHistory, User
from kaohe.accounts.second_factor import demo_bypass
from kaohe.audit.actions import audit_record

CLASSES = (
    (_("小写字母"), set(string.ascii_lowercase)),
    (_("大写字母"), set(string.ascii_uppercase)),
    (_("数字"), set(string.digits)),
)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters (symbols, 汉字) `password` mixes."""
    letters = string.ascii_letters + string.digits
    kinds = sum(1 for _label, chars in CLASSES if any(c in chars for c in password))
    return kinds + (1 if any(c not in letters for c in password) else 0)


class CharacterClassValidator:
    def validate(self, password: str, user: User | None = None) -> None:
        needed = settings.PASSWORD_MIN_CHARACTER_CLASSES
        if character_classes(password) < needed:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": needed},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {
            "n": settings.PASSWORD_MIN_CHARACTER_CLASSES
        }


class HistoryValidator:
    """The current password and the PASSWORD_HISTORY before it may not be chosen again."""

    def validate(self, password: str, user: User | None = None) -> None:
        if user is None or not user.pk or settings.PASSWORD_HISTORY <= 0:
            return
        stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        earlier = [stored] if stored else []
        earlier += list(user.password_history.values_list("password", flat=True)[: settings.PASSWORD_HISTORY])
        if any(check_password(password, encoded) for encoded in earlier):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": settings.PASSWORD_HISTORY + 1},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("不能使用最近用过的密码。")


def password_record(user: User, raw_password: str, *, by_someone_else: bool) -> None:
    """Set `user`'s password, keep the old hash in the history and restart its expiry (caller saves).

    A password set by someone else (an account created or reset by the system administrator) must be
    changed by its holder at the next login.
    """
    if user.pk and user.password:
        PasswordHistory.objects.create(user=user, password=user.password, created_at=timezone.now())
        keep = settings.PASSWORD_HISTORY
        stale = user.password_history.values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = by_someone_else


def password_expired(user: User) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0 or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=days)


def password_change_reason(user: User) -> str | None:
    """Why `user` must choose a new password before anything else, or None."""
    if user.must_change_password:
        return _("您的密码由他人设置，请先修改密码。")
    if password_expired(user) and not demo_bypass(user):
        return _("您的密码已超过 %(days)d 天未修改，请修改密码。") % {"days": settings.PASSWORD_MAX_AGE_DAYS}
    return None


@transaction.atomic
def own_password_change(*, user: User, password: str) -> User:
    """An account's holder chooses a new password (at first login, on expiry, or at will)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError([_chinese(e) for e in error.error_list]) from None
    password_record(user, password, by_someone_else=False)
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=user, action="user.change_password", obj=user, before=None, after=None)
    return user


def _chinese(error: ValidationError) -> ValidationError:
    from kaohe.accounts.actions import _chinese as chinese  # one owner of the minimum-length wording

    return chinese(error)
