"""民主测评 (rules §2): valid ballots, group scores, the weighted democratic score, vote shares, flags.

Counting is the engine's hot loop (a province has 1.5 million marks): every pass over the marks is a
``map``, ``compress`` or ``accumulate`` (they run in C), Python runs once per ballot, and the marks are
counted in one flat list of integers; exact fractions are built once per target from the counts.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import chain, compress, islice, pairwise
from operator import add, attrgetter, gt, itemgetter, ne, or_, sub

from .arithmetic import half_up, integer_weights, percent, ratio_decimal, round_count, to_decimal
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

_ballot = attrgetter("ballot")
_target = attrgetter("target")
_choice = attrgetter("choice")
_group = attrgetter("rater_group")


@dataclass(frozen=True)
class Tally:
    """Valid marks counted per target, rater group and choice (in scale order), and the void ballots."""

    counts: dict[str, tuple[int, ...]]  # every target's, four per rater group in the settings' order
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
    adds one at (target's block + group's row + choice).
    """
    marks, numbers, bounds = _by_ballot(marks)
    weights = settings.rater_group_weights
    groups = list(weights)
    if not groups:  # every ballot's rater group is without a weight
        every = (_ballot_errors(numbers[a], marks[a:b], weights, kinds) for a, b in pairwise(bounds))
        return Tally(dict.fromkeys(kinds, ()), []), list(chain.from_iterable(every))
    width = len(CHOICES)
    stride = width * len(groups)
    block = {code: i * stride for i, code in enumerate(kinds)}
    offset_of = {
        (group, choice): g * width + c for g, group in enumerate(groups) for c, choice in enumerate(CHOICES)
    }
    marked_groups = list(map(_group, marks))
    choices = list(map(_choice, marks))
    starts = list(map(block.get, map(_target, marks)))
    offsets = list(map(offset_of.get, zip(marked_groups, choices, strict=True)))

    # Ballots with input errors of their own: an unknown rater group, target or choice, several groups.
    n = len(marks)
    group_changes = compress(range(1, n), map(ne, islice(marked_groups, 1, None), marked_groups))
    broken = set(group_changes).difference(bounds)
    if None in starts or None in offsets:
        broken.update(
            i for i, (s, o) in enumerate(zip(starts, offsets, strict=True)) if s is None or o is None
        )
        spare = stride * len(kinds)  # a block after the targets' for the marks of those ballots
        starts = [spare if s is None else s for s in starts]
        offsets = [0 if o is None else o for o in offsets]
    faulty = {bisect_right(bounds, i) - 1 for i in broken}
    positions = list(map(add, starts, offsets))

    # Void ballots (rules §2), found for all ballots at once: Python only runs for the void ones.
    begins, ends = bounds[:-1], bounds[1:]
    sizes = list(map(sub, ends, begins))
    distinct = map(len, map(set, map(starts.__getitem__, map(slice, begins, ends))))
    twice = list(map(ne, distinct, sizes))
    limit = settings.excellent_limit
    excellent: list[int] = []
    allowed: list[int] = []
    if limit is not None and (limit.count is not None or limit.percent is not None):
        # One running sum counts both, a mark on a cadre adding 1, and 2**32 more when it is 优秀.
        cadre_cells = [1 + (1 << 32 if CHOICES[c % width] == EXCELLENT else 0) for c in range(stride)]
        weight_of = {Kind.CADRE: cadre_cells, Kind.TEAM: [0] * stride}
        weights_of_cells = list(chain.from_iterable(map(weight_of.__getitem__, kinds.values())))
        weights_of_cells += [0] * stride
        weights_of_marks = list(map(weights_of_cells.__getitem__, positions))
        both = list(map(sum, map(weights_of_marks.__getitem__, map(slice, begins, ends))))
        marked = [count & 0xFFFFFFFF for count in both]
        excellent = [count >> 32 for count in both]
        most = {m: excellent_allowed(limit, m, settings.quota_rounding) for m in set(marked)}
        allowed = list(map(most.__getitem__, marked))
        void = set(compress(range(len(sizes)), map(or_, twice, map(gt, excellent, allowed))))
    else:
        void = set(compress(range(len(sizes)), twice))
    void.difference_update(faulty)  # their input errors are reported instead

    # Count the marks of every ballot without input errors, then take the void ones back out: a choice of
    # the other scale is an input error even on a void ballot.
    counts = [0] * (stride * (len(kinds) + 1))
    counted: Iterable[int] = positions
    if faulty:
        kept = bytearray(b"\x01") * n
        for index in faulty:
            kept[begins[index] : ends[index]] = bytes(sizes[index])
        counted = compress(positions, kept)
    for position in counted:
        counts[position] += 1
    scale = {kind: bytes(c % width not in slots for c in range(stride)) for kind, slots in SLOTS.items()}
    other_scale = b"".join(map(scale.__getitem__, kinds.values())) + bytes(stride)
    stray = any(compress(counts, other_scale))
    for index in void:
        a, b = begins[index], ends[index]
        for position in positions[a:b]:
            counts[position] -= 1

    invalid: list[InvalidBallot] = []
    for index in sorted(void):
        a, b = begins[index], ends[index]
        reasons = []
        if twice[index]:
            repeated = Counter(map(_target, marks[a:b]))
            names = sorted(target for target, times in repeated.items() if times > 1)
            reasons.append(f"同一对象在一张票上被评价两次以上（{'、'.join(names)}）")
        if excellent and excellent[index] > allowed[index]:
            reasons.append(f"评优秀的干部{excellent[index]}名，超过每票优秀上限{allowed[index]}名")
        invalid.append(InvalidBallot(numbers[a], "；".join(reasons)))
    invalid.sort(key=lambda item: item.ballot)

    errors: list[str] = []
    if faulty or stray:
        # Rare, so done again ballot by ballot, in their order: each ballot's errors once.
        for index, (a, b) in enumerate(pairwise(bounds)):
            if index in faulty:
                errors.extend(_ballot_errors(numbers[a], marks[a:b], weights, kinds))
            elif index in void:
                errors.extend(_mark_errors(numbers[a], marks[a:b], kinds))
        if any(compress(counts, other_scale)):
            for index, (a, b) in enumerate(pairwise(bounds)):
                if index not in faulty and index not in void:
                    errors.extend(_mark_errors(numbers[a], marks[a:b], kinds))

    # Each target's counts in its scale's order, a row per rater group.
    take = {
        kind: itemgetter(*(g * width + slot for g in range(len(groups)) for slot in slots))
        for kind, slots in SLOTS.items()
    }
    by_target = {
        code: take[kind](counts[start : start + stride])
        for (code, kind), start in zip(kinds.items(), block.values(), strict=True)
    }
    return Tally(by_target, invalid), errors


