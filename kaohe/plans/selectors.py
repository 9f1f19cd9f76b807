"""Reading cycles, plans, participants, indicators and groups as a given account may.

The views and the API fetch everything of a cycle through these getters: a role outside CYCLE_READERS
sees no cycle at all, and an object of another cycle is a 404, so ids cannot be probed across cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from kaohe.accounts.models import Role, User
from kaohe.org import selectors as org_selectors
from kaohe.org.models import UnitCategory
from kaohe.plans.gate import Activity, phases_allowing
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    AssessmentPlan,
    Indicator,
    Target,
)
from kaohe.workbook import layout

HUNDRED = Decimal(100)


def visible_cycles(user: Any) -> QuerySet[AssessmentCycle]:
    """Every cycle for an active account with a role, each of which works in cycles (what of a cycle a role
    sees is its own pages' and selectors' business); none for anyone else."""
    if user.has_role(*Role.values):
        return AssessmentCycle.objects.all()
    return AssessmentCycle.objects.none()


def get_cycle(user: Any, year: int) -> AssessmentCycle:
    """The one getter of a cycle by its year for every app: 404 when there is none or `user` may not see it."""
    return get_object_or_404(visible_cycles(user), year=year)


def cycle_open_for(activity: Activity) -> AssessmentCycle | None:
    """The latest cycle whose phase allows `activity` (plans.gate): for inputs, the cycle under way."""
    return AssessmentCycle.objects.filter(phase__in=phases_allowing(activity)).order_by("-year").first()


def previous_cycle(year: int) -> AssessmentCycle | None:
    """The most recent cycle before `year`: what a new cycle copies from."""
    return AssessmentCycle.objects.filter(year__lt=year).order_by("-year").first()


# --- the plan ---------------------------------------------------------------------------------------------


def plan_of(cycle: AssessmentCycle) -> AssessmentPlan:
    """The cycle's plan; an unsaved empty one (all defaults) when none was written yet."""
    try:
        return cycle.plan
    except AssessmentPlan.DoesNotExist:
        return AssessmentPlan(cycle=cycle)


@dataclass(frozen=True)
class SettingRow:
    name: str
    value: str  # as stored; blank = the default
    default: str
    help: str

    @property
    def effective(self) -> str:
        return self.value or self.default


def plan_rows(cycle: AssessmentCycle) -> list[SettingRow]:
    """Every setting but 年度 (the cycle's year), with its stored value, default and help."""
    values = plan_of(cycle).settings
    return [
        SettingRow(s.name, str(values.get(s.field, "") or ""), layout.display_default(s), s.help)
        for s in layout.SETTINGS
        if s.field != "year"
    ]


# Which rater groups a cycle's ballots use, asked of the app that keeps ballots: it sits above the cycle and
# registers its answer when it starts (ballots/apps.py), so the plan never drops a group still in use.
RATER_GROUPS_IN_USE: list[Callable[[AssessmentCycle], set[str]]] = []


def used_rater_groups(cycle: AssessmentCycle) -> set[str]:
    """Rater groups of ballots that count (any session not voided)."""
    return set().union(*(groups_of(cycle) for groups_of in RATER_GROUPS_IN_USE))


# --- participants -----------------------------------------------------------------------------------------


