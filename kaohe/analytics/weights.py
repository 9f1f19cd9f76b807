"""Verdicts that hang on a weight: per quota pool, the members whose 优秀 (or not) changes when a rater
group's or a component's weight moves within the plan's range, recomputed exactly with ``kaohe.rules``.

Each scenario moves one weight by ±range points (never below 0; a weight of 0, a switched-off part, is
left alone), everything else as the plan has it. Composites are recomputed from each member's group
scores and components with the rules' own weighted mean and rounding, and the pool is allotted again
with the rules' own quota selection. A float pass first sets aside the pools where no scenario can change
anything (a clear gap at the cut in every scenario, the same 优秀 set), so that a province is quick.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import numpy as np

from kaohe.rules import democratic
from kaohe.rules.arithmetic import integer_weights, round_half_up, weighted_mean
from kaohe.rules.eligibility import cadre_causes, heaviest, team_causes
from kaohe.rules.model import (
    PENDING,
    AssessmentInput,
    Component,
    Effect,
    Kind,
    PriorityMode,
    RuleSettings,
    Sanction,
)
from kaohe.rules.performance import adjustments, indicator_components, unit_performance
from kaohe.rules.quotas import Member, Selection, allot

from .model import Action, Band, Check, Finding, Scope, Standing

K = TypeVar("K")
CHOSEN = (Selection.EXCELLENT, Selection.OVER_QUOTA)
SAFE_GAP = 0.02  # float composites this far apart at the cut are ordered the same exactly


@dataclass(frozen=True)
class RunResult:
    """What the weight check needs of one target's result in the latest compute run."""

    code: str
    name: str
    kind: str
    pool: str
    pool_label: str
    composite: Decimal | None
    grade: str


def standings(inputs: AssessmentInput, results: Sequence[RunResult]) -> list[Standing]:
    """Each result's parts, from the run's inputs by the rules' own functions: the marks counted and each
    rater group's score (exact), performance, 加减分 and effects."""
    settings = inputs.settings
    kinds = {u.code: Kind.TEAM for u in inputs.units}
    kinds.update((c.code, Kind.CADRE) for c in inputs.cadres)
    tally, _ = democratic.tally(inputs.marks, kinds, settings)  # the run was computed: no input errors
    evaluate = democratic.Evaluator(settings).evaluate
    cap = Fraction(settings.bonus_cap)
    own: dict[str, list[object]] = defaultdict(list)
    for item in inputs.adjustments:
        own[item.target].append(item)
    computed = indicator_components(inputs.units, inputs.indicators, inputs.indicator_scores)
    weights = integer_weights(settings.performance_weights)
    units = {u.code: u for u in inputs.units}
    performance = {
        code: unit_performance(u, computed.get(code), adjustments(own.get(code, ()), cap), weights).value  # type: ignore[arg-type]
        for code, u in units.items()
    }
    cadres = {c.code: c for c in inputs.cadres}
    sanctions: dict[str, list[Sanction]] = defaultdict(list)
    for s in inputs.sanctions:
        sanctions[s.cadre].append(s)
    found = []
    for r in results:
        counts = tally.counts.get(r.code)
        detail = evaluate(Kind(r.kind), counts) if counts else None
        groups = (
            {} if detail is None else {g: Fraction(t.total, t.denominator) for g, t in detail.groups.items()}
        )
        effect: Effect | None
        if r.kind == Kind.TEAM:
            unit = units.get(r.code)
            if unit is None:
                continue
            components: dict[Component, Fraction | None] = {Component.PERFORMANCE: performance[unit.code]}
            effect = heaviest(team_causes(unit, settings))
            ratio, net, priority = settings.team_excellent_ratio, Fraction(0), False
        else:
            cadre = cadres.get(r.code)
            if cadre is None or cadre.unit not in units:
                continue
            unit = units[cadre.unit]
            components = {
                Component.PERFORMANCE: performance[unit.code],
                Component.REGULAR: None if cadre.regular is None else Fraction(cadre.regular),
                Component.LEADER_RATING: None
                if cadre.leader_rating is None
                else Fraction(cadre.leader_rating),
            }
            effect = heaviest(cadre_causes(cadre, unit, sanctions.get(cadre.code, ()), settings))
            ratio = (
                settings.cadre_excellent_ratio_advanced if unit.advanced else settings.cadre_excellent_ratio
            )
            net = adjustments(own.get(cadre.code, ()), cap).net  # type: ignore[arg-type]
            priority = bool(cadre.priority)
        found.append(
            Standing(
                code=r.code,
                name=r.name,
                kind=str(r.kind),
                pool=r.pool,
                pool_label=r.pool_label,
                groups=groups,
                components=components,
                adjustment=net,
                ratio=ratio,
                capped=effect is not None and effect is not Effect.UNGRADED,
                graded=r.composite is not None and effect is not Effect.UNGRADED,
                priority=priority,
                composite=r.composite,
                grade=r.grade,
            )
        )
    return found