def _by_ballot(marks: Sequence[Mark]) -> tuple[Sequence[Mark], list[str], list[int]]:
    """The marks with each ballot's together, their ballot numbers, and where each ballot starts (and the
    end). Ballots are usually typed one after the other; a ballot split over several places is joined."""
    numbers = list(map(_ballot, marks))
    bounds = _runs(numbers)
    firsts = list(map(numbers.__getitem__, bounds[:-1]))
    if len(set(firsts)) < len(firsts):
        order = {number: i for i, number in enumerate(dict.fromkeys(firsts))}
        marks = sorted(marks, key=lambda mark: order[mark.ballot])  # stable: rows keep their order
        numbers = list(map(_ballot, marks))
        bounds = _runs(numbers)
    return marks, numbers, bounds


def _runs(values: list[str]) -> list[int]:
    """Where each run of equal values starts, and the end."""
    if not values:
        return [0]
    changes = compress(range(1, len(values)), map(ne, islice(values, 1, None), values))
    return [0, *changes, len(values)]


def _ballot_errors(
    number: str, ballot: Sequence[Mark], weights: Mapping[str, Decimal], kinds: Mapping[str, Kind]
) -> list[str]:
    """The input errors of a ballot: its rater groups (unknown, several) first, then its marks."""
    errors = []
    if ballot[0].rater_group not in weights or len(set(map(_group, ballot))) > 1:
        errors = _group_errors(number, ballot, weights)
    return errors + _mark_errors(number, ballot, kinds)


def _group_errors(number: str, ballot: Sequence[Mark], weights: Mapping[str, Decimal]) -> list[str]:
    groups = set(map(_group, ballot))
    errors = []
    if len(groups) > 1:
        errors.append(f"测评票「{number}」：同一张票上有多个评价人类别（{'、'.join(sorted(groups))}）")
    for group in sorted(groups - weights.keys()):
        errors.append(f"测评票「{number}」：评价人类别「{group}」没有设置权重")
    return errors


