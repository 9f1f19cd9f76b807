"""民主测评 (rules §2): valid ballots, group scores, the weighted democratic score, vote shares, flags.

Counting is the engine's hot loop (a province has 1.5 million marks): marks are grouped by ballot with
``itertools.groupby``, their positions looked up a ballot at a time with ``map`` (both run in C), and
counted in one flat list of integers; exact fractions are built once per target from the counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from operator import add, attrgetter

from .arithmetic import half_up, percent, ratio_decimal, round_count, to_decimal
from .model import (
    CADRE_GRADES,
    TEAM_GRADES,
    Democratic,
    ExcellentLimit,
    GroupScore,
    InvalidBallot,
    Kind,
    Mark,
    Rounding,
    RuleSettings,
)

SCALES: dict[Kind, tuple[str, ...]] = {Kind.CADRE: CADRE_GRADES, Kind.TEAM: TEAM_GRADES}
SHARE_NAMES: dict[Kind, tuple[str, str, str]] = {
    Kind.CADRE: ("优秀", "称职及以上", "不称职"),
    Kind.TEAM: ("优秀", "良好及以上", "较差"),
}
EXCELLENT = CADRE_GRADES[0]

_target = attrgetter("target")
_choice = attrgetter("choice")
_group = attrgetter("rater_group")
_ballot_and_group = attrgetter("ballot", "rater_group")


@dataclass(frozen=True)
class Tally:
    """Valid marks counted per target, rater group and choice (in scale order), and the void ballots."""

    counts: dict[str, dict[str, list[int]]]
    invalid: list[InvalidBallot]


# Every choice of both scales, each with its own slot in the counts, so that a team's choice on a cadre
# (or the reverse) is counted apart and found afterwards.
CHOICES = ("优秀", "称职", "基本称职", "不称职", "良好", "一般", "较差")
SLOTS = {kind: tuple(CHOICES.index(choice) for choice in scale) for kind, scale in SCALES.items()}


def tally(
    marks: Sequence[Mark], kinds: Mapping[str, Kind], settings: RuleSettings
) -> tuple[Tally, list[str]]:
    """Count the valid marks; return the tally and the input errors found in the marks.

    Counts live in one flat list, a block per target, a row of ``CHOICES`` per rater group in it; a mark
    adds one at (target's block + group's row + choice). Positions are looked up a ballot at a time.
    """
    ballots: dict[str, tuple[str, list[Mark]]] = {}
    mixed: set[str] = set()
    for (number, group), run in groupby(marks, key=_ballot_and_group):
        # Ballots are usually typed one after the other; a ballot split over several runs is joined.
        earlier = ballots.get(number)
        if earlier is None:
            ballots[number] = (group, list(run))
        else:
            if earlier[0] != group:
                mixed.add(number)
            earlier[1].extend(run)

    weights = settings.rater_group_weights
    groups = list(weights)
    width = len(CHOICES)
    stride = width * len(groups)
    block = {code: i * stride for i, code in enumerate(kinds)}
    row_of = {
        group: {choice: g * width + c for c, choice in enumerate(CHOICES)} for g, group in enumerate(groups)
    }
    counts = [0] * (stride * len(kinds))

    limit = settings.excellent_limit
    limited = limit is not None and (limit.count is not None or limit.percent is not None)
    errors: list[str] = []
    invalid: list[InvalidBallot] = []
    uncounted: set[str] = set()  # void ballots, and ballots already reported as input errors
    for number, (group, ballot) in ballots.items():
        rows = row_of.get(group)
        if rows is None or number in mixed:
            errors.extend(_group_errors(number, ballot, weights))
            errors.extend(_mark_errors(number, ballot, kinds))
            uncounted.add(number)
            continue
        starts = list(map(block.get, map(_target, ballot)))
        offsets = list(map(rows.get, map(_choice, ballot)))
        if None in starts or None in offsets:
            errors.extend(_mark_errors(number, ballot, kinds))
            uncounted.add(number)
            continue
        if limited or len(set(starts)) != len(starts):
            reasons = _void_reasons(list(map(_target, ballot)), list(map(_choice, ballot)), kinds, settings)
            if reasons:
                invalid.append(InvalidBallot(number, "；".join(reasons)))
                errors.extend(_mark_errors(number, ballot, kinds))
                uncounted.add(number)
                continue
        for position in map(add, starts, offsets):
            counts[position] += 1

    by_target: dict[str, dict[str, list[int]]] = {}
    stray = False
    for code, kind in kinds.items():
        start = block[code]
        if not any(counts[start : start + stride]):
            continue
        slots = SLOTS[kind]
        rows_of_target: dict[str, list[int]] = {}
        for g, group in enumerate(groups):
            first = start + g * width
            row = counts[first : first + width]
            counted = [row[slot] for slot in slots]
            if sum(counted) != sum(row):
                stray = True  # a choice of the other scale
            if any(counted):
                rows_of_target[group] = counted
        by_target[code] = rows_of_target
    if stray:
        # Rare: find the ballots that put a choice of one scale on a target of the other, to name them.
        for number, (_, ballot) in ballots.items():
            if number not in uncounted:
                errors.extend(_mark_errors(number, ballot, kinds))
    invalid.sort(key=lambda item: item.ballot)
    return Tally(by_target, invalid), errors


def _group_errors(number: str, ballot: list[Mark], weights: Mapping[str, Decimal]) -> list[str]:
    groups = set(map(_group, ballot))
    errors = []
    if len(groups) > 1:
        errors.append(f"测评票「{number}」：同一张票上有多个评价人类别（{'、'.join(sorted(groups))}）")
    for group in sorted(groups - weights.keys()):
        errors.append(f"测评票「{number}」：评价人类别「{group}」没有设置权重")
    return errors


def _mark_errors(number: str, ballot: list[Mark], kinds: Mapping[str, Kind]) -> list[str]:
    errors = []
    for target, choice in zip(map(_target, ballot), map(_choice, ballot), strict=True):
        kind = kinds.get(target)
        if kind is None:
            errors.append(f"测评票「{number}」：对象编码「{target}」不存在")
        elif choice not in SCALES[kind]:
            scale = "、".join(SCALES[kind])
            errors.append(f"测评票「{number}」：「{choice}」不是对象「{target}」的有效选项（{scale}）")
    return errors


def _void_reasons(
    targets: list[str], choices: list[str], kinds: Mapping[str, Kind], settings: RuleSettings
) -> list[str]:
    reasons = []
    if len(set(targets)) != len(targets):
        twice = sorted(t for t, n in Counter(targets).items() if n > 1)
        reasons.append(f"同一对象在一张票上被评价两次以上（{'、'.join(twice)}）")
    limit = settings.excellent_limit
    if limit is not None and (limit.count is not None or limit.percent is not None):
        cadre_choices = [c for t, c in zip(targets, choices, strict=True) if kinds.get(t) is Kind.CADRE]
        excellent = cadre_choices.count(EXCELLENT)
        allowed = excellent_allowed(limit, len(cadre_choices), settings.quota_rounding)
        if excellent > allowed:
            reasons.append(f"评优秀的干部{excellent}名，超过每票优秀上限{allowed}名")
    return reasons


def excellent_allowed(limit: ExcellentLimit, cadres_marked: int, rounding: Rounding) -> int:
    """每票优秀上限 on a ballot that marks ``cadres_marked`` cadres."""
    if limit.count is not None:
        return limit.count
    assert limit.percent is not None
    return round_count(limit.percent * cadres_marked, rounding)


@dataclass(slots=True)
class GroupTally:
    """One rater group's valid marks for one target; its score is ``total / denominator``, exactly."""

    total: int
    denominator: int
    valid: int

    @property
    def score(self) -> Fraction:
        return Fraction(self.total, self.denominator)