@dataclass(frozen=True)
class Scenario:
    label: str
    groups: dict[str, int]
    team: dict[Component, int]
    cadre: dict[Component, int]
    kinds: frozenset[Kind] = frozenset(Kind)  # whose composites it moves


def _moves(weights: Mapping[K, Decimal], points: Decimal) -> list[tuple[str, dict[K, Decimal]]]:
    """Each non-zero weight moved by −points and +points (never below 0), with a label."""
    made = []
    for key, weight in weights.items():
        if weight == 0:
            continue
        for delta in (-points, points):
            changed = dict(weights)
            changed[key] = max(Decimal(0), weight + delta)
            if sum(changed.values()) > 0:
                sign = "+" if delta > 0 else "−"
                made.append((f"{key}权重{sign}{abs(delta).normalize()}", changed))
    return made


def scenarios(settings: RuleSettings, points: Decimal) -> list[Scenario]:
    """The plan's weights, then each weight moved by −points and +points."""
    groups = integer_weights(settings.rater_group_weights)
    team = integer_weights(settings.team_composite_weights)
    cadre = integer_weights(settings.cadre_composite_weights)
    made = [Scenario("方案权重", groups, team, cadre)]
    for label, g in _moves(settings.rater_group_weights, points):
        made.append(Scenario(label, integer_weights(g), team, cadre))
    for label, t in _moves(settings.team_composite_weights, points):
        made.append(Scenario(f"班子{label}", groups, integer_weights(t), cadre, frozenset({Kind.TEAM})))
    for label, c in _moves(settings.cadre_composite_weights, points):
        made.append(Scenario(f"干部{label}", groups, team, integer_weights(c), frozenset({Kind.CADRE})))
    return made


def _composite(s: Standing, scenario: Scenario) -> Decimal | None:
    democratic = weighted_mean(scenario.groups, s.groups).value if s.groups else None
    weights = scenario.team if s.kind == Kind.TEAM else scenario.cadre
    values = {Component.DEMOCRATIC: democratic, **s.components}
    mean = weighted_mean(weights, values).value
    if mean is None:
        return None
    return round_half_up(mean + s.adjustment, 2)


def _allot(
    kind: Kind,
    pool: str,
    members: Sequence[Standing],
    composites: Sequence[Decimal | None],
    settings: RuleSettings,
) -> tuple[set[str], int]:
    chosen = allot(
        kind,
        pool,
        [
            Member(s.code, c, s.ratio, Effect.NO_EXCELLENT if s.capped else None, s.priority)
            for s, c in zip(members, composites, strict=True)
        ],
        settings,
    )
    return {code for code, p in chosen.placements.items() if p.selection in CHOSEN}, chosen.summary.quota