def _mark_errors(number: str, ballot: Sequence[Mark], kinds: Mapping[str, Kind]) -> list[str]:
    errors = []
    for target, choice in zip(map(_target, ballot), map(_choice, ballot), strict=True):
        kind = kinds.get(target)
        if kind is None:
            errors.append(f"测评票「{number}」：对象编码「{target}」不存在")
        elif choice not in SCALES[kind]:
            scale = "、".join(SCALES[kind])
            errors.append(f"测评票「{number}」：「{choice}」不是对象「{target}」的有效选项（{scale}）")
    return errors


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
    text: str  # the score with two decimals, for the explanation
    model: GroupScore


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
        groups = {name: g.model for name, g in self.groups.items()}
        return Democratic(to_decimal(self.score), self.valid, groups, self.shares)


class Evaluator:
    """Group scores and the democratic score of each target from its counts (``Tally.counts``).

    A group's row of counts repeats from target to target (a group of 11 raters has 364 possible rows),
    and so do vote shares: each is worked out once.
    """

    def __init__(self, settings: RuleSettings) -> None:
        self.weights = list(integer_weights(settings.rater_group_weights).items())  # the tally's order
        self.values = choice_values(settings)
        self._groups: dict[Kind, dict[tuple[int, ...], GroupTally]] = {kind: {} for kind in Kind}
        self._shares: dict[tuple[int, int], Fraction] = {}

    def evaluate(self, kind: Kind, counts: tuple[int, ...]) -> DemocraticDetail | None:
        """None without valid marks.

        s_g = Σ countᵢ·valueᵢ / n_g, and the score Σ w_g·s_g / Σ w_g over the groups with marks, computed on
        integers and made a fraction once.
        """
        if not any(counts):
            return None
        known = self._groups[kind]
        groups: dict[str, GroupTally] = {}
        spread: list[str] = []
        p0 = p1 = p2 = p3 = 0  # marks per choice, pooled over the groups
        numerator, denominator, weight_sum = 0, 1, 0  # Σ w_g·total_g/n_g = numerator/denominator
        for g, (group, weight) in enumerate(self.weights):
            row = counts[4 * g : 4 * g + 4]
            c0, c1, c2, c3 = row
            n = c0 + c1 + c2 + c3
            if not n:
                spread.append(group)
                continue
            tally = known.get(row)
            if tally is None:
                tally = known[row] = self._group(kind, row)
            groups[group] = tally
            numerator = numerator * n + weight * tally.total * denominator
            denominator *= n
            weight_sum += weight
            p0, p1, p2, p3 = p0 + c0, p1 + c1, p2 + c2, p3 + c3
        denominator *= self.values[kind][1] * weight_sum
        valid = p0 + p1 + p2 + p3
        top, upper, bottom = SHARE_NAMES[kind]
        share = self._share
        return DemocraticDetail(
            kind,
            Fraction(numerator, denominator),
            half_up(numerator, denominator, 2),
            valid,
            groups,
            tuple(spread),
            (p0, p1, p2, p3),
            (p0, p0 + p1, p3),
            {top: share(p0, valid), upper: share(p0 + p1, valid), bottom: share(p3, valid)},
        )

    def _group(self, kind: Kind, row: Sequence[int]) -> GroupTally:
        scale, unit = self.values[kind]
        n = sum(row)
        total = sum(value * count for value, count in zip(scale, row, strict=True))
        model = GroupScore(ratio_decimal(total, n * unit), n)
        return GroupTally(total, n * unit, n, half_up(total, n * unit, 2), model)

    def _share(self, count: int, valid: int) -> Fraction:
        share = self._shares.get((count, valid))
        if share is None:
            share = self._shares[(count, valid)] = Fraction(count, valid)
        return share


def flags(kind: Kind, detail: DemocraticDetail | None, settings: RuleSettings) -> list[tuple[str, str]]:
    """admonish / adjust / few_ballots with their reasons (§2); they never change a grade by themselves."""
    found = []
    valid = 0 if detail is None else detail.valid
    if detail is not None:
        good = detail.share_counts[1]  # cadres 称职及以上, teams 良好及以上 (§2)
        if below(good, valid, settings.admonish_line):
            name = SHARE_NAMES[kind][1]
            found.append(
                (
                    "admonish",
                    f"{name}率{percent(Fraction(good, valid))}低于诫勉线{percent(settings.admonish_line)}："
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
