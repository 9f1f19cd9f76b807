"""Who reads which letter, rectification item and ledger entry: deny by default, 404 outside the scope.

- Letters: the organiser and the committee all; an assessor those of the units their groups cover in the
  cycle; the recipient (a team's 主要负责人, the cadre) their own once sent. A unit's liaison does not read
  the letter: they see that it was sent (``letter_sent_to_unit``) and handle its rectification items.
- Rectification items: the organiser and the committee all; an assessor their groups' units; a liaison their
  own unit's team items; a cadre the items of their own letter. Updating: the liaison of the unit (team
  items) or the cadre (their own); closing and reopening: the organiser or an assessor of the unit's group.
- The ledger: the organiser and the committee; a cadre reads the actions on their own results (dossier).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kaohe.accounts.models import Role, User
from kaohe.ballots.models import SessionRaterGroup
from kaohe.feedback import points
from kaohe.feedback.models import (
    Letter,
    LetterKind,
    LetterStatus,
    Rectification,
    RectificationStatus,
    ResultAction,
)
from kaohe.org.models import Cadre, Position, Unit
from kaohe.plans.models import AssessedCadre, AssessmentCycle, AssessmentGroup
from kaohe.plans.rule_settings import cycle_rule_settings
from kaohe.results.feedback import flag_labels, latest_seal
from kaohe.results.models import FinalResult, Result

LETTER_MANAGERS = (Role.ORGANISER,)
LEDGER_READERS = (Role.ORGANISER, Role.COMMITTEE)
LEDGER_WRITERS = (Role.ORGANISER,)


def action_days() -> int:
    """Days after the seal within which a flagged result should have its action recorded (setting)."""
    return int(settings.FEEDBACK_ACTION_DAYS)


def group_unit_ids(user, cycle_id: int | None = None) -> set[int]:
    rows = AssessmentGroup.units.through.objects.filter(assessmentgroup__members=user)
    if cycle_id is not None:
        rows = rows.filter(assessmentgroup__cycle_id=cycle_id)
    return set(rows.values_list("unit_id", flat=True))


def _group_pairs(user) -> Q:
    """(cycle, unit) pairs the assessor's groups cover, as a filter."""
    pairs = AssessmentGroup.units.through.objects.filter(assessmentgroup__members=user).values_list(
        "assessmentgroup__cycle_id", "unit_id"
    )
    q = Q(pk__in=[])
    for cycle_id, unit_id in pairs:
        q |= Q(cycle_id=cycle_id, unit_id=unit_id)
    return q


# --- letters ------------------------------------------------------------------------------------------------


def visible_letters(user, cycle: AssessmentCycle) -> QuerySet[Letter]:
    letters = Letter.objects.filter(cycle=cycle).select_related("unit", "cadre", "cycle", "recipient")
    if user.has_role(Role.ORGANISER, Role.COMMITTEE):
        return letters
    if user.has_role(Role.ASSESSOR):
        return letters.filter(unit_id__in=group_unit_ids(user, cycle.pk))
    return letters.filter(status=LetterStatus.SENT, recipient=user)


def get_letter(user, cycle: AssessmentCycle, pk: int) -> Letter:
    letter = visible_letters(user, cycle).filter(pk=pk).first()
    if letter is None:
        raise Http404
    return letter


def received_letters(user) -> QuerySet[Letter]:
    return Letter.objects.filter(status=LetterStatus.SENT, recipient=user).select_related(
        "cycle", "unit", "cadre"
    )


def letter_sent_to_unit(user) -> QuerySet[Letter]:
    """What a liaison sees of their unit's team letters: that they were sent, when, to whom (no content)."""
    if not user.has_role(Role.LIAISON) or user.unit_id is None:
        return Letter.objects.none()
    return (
        Letter.objects.filter(kind=LetterKind.TEAM, unit_id=user.unit_id, status=LetterStatus.SENT)
        .only("id", "cycle__year", "sent_at", "recipient_name", "read_at", "talk_on")
        .select_related("cycle")
    )


def may_talk(user, letter: Letter) -> bool:
    return user.has_role(Role.ORGANISER) or (
        user.has_role(Role.ASSESSOR) and letter.unit_id in group_unit_ids(user, letter.cycle_id)
    )


