"""``assess``: a year's assessment computed from plain inputs, top to bottom in the order of the rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from . import democratic, validation
from .arithmetic import to_decimal
from .composite import Composite, cadre_composite, team_composite
from .eligibility import Cause, cadre_causes, heaviest, team_causes
from .errors import InputError
from .explain import Facts, explain
from .history import history_flags
from .model import (
    FLAGS,
    Adjustment,
    Assessment,
    AssessmentInput,
    CadrePool,
    Component,
    Kind,
    Result,
    Sanction,
    TeamPool,
    Unit,
)
from .performance import Performance, adjustments, indicator_components, unit_performance
from .quotas import Member, Pool, Selection, allot, grade

ALL = "全部"
_FLAG_ORDER = {flag: i for i, flag in enumerate(FLAGS)}


def assess(inputs: AssessmentInput) -> Assessment:
    """Compute every team's and cadre's result; raise ``InputError`` listing all inconsistencies."""
    settings = inputs.settings
    errors = validation.check_settings(settings)
    if errors:
        raise InputError(errors)
    kinds = {unit.code: Kind.TEAM for unit in inputs.units}
    kinds.update((cadre.code, Kind.CADRE) for cadre in inputs.cadres)
    errors = [
        *validation.check_people(inputs),
        *validation.check_indicators(inputs),
        *validation.check_records(inputs),
    ]
    tally, mark_errors = democratic.tally(inputs.marks, kinds, settings)
    errors += mark_errors
    if errors:
        raise InputError(errors)

    # §2: democratic evaluation, from the counted marks.
    group_weights = {group: Fraction(w) for group, w in settings.rater_group_weights.items()}
    values = democratic.choice_values(settings)
    details = {
        code: democratic.evaluate(kind, tally.counts.get(code), group_weights, values)
        for code, kind in kinds.items()
    }

    # §3: unit performance.
    cap = Fraction(settings.bonus_cap)
    by_target: dict[str, list[Adjustment]] = defaultdict(list)
    for item in inputs.adjustments:
        by_target[item.target].append(item)
    computed = indicator_components(inputs.units, inputs.indicators, inputs.indicator_scores)
    performance_weights = {c: Fraction(w) for c, w in settings.performance_weights.items()}
    performances: dict[str, Performance] = {
        unit.code: unit_performance(
            unit, computed.get(unit.code), adjustments(by_target.get(unit.code, ()), cap), performance_weights
        )
        for unit in inputs.units
    }
    units = {unit.code: unit for unit in inputs.units}

    # §4 and §5: composites and effects, then the members of each quota pool.
    team_weights = {c: Fraction(w) for c, w in settings.team_composite_weights.items()}
    cadre_weights = {c: Fraction(w) for c, w in settings.cadre_composite_weights.items()}
    sanctions: dict[str, list[Sanction]] = defaultdict(list)
    for sanction in inputs.sanctions:
        sanctions[sanction.cadre].append(sanction)

    targets: list[_Target] = []
    for unit in inputs.units:
        detail = details[unit.code]
        composite = team_composite(
            performances[unit.code].value, None if detail is None else detail.score, team_weights
        )
        causes = team_causes(unit, settings)
        pool = ALL if settings.team_pool is TeamPool.ALL else unit.category
        member = Member(unit.code, composite.rounded, settings.team_excellent_ratio, heaviest(causes), False)
        targets.append(
            _Target(
                Kind.TEAM,
                unit,
                f"{unit.name}领导班子",
                f"{unit.name}领导班子（{unit.code}）",
                pool,
                _pool_label(pool, unit, Kind.TEAM, settings.cadre_pool),
                detail,
                composite,
                causes,
                member,
                None,
            )
        )
    for cadre in inputs.cadres:
        unit = units[cadre.unit]
        detail = details[cadre.code]
        performance = performances[unit.code].value
        component_values = {
            Component.DEMOCRATIC: None if detail is None else detail.score,
            Component.PERFORMANCE: performance,
            Component.REGULAR: None if cadre.regular is None else Fraction(cadre.regular),
            Component.LEADER_RATING: None if cadre.leader_rating is None else Fraction(cadre.leader_rating),
        }
        composite = cadre_composite(
            component_values, adjustments(by_target.get(cadre.code, ()), cap), cadre_weights
        )
        causes = cadre_causes(cadre, unit, sanctions.get(cadre.code, ()), settings)
        ratio = settings.cadre_excellent_ratio_advanced if unit.advanced else settings.cadre_excellent_ratio
        pool = {CadrePool.UNIT: unit.code, CadrePool.CATEGORY: unit.category, CadrePool.ALL: ALL}[
            settings.cadre_pool
        ]
        member = Member(cadre.code, composite.rounded, ratio, heaviest(causes), bool(cadre.priority))
        post = f" {cadre.post}" if cadre.post else ""
        targets.append(
            _Target(
                Kind.CADRE,
                unit,
                cadre.name,
                f"{cadre.name}（{cadre.code}，{unit.name}{post}）",
                pool,
                _pool_label(pool, unit, Kind.CADRE, settings.cadre_pool),
                detail,
                composite,
                causes,
                member,
                cadre.priority or None,
            )
        )

    # §6: quotas, ranks and grades per pool.
    members: dict[tuple[Kind, str], list[Member]] = defaultdict(list)
    for target in targets:
        members[(target.kind, target.pool)].append(target.member)
    pools: dict[tuple[Kind, str], Pool] = {
        key: allot(key[0], key[1], pool_members, settings) for key, pool_members in members.items()
    }

    # §8: earlier years; principal cadres are named when their team is to be reviewed.
    earlier: dict[str, dict[int, str]] = defaultdict(dict)
    for prior in inputs.prior_grades:
        earlier[prior.target][prior.year] = prior.grade
    principals: dict[str, list[str]] = defaultdict(list)
    for cadre in sorted(inputs.cadres, key=lambda c: c.code):
        if cadre.principal:
            principals[cadre.unit].append(cadre.name)

    results = []
    for target in targets:
        in_pool = pools[(target.kind, target.pool)]
        placement = in_pool.placements[target.member.code]
        graded = grade(target.kind, target.member, placement, settings)
        code = target.member.code
        notes = democratic.flags(target.kind, target.detail, settings)
        notes += history_flags(
            target.kind,
            graded,
            earlier.get(code, {}),
            settings.year,
            principals.get(code, ()) if target.kind is Kind.TEAM else (),
        )
        flags = {flag for flag, _ in notes} | {cause.flag for cause in target.causes}
        if target.priority:
            flags.add("priority")
        if placement.selection is Selection.PENDING:
            flags.add("tie")
        if placement.selection is Selection.OVER_QUOTA:
            flags.add("over_quota")
        facts = Facts(
            kind=target.kind,
            heading=target.heading,
            democratic=target.detail,
            performance=performances[target.unit.code],
            composite=target.composite,
            causes=target.causes,
            effect=target.member.effect,
            priority=target.priority,
            pool_label=target.pool_label,
            pool=in_pool.summary,
            placement=placement,
            grade=graded,
            flags=notes,
        )
        results.append(
            Result(
                code=code,
                kind=target.kind,
                name=target.name,
                unit=target.unit.code,
                pool=target.pool,
                democratic=None if target.detail is None else target.detail.model(),
                performance=_decimal(performances[target.unit.code]),
                composite=target.composite.rounded,
                rank=placement.rank,
                pool_size=in_pool.summary.size,
                grade=graded,
                flags=sorted(flags, key=_FLAG_ORDER.__getitem__),
                explanation=explain(facts, settings),
            )
        )
    results.sort(key=result_order)
    quotas = sorted(
        (pool.summary for pool in pools.values()), key=lambda q: (q.kind is not Kind.TEAM, q.pool)
    )
    return Assessment(settings.year, results, quotas, tally.invalid)


def result_order(result: Result) -> tuple[bool, str, bool, int, str]:
    """Kind (team first), pool, rank (ungraded last), code."""
    return (result.kind is not Kind.TEAM, result.pool, result.rank is None, result.rank or 0, result.code)


def _decimal(performance: Performance) -> Decimal | None:
    value = performance.value
    return None if value is None else to_decimal(value)


def _pool_label(pool: str, unit: Unit, kind: Kind, cadre_pool: CadrePool) -> str:
    if pool == ALL:
        return "全部"
    if kind is Kind.CADRE and cadre_pool is CadrePool.UNIT:
        return f"{unit.name}（{unit.code}）"
    return f"单位类别「{pool}」"


@dataclass(frozen=True)
class _Target:
    kind: Kind
    unit: Unit
    name: str
    heading: str
    pool: str
    pool_label: str
    detail: democratic.DemocraticDetail | None
    composite: Composite
    causes: list[Cause]
    member: Member
    priority: str | None
