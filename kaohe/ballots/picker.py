"""Choosing a session's targets at province scale: search, whole units, and the chosen list before saving.

The session form never lists a cycle's units and cadres (a province has 50,000): it shows what is chosen and
what a search finds, by name, code or pinyin initials (zsj → 张思佳, the roster's own search). A unit's
「整个单位」 adds its team and every cadre the cycle assesses in it; a category adds all its units' teams, or
their teams and cadres. The picker's buttons post the whole form
back without saving (``pick=…``), so it works without JavaScript; with htmx the same post answers only the
picker (``ballots/_targets.html``), the fragment the full page includes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict

from kaohe.org.models import Cadre, Unit, without_nul
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle

# The form's target fields: (field, its words, unit or cadre)
FIELDS = (
    ("teams", "测评的领导班子", "unit"),
    ("cadres", "测评的干部", "cadre"),
    ("selection_units", "评议选人用人工作的单位", "unit"),
    ("promoted_cadres", "评议的新提拔干部", "cadre"),
    ("service_units", "专项评议的单位（服务质量、重点项目）", "unit"),
)
UNITS_SHOWN = 20
CADRES_SHOWN = 30
PICK = "pick"  # the field of a picker button: search, refresh, unit:<pk>, category, category-teams, clear:<field>
CATEGORY = "category"  # the picker's select of a category, read by the category buttons


@dataclass
class Chosen:
    name: str
    label: str
    kind: str
    items: list[Any]  # AssessedUnit or AssessedCadre, in roster order
    template: Any = None  # the form's BoundField of the 测评表 these targets are asked on
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryCount:
    pk: int
    name: str
    units: int
    cadres: int


@dataclass
class Picker:
    q: str
    chosen: list[Chosen]
    units: list[AssessedUnit] = field(default_factory=list)
    cadres: list[AssessedCadre] = field(default_factory=list)
    more_units: bool = False
    more_cadres: bool = False
    searched: bool = False
    categories: list[CategoryCount] = field(default_factory=list)
    category: str = ""  # the category last chosen, kept selected
    ids: dict[str, set[int]] = field(default_factory=dict)  # field → chosen pks, for the results' 已选


def _ids(values: list[Any]) -> list[int]:
    """The pks among ``values``, each once, in their order (a category adds tens of thousands)."""
    found: dict[int, None] = {}
    for value in values:
        pk = getattr(value, "pk", value)
        if str(pk).isdigit():
            found.setdefault(int(pk))
    return list(found)


def chosen_ids(data: QueryDict | Mapping[str, Any]) -> dict[str, list[int]]:
    """The pks each target field holds in posted data (a QueryDict) or in a form's initial (lists)."""
    get = data.getlist if isinstance(data, QueryDict) else lambda name: data.get(name) or []
    return {name: _ids(list(get(name))) for name, _label, _kind in FIELDS}


def _add(
    cycle: AssessmentCycle, ids: dict[str, list[int]], teams: QuerySet[AssessedUnit], cadres: bool
) -> None:
    """Add ``teams`` (in roster order) and, with ``cadres``, every cadre the cycle assesses in their units."""
    ids["teams"] = _ids([*ids["teams"], *teams.order_by("unit__code").values_list("pk", flat=True)])
    if cadres:
        found = AssessedCadre.objects.filter(cycle=cycle, unit__in=teams.values("unit"))
        ids["cadres"] = _ids(
            [*ids["cadres"], *found.order_by("unit__code", "pk").values_list("pk", flat=True)]
        )


def apply(
    cycle: AssessmentCycle, ids: dict[str, list[int]], pick: str, category: str = ""
) -> dict[str, list[int]]:
    """The chosen pks after a picker button: a whole unit or category added, or a list cleared."""
    action, _, argument = pick.partition(":")
    units = AssessedUnit.objects.filter(cycle=cycle)
    if action == "unit" and argument.isdigit():
        _add(cycle, ids, units.filter(pk=int(argument)), cadres=True)
    elif action in ("category", "category-teams") and category.isdigit():
        _add(cycle, ids, units.filter(category_id=int(category)), cadres=action == "category")
    elif action == "clear" and argument in ids:
        ids[argument] = []
    return ids


def categories(cycle: AssessmentCycle) -> list[CategoryCount]:
    """The cycle's unit categories, each with how many units and assessed cadres a click on it would add."""
    category_of = dict(AssessedUnit.objects.filter(cycle=cycle).values_list("unit_id", "category_id"))
    cadres: dict[int, int] = {}
    per_unit = AssessedCadre.objects.filter(cycle=cycle).values("unit").annotate(n=Count("pk")).order_by()
    for unit_id, n in per_unit.values_list("unit", "n"):
        if unit_id in category_of:
            cadres[category_of[unit_id]] = cadres.get(category_of[unit_id], 0) + n
    rows = (
        AssessedUnit.objects.filter(cycle=cycle)
        .values("category", "category__name", "category__order")
        .annotate(n=Count("pk"))
        .order_by("category__order", "category__name")
    )
    return [
        CategoryCount(r["category"], r["category__name"], r["n"], cadres.get(r["category"], 0)) for r in rows
    ]


def build(cycle: AssessmentCycle, ids: dict[str, list[int]], q: str, category: str = "") -> Picker:
    """The chosen lists (bounded by what was chosen), the categories, and the search's first matches."""
    units = {
        a.pk: a
        for a in AssessedUnit.objects.filter(
            cycle=cycle, pk__in={pk for name, _l, kind in FIELDS if kind == "unit" for pk in ids[name]}
        ).select_related("unit")
    }
    cadres = {
        a.pk: a
        for a in AssessedCadre.objects.filter(
            cycle=cycle, pk__in={pk for name, _l, kind in FIELDS if kind == "cadre" for pk in ids[name]}
        ).select_related("cadre", "unit")
    }
    chosen = []
    for name, label, kind in FIELDS:
        found = units if kind == "unit" else cadres
        items = [found[pk] for pk in ids[name] if pk in found]
        if kind == "unit":
            items.sort(key=lambda a: a.unit.code)
        else:
            items.sort(key=lambda a: (a.unit.code, not a.principal, a.cadre.code))
        chosen.append(Chosen(name, label, kind, items))
    picker = Picker(
        q=q,
        chosen=chosen,
        ids={c.name: {item.pk for item in c.items} for c in chosen},
        searched=bool(q),
        categories=categories(cycle),
        category=category,
    )
    q = without_nul(q)
    if q:
        count = (
            AssessedCadre.objects.filter(cycle=OuterRef("cycle"), unit=OuterRef("unit"))
            .values("unit")
            .annotate(n=Count("pk"))
            .values("n")
        )
        found_units = list(
            AssessedUnit.objects.filter(cycle=cycle, unit__in=Unit.objects.search(q).values("pk"))
            .select_related("unit")
            .annotate(cadre_count=Coalesce(Subquery(count), 0))
            .order_by("unit__code")[: UNITS_SHOWN + 1]
        )
        found_cadres = list(
            AssessedCadre.objects.filter(cycle=cycle, cadre__in=Cadre.objects.search(q).values("pk"))
            .select_related("cadre", "unit")
            .order_by("cadre__code")[: CADRES_SHOWN + 1]
        )
        picker.units, picker.more_units = found_units[:UNITS_SHOWN], len(found_units) > UNITS_SHOWN
        picker.cadres, picker.more_cadres = found_cadres[:CADRES_SHOWN], len(found_cadres) > CADRES_SHOWN
    return picker
