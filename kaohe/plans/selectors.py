"""Reading cycles, plans, participants, indicators and groups as a given account may.

The views and the API fetch everything of a cycle through these getters: a role outside CYCLE_READERS
sees no cycle at all, and an object of another cycle is a 404, so ids cannot be probed across cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, Model, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from kaohe.accounts.models import Role, User
from kaohe.org import selectors as org_selectors
from kaohe.org.models import UnitCategory
from kaohe.plans.carryover import carried_count
from kaohe.plans.gate import Activity, phases_allowing
from kaohe.plans.models import (
    AgreementStatus,
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    AssessmentPlan,
    Indicator,
    Target,
    TargetAgreement,
    TargetMode,
    TargetStep,
    TargetStepKind,
)
from kaohe.rules.target_agreement import Status, is_late
from kaohe.workbook import layout

HUNDRED = Decimal(100)


def visible_cycles(user: Any) -> QuerySet[AssessmentCycle]:
    """Every cycle for an active account with a role, each of which works in cycles (what of a cycle a role
    sees is its own pages' and selectors' business); none for anyone else."""
    if user.has_role(*Role.values):
        return AssessmentCycle.objects.all()
    return AssessmentCycle.objects.none()


def get_cycle(user: Any, year: int, roles: tuple[str, ...] | None = None) -> AssessmentCycle:
    """The one getter of a cycle by its year for every app: 404 when there is none or `user` may not see it.
    With `roles`, an account holding none of them is refused first (PermissionDenied: the pages' 403 page,
    the API's 403 "当前账号无权执行此操作"), whether or not the year exists."""
    if roles is not None and not user.has_role(*roles):
        raise PermissionDenied
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


def assessed_units_carrying(cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    """The cycle's units, each with ``carried_over``: its open items of earlier years (``carryover``)."""
    return assessed_units(cycle).annotate(carried_over=carried_count("unit_id", cycle.year))


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


# --- targets agreed up and down (自下而上、自上而下、反复认定) -----------------------------------------------
# Who sees which unit's agreement: the organiser, the committee and leaders all; a clerk the units of the
# categories where their department owns an indicator; a liaison their own unit. Anything else is a 404.

TARGET_AGREEMENT_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.CLERK, Role.LIAISON)


def targets_agreed(cycle: AssessmentCycle) -> bool:
    """Whether the plan has the units propose their targets (else the organiser sets them directly)."""
    return plan_of(cycle).target_mode == TargetMode.AGREED


def department_indicators(user, cycle: AssessmentCycle) -> QuerySet[Indicator]:
    """The indicators of the cycle the clerk's department owns (none for another role)."""
    if not user.has_role(Role.CLERK) or user.department_id is None:
        return Indicator.objects.none()
    return Indicator.objects.filter(cycle=cycle, department_id=user.department_id)


def agreement_units(user, cycle: AssessmentCycle) -> QuerySet[AssessedUnit]:
    """The assessed units whose targets ``user`` may follow, in a category with indicators."""
    units = (
        AssessedUnit.objects.filter(
            cycle=cycle, category__in=Indicator.objects.filter(cycle=cycle).values("category")
        )
        .select_related("unit", "category")
        .order_by("category__order", "category__name", "unit__code")
    )
    if user.has_role(Role.ORGANISER, Role.COMMITTEE, Role.LEADER):
        return units
    if user.has_role(Role.CLERK):
        return units.filter(category__in=department_indicators(user, cycle).values("category"))
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return units.filter(unit_id=user.unit_id)
    return units.none()


def get_agreement_unit(user, cycle: AssessmentCycle, unit_id: int) -> AssessedUnit:
    get_cycle(user, cycle.year)
    return get_object_or_404(agreement_units(user, cycle), unit_id=unit_id)


def get_agreement_unit_by_code(user, cycle: AssessmentCycle, code: str) -> AssessedUnit:
    get_cycle(user, cycle.year)
    return get_object_or_404(agreement_units(user, cycle), unit__code=code)


def liaison_assessed_unit(user, cycle: AssessmentCycle) -> AssessedUnit | None:
    """The liaison's own unit as assessed in ``cycle`` with indicators to propose targets on; else None."""
    if not user.has_role(Role.LIAISON):
        return None
    return agreement_units(user, cycle).first()


def agreement_of(cycle: AssessmentCycle, unit_id: int) -> TargetAgreement:
    """The unit's agreement; an unsaved one 待提出 when nothing was done yet."""
    found = TargetAgreement.objects.filter(cycle=cycle, unit_id=unit_id).first()
    return found or TargetAgreement(cycle=cycle, unit_id=unit_id)


@dataclass(frozen=True)
class AgreementRow:
    item: AssessedUnit
    status: str
    status_label: str
    round: int
    changed_at: Any
    late: bool
    targets: int  # how many of the category's indicators have a target now
    indicators: int


def agreement_rows(user, cycle: AssessmentCycle, today: Any) -> list[AgreementRow]:
    """Every unit ``user`` follows, with where its targets stand and whether it is late (plan.targets_due)."""
    due = plan_of(cycle).targets_due
    units = list(agreement_units(user, cycle))
    agreements = {
        a.unit_id: a
        for a in TargetAgreement.objects.filter(cycle=cycle, unit_id__in=[i.unit_id for i in units])
    }
    per_category = dict(
        Indicator.objects.filter(cycle=cycle)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    set_targets = dict(
        Target.objects.filter(cycle=cycle, unit_id__in=[i.unit_id for i in units])
        .values_list("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    rows = []
    for item in units:
        agreement = agreements.get(item.unit_id)
        status = agreement.status if agreement else AgreementStatus.DRAFT
        rows.append(
            AgreementRow(
                item=item,
                status=status,
                status_label=str(AgreementStatus(status).label),
                round=agreement.round if agreement else 0,
                changed_at=agreement.changed_at if agreement else None,
                late=is_late(Status(status), due, today),
                targets=set_targets.get(item.unit_id, 0),
                indicators=per_category.get(item.category_id, 0),
            )
        )
    return rows


@dataclass
class AgreementRound:
    number: int
    steps: list[TargetStep]

    @property
    def proposal(self) -> TargetStep | None:
        return next((s for s in self.steps if s.kind == TargetStepKind.PROPOSE), None)


@dataclass
class AgreementDetail:
    item: AssessedUnit
    agreement: TargetAgreement
    lines: list[tuple[Indicator, Target | None]]  # the category's indicators with the unit's target now
    rounds: list[AgreementRound]  # newest first
    departments: list[tuple[str, bool]]  # the category's departments, and whether each concurred this round
    late: bool


def agreement_detail(cycle: AssessmentCycle, item: AssessedUnit, today: Any) -> AgreementDetail:
    agreement = agreement_of(cycle, item.unit_id)
    category_indicators = list(
        Indicator.objects.filter(cycle=cycle, category_id=item.category_id)
        .select_related("department")
        .order_by("code")
    )
    found = {t.indicator_id: t for t in Target.objects.filter(cycle=cycle, unit_id=item.unit_id)}
    steps = (
        list(agreement.steps.select_related("department", "actor").order_by("round", "at", "id"))
        if agreement.pk
        else []
    )
    rounds: dict[int, list[TargetStep]] = {}
    for step in steps:
        rounds.setdefault(step.round, []).append(step)
    concurred = {s.department_id for s in rounds.get(agreement.round, []) if s.kind == TargetStepKind.CONCUR}
    departments: dict[int, str] = {}
    for indicator in category_indicators:
        if indicator.department_id is not None:
            departments[indicator.department_id] = indicator.department.name
    return AgreementDetail(
        item=item,
        agreement=agreement,
        lines=[(i, found.get(i.pk)) for i in category_indicators],
        rounds=[AgreementRound(n, rounds[n]) for n in sorted(rounds, reverse=True)],
        departments=[(name, pk in concurred) for pk, name in departments.items()],
        late=is_late(Status(agreement.status), plan_of(cycle).targets_due, today),
    )


def agreement_counts(cycle: AssessmentCycle, today: Any) -> dict[str, int]:
    """For the organiser's to-do: units waiting for review, and units late with their proposal."""
    everyone = AssessedUnit.objects.filter(
        cycle=cycle, category__in=Indicator.objects.filter(cycle=cycle).values("category")
    )
    statuses = dict(TargetAgreement.objects.filter(cycle=cycle).values_list("unit_id", "status"))
    due = plan_of(cycle).targets_due
    proposed = late = 0
    for unit_id in everyone.values_list("unit_id", flat=True):
        status = statuses.get(unit_id, AgreementStatus.DRAFT)
        proposed += status == AgreementStatus.PROPOSED
        late += is_late(Status(status), due, today)
    return {"proposed": proposed, "late": late}


def clerk_reviews_waiting(user, cycle: AssessmentCycle) -> int:
    """Units under review in the clerk's categories whose current round their department has not answered."""
    units = agreement_units(user, cycle).values("unit_id")
    waiting = TargetAgreement.objects.filter(cycle=cycle, unit_id__in=units, status=AgreementStatus.PROPOSED)
    answered = TargetStep.objects.filter(
        agreement__in=waiting, department_id=user.department_id, round=F("agreement__round")
    ).values("agreement")
    return waiting.exclude(pk__in=answered).count()
