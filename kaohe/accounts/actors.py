"""Who does a write: an account, or Kaohe itself acting for a command line or a task (``SystemActor``).

Every write function takes ``actor: Actor``. The audit log records an account as itself and a system actor
by its name; a record's ``created_by`` and the like keep only an account (``user_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from kaohe.accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """Not an account: the name the audit log shows for who acted."""

    name: str
    is_authenticated: ClassVar[bool] = False

    def __str__(self) -> str:
        return self.name


Actor = User | SystemActor

# The one actor of every `kaohe` command that writes (roster, cycle, results, session).
CLI: Final = SystemActor("命令行")
# A job whose starter's account is gone: the audit shows who it was no longer.
SYSTEM: Final = SystemActor("system")


def actor_name(actor: Actor | None) -> str:
    """How the audit log names who acted: the username, "<username>（令牌 <name>）" through an API token,
    or a system actor's name."""
    if isinstance(actor, SystemActor):
        return actor.name
    if actor is None or not actor.is_authenticated:
        return "system"
    token = getattr(actor, "api_token", None)
    username = actor.get_username()
    return f"{username}（令牌 {token.name}）" if token is not None else username


def user_of(actor: Actor | None) -> User | None:
    """The account behind ``actor``, for a ``created_by``-style column; None for a system actor."""
    return actor if isinstance(actor, User) else None
