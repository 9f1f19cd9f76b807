"""The one place profiles and comparisons read the database: already checked subjects in, plain data out.

Each year is the current final result of a finalised cycle (the latest seal's ``FinalResult``), as the
dossier has it. Figures from ballots obey k (``kaohe.anonymity.min_group``): rater groups are shown all or none
(none when any group with ballots has fewer than k, since the overall figure and the weights would give a
small group's away), and the explanation, which names each group's score, only when all are shown.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, FloatField, Q
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast

from kaohe.ballots.models import (
    BallotItemAnswer,
    SessionRaterGroup,
    SessionStatus,
    SessionTarget,
    TemplateKind,
)
from kaohe.ballots.templates_seed import ASPECT_CHOICES, CADRE_ASPECTS, TEAM_ASPECTS
from kaohe.org.models import Cadre, Position, Unit, UnitCategory
from kaohe.performance.models import PriorGrade
from kaohe.plans.carryover import CarriedItem, carried_items
from kaohe.plans.models import AssessedUnit, AssessmentCycle
from kaohe.profiles import stats
from kaohe.results.feedback import final_decision_text, flag_labels, latest_seal_ids, voided_codes
from kaohe.results.models import FinalResult, Kind, Result, Seal

TOP = "优秀"  # the first choice of both 总体评价 scales: the share compared across years
COUNTED = (SessionStatus.CLOSED, SessionStatus.SEALED)  # never an open session (a difference would tell)


def groups_shown(democratic: dict[str, Any] | None, k: int) -> bool:
    if not democratic or not democratic.get("groups"):
        return False
    return not any(0 < g.get("valid", 0) < k for g in democratic["groups"].values())


def safe_explanation(final: FinalResult, democratic: dict[str, Any] | None, k: int) -> str:
    """The explanation names each rater group's score and ballots: only when every group is shown."""
    if democratic and democratic.get("groups") and not groups_shown(democratic, k):
        return f"（说明含少于{k}张票的评价人类别的得分，按保密规定不予显示。）"
    return final.explanation


def _dec(value: Any) -> float | None:
    return None if value is None else float(Decimal(str(value)))


# --- years ------------------------------------------------------------------------------------------------


@dataclass
class Year:
    year: int
    grade: str
    source: str  # "final" or "prior" (往年等次 imported)
    unit_name: str = ""
    pool: str = ""
    composite: float | None = None
    rank: int | None = None
    pool_size: int | None = None
    democratic: float | None = None
    valid: int | None = None
    expected: int | None = None
    top_share: stats.Interval | None = None
    groups: dict[str, dict[str, Any]] | None = None  # shown all or none
    flags: list[str] = field(default_factory=list)
    explanation: str = ""
    manual_reason: str = ""
    void: bool = False
    composite_spread: dict[str, float] | None = None
    democratic_spread: dict[str, float] | None = None


def _expected(cycles: set[int], *, units: Any = (), cadres: Any = ()) -> dict[tuple[int, str, int], int]:
    """应到 of each (cycle, kind, target id): the expected raters of the counted sessions that asked about it.

    ``units`` and ``cadres`` are ids or a subquery of ids (a category's thousands of units)."""
    if not cycles:
        return {}
    sessions = Q(session__cycle_id__in=cycles, session__status__in=COUNTED, session__rehearsal=False)
    expected_of: dict[int, int] = defaultdict(int)
    for session_id, n in SessionRaterGroup.objects.filter(sessions).values_list("session_id", "expected"):
        expected_of[session_id] += n
    found: dict[tuple[int, str, int], int] = defaultdict(int)
    rows = (
        SessionTarget.objects.filter(sessions)
        .filter(
            Q(unit_id__in=units, template__kind=TemplateKind.TEAM)
            | Q(cadre_id__in=cadres, template__kind=TemplateKind.CADRE)
        )
        .values_list("session__cycle_id", "session_id", "unit_id", "cadre_id")
        .distinct()
    )
    for cycle_id, session_id, unit_id, cadre_id in rows:
        key = (cycle_id, Kind.CADRE, cadre_id) if cadre_id else (cycle_id, Kind.TEAM, unit_id)
        found[key] += expected_of.get(session_id, 0)
    return found


