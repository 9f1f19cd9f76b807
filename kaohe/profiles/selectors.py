"""Who reads profiles, timelines and comparisons; every view and API operation fetches through here.

Profiles are organisation-held. The organiser, the committee and leaders read every one; an assessor those
of its assessment groups' units (and their cadres); a cadre their own profile and timeline, with their
grades, explanations and what was fed back (their own letters' open 整改 items too, which they handle), never
the organisation's notes. Liaisons, clerks and the 三员
are refused (403); a cadre or unit outside the account's scope is a 404 (``org.selectors``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kaohe.accounts.models import Role
from kaohe.org.models import Cadre, Unit, UnitCategory
from kaohe.org.selectors import get_cadre, get_unit

CADRE_PROFILE_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR, Role.CADRE)
TEAM_PROFILE_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR)
# The organisation's own notes (decisions and their reasons, 公示 objections, bonuses and deductions,
# vetoes, sanctions, acknowledgements of others): not for the cadre they are about.
NOTE_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.ASSESSOR)
# Comparisons range over a whole category: only those who read every unit.
COMPARISON_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER)


def _require(user, roles: tuple[str, ...]) -> None:
    if not user.is_authenticated or not user.has_role(*roles):
        raise PermissionDenied


def profile_cadre(user, pk: int) -> Cadre:
    _require(user, CADRE_PROFILE_READERS)
    return get_cadre(user, pk)


def profile_unit(user, pk: int) -> Unit:
    _require(user, TEAM_PROFILE_READERS)
    return get_unit(user, pk)


def comparison_category(user, pk: int) -> UnitCategory:
    _require(user, COMPARISON_READERS)
    from django.shortcuts import get_object_or_404

    return get_object_or_404(UnitCategory, pk=pk)


def reads_notes(user) -> bool:
    return user.has_role(*NOTE_READERS)
