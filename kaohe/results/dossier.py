"""The dossier (考核档案): a cadre's or a leadership team's grades and flags across years, on one page.

Each year is the current final result of a finalised cycle (the latest seal's ``FinalResult``; one declared
无效 for that seal is shown as such), or, for years the app did not compute, the 往年等次 imported as
``performance.PriorGrade``. Beside them, the posts held over time (``org.Position``): a cadre's own, or the
members of a unit's team. Who may open which dossier is checked in ``dossier_views`` through the roster's
selectors; everything here takes an already checked cadre or unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from kaohe.ballots.selectors import cadre_principal_items
from kaohe.org.models import Cadre, Position, Unit
from kaohe.performance.models import PriorGrade
from kaohe.plans.models import AssessedCadre
from kaohe.results.feedback import final_decision_text, flag_labels, latest_seal_ids, voided_codes
from kaohe.results.models import ClearanceRequest, FinalResult, Kind
from kaohe.rules.disclosure import ItemTally


@dataclass
class DossierYear:
    year: int
    grade: str
    source: str  # "final" (computed and sealed here) or "prior" (往年等次, imported)
    unit_name: str = ""
    post: str = ""
    composite: Decimal | None = None
    rank: int | None = None
    pool_size: int | None = None
    flags: list[str] = field(default_factory=list)
    manual: bool = False
    manual_reason: str = ""
    void: bool = False
    final_id: int | None = None
    clearance: str = ""  # the 党风廉政意见 asked before 公示 and the committee's decision on it
    # A principal's own items (抓班子带队伍、执行民主集中制、发挥表率作用) that year, under the k rule.
    principal: list[ItemTally] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return self.source == "prior"


@dataclass
class Dossier:
    kind: str
    name: str
    code: str
    years: list[DossierYear]  # newest first
    positions: list[Position]

    def chart(self) -> dict[str, Any]:
        """The line chart's data, oldest year first: composite (null where none) and the grade of each year."""
        ordered = sorted(self.years, key=lambda y: y.year)
        return {
            "title": self.name,
            "years": [str(y.year) for y in ordered],
            "composite": [None if y.composite is None or y.void else float(y.composite) for y in ordered],
            "grades": ["无效" if y.void else y.grade for y in ordered],
        }


def clearance_text(r: ClearanceRequest) -> str:
    """The dossier's line on a 党风廉政意见: the answer and the committee's decision (the body's note stays
    on the committee's page)."""
    if not r.answer:
        return f"已征求党风廉政意见（{r.requested_at:%Y-%m-%d}），未回复"
    text = f"党风廉政意见：{r.get_answer_display()}"
    if r.resolution:
        text += f"；领导小组决定：{r.get_resolution_display()}（{r.resolution_note}）"
    return text


def _years(
    finals: QuerySet[FinalResult], priors: QuerySet[PriorGrade], posts: dict[int, str]
) -> list[DossierYear]:
    seals = latest_seal_ids()
    finals = finals.filter(seal_id__in=list(seals.values())).select_related("cycle", "unit")
    voided = voided_codes(set(seals.values()))
    finals = list(finals)
    opinions = {
        (r.cycle_id, r.kind, r.code): clearance_text(r)
        for r in ClearanceRequest.objects.filter(
            cycle_id__in={f.cycle_id for f in finals}, code__in={f.code for f in finals}
        )
    }
    years: dict[int, DossierYear] = {}
    for f in finals:
        years[f.cycle.year] = DossierYear(
            year=f.cycle.year,
            grade=f.grade,
            source="final",
            unit_name=f.unit.name,
            post=posts.get(f.cycle_id, ""),
            composite=f.composite,
            rank=f.rank,
            pool_size=f.pool_size,
            flags=flag_labels(f.flags),
            manual=f.manual,
            manual_reason=final_decision_text(f),
            void=(f.seal_id, f.kind, f.code) in voided,
            final_id=f.pk,
            clearance=opinions.get((f.cycle_id, f.kind, f.code), ""),
        )
    for prior in priors:
        years.setdefault(prior.year, DossierYear(year=prior.year, grade=prior.grade, source="prior"))
    return [years[year] for year in sorted(years, reverse=True)]


def cadre_dossier(cadre: Cadre) -> Dossier:
    posts = dict(AssessedCadre.objects.filter(cadre=cadre).values_list("cycle_id", "post"))
    years = _years(
        FinalResult.objects.filter(kind=Kind.CADRE, cadre=cadre),
        PriorGrade.objects.filter(cadre=cadre),
        posts,
    )
    principal = cadre_principal_items(cadre.pk)
    for year in years:
        if year.source == "final" and not year.void:
            year.principal = principal.get(year.year, [])
    positions = list(cadre.positions.select_related("unit").order_by("-start", "-id"))
    return Dossier(Kind.CADRE, cadre.name, cadre.code, years, positions)


def team_dossier(unit: Unit) -> Dossier:
    years = _years(
        FinalResult.objects.filter(kind=Kind.TEAM, unit=unit),
        PriorGrade.objects.filter(unit=unit),
        {},
    )
    positions = list(
        Position.objects.filter(unit=unit)
        .select_related("cadre")
        .order_by("end", "-principal", "-start", "cadre__code")
    )
    # Current posts first (end is NULL), then those who left, latest first.
    positions.sort(key=lambda p: (p.end is not None, -(p.end.toordinal() if p.end else 0), not p.principal))
    return Dossier(Kind.TEAM, f"{unit.name}领导班子", unit.code, years, positions)