def _pool_spread(run_id: int, digest: str, kind: str, pool: str, k: int) -> tuple[dict | None, dict | None]:
    """The spread of composite and democratic scores in one pool of one run (democratic scores of targets
    with k valid ballots or more only: a pool's lowest or highest would otherwise show a thin one's score).

    A run and its results never change (``results.models.ImmutableModel``), so the figures are cached under
    the run's id and input digest: the same inputs give the same results."""
    key = "profiles:spread:" + hashlib.sha256(f"{run_id}:{digest}:{kind}:{pool}:{k}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        rows = Result.objects.filter(run_id=run_id, kind=kind, pool=pool).values_list(
            "composite", KT("democratic__score"), KT("democratic__valid")
        )
        composites, democratic = [], []
        for composite, score, valid in rows:
            if composite is not None:
                composites.append(float(composite))
            if score is not None and valid is not None and int(valid) >= k:
                democratic.append(float(score))
        found = (stats.spread(composites), stats.spread(democratic))
        cache.set(key, found, timeout=None)
    return found


def _spreads(
    finals: list[FinalResult], kind: str, k: int
) -> dict[tuple[int, str], tuple[dict | None, dict | None]]:
    """The spread of composite and democratic scores in each (seal, pool) the subject was ranked in."""
    pairs = {(f.seal_id, f.pool) for f in finals}
    if not pairs:
        return {}
    runs = {
        pk: (run_id, digest)
        for pk, run_id, digest in Seal.objects.filter(pk__in={s for s, _ in pairs}).values_list(
            "pk", "run_id", "run__input_digest"
        )
    }
    return {(seal, pool): _pool_spread(*runs[seal], kind, pool, k) for seal, pool in pairs}


def years_of(kind: str, *, cadre: Cadre | None = None, unit: Unit | None = None, k: int) -> list[Year]:
    seals = latest_seal_ids()
    subject = Q(cadre=cadre) if kind == Kind.CADRE else Q(unit=unit)
    finals = list(
        FinalResult.objects.filter(subject, kind=kind, seal_id__in=list(seals.values()))
        .select_related("cycle", "unit", "result")
        .order_by("cycle__year")
    )
    voided = voided_codes({f.seal_id for f in finals})
    spreads = _spreads(finals, kind, k)
    target_id = cadre.pk if cadre is not None else unit.pk  # type: ignore[union-attr]
    cycle_ids = {f.cycle_id for f in finals}
    expected = (
        _expected(cycle_ids, cadres=[target_id])
        if kind == Kind.CADRE
        else _expected(cycle_ids, units=[target_id])
    )
    years: dict[int, Year] = {}
    for f in finals:
        demo = f.result.democratic
        valid = demo.get("valid", 0) if demo else 0
        n_expected = expected.get((f.cycle_id, kind, target_id)) or None
        y = Year(
            year=f.cycle.year,
            grade=f.grade,
            source="final",
            unit_name=f.unit.name,
            pool=f.pool,
            composite=_dec(f.composite),
            rank=f.rank,
            pool_size=f.pool_size,
            flags=flag_labels(f.flags),
            explanation=safe_explanation(f, demo, k),
            manual_reason=final_decision_text(f),  # as fed back
            void=(f.seal_id, f.kind, f.code) in voided,
        )
        y.composite_spread, y.democratic_spread = spreads.get((f.seal_id, f.pool), (None, None))
        if demo and valid >= k:
            y.democratic = _dec(demo.get("score"))
            y.valid = valid
            y.expected = n_expected if n_expected and n_expected >= valid else None
            share = demo.get("shares", {}).get(TOP)
            if share is not None:
                y.top_share = stats.share_interval(float(Decimal(str(share))), valid, y.expected)
            if groups_shown(demo, k):
                y.groups = {
                    name: {"score": _dec(g["score"]), "valid": g["valid"]}
                    for name, g in demo["groups"].items()
                    if g.get("valid", 0) > 0
                }
        years[y.year] = y
    priors = (
        PriorGrade.objects.filter(cadre=cadre) if kind == Kind.CADRE else PriorGrade.objects.filter(unit=unit)
    )
    for prior in priors:
        years.setdefault(prior.year, Year(year=prior.year, grade=prior.grade, source="prior"))
    return [years[y] for y in sorted(years)]


