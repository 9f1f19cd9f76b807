"""Reading the performance inputs as a given account may: every view goes through these.

Each input has one owner and a scope, and nothing else is readable:
- a unit liaison: the self-evaluation of their own unit (user.unit), on the indicators of its category that year;
- a department clerk: the indicators their department owns (Indicator.department = user.department), and the
  scores on them of the units of those indicators' categories;
- an assessor: the units of the assessment groups of that cycle they are a member of;
- a leader: their own ratings of the units assessed in the cycle;
- an organiser: adjustments, vetoes and sanctions, and every self-evaluation's evidence.

A getter returns 404 for an object outside the account's scope, so its existence is not revealed; the views'
`role_required` gives 403 to a role without the input.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaohe.accounts.models import Role
from kaohe.org.models import Cadre, Unit
from kaohe.performance.models import (
    Adjustment,
    Evidence,
    IndicatorScore,
    LeaderRating,
    Sanction,
    SelfEvaluation,
    Verification,
    Veto,
)
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup, Indicator

# --- cycles -----------------------------------------------------------------------------------------------


def _assessed_units(cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    return AssessedUnit.objects.filter(cycle=cycle).select_related("unit", "category").order_by("unit__code")


def _cycle_indicators(cycle: AssessmentCycle) -> QuerySet[Indicator]:
    return Indicator.objects.filter(cycle=cycle).select_related("category", "department")


# --- unit liaison: self-evaluation ------------------------------------------------------------------------


def liaison_unit(user, cycle: AssessmentCycle) -> AssessedUnit | None:
    """The liaison's own unit as assessed in `cycle`, or None (another role, or not assessed that year)."""
    if not user.has_role(Role.LIAISON) or user.unit_id is None:
        return None
    return _assessed_units(cycle).filter(unit_id=user.unit_id).first()


def liaison_indicators(user, cycle: AssessmentCycle) -> QuerySet[Indicator]:
    assessed = liaison_unit(user, cycle)
    if assessed is None:
        return Indicator.objects.none()
    return _cycle_indicators(cycle).filter(category_id=assessed.category_id)


def get_liaison_indicator(user, cycle: AssessmentCycle, pk: int) -> Indicator:
    return get_object_or_404(liaison_indicators(user, cycle), pk=pk)


def visible_self_evaluations(user, cycle: AssessmentCycle | None = None) -> QuerySet[SelfEvaluation]:
    """Self-evaluations the account may read: the liaison's unit, the assessor's groups' units, or all."""
    evaluations = SelfEvaluation.objects.select_related("unit", "indicator", "cycle")
    if cycle is not None:
        evaluations = evaluations.filter(cycle=cycle)
    if user.has_role(Role.ORGANISER):
        return evaluations
    if user.has_role(Role.ASSESSOR):
        in_group = AssessmentGroup.objects.filter(
            cycle=OuterRef("cycle"), members=user, units=OuterRef("unit")
        )
        return evaluations.filter(Exists(in_group))
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return evaluations.filter(unit_id=user.unit_id)
    return evaluations.none()


def get_evidence(user, pk: int) -> Evidence:
    """An evidence file, only for those who may read its self-evaluation."""
    visible = visible_self_evaluations(user).values("pk")
    return get_object_or_404(
        Evidence.objects.select_related("self_evaluation"), pk=pk, self_evaluation__in=visible
    )


# --- department clerk: indicator scores ------------------------------------------------------------------


def clerk_indicators(user, cycle: AssessmentCycle) -> QuerySet[Indicator]:
    if not user.has_role(Role.CLERK) or user.department_id is None:
        return Indicator.objects.none()
    return (
        _cycle_indicators(cycle).filter(department_id=user.department_id).order_by("category__order", "code")
    )


