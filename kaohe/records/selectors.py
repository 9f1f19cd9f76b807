"""Reading the year's records as a given account may (组织掌握): every view and API operation goes through these.

- a unit liaison: their unit's own lists (not its cadres'), and whether each line was verified;
- a cadre: their own lists and verification status, and their quarterly grades (without the reasons);
- an assessor: the lists, visits and grades of the units of the cycle's assessment groups they belong to,
  with verification notes, visit findings and grade reasons; they verify and record visits there;
- the organiser: everything, and the same writes;
- the committee and leaders: everything, read-only.

A getter returns 404 for an object outside the account's scope, so its existence is not revealed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaohe.accounts.models import Role
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup
from kaohe.records.models import Grader, ListEvidence, ListItem, QuarterlyGrade, RecordsRule, Visit

OWNERS = (Role.LIAISON, Role.CADRE)
# Who reads the organisation's side (notes, findings, reasons): the assessment group, the organiser, and
# read-only the committee and leaders.
REVIEWERS = (Role.ORGANISER, Role.ASSESSOR, Role.COMMITTEE, Role.LEADER)
READERS = (*OWNERS, *REVIEWERS)
CHECKERS = (Role.ORGANISER, Role.ASSESSOR)  # verify lines, record visits


def sees_notes(user) -> bool:
    """Verification notes, visit findings and grade reasons are the organisation's."""
    return user.has_role(*REVIEWERS)


def checks(user) -> bool:
    return user.has_role(*CHECKERS)


def group_unit_ids(user, cycle: AssessmentCycle) -> QuerySet:
    return AssessmentGroup.objects.filter(cycle=cycle, members=user).values("units")


def visible_unit_ids(user, cycle: AssessmentCycle) -> QuerySet | None:
    """The units whose records `user` reviews; None for all of them."""
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.LEADER):
        return None
    if user.has_role(Role.ASSESSOR):
        return group_unit_ids(user, cycle)
    raise ValueError("not a reviewer")


def visible_items(user, cycle: AssessmentCycle) -> QuerySet[ListItem]:
    items = ListItem.objects.filter(cycle=cycle).select_related("unit", "cadre")
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return items.filter(unit_id=user.unit_id, cadre__isnull=True)
    if user.has_role(Role.CADRE) and user.cadre_id is not None:
        return items.filter(cadre_id=user.cadre_id)
    if user.has_role(*REVIEWERS):
        units = visible_unit_ids(user, cycle)
        return items if units is None else items.filter(unit_id__in=units)
    return items.none()


def get_item(user, cycle: AssessmentCycle, pk: int) -> ListItem:
    return get_object_or_404(visible_items(user, cycle), pk=pk)


def get_checked_item(user, cycle: AssessmentCycle, pk: int) -> ListItem:
    """A line the account may verify: an assessor's group's, or any for the organiser."""
    if not checks(user):
        return get_object_or_404(ListItem.objects.none(), pk=pk)
    return get_item(user, cycle, pk)


def get_own_item(user, cycle: AssessmentCycle, pk: int) -> ListItem:
    """A line the account keeps (liaison: the unit's; cadre: their own)."""
    if not user.has_role(*OWNERS):
        return get_object_or_404(ListItem.objects.none(), pk=pk)
    return get_item(user, cycle, pk)


def get_evidence(user, cycle: AssessmentCycle, pk: int) -> ListEvidence:
    return get_object_or_404(
        ListEvidence.objects.select_related("item"), pk=pk, item__in=visible_items(user, cycle)
    )


def visible_visits(user, cycle: AssessmentCycle) -> QuerySet[Visit]:
    if not user.has_role(*REVIEWERS):
        return Visit.objects.none()
    visits = Visit.objects.filter(cycle=cycle).select_related("unit")
    units = visible_unit_ids(user, cycle)
    return visits if units is None else visits.filter(unit_id__in=units)


def get_visit(user, cycle: AssessmentCycle, pk: int) -> Visit:
    return get_object_or_404(visible_visits(user, cycle), pk=pk)


def owned_unit(user, cycle: AssessmentCycle) -> AssessedUnit | None:
    """The unit whose lists the account keeps: a liaison's own (assessed in the cycle); a cadre's that year."""
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return AssessedUnit.objects.filter(cycle=cycle, unit_id=user.unit_id).select_related("unit").first()
    if user.has_role(Role.CADRE) and user.cadre_id is not None:
        assessed = AssessedCadre.objects.filter(cycle=cycle, cadre_id=user.cadre_id).first()
        if assessed is not None:
            return (
                AssessedUnit.objects.filter(cycle=cycle, unit_id=assessed.unit_id)
                .select_related("unit")
                .first()
            )
    return None


def reviewable_units(user, cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    units = AssessedUnit.objects.filter(cycle=cycle).select_related("unit").order_by("unit__code")
    if not user.has_role(*REVIEWERS):
        return units.none()
    scope = visible_unit_ids(user, cycle)
    return units if scope is None else units.filter(unit_id__in=scope)


def get_reviewable_unit(user, cycle: AssessmentCycle, unit_id: int) -> AssessedUnit:
    return get_object_or_404(reviewable_units(user, cycle), unit_id=unit_id)


def visible_grades(user, cycle: AssessmentCycle) -> QuerySet[QuarterlyGrade]:
    grades = QuarterlyGrade.objects.filter(cycle=cycle).select_related("cadre")
    if user.has_role(Role.CADRE) and user.cadre_id is not None:
        return grades.filter(cadre_id=user.cadre_id)
    if user.has_role(*REVIEWERS):
        units = visible_unit_ids(user, cycle)
        if units is None:
            return grades
        cadres = AssessedCadre.objects.filter(cycle=cycle, unit_id__in=units).values("cadre_id")
        return grades.filter(cadre_id__in=cadres)
    return grades.none()


def gradeable_cadres(user, cycle: AssessmentCycle, rule: RecordsRule) -> QuerySet[AssessedCadre]:
    """The cadres `user` grades under the plan: the organiser's all, or an assessor's groups' units'."""
    cadres = AssessedCadre.objects.filter(cycle=cycle).select_related("cadre", "unit").order_by("cadre__code")
    if rule.grader == Grader.ORGANISER and user.has_role(Role.ORGANISER):
        return cadres
    if rule.grader == Grader.ASSESSOR and user.has_role(Role.ASSESSOR):
        return cadres.filter(unit_id__in=group_unit_ids(user, cycle))
    return cadres.none()


def readable_cadres(user, cycle: AssessmentCycle) -> QuerySet[AssessedCadre]:
    cadres = AssessedCadre.objects.filter(cycle=cycle).select_related("cadre", "unit").order_by("cadre__code")
    if not user.has_role(*REVIEWERS):
        return cadres.none()
    units = visible_unit_ids(user, cycle)
    return cadres if units is None else cadres.filter(unit_id__in=units)


def get_readable_cadre(user, cycle: AssessmentCycle, cadre_id: int) -> AssessedCadre:
    return get_object_or_404(readable_cadres(user, cycle), cadre_id=cadre_id)