def year_changes(years: list[Year]) -> list[dict[str, Any]]:
    """Each year beside the one before: the composite's change (no sampling error: every input is counted)
    and the 优秀 share's change with its interval, so that noise is not presented as change."""
    out = []
    finals = [y for y in years if y.source == "final" and not y.void]
    for before, after in zip(finals, finals[1:], strict=False):
        row: dict[str, Any] = {"from": before.year, "to": after.year, "composite": None, "share": None}
        if before.composite is not None and after.composite is not None:
            row["composite"] = round(after.composite - before.composite, 2)
        if before.top_share is not None and after.top_share is not None:
            c = stats.change(before.top_share, after.top_share)
            row["share"] = {
                "difference": c.difference,
                "half_width": c.half_width,
                "beyond_noise": c.beyond_noise,
                "word": c.word,
            }
        out.append(row)
    return out


# --- aspects by rater group -------------------------------------------------------------------------------


def aspects_by_group(kind: str, target_id: int, k: int) -> dict[int, dict[str, Any]]:
    """{year: {"groups": {group: {item: {choice: n}}} or None, "all": {item: {choice: n}}, "ballots": n}}.

    Groups appear only when every group that answered about the target that year has k ballots or more;
    the pooled answers only from k ballots up."""
    template_kind = TemplateKind.CADRE if kind == Kind.CADRE else TemplateKind.TEAM
    subject = Q(cadre_id=target_id) if kind == Kind.CADRE else Q(unit_id=target_id)
    answers = BallotItemAnswer.objects.filter(
        subject,
        template__kind=template_kind,
        ballot__session__status__in=COUNTED,
        ballot__session__rehearsal=False,
    )
    ballots = (
        answers.order_by()
        .values_list("ballot__session__cycle__year", "ballot__rater_group")
        .annotate(n=Count("ballot_id", distinct=True))
    )
    per_group: dict[int, dict[str, int]] = defaultdict(dict)
    for year, group, n in ballots:
        per_group[year][group] = n
    counts = (
        answers.order_by()
        .values_list("ballot__session__cycle__year", "ballot__rater_group", "item", "choice")
        .annotate(n=Count("pk"))
    )
    grouped: dict[int, dict[str, dict[str, dict[str, int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for year, group, item, choice, n in counts:
        grouped[year][group][item][choice] = n
    found: dict[int, dict[str, Any]] = {}
    for year, groups in per_group.items():
        total = sum(groups.values())
        if total < k:
            continue
        pooled: dict[str, dict[str, int]] = defaultdict(dict)
        for items in grouped[year].values():
            for item, by_choice in items.items():
                for choice, n in by_choice.items():
                    pooled[item][choice] = pooled[item].get(choice, 0) + n
        show_groups = all(n >= k for n in groups.values())
        found[year] = {
            "ballots": total,
            "all": {item: dict(v) for item, v in pooled.items()},
            "groups": {g: {i: dict(v) for i, v in items.items()} for g, items in grouped[year].items()}
            if show_groups
            else None,
        }
    return found


def radar(aspects: dict[int, dict[str, Any]], items: list[str]) -> dict[str, Any] | None:
    """The latest year's share of 「好」 for each aspect, pooled and by rater group (when shown)."""
    if not aspects:
        return None
    year = max(aspects)
    data = aspects[year]

    def shares(by_item: dict[str, dict[str, int]]) -> list[float | None]:
        out: list[float | None] = []
        for item in items:
            counts = by_item.get(item, {})
            total = sum(counts.values())
            out.append(round(counts.get(ASPECT_CHOICES[0], 0) / total, 4) if total else None)
        return out

    series = [{"name": "全部评价人", "values": shares(data["all"])}]
    for group, by_item in sorted((data["groups"] or {}).items()):
        series.append({"name": group, "values": shares(by_item)})
    return {"year": year, "items": items, "series": series}


def aspect_lines(aspects: dict[int, dict[str, Any]], items: list[str]) -> dict[str, Any]:
    years = sorted(aspects)
    lines = []
    for item in items:
        values: list[float | None] = []
        for y in years:
            counts = aspects[y]["all"].get(item, {})
            total = sum(counts.values())
            values.append(round(counts.get(ASPECT_CHOICES[0], 0) / total, 4) if total else None)
        lines.append({"name": item, "values": values})
    return {"years": [str(y) for y in years], "lines": lines}


# --- profiles ---------------------------------------------------------------------------------------------


def _chart(years: list[Year]) -> dict[str, Any]:
    finals = [y for y in years if y.source == "final"]
    return {
        "years": [str(y.year) for y in finals],
        "composite": [None if y.void else y.composite for y in finals],
        "democratic": [None if y.void else y.democratic for y in finals],
        "grades": ["无效" if y.void else y.grade for y in finals],
        "composite_spread": [y.composite_spread for y in finals],
        "democratic_spread": [y.democratic_spread for y in finals],
    }


@dataclass
class CadreProfile:
    cadre: Cadre
    years: list[Year]
    changes: list[dict[str, Any]]
    aspects: dict[int, dict[str, Any]]
    positions: list[Position]
    k: int
    carried: list[CarriedItem] = field(default_factory=list)  # their own letters' 整改 items not yet closed

    def charts(self) -> dict[str, Any]:
        return {
            "trend": _chart(self.years),
            "radar": radar(self.aspects, CADRE_ASPECTS),
            "aspects": aspect_lines(self.aspects, CADRE_ASPECTS),
        }


def cadre_profile(cadre: Cadre, *, k: int, today: date | None = None, reader: Any = None) -> CadreProfile:
    years = years_of(Kind.CADRE, cadre=cadre, k=k)
    return CadreProfile(
        cadre=cadre,
        years=years,
        changes=year_changes(years),
        aspects=aspects_by_group(Kind.CADRE, cadre.pk, k),
        positions=list(cadre.positions.select_related("unit").order_by("-start", "-id")),
        k=k,
        carried=carried_items(cadre=cadre, reader=reader, today=today),
    )


@dataclass
class Member:
    name: str
    code: str
    title: str
    principal: bool
    start: date | None
    end: date | None
    age: int | None
    tenure_years: float | None


@dataclass
class TermView:
    principal: str
    first: date | None
    last: date | None
    members: list[Member]
    years: list[Year]


@dataclass
class TeamProfile:
    unit: Unit
    years: list[Year]
    changes: list[dict[str, Any]]
    aspects: dict[int, dict[str, Any]]
    members: list[Member]
    movements: list[dict[str, Any]]  # per year: arrivals and departures
    current: TermView | None
    previous: TermView | None
    k: int
    sections: list[tuple[str, str]] = field(default_factory=list)  # (title, template) added by one function
    carried: list[CarriedItem] = field(default_factory=list)  # the team letters' 整改 items not yet closed

    def charts(self) -> dict[str, Any]:
        return {
            "trend": _chart(self.years),
            "radar": radar(self.aspects, TEAM_ASPECTS),
            "aspects": aspect_lines(self.aspects, TEAM_ASPECTS),
        }

    @property
    def mean_age(self) -> float | None:
        ages = [m.age for m in self.members if m.age is not None]
        return round(sum(ages) / len(ages), 1) if ages else None


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _member(p: Position, on: date) -> Member:
    end = p.end or on
    tenure = round((end - p.start).days / 365.25, 1) if p.start else None
    return Member(
        p.cadre.name,
        p.cadre.code,
        p.title,
        p.principal,
        p.start,
        p.end,
        _age(p.cadre.birth_month, on),
        tenure,
    )


def _term_view(
    term: stats.Term | None, by_holder: dict[tuple, Position], years: list[Year], today: date
) -> TermView | None:
    if term is None:
        return None
    through = today.year
    wanted = set(term.years(through))
    members = [_member(by_holder[(s.holder, s.title, s.start, s.end)], today) for s in term.members]
    return TermView(
        principal=members[0].name,
        first=term.first,
        last=term.last,
        members=members,
        years=[y for y in years if y.year in wanted],
    )


# A team profile's further sections: one function each, (unit, reader) → (title, template) or None. The four lists and
# interview summaries (apps not on main when profiles were written) join here; the template is included
# with the page's context (``profile``), and the function decides who may see it by returning None.
TEAM_SECTIONS: list[Callable[[Unit, Any], tuple[str, str] | None]] = []


def team_profile(unit: Unit, *, k: int, today: date, reader: Any = None) -> TeamProfile:
    positions = list(Position.objects.filter(unit=unit).select_related("cadre"))
    spans = [stats.Span(p.cadre.code, p.title, p.principal, p.start, p.end) for p in positions]
    by_holder = {(p.cadre.code, p.title, p.start, p.end): p for p in positions}
    years = years_of(Kind.TEAM, unit=unit, k=k)
    current_members = sorted(
        (_member(p, today) for p in positions if p.end is None),
        key=lambda m: (not m.principal, m.start or date.min, m.code),
    )
    movements: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"arrived": [], "left": []})
    for p in positions:
        if p.start:
            movements[p.start.year]["arrived"].append(f"{p.cadre.name}（{p.title}）")
        if p.end:
            movements[p.end.year]["left"].append(f"{p.cadre.name}（{p.title}）")
    return TeamProfile(
        unit=unit,
        years=years,
        changes=year_changes(years),
        aspects=aspects_by_group(Kind.TEAM, unit.pk, k),
        members=current_members,
        movements=[{"year": y, **movements[y]} for y in sorted(movements, reverse=True)],
        current=_term_view(stats.current_term(spans, today), by_holder, years, today),
        previous=_term_view(stats.predecessor_term(spans, today), by_holder, years, today),
        k=k,
        sections=[found for section in TEAM_SECTIONS if (found := section(unit, reader)) is not None],
        carried=carried_items(unit=unit, reader=reader, today=today),
    )


# --- comparisons ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    pk: int
    code: str
    name: str


@dataclass
class ComparisonRow:
    unit: UnitRef
    now: Year | None
    before: Year | None
    composite_change: float | None
    share_change: stats.Change | None


@dataclass
class Comparison:
    category: UnitCategory
    year: int
    rows: list[ComparisonRow]
    history: list[dict[str, Any]]  # the category's own past years: spread of its teams' composites
    k: int


def _team_years(units: Any, years: set[int], k: int) -> dict[tuple[int, int], Year]:
    """Each unit's team result of each year (the current seal), with its 优秀 share's interval.

    Read as plain values with the democratic figures taken out of the JSON by the database: a province's
    category has thousands of units, and model instances and JSON parsing would be most of the time."""
    seals = latest_seal_ids()
    cycles = dict(AssessmentCycle.objects.filter(year__in=years).values_list("pk", "year"))
    seal_ids = [seals[c] for c in cycles if c in seals]
    rows = list(
        FinalResult.objects.filter(kind=Kind.TEAM, seal_id__in=seal_ids, unit_id__in=units).values_list(
            "seal_id",
            "cycle_id",
            "unit_id",
            "code",
            "grade",
            "composite",
            "rank",
            "pool_size",
            "pool",
            KeyTextTransform("score", "result__democratic"),
            KeyTextTransform("valid", "result__democratic"),
            # Not the 优秀 key itself: Django escapes a non-ASCII key in the JSON path, which SQLite misreads.
            KeyTextTransform("shares", "result__democratic"),
        )
    )
    voided = voided_codes(set(seal_ids))
    expected = _expected({cycle_id for _, cycle_id, *_ in rows}, units=units)
    found: dict[tuple[int, int], Year] = {}
    for (
        seal_id,
        cycle_id,
        unit_id,
        code,
        grade,
        composite,
        rank,
        pool_size,
        pool,
        score,
        valid,
        shares,
    ) in rows:
        y = Year(
            year=cycles[cycle_id],
            grade=grade,
            source="final",
            pool=pool,
            composite=_dec(composite),
            rank=rank,
            pool_size=pool_size,
            void=(seal_id, Kind.TEAM, code) in voided,
        )
        n_valid = int(valid) if valid is not None else 0
        if score is not None and n_valid >= k:
            y.democratic = _dec(score)
            y.valid = n_valid
            n_expected = expected.get((cycle_id, Kind.TEAM, unit_id)) or None
            y.expected = n_expected if n_expected and n_expected >= n_valid else None
            top = json.loads(shares).get(TOP) if shares else None
            if top is not None:
                y.top_share = stats.share_interval(float(Decimal(str(top))), n_valid, y.expected)
        found[(unit_id, y.year)] = y
    return found


def _history(units: Any, years: set[int]) -> list[dict[str, Any]]:
    """The spread of the units' team composites in each of ``years`` (current seals, voided left out)."""
    seals = latest_seal_ids()
    cycles = dict(AssessmentCycle.objects.filter(year__in=years).values_list("pk", "year"))
    seal_ids = [seals[c] for c in cycles if c in seals]
    voided = voided_codes(set(seal_ids))
    values: dict[int, list[float]] = defaultdict(list)
    rows = FinalResult.objects.filter(
        kind=Kind.TEAM, seal_id__in=seal_ids, unit_id__in=units, composite__isnull=False
    ).values_list("seal_id", "cycle_id", "code", Cast("composite", FloatField()))  # a spread: no Decimals
    for seal_id, cycle_id, code, composite in rows:
        if (seal_id, Kind.TEAM, code) not in voided:
            values[cycles[cycle_id]].append(composite)
    return [{"year": y, "count": len(values[y]), "spread": stats.spread(values[y])} for y in sorted(values)]


def category_comparison(category: UnitCategory, year: int, *, k: int, history: int = 5) -> Comparison:
    """The category's units in ``year`` (those assessed in it that year), beside their own previous year,
    and the category's own spread over the last ``history`` years. Counties against counties is this
    comparison on the category of counties: each by its own results.

    Final results never change once sealed; what can is the list of units (and their names), a later seal or
    a void. So the rows and the spread are cached under those (a province's category is 2,300 units, five
    years of them read and worked through in about 100 ms)."""
    assessed = AssessedUnit.objects.filter(cycle__year=year, category=category).values("unit_id")
    units = [
        UnitRef(*row)
        for row in Unit.objects.filter(pk__in=assessed).order_by("code").values_list("pk", "code", "name")
    ]
    years = range(year - history + 1, year + 1)
    seals = latest_seal_ids()
    cycles = AssessmentCycle.objects.filter(year__in={*years, year - 1}).values_list("pk", flat=True)
    seal_ids = [seals[c] for c in cycles if c in seals]
    # By content, not by id: ids come again after a database is restored from a backup, hashes do not.
    sealed = sorted(Seal.objects.filter(pk__in=seal_ids).values_list("hash", flat=True))
    voided = sorted(voided_codes(seal_ids))
    state = f"{year}:{history}:{k}:{sealed}:{voided}:{[(u.pk, u.code, u.name) for u in units]}"
    key = "profiles:comparison:" + hashlib.sha256(state.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = (_comparison_rows(units, assessed, year, k), _history(assessed, set(years)))
        cache.set(key, cached, timeout=None)
    rows, past = cached
    return Comparison(category, year, rows, past, k)


def _comparison_rows(units: list[UnitRef], assessed: Any, year: int, k: int) -> list[ComparisonRow]:
    """Each unit beside its previous year, the highest composite first."""
    figures = _team_years(assessed, {year, year - 1}, k)
    rows = []
    for unit in units:
        now, before = figures.get((unit.pk, year)), figures.get((unit.pk, year - 1))
        composite_change = share_change = None
        if now and before and not now.void and not before.void:
            if now.composite is not None and before.composite is not None:
                composite_change = round(now.composite - before.composite, 2)
            if now.top_share is not None and before.top_share is not None:
                share_change = stats.change(before.top_share, now.top_share)
        rows.append(ComparisonRow(unit, now, before, composite_change, share_change))
    rows.sort(
        key=lambda r: (r.now is None or r.now.composite is None, -(r.now.composite or 0) if r.now else 0)
    )
    return rows