def clerk_units(user, cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    """The units of the categories in which the clerk's department owns an indicator."""
    categories = clerk_indicators(user, cycle).values("category_id")
    return _assessed_units(cycle).filter(category_id__in=categories)


def clerk_scores(user, cycle: AssessmentCycle) -> QuerySet[IndicatorScore]:
    return IndicatorScore.objects.filter(
        cycle=cycle, indicator__in=clerk_indicators(user, cycle).values("pk")
    )


# --- assessor: verification ------------------------------------------------------------------------------


def assessor_units(user, cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    """The assessed units of the cycle's assessment groups the assessor is a member of."""
    if not user.has_role(Role.ASSESSOR):
        return AssessedUnit.objects.none()
    in_group = AssessmentGroup.objects.filter(cycle=cycle, members=user, units=OuterRef("unit"))
    return _assessed_units(cycle).filter(Exists(in_group))


def get_assessor_unit(user, cycle: AssessmentCycle, unit_pk: int) -> AssessedUnit:
    return get_object_or_404(assessor_units(user, cycle), unit_id=unit_pk)


def get_assessor_indicator(user, cycle: AssessmentCycle, assessed: AssessedUnit, pk: int) -> Indicator:
    # `assessed` already came through get_assessor_unit; the indicator must be of its category that year.
    return get_object_or_404(_cycle_indicators(cycle).filter(category_id=assessed.category_id), pk=pk)


def unit_indicator_rows(cycle: AssessmentCycle, assessed: AssessedUnit) -> list[dict]:
    """Per indicator of the unit's category: claimed (with evidence), department and verified scores."""
    indicators = list(_cycle_indicators(cycle).filter(category_id=assessed.category_id).order_by("code"))
    claimed = {
        e.indicator_id: e
        for e in SelfEvaluation.objects.filter(cycle=cycle, unit_id=assessed.unit_id).prefetch_related(
            "evidence"
        )
    }
    scores = {s.indicator_id: s for s in IndicatorScore.objects.filter(cycle=cycle, unit_id=assessed.unit_id)}
    verified = {
        v.indicator_id: v
        for v in Verification.objects.filter(cycle=cycle, unit_id=assessed.unit_id).select_related(
            "verified_by"
        )
    }
    return [
        {
            "indicator": indicator,
            "self_evaluation": claimed.get(indicator.pk),
            "score": scores.get(indicator.pk),
            "verification": verified.get(indicator.pk),
        }
        for indicator in indicators
    ]


# --- leader: ratings -------------------------------------------------------------------------------------


def leader_units(user, cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    if not user.has_role(Role.LEADER):
        return AssessedUnit.objects.none()
    return _assessed_units(cycle)


def get_leader_unit(user, cycle: AssessmentCycle, unit_pk: int) -> AssessedUnit:
    return get_object_or_404(leader_units(user, cycle), unit_id=unit_pk)


def own_leader_ratings(user, cycle: AssessmentCycle) -> QuerySet[LeaderRating]:
    """A leader reads only their own ratings; the others' stay with the organisers."""
    if not user.has_role(Role.LEADER):
        return LeaderRating.objects.none()
    return LeaderRating.objects.filter(cycle=cycle, leader=user)


# --- organiser: adjustments, vetoes, sanctions ---------------------------------------------------------------


def cycle_adjustments(user, cycle: AssessmentCycle) -> QuerySet[Adjustment]:
    if not user.has_role(Role.ORGANISER):
        return Adjustment.objects.none()
    return Adjustment.objects.filter(cycle=cycle).select_related("unit", "cadre", "proposed_by", "decided_by")


def get_adjustment(user, cycle: AssessmentCycle, pk: int) -> Adjustment:
    return get_object_or_404(cycle_adjustments(user, cycle), pk=pk)


def cycle_vetoes(user, cycle: AssessmentCycle) -> QuerySet[Veto]:
    if not user.has_role(Role.ORGANISER):
        return Veto.objects.none()
    return Veto.objects.filter(cycle=cycle).select_related("unit", "cadre", "recorded_by")


def get_veto(user, cycle: AssessmentCycle, pk: int) -> Veto:
    return get_object_or_404(cycle_vetoes(user, cycle), pk=pk)


def visible_sanctions(user) -> QuerySet[Sanction]:
    if not user.has_role(Role.ORGANISER):
        return Sanction.objects.none()
    return Sanction.objects.select_related("cadre", "cadre__current_unit")


def get_sanction(user, pk: int) -> Sanction:
    return get_object_or_404(visible_sanctions(user), pk=pk)


def assessed_target(cycle: AssessmentCycle, code: str) -> tuple[Unit | None, Cadre | None]:
    """The unit or cadre assessed in `cycle` with this code (unit codes first), or (None, None)."""
    assessed_unit = AssessedUnit.objects.filter(cycle=cycle, unit__code=code).select_related("unit").first()
    if assessed_unit is not None:
        return assessed_unit.unit, None
    assessed_cadre = (
        AssessedCadre.objects.filter(cycle=cycle, cadre__code=code).select_related("cadre").first()
    )
    if assessed_cadre is not None:
        return None, assessed_cadre.cadre
    return None, None


def target_search(queryset: QuerySet, q: str) -> QuerySet:
    """Filter adjustments or vetoes by the code or name of their unit or cadre."""
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(unit__code__icontains=q)
        | Q(unit__name__icontains=q)
        | Q(cadre__code__icontains=q)
        | Q(cadre__name__icontains=q)
    )