def assessed_units(cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    return (
        AssessedUnit.objects.filter(cycle=cycle)
        .select_related("unit", "category")
        .annotate(cadre_count=_count(AssessedCadre, cycle=OuterRef("cycle"), unit=OuterRef("unit")))
        .order_by("category__order", "category__name", "unit__code")
    )


def assessed_cadres(cycle: AssessmentCycle) -> QuerySet[AssessedCadre]:
    return (
        AssessedCadre.objects.filter(cycle=cycle)
        .select_related("cadre", "unit")
        .order_by("unit__code", "-principal", "cadre__code")
    )


def visible_units_search(user, q: str) -> QuerySet:
    """Ids of the units `user` may see that match `q` (code, name or pinyin initials)."""
    return org_selectors.visible_units(user).search(q).values("pk")


def visible_cadres_search(user, q: str) -> QuerySet:
    return org_selectors.visible_cadres(user).search(q).values("pk")


def get_assessed_unit(user, cycle: AssessmentCycle, pk: int) -> AssessedUnit:
    get_cycle(user, cycle.year)
    return get_object_or_404(AssessedUnit.objects.select_related("unit", "category"), cycle=cycle, pk=pk)


def get_assessed_cadre(user, cycle: AssessmentCycle, pk: int) -> AssessedCadre:
    get_cycle(user, cycle.year)
    return get_object_or_404(AssessedCadre.objects.select_related("cadre", "unit"), cycle=cycle, pk=pk)


# --- indicators and targets -------------------------------------------------------------------------------


def indicators(cycle: AssessmentCycle) -> QuerySet[Indicator]:
    return Indicator.objects.filter(cycle=cycle).select_related("category", "department")


def get_indicator(user, cycle: AssessmentCycle, pk: int) -> Indicator:
    get_cycle(user, cycle.year)
    return get_object_or_404(indicators(cycle), pk=pk)


@dataclass
class CategorySystem:
    """One category's indicator system in a cycle, with its weight total."""

    category: UnitCategory
    indicators: list[Indicator]
    unit_count: int

    @property
    def total(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))

    @property
    def complete(self) -> bool:
        return not self.indicators or self.total == HUNDRED


def category_systems(cycle: AssessmentCycle) -> list[CategorySystem]:
    """Categories with indicators or assessed units in the cycle, each with its indicators."""
    by_category: dict[int, list[Indicator]] = {}
    for indicator in indicators(cycle).order_by("category__order", "code"):
        by_category.setdefault(indicator.category_id, []).append(indicator)
    unit_counts = dict(
        AssessedUnit.objects.filter(cycle=cycle)
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    categories = UnitCategory.objects.filter(pk__in={*by_category, *unit_counts}).order_by("order", "name")
    return [CategorySystem(c, by_category.get(c.pk, []), unit_counts.get(c.pk, 0)) for c in categories]


def weight_totals(cycle: AssessmentCycle) -> dict[str, Decimal]:
    rows = (
        Indicator.objects.filter(cycle=cycle)
        .values("category__name")
        .annotate(total=Sum("weight"))
        .values_list("category__name", "total")
    )
    return {name: total for name, total in rows}


def targets(cycle: AssessmentCycle) -> QuerySet[Target]:
    return Target.objects.filter(cycle=cycle).select_related("unit", "indicator")


# --- groups -----------------------------------------------------------------------------------------------


def groups(cycle: AssessmentCycle) -> QuerySet[AssessmentGroup]:
    return AssessmentGroup.objects.filter(cycle=cycle).prefetch_related("members", "units").order_by("name")


def get_group(user, cycle: AssessmentCycle, pk: int) -> AssessmentGroup:
    get_cycle(user, cycle.year)
    return get_object_or_404(AssessmentGroup, cycle=cycle, pk=pk)


def assessor_accounts() -> QuerySet[User]:
    return User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by("username")


# --- the overview -----------------------------------------------------------------------------------------


def cycle_counts(cycle: AssessmentCycle) -> dict[str, int]:
    return {
        "units": AssessedUnit.objects.filter(cycle=cycle).count(),
        "cadres": AssessedCadre.objects.filter(cycle=cycle).count(),
        "indicators": Indicator.objects.filter(cycle=cycle).count(),
        "groups": AssessmentGroup.objects.filter(cycle=cycle).count(),
        "targets": Target.objects.filter(cycle=cycle).count(),
    }


def _count(model: type[Model], **filters: Any) -> Coalesce:
    """A correlated count: joining four tables of a province cycle at once would multiply their rows."""
    counted = (
        model._default_manager.filter(**filters)
        .order_by()
        .values(*filters)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def cycle_list_rows(user) -> QuerySet[AssessmentCycle]:
    return visible_cycles(user).annotate(
        unit_count=_count(AssessedUnit, cycle=OuterRef("pk")),
        cadre_count=_count(AssessedCadre, cycle=OuterRef("pk")),
        indicator_count=_count(Indicator, cycle=OuterRef("pk")),
        group_count=_count(AssessmentGroup, cycle=OuterRef("pk")),
    )