# Internal results are plain slotted dataclasses: the engine makes ~55,000 of each, and frozen ones
# cost several times as much to build.
@dataclass(slots=True)
class DemocraticDetail:
    """One target's democratic evaluation, exact."""

    kind: Kind
    score: Fraction
    score_text: str  # two decimals, for the explanation
    valid: int
    groups: dict[str, GroupTally]  # rater groups with valid marks, in the settings' order
    spread: tuple[str, ...]  # weighted groups without valid marks: their weight went to the others
    counts: tuple[int, ...]  # valid marks per choice, pooled over groups, in scale order
    share_counts: tuple[int, int, int]  # marks counted by each share of SHARE_NAMES, over ``valid``
    shares: dict[str, Fraction]

    def model(self) -> Democratic:
        groups = {
            name: GroupScore(ratio_decimal(g.total, g.denominator), g.valid)
            for name, g in self.groups.items()
        }
        return Democratic(to_decimal(self.score), self.valid, groups, self.shares)


def evaluate(
    kind: Kind, by_group: Mapping[str, list[int]] | None, weights: Mapping[str, int], values: ChoiceValues
) -> DemocraticDetail | None:
    """Group scores and the democratic score of one target from its counts; None without valid marks.

    s_g = Σ countᵢ·valueᵢ / n_g, and the score Σ w_g·s_g / Σ w_g over the groups with marks, computed on
    integers and made a fraction once.
    """
    if not by_group:
        return None
    scale, unit = values[kind]
    groups: dict[str, GroupTally] = {}
    spread: list[str] = []
    v0, v1, v2, v3 = scale
    p0 = p1 = p2 = p3 = 0  # marks per choice, pooled over the groups
    numerator, denominator, weight_sum = 0, 1, 0  # Σ w_g·total_g/n_g = numerator/denominator
    for group, weight in weights.items():
        row = by_group.get(group)
        if row is None:
            spread.append(group)
            continue
        c0, c1, c2, c3 = row
        n = c0 + c1 + c2 + c3
        total = v0 * c0 + v1 * c1 + v2 * c2 + v3 * c3
        groups[group] = GroupTally(total, n * unit, n)
        numerator = numerator * n + weight * total * denominator
        denominator *= n
        weight_sum += weight
        p0, p1, p2, p3 = p0 + c0, p1 + c1, p2 + c2, p3 + c3
    denominator *= unit * weight_sum
    valid = p0 + p1 + p2 + p3
    top, upper, bottom = SHARE_NAMES[kind]
    return DemocraticDetail(
        kind,
        Fraction(numerator, denominator),
        half_up(numerator, denominator, 2),
        valid,
        groups,
        tuple(spread),
        (p0, p1, p2, p3),
        (p0, p0 + p1, p3),
        {top: Fraction(p0, valid), upper: Fraction(p0 + p1, valid), bottom: Fraction(p3, valid)},
    )


