"""Reading the roster as a given account may: every view and API endpoint goes through these."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaohe.accounts.models import Role
from kaohe.org.models import Cadre, Unit, UnitCategory

_ALL_UNITS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.CLERK)
_ALL_CADRES = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER)


def visible_units(user) -> QuerySet[Unit]:
    units = Unit.objects.select_related("category", "parent")
    if user.has_role(*_ALL_UNITS):
        return units
    if user.has_role(Role.ASSESSOR):
        return units.filter(pk__in=Unit.objects.filter(assessment_groups__members=user).values("pk"))
    if user.has_role(Role.LIAISON):
        return units.filter(pk=user.unit_id)
    return units.none()


def visible_cadres(user) -> QuerySet[Cadre]:
    cadres = Cadre.objects.select_related("current_unit", "current_unit__category")
    if user.has_role(*_ALL_CADRES):
        return cadres
    if user.has_role(Role.ASSESSOR):
        return cadres.filter(
            current_unit__in=Unit.objects.filter(assessment_groups__members=user).values("pk")
        )
    if user.has_role(Role.LIAISON):
        return cadres.filter(current_unit_id=user.unit_id)
    if user.has_role(Role.CADRE):
        return cadres.filter(pk=user.cadre_id)
    return cadres.none()


def get_unit(user, pk: int) -> Unit:
    """The unit if `user` may see it; 404 otherwise, so existence is not revealed."""
    return get_object_or_404(visible_units(user), pk=pk)


def get_cadre(user, pk: int) -> Cadre:
    return get_object_or_404(visible_cadres(user), pk=pk)


def own_cadre(user) -> Cadre | None:
    return Cadre.objects.filter(pk=user.cadre_id).first() if user.cadre_id else None


def category_summary(user) -> QuerySet[UnitCategory]:
    """Categories with the number of units and current cadres the account may see in each."""
    units = visible_units(user).values("pk")
    cadres = visible_cadres(user).values("pk")
    return (
        UnitCategory.objects.annotate(
            unit_count=Count("units", filter=Q(units__in=units), distinct=True),
            cadre_count=Count(
                "units__current_cadres", filter=Q(units__current_cadres__in=cadres), distinct=True
            ),
        )
        .filter(unit_count__gt=0)
        .order_by("order", "name")
    )