# --- rectification ------------------------------------------------------------------------------------------


def visible_rectifications(user) -> QuerySet[Rectification]:
    items = Rectification.objects.select_related("cycle", "unit", "letter", "letter__unit", "letter__cadre")
    if user.has_role(Role.ORGANISER, Role.COMMITTEE):
        return items
    if user.has_role(Role.ASSESSOR):
        return items.filter(_group_pairs(user))
    if user.has_role(Role.LIAISON) and user.unit_id:
        return items.filter(unit_id=user.unit_id, letter__kind=LetterKind.TEAM)
    if user.has_role(Role.CADRE) and user.cadre_id:
        return items.filter(letter__kind=LetterKind.CADRE, letter__cadre_id=user.cadre_id)
    return items.none()


def get_rectification(user, pk: int) -> Rectification:
    item = visible_rectifications(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


UNCLOSED = "unclosed"  # a filter, not a status: open or submitted, not yet closed (销号)


def filter_rectifications(
    items: QuerySet[Rectification], *, status: str = "", unit_id: int | None = None, before: int | None = None
) -> QuerySet[Rectification]:
    """The list's filters: a status (or ``UNCLOSED``), one unit, the cycles before a year (carried over)."""
    if status == UNCLOSED:
        items = items.exclude(status=RectificationStatus.CLOSED)
    elif status:
        items = items.filter(status=status)
    if unit_id is not None:
        items = items.filter(unit_id=unit_id)
    if before is not None:
        items = items.filter(cycle__year__lt=before)
    return items


def may_update(user, item: Rectification) -> bool:
    if item.status == RectificationStatus.CLOSED:
        return False
    if item.letter.kind == LetterKind.TEAM:
        return user.has_role(Role.LIAISON) and user.unit_id == item.unit_id
    return user.has_role(Role.CADRE) and user.cadre_id == item.letter.cadre_id


def may_close(user, item: Rectification) -> bool:
    return user.has_role(Role.ORGANISER) or (
        user.has_role(Role.ASSESSOR) and item.unit_id in group_unit_ids(user, item.cycle_id)
    )


def unclosed_rectifications(before: int | None = None) -> QuerySet[Rectification]:
    """Every item not yet closed (销号), of cycles before the year ``before`` (every year when None)."""
    items = (
        Rectification.objects.exclude(status=RectificationStatus.CLOSED)
        .select_related("cycle", "letter", "letter__unit", "letter__cadre")
        .order_by("cycle__year", "letter_id", "number")
    )
    return items if before is None else items.filter(cycle__year__lt=before)


def open_rectifications(unit: Unit, year: int) -> QuerySet[Rectification]:
    """The items of ``unit`` (its team's and its cadres') from ``year`` and earlier not yet closed (销号):
    what next year's interview outlines, profiles and plan carry forward (``kaohe.feedback.carryover``).
    The caller has already checked who may read ``unit``."""
    return unclosed_rectifications(before=year + 1).filter(unit=unit)


def overdue_rectifications(user, today: datetime.date | None = None) -> QuerySet[Rectification]:
    """Open items past their deadline that the user handles or verifies: the to-do list."""
    today = today or timezone.localdate()
    return (
        visible_rectifications(user)
        .exclude(status=RectificationStatus.CLOSED)
        .filter(deadline__lt=today)
        .order_by("deadline", "pk")
    )


# --- the ledger ---------------------------------------------------------------------------------------------


def visible_actions(user, cycle: AssessmentCycle) -> QuerySet[ResultAction]:
    if not user.has_role(*LEDGER_READERS):
        return ResultAction.objects.none()
    return ResultAction.objects.filter(cycle=cycle).select_related("unit", "cadre", "recorded_by")


def cadre_actions(cadre_id: int) -> QuerySet[ResultAction]:
    """The actions on one cadre's results, every year (for the dossier, whose access is already checked)."""
    return ResultAction.objects.filter(kind=LetterKind.CADRE, cadre_id=cadre_id).select_related("cycle")


def unit_actions(unit_id: int) -> QuerySet[ResultAction]:
    return ResultAction.objects.filter(kind=LetterKind.TEAM, unit_id=unit_id).select_related("cycle")


def unhandled_flags(
    cycle: AssessmentCycle, *, days: int | None = None, today: datetime.date | None = None
) -> list[dict]:
    """Sealed results calling for an action (``points.due``) with none recorded, ``days`` after the seal.

    Empty before the seal is that old: the list is of what is late, not of what is merely pending."""
    seal = latest_seal(cycle)
    if seal is None:
        return []
    days = action_days() if days is None else days
    today = today or timezone.localdate()
    sealed_on = timezone.localtime(seal.created_at).date()
    if (today - sealed_on).days < days:
        return []
    handled_cadres = set(
        ResultAction.objects.filter(cycle=cycle, kind=LetterKind.CADRE).values_list("cadre_id", flat=True)
    )
    handled_units = set(
        ResultAction.objects.filter(cycle=cycle, kind=LetterKind.TEAM).values_list("unit_id", flat=True)
    )
    rows = []
    for final in (
        FinalResult.objects.filter(seal=seal).select_related("unit").order_by("-kind", "unit__code", "code")
    ):
        calls = points.due(
            final.grade, final.flags, dict(zip(final.flags, flag_labels(final.flags), strict=True))
        )
        if not calls:
            continue
        handled = (
            final.cadre_id in handled_cadres
            if final.kind == LetterKind.CADRE
            else final.unit_id in handled_units
        )
        if handled:
            continue
        rows.append(
            {
                "kind": final.kind,
                "code": final.code,
                "name": final.name,
                "unit": final.unit.name,
                "unit_id": final.unit_id,
                "cadre_id": final.cadre_id,
                "grade": final.grade,
                "due": calls,
                "days": (today - sealed_on).days,
            }
        )
    return rows


def subject_by_code(cycle: AssessmentCycle, code: str) -> tuple[Unit | None, Cadre | None]:
    """A ledger entry's subject from a code: a cadre (with their unit that year) or a unit's team."""
    code = code.strip()
    cadre = Cadre.objects.filter(code=code).select_related("current_unit").first()
    if cadre is None:
        return Unit.objects.filter(code=code).first(), None
    assessed = AssessedCadre.objects.filter(cycle=cycle, cadre=cadre).select_related("unit").first()
    return (assessed.unit if assessed else cadre.current_unit), cadre


# --- who a letter goes to -------------------------------------------------------------------------------


def rater_group_names(cycle: AssessmentCycle) -> set[str]:
    """Every rater group named in the cycle: the sittings' and the computed results' (imported marks)."""
    names = set(
        SessionRaterGroup.objects.filter(session__cycle=cycle).values_list("name", flat=True).distinct()
    )
    seal = latest_seal(cycle)
    results = Result.objects.filter(run=seal.run) if seal else Result.objects.filter(run__cycle=cycle)
    for democratic in results.exclude(democratic=None).values_list("democratic", flat=True):
        names.update((democratic or {}).get("groups", {}).keys())
    # The stored rows merge small groups into 其他 (the k rule): the plan's weights name every group.
    names.update(cycle_rule_settings(cycle).rater_group_weights)
    return names


def unit_principals(cycle: AssessmentCycle) -> dict[int, tuple[int, str]]:
    """{unit id: (cadre id, name)} of each unit's 主要负责人: as assessed that year, else the current post."""
    found: dict[int, tuple[int, str]] = {}
    for unit_id, cadre_id, name in Position.objects.filter(principal=True, end__isnull=True).values_list(
        "unit_id", "cadre_id", "cadre__name"
    ):
        found.setdefault(unit_id, (cadre_id, name))
    for unit_id, cadre_id, name in AssessedCadre.objects.filter(cycle=cycle, principal=True).values_list(
        "unit_id", "cadre_id", "cadre__name"
    ):
        found[unit_id] = (cadre_id, name)
    return found


def cadre_accounts(cadre_ids: set[int]) -> dict[int, User]:
    """{cadre id: the first active account of that cadre}."""
    accounts: dict[int, User] = {}
    for user in User.objects.filter(cadre_id__in=cadre_ids, is_active=True).order_by("pk"):
        accounts.setdefault(user.cadre_id, user)
    return accounts