def weight_sensitivity(
    all_standings: Sequence[Standing], settings: RuleSettings, points: Decimal
) -> tuple[list[Finding], list[Band], str]:
    made = scenarios(settings, points)
    pools: dict[tuple[str, str], list[Standing]] = defaultdict(list)
    for s in all_standings:
        if s.graded:
            pools[(s.kind, s.pool)].append(s)
    group_names = list(settings.rater_group_weights)
    findings: list[Finding] = []
    bands: list[Band] = []
    mismatched = 0
    examine = _pools_to_check(pools, made, group_names, settings)
    for (kind_text, pool), members in sorted(pools.items()):
        if (kind_text, pool) not in examine:
            continue
        kind = Kind(kind_text)
        candidates = [s for s in members if not s.capped]
        base = [_composite(s, made[0]) for s in members]
        if any(c != s.composite for c, s in zip(base, members, strict=True)):
            mismatched += 1
            continue  # the run was not computed from these parts: say so rather than guess
        chosen, quota = _allot(kind, pool, members, base, settings)
        if quota == 0:
            continue
        flips: dict[str, list[str]] = defaultdict(list)
        low = dict(zip((s.code for s in members), base, strict=True))
        high = dict(low)
        for scenario in made[1:]:
            if kind not in scenario.kinds:
                continue
            composites = [_composite(s, scenario) for s in members]
            now, _ = _allot(kind, pool, members, composites, settings)
            for s, c in zip(members, composites, strict=True):
                if c is not None:
                    low[s.code] = min(low[s.code] or c, c)
                    high[s.code] = max(high[s.code] or c, c)
            for code in now ^ chosen:
                flips[code].append(scenario.label)
        if not flips:
            continue
        by_code = {s.code: s for s in members}
        base_of = dict(zip((s.code for s in members), base, strict=True))
        inside = [base_of[c] for c in chosen if base_of[c] is not None]
        outside = [
            base_of[s.code] for s in candidates if s.code not in chosen and base_of[s.code] is not None
        ]
        lowest_in = min(inside) if inside else None  # type: ignore[type-var]
        highest_out = max(outside) if outside else None  # type: ignore[type-var]
        label = members[0].pool_label
        band_members = []
        for code, labels in sorted(flips.items(), key=lambda item: -(base_of[item[0]] or 0)):
            s = by_code[code]
            composite = base_of[code]
            assert composite is not None
            if code in chosen:
                margin = composite - highest_out if highest_out is not None else None
                verdict = "现为优秀"
            else:
                margin = composite - lowest_in if lowest_in is not None else None
                verdict = "现为非优秀"
            margin_text = f"{margin:+.2f}" if margin is not None else "—"
            figures = {
                "综合得分": f"{composite:.2f}",
                "距优秀线": margin_text,
                "变动区间": f"{low[code]:.2f}–{high[code]:.2f}",
                "改变等次的权重变动": "、".join(labels),
            }
            sentence = (
                f"{s.name}{verdict}，综合得分 {composite:.2f}，距优秀线 {margin_text} 分；"
                f"{'、'.join(labels)}（各±{points.normalize()}分以内）时是否优秀随之改变，等次取决于权重设定。"
            )
            strength = len(labels) / (len(made) - 1)
            findings.append(
                Finding(
                    Check.WEIGHT,
                    Scope.TARGET,
                    code,
                    s.name,
                    strength,
                    figures,
                    sentence,
                    Action.REVIEW_WEIGHTS,
                )
            )
            band_members.append((code, s.name, low[code] or composite, composite, high[code] or composite))
        sentence = (
            f"{label}有 {len(flips)} 人是否优秀取决于权重：评价人类别或综合构成权重在方案的 ±{points.normalize()} 分内变动时，"
            "优秀名单会改变。"
        )
        findings.append(
            Finding(
                Check.WEIGHT,
                Scope.POOL,
                f"{kind_text}:{pool}",
                label,
                len(flips) / max(1, quota),
                {"优秀名额": str(quota), "取决于权重的人数": str(len(flips))},
                sentence,
                Action.REVIEW_WEIGHTS,
            )
        )
        bands.append(Band(pool, label, lowest_in, band_members))
    note = (
        f"等次取决于权重：每个名额池按评价人类别权重和综合构成权重各自 ±{points.normalize()} 分（{len(made) - 1} 种变动）"
        "用考核规则重新计算综合得分和优秀名单，列出优秀与否随之改变的对象及其距优秀线的分差。"
    )
    if mismatched:
        note += f"另有 {mismatched} 个名额池按计算批次的数据复算与批次结果不一致，未做此项检查。"
    return findings, bands, note


