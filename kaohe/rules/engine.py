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
from .composite import cadre_composite, team_composite
from .eligibility import Cause, cadre_causes, heaviest, team_causes
from .errors import InputError
from .explain import Facts, Phrasebook, bottom_reason, explain, performance_phrase, scores_text
from .history import history_flags
from .model import (
    FLAGS,
    Adjustment,
    Assessment,
    AssessmentInput,
    CadrePool,
    Component,
    Democratic,
    Kind,
    Result,
    Sanction,
    TeamPool,
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
    """What a target's result needs once its scores are known."""

    kind: Kind
    unit: str
    name: str
    pool: str
    pool_label: str
    member: Member
    causes: list[Cause]
    priority: str | None
    democratic: Democratic | None
    notes: list[tuple[str, str]]  # the §2 flags, with their reasons
    performance: Decimal | None  # the unit's
    scores: str  # the explanation's first part, ``scores_text``


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
    book = Phrasebook(settings)
    phrases = {code: performance_phrase(performance, book) for code, performance in performances.items()}

    # §2, §4 and §5, target by target: the democratic evaluation from the counted marks, the composite,
    # the effects, the place in a quota pool, and what the explanation says of them (while they are at hand).
    evaluate = democratic.Evaluator(settings).evaluate
    counts = tally.counts
    team_weights = integer_weights(settings.team_composite_weights)
    cadre_weights = integer_weights(settings.cadre_composite_weights)
    sanctions: dict[str, list[Sanction]] = defaultdict(list)
    for sanction in inputs.sanctions:
        sanctions[sanction.cadre].append(sanction)
    targets: list[_Target] = []
    for unit in inputs.units:
        code = unit.code
        detail = evaluate(Kind.TEAM, counts[code])
        score = None if detail is None else detail.score
        composite = team_composite(performances[code].value, score, team_weights)
        texts = {
            Component.PERFORMANCE: unit_values[code][1],
            Component.DEMOCRATIC: "" if detail is None else detail.score_text,
        }
        causes = team_causes(unit, settings)
        pool = ALL if settings.team_pool is TeamPool.ALL else unit.category
        member = Member(code, composite.rounded, settings.team_excellent_ratio, heaviest(causes), False)
        name = f"{unit.name}领导班子"
        targets.append(
            _Target(
                Kind.TEAM,
                code,
                name,
                pool,
                ALL if pool == ALL else f"单位类别「{pool}」",
                member,
                causes,
                None,
                None if detail is None else detail.model(),
                democratic.flags(Kind.TEAM, detail, settings),
                unit_values[code][0],
                scores_text(Kind.TEAM, f"{name}（{code}）", detail, phrases[code], composite, texts, book),
            )
        )
    cadre_pool = settings.cadre_pool
    known: dict[Decimal, tuple[Fraction, str]] = {}
    for cadre in inputs.cadres:
        code = cadre.code
        unit = units[cadre.unit]
        detail = evaluate(Kind.CADRE, counts[code])
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
        own = adjustments(by_target.get(code, ()), cap)
        composite = cadre_composite(component_values, own, cadre_weights)
        causes = cadre_causes(cadre, unit, sanctions.get(code, ()), settings)
        ratio = settings.cadre_excellent_ratio_advanced if unit.advanced else settings.cadre_excellent_ratio
        if cadre_pool is CadrePool.UNIT:
            pool, label = unit.code, f"{unit.name}（{unit.code}）"
        elif cadre_pool is CadrePool.CATEGORY:
            pool, label = unit.category, f"单位类别「{unit.category}」"
        else:
            pool, label = ALL, ALL
        member = Member(code, composite.rounded, ratio, heaviest(causes), bool(cadre.priority))
        post = f" {cadre.post}" if cadre.post else ""
        heading = f"{cadre.name}（{code}，{unit.name}{post}）"
        targets.append(
            _Target(
                Kind.CADRE,
                unit.code,
                cadre.name,
                pool,
                label,
                member,
                causes,
                cadre.priority or None,
                None if detail is None else detail.model(),
                democratic.flags(Kind.CADRE, detail, settings),
                unit_values[unit.code][0],
                scores_text(Kind.CADRE, heading, detail, phrases[unit.code], composite, texts, book),
            )
        )

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
    results = []
    for target in targets:
        kind, member = target.kind, target.member
        code = member.code
        in_pool = pools[(kind, target.pool)]
        placement = in_pool.placements[code]
        graded = grade(kind, member, placement, settings)
        notes = target.notes
        bottom = in_pool.bottom
        if bottom is not None and code in bottom.flagged:
            lower, tied = bottom.flagged[code]
            reason = bottom_reason(kind, target.pool_label, in_pool.summary, bottom.places, lower, tied, book)
            notes = [*notes, ("bottom_rank", reason)]
        history = earlier.get(code)
        if history or graded == "较差":
            notes = notes + history_flags(
                kind, graded, history or {}, settings.year, principals.get(code, ())
            )
        flags = [flag for flag, _ in notes]
        flags += [cause.flag for cause in target.causes]
        if target.priority:
            flags.append("priority")
        if placement.selection is Selection.PENDING:
            flags.append("tie")
        elif placement.selection is Selection.OVER_QUOTA:
            flags.append("over_quota")
        facts = Facts(
            kind=kind,
            scores=target.scores,
            composite=member.composite,
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
                unit=target.unit,
                pool=target.pool,
                democratic=target.democratic,
                performance=target.performance,
                composite=member.composite,
                rank=placement.rank,
                pool_size=in_pool.summary.size,
                grade=graded,
                flags=sorted(set(flags), key=_FLAG_ORDER.__getitem__) if flags else flags,
                explanation=explain(facts, book),
            )
        )
    # Teams first, then pool by pool, each pool's by rank (``result_order``); made in the targets' order,
    # which is the order their parts were made in memory.
    ordered = sorted(pools.items(), key=lambda item: (item[0][0] is not Kind.TEAM, item[0][1]))
    by_code = {result.code: result for result in results}
    results = [by_code[code] for _, pool in ordered for code in pool.order]
    quotas = [pool.summary for _, pool in ordered]
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
