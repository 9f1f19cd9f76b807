"""``assess``: a year's assessment computed from plain inputs, in the order of the rules."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from . import democratic, validation
from .arithmetic import display_fraction, integer_weights, to_decimal
from .composite import Composite, cadre_composite, team_composite
from .eligibility import Cause, cadre_causes, heaviest, team_causes
from .errors import InputError
from .explain import Facts, Phrasebook, explain, performance_phrase
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
    with _without_gc():
        return _assess(inputs)


@contextmanager
def _without_gc() -> Iterator[None]:
    # The engine allocates millions of small objects and creates no cycles; with the cyclic collector on,
    # its full passes over the 1.5 million marks would cost a third of the run.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Hand what survives (the results) to the oldest generation, as a long run with the collector on
        # would have; otherwise the next young collection would scan hundreds of thousands of objects.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


@dataclass(slots=True)
class _Target:
    kind: Kind
    unit: Unit
    name: str
    heading: str
    pool: str
    pool_label: str
    detail: democratic.DemocraticDetail | None
    composite: Composite
    texts: dict[Component, str]  # the composite's components with two decimals
    causes: list[Cause]
    member: Member
    priority: str | None


def _assess(inputs: AssessmentInput) -> Assessment:
    settings = inputs.settings
    errors = validation.check_settings(settings)
    if errors:
        raise InputError(errors)  # the other checks rely on sound settings
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
    evaluate = democratic.Evaluator(settings).evaluate
    counts = tally.counts
    details = {code: evaluate(kind, counts[code]) for code, kind in kinds.items()}

    # §3: unit performance, and the 加减分 of units and cadres.
    cap = Fraction(settings.bonus_cap)
    by_target: dict[str, list[Adjustment]] = defaultdict(list)
    for item in inputs.adjustments:
        by_target[item.target].append(item)
    computed = indicator_components(inputs.units, inputs.indicators, inputs.indicator_scores)
    performance_weights = integer_weights(settings.performance_weights)
    performances: dict[str, Performance] = {
        unit.code: unit_performance(
            unit, computed.get(unit.code), adjustments(by_target.get(unit.code, ()), cap), performance_weights
        )
        for unit in inputs.units
    }
    units = {unit.code: unit for unit in inputs.units}
    unit_values = {
        code: (None, "") if p.value is None else (to_decimal(p.value), display_fraction(p.value))
        for code, p in performances.items()
    }

    # §4 and §5: composites and effects, and each target's place in a quota pool.
    team_weights = integer_weights(settings.team_composite_weights)
    cadre_weights = integer_weights(settings.cadre_composite_weights)
    sanctions: dict[str, list[Sanction]] = defaultdict(list)
    for sanction in inputs.sanctions:
        sanctions[sanction.cadre].append(sanction)
    targets: list[_Target] = []
    for unit in inputs.units:
        detail = details[unit.code]
        score = None if detail is None else detail.score
        composite = team_composite(performances[unit.code].value, score, team_weights)
        texts = {
            Component.PERFORMANCE: unit_values[unit.code][1],
            Component.DEMOCRATIC: "" if detail is None else detail.score_text,
        }
        causes = team_causes(unit, settings)
        pool = ALL if settings.team_pool is TeamPool.ALL else unit.category
        member = Member(unit.code, composite.rounded, settings.team_excellent_ratio, heaviest(causes), False)
        name = f"{unit.name}领导班子"
        label = ALL if pool == ALL else f"单位类别「{pool}」"
        targets.append(
            _Target(
                Kind.TEAM,
                unit,
                name,
                f"{name}（{unit.code}）",
                pool,
                label,
                detail,
                composite,
                texts,
                causes,
                member,
                None,
            )
        )
    cadre_pool = settings.cadre_pool
    known: dict[Decimal, tuple[Fraction, str]] = {}
    for cadre in inputs.cadres:
        unit = units[cadre.unit]
        detail = details[cadre.code]
        regular, regular_text = _exact(cadre.regular, known)
        leader_rating, leader_rating_text = _exact(cadre.leader_rating, known)
        component_values = {
            Component.DEMOCRATIC: None if detail is None else detail.score,
            Component.PERFORMANCE: performances[unit.code].value,
            Component.REGULAR: regular,
            Component.LEADER_RATING: leader_rating,
        }
        texts = {
            Component.DEMOCRATIC: "" if detail is None else detail.score_text,
            Component.PERFORMANCE: unit_values[unit.code][1],
            Component.REGULAR: regular_text,
            Component.LEADER_RATING: leader_rating_text,
        }
        own = adjustments(by_target.get(cadre.code, ()), cap)
        composite = cadre_composite(component_values, own, cadre_weights)
        causes = cadre_causes(cadre, unit, sanctions.get(cadre.code, ()), settings)
        ratio = settings.cadre_excellent_ratio_advanced if unit.advanced else settings.cadre_excellent_ratio
        if cadre_pool is CadrePool.UNIT:
            pool, label = unit.code, f"{unit.name}（{unit.code}）"
        elif cadre_pool is CadrePool.CATEGORY:
            pool, label = unit.category, f"单位类别「{unit.category}」"
        else:
            pool, label = ALL, ALL
        member = Member(cadre.code, composite.rounded, ratio, heaviest(causes), bool(cadre.priority))
        post = f" {cadre.post}" if cadre.post else ""
        heading = f"{cadre.name}（{cadre.code}，{unit.name}{post}）"
        targets.append(
            _Target(
                Kind.CADRE, unit, cadre.name, heading, pool, label, detail, composite, texts, causes,
                member, cadre.priority or None,
            )
        )  # fmt: skip

    # §6: quotas, ranks and grades, pool by pool.
    members: dict[tuple[Kind, str], list[Member]] = defaultdict(list)
    for target in targets:
        members[(target.kind, target.pool)].append(target.member)
    pools: dict[tuple[Kind, str], Pool] = {
        key: allot(key[0], key[1], pool_members, settings) for key, pool_members in members.items()
    }

    # §8: earlier years; a team's principal cadres are named when it is to be reviewed.
    earlier: dict[str, dict[int, str]] = defaultdict(dict)
    for prior in inputs.prior_grades:
        earlier[prior.target][prior.year] = prior.grade
    principals: dict[str, list[str]] = defaultdict(list)
    for cadre in sorted(inputs.cadres, key=lambda c: c.code):
        if cadre.principal:
            principals[cadre.unit].append(cadre.name)

    # §7 and §9: flags and explanations, one result per target.
    book = Phrasebook(settings)
    phrases = {code: performance_phrase(performance, book) for code, performance in performances.items()}
    results = []
    for target in targets:
        kind, code, member = target.kind, target.member.code, target.member
        in_pool = pools[(kind, target.pool)]
        placement = in_pool.placements[code]
        graded = grade(kind, member, placement, settings)
        notes = democratic.flags(kind, target.detail, settings)
        history = earlier.get(code)
        if history or graded == "较差":
            notes += history_flags(kind, graded, history or {}, settings.year, principals.get(code, ()))
        flags = [flag for flag, _ in notes]
        flags += [cause.flag for cause in target.causes]
        if target.priority:
            flags.append("priority")
        if placement.selection is Selection.PENDING:
            flags.append("tie")
        elif placement.selection is Selection.OVER_QUOTA:
            flags.append("over_quota")
        performance = unit_values[target.unit.code][0]
        facts = Facts(
            kind=kind,
            heading=target.heading,
            democratic=target.detail,
            performance=phrases[target.unit.code],
            composite=target.composite,
            texts=target.texts,
            causes=target.causes,
            effect=member.effect,
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
                kind=kind,
                name=target.name,
                unit=target.unit.code,
                pool=target.pool,
                democratic=None if target.detail is None else target.detail.model(),
                performance=performance,
                composite=target.composite.rounded,
                rank=placement.rank,
                pool_size=in_pool.summary.size,
                grade=graded,
                flags=sorted(set(flags), key=_FLAG_ORDER.__getitem__) if flags else flags,
                explanation=explain(facts, book),
            )
        )
    results.sort(key=result_order)
    quotas = sorted(
        (pool.summary for pool in pools.values()), key=lambda q: (q.kind is not Kind.TEAM, q.pool)
    )
    return Assessment(settings.year, results, quotas, tally.invalid)


def _exact(value: Decimal | None, known: dict[Decimal, tuple[Fraction, str]]) -> tuple[Fraction | None, str]:
    """``Fraction(value)`` and its two decimals, remembered: scores repeat, and converting is slow."""
    if value is None:
        return None, ""
    pair = known.get(value)
    if pair is None:
        fraction = Fraction(value)
        pair = known[value] = (fraction, display_fraction(fraction))
    return pair


def result_order(result: Result) -> tuple[bool, str, bool, int, str]:
    """Kind (team first), pool, rank (ungraded last), code."""
    return (result.kind is not Kind.TEAM, result.pool, result.rank is None, result.rank or 0, result.code)