def _pools_to_check(
    pools: Mapping[tuple[str, str], Sequence[Standing]],
    made: Sequence[Scenario],
    group_names: list[str],
    settings: RuleSettings,
) -> set[tuple[str, str]]:
    """The pools where some scenario might change the 优秀 list, found with floats for every member at
    once: a pool is left out only if, in every scenario, its run's number of 优秀 candidates lead the rest
    by a clear gap and are the same ones."""
    keys = sorted(pools)
    rows = [(p, s) for p, key in enumerate(keys) for s in pools[key] if not s.capped]
    if not rows:
        return set()
    flagged: set[int] = set()
    n = len(rows)
    pool_of = np.array([p for p, _ in rows])
    sizes = np.bincount(pool_of, minlength=len(keys))
    excellent = np.zeros(len(keys), dtype=int)
    for p, key in enumerate(keys):
        members = pools[key]
        excellent[p] = sum(1 for s in members if s.grade == "优秀")
        if excellent[p] == 0 and any(s.grade == PENDING for s in members):
            flagged.add(p)
        if settings.priority_mode is PriorityMode.FIRST and any(s.priority for s in members):
            flagged.add(p)
    groups = np.full((n, len(group_names)), np.nan)
    parts = np.full((n, 3), np.nan)  # 实绩, 平时考核, 领导评价
    adjustment = np.zeros(n)
    team = np.zeros(n, dtype=bool)
    others = (Component.PERFORMANCE, Component.REGULAR, Component.LEADER_RATING)
    for i, (_, s) in enumerate(rows):
        for j, name in enumerate(group_names):
            value = s.groups.get(name)
            if value is not None:
                groups[i, j] = float(value)
        for j, component in enumerate(others):
            value = s.components.get(component)
            if value is not None:
                parts[i, j] = float(value)
        adjustment[i] = float(s.adjustment)
        team[i] = s.kind == Kind.TEAM
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    inner = (excellent > 0) & (excellent < sizes)
    base_top: np.ndarray | None = None
    for scenario in made:
        w = np.array([scenario.groups.get(name, 0) for name in group_names], dtype=float)
        present = ~np.isnan(groups) & (w > 0)
        total = (present * w).sum(axis=1)
        democratic = np.where(present, groups, 0.0) @ w / np.where(total > 0, total, 1.0)
        democratic[total == 0] = np.nan
        values = np.column_stack([democratic, parts])
        order = (Component.DEMOCRATIC, *others)
        weights = np.where(
            team[:, None],
            np.array([scenario.team.get(c, 0) for c in order], dtype=float)[None, :],
            np.array([scenario.cadre.get(c, 0) for c in order], dtype=float)[None, :],
        )
        used = ~np.isnan(values) & (weights > 0)
        weight_sum = (used * weights).sum(axis=1)
        composite = (np.where(used, values, 0.0) * weights).sum(axis=1) / np.where(
            weight_sum > 0, weight_sum, 1.0
        )
        composite += adjustment
        missing = weight_sum == 0
        flagged.update(np.unique(pool_of[missing]).tolist())
        composite[missing] = -np.inf
        ranking = np.lexsort((-composite, pool_of))
        rank = np.empty(n, dtype=int)
        rank[ranking] = np.arange(n) - starts[pool_of[ranking]]
        top = rank < excellent[pool_of]
        if base_top is None:
            base_top = top
        else:
            flagged.update(np.unique(pool_of[top != base_top]).tolist())
        ranked = composite[ranking]
        last_in = starts + excellent - 1
        first_out = starts + excellent
        pools_inner = np.nonzero(inner)[0]
        gaps = ranked[last_in[pools_inner]] - ranked[first_out[pools_inner]]
        flagged.update(pools_inner[gaps < SAFE_GAP].tolist())
    return {keys[p] for p in flagged}
