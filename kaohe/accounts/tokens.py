"""API tokens for scripts: made by an organiser, shown once, limited to a role and a date, revocable.

A token reads ``kh.<key>.<secret>``: ``key`` finds its row, and only a keyed hash of ``secret`` is stored
(``kaohe.crypto.configured.keyed_digest``, under the mode in force when it was made). A request with
``Authorization: Bearer <token>`` acts as the token's owner with the token's role (``TokenUser``): the same
selectors and write functions as a signed-in person, audited as "<owner>（令牌 <name>）". No CSRF token is
needed, since a browser never sends the header by itself; a session keeps its CSRF check.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from kaohe.accounts import access
from kaohe.accounts.actors import Actor, user_of
from kaohe.accounts.models import ApiToken, Role, TokenUser, User
from kaohe.api_errors import CredentialRefused
from kaohe.audit.actions import audit_record
from kaohe.crypto.configured import keyed_digest, keyed_digest_matches

PREFIX = "kh"
DIGEST_PURPOSE = "api-token"
MAX_LIFETIME = timedelta(days=366)
# last_used_at is written at most once a minute per token: a script's burst is not a burst of writes.
STAMP_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole "kh.<key>.<secret>", shown once and never stored


def scopes_for(user: User) -> tuple[str, ...]:
    """The roles a token ``user`` makes may carry (none for a role that may not make tokens)."""
    if not user.has_role(*access.TOKEN_CREATORS):
        return ()
    return tuple(access.TOKEN_SCOPES.get(user.role, ()))


def token_create(*, actor: User, name: str, role: str, expires_at: datetime) -> IssuedToken:
    """Make a token for ``actor``; the returned secret is the only copy there will ever be."""
    name = name.strip()
    errors: dict[str, str] = {}
    allowed = scopes_for(actor)
    if not allowed:
        raise ValidationError("当前账号无权创建 API 令牌。")
    if not name:
        errors["name"] = "请填写令牌名称。"
    if role not in allowed:
        labels = "、".join(str(Role(r).label) for r in allowed)
        errors["role"] = f"权限范围“{role}”不可选：令牌的权限不能超过本账号，可选 {labels}。"
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = (
            f"到期时间 {timezone.localtime(expires_at):%Y-%m-%d %H:%M} 已过，请选择将来的时间。"
        )
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = (
            f"令牌最长有效 {MAX_LIFETIME.days} 天，请选择 {timezone.localdate(now + MAX_LIFETIME):%Y-%m-%d} 之前的日期。"
        )
    if errors:
        raise ValidationError(errors)
    key = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                name=name,
                owner=actor,
                role=role,
                key=key,
                digest=keyed_digest(secret.encode(), purpose=DIGEST_PURPOSE),
                created_at=now,
                expires_at=expires_at,
            )
            audit_record(
                actor=actor,
                action="api_token.create",
                obj=token,
                after={"name": name, "owner": actor.username, "role": role, "expires_at": expires_at},
            )
    except IntegrityError:
        raise ValidationError({"name": f"已有名为“{name}”的令牌，请换一个名称。"}) from None
    return IssuedToken(token=token, secret=f"{PREFIX}.{key}.{secret}")


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop ``token`` for good (its owner, or the security administrator for any account's)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError(
                f"令牌“{token.name}”已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 吊销。"
            )
        token.revoked_at = timezone.now()
        token.revoked_by = user_of(actor)
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            before={"owner": token.owner.username, "role": token.role},
            after={"revoked_at": token.revoked_at},
        )
    return token


class TokenRefused(CredentialRefused):
    """A bearer token that does not admit: the 401's ``detail`` says why."""


def token_authenticate(raw: str) -> TokenUser:
    """The acting account for a bearer token, or TokenRefused naming why it does not admit."""
    prefix, _, rest = raw.strip().partition(".")
    key, _, secret = rest.partition(".")
    if prefix != PREFIX or not key or not secret:
        raise TokenRefused("令牌格式不正确。")
    token = ApiToken.objects.select_related("owner").filter(key=key).first()
    if token is None or not keyed_digest_matches(token.digest, secret.encode(), purpose=DIGEST_PURPOSE):
        raise TokenRefused("令牌无效。")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(f"令牌“{token.name}”已吊销。")
    if token.expires_at <= now:
        raise TokenRefused(
            f"令牌“{token.name}”已于 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M} 过期。"
        )
    owner = token.owner
    # The owner's account still decides: deactivated, or moved to a role that may not hold this scope.
    if not owner.is_active or token.role not in scopes_for(owner):
        raise TokenRefused(f"令牌“{token.name}”的所有者账号已停用或已不能持有该权限范围。")
    if token.last_used_at is None or now - token.last_used_at >= STAMP_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return acting_user(token)


def acting_user(token: ApiToken) -> TokenUser:
    owner = token.owner
    fields = [f.attname for f in User._meta.concrete_fields]
    user = TokenUser.from_db(owner._state.db, fields, [getattr(owner, name) for name in fields])
    user.role = token.role
    user.is_superuser = user.is_staff = False
    user.api_token = token
    return user


class BearerToken(HttpBearer):
    """django-ninja's auth for ``Authorization: Bearer kh.…``; tried before the session."""

    def authenticate(self, request: HttpRequest, token: str) -> TokenUser:
        user = token_authenticate(token)
        request.user = user  # the views read request.user, as for a session
        return user