def flags(kind: Kind, detail: DemocraticDetail | None, settings: RuleSettings) -> list[tuple[str, str]]:
    """admonish / adjust / few_ballots with their reasons (§2); they never change a grade by themselves."""
    found = []
    valid = 0 if detail is None else detail.valid
    if detail is not None:
        good = satisfactory(detail)
        if below(good, valid, settings.admonish_line):
            name = "称职及以上率" if kind is Kind.CADRE else "一般及以上率"
            found.append(
                (
                    "admonish",
                    f"{name}{percent(Fraction(good, valid))}低于诫勉线{percent(settings.admonish_line)}："
                    "诫勉谈话或组织调整，需组织认定",
                )
            )
        bad = detail.counts[-1]
        if above(bad, valid, settings.adjust_line):
            name = "不称职率" if kind is Kind.CADRE else "较差率"
            action = "免职、责令辞职或降职" if kind is Kind.CADRE else "调整班子（免职、责令辞职或降职）"
            found.append(
                (
                    "adjust",
                    f"{name}{percent(Fraction(bad, valid))}超过不称职线{percent(settings.adjust_line)}："
                    f"{action}，需组织认定",
                )
            )
    if valid < settings.min_valid_marks:
        found.append(("few_ballots", f"有效票{valid}张，少于最少有效票{settings.min_valid_marks}张"))
    return found


def satisfactory(detail: DemocraticDetail) -> int:
    """Marks counted against 诫勉线: cadres 称职及以上; teams 一般及以上 (§2)."""
    c = detail.counts
    return c[0] + c[1] if detail.kind is Kind.CADRE else c[0] + c[1] + c[2]


def below(count: int, n: int, line: Fraction) -> bool:
    """count/n < line, compared exactly with integers."""
    return count * line.denominator < line.numerator * n


def above(count: int, n: int, line: Fraction) -> bool:
    return count * line.denominator > line.numerator * n


ChoiceValues = dict[Kind, tuple[tuple[int, ...], int]]


def choice_values(settings: RuleSettings) -> ChoiceValues:
    """Each scale's choice values as integers over one common denominator, in scale order."""
    return {
        Kind.CADRE: _values(settings.cadre_choice_values, CADRE_GRADES),
        Kind.TEAM: _values(settings.team_choice_values, TEAM_GRADES),
    }


def _values(values: Mapping[str, Decimal], scale: tuple[str, ...]) -> tuple[tuple[int, ...], int]:
    fractions = [Fraction(values[choice]) for choice in scale]
    unit = math.lcm(*(f.denominator for f in fractions))
    return tuple(int(f * unit) for f in fractions), unit
