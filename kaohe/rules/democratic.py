"""民主测评 (rules §2): valid ballots, group scores, the weighted democratic score, vote shares, flags.

Counting is the engine's hot loop (a province has 1.5 million marks), so marks are grouped by ballot
with ``itertools.groupby`` and counted per rater group with ``Counter.update``, both of which run in C;
exact fractions are built once per target from the integer counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from operator import attrgetter

from .arithmetic import percent, round_count, to_decimal, weighted_mean
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

    counts: dict[str, dict[str, list[int]]]
    invalid: list[InvalidBallot]


def tally(
    marks: Sequence[Mark], kinds: Mapping[str, Kind], settings: RuleSettings
) -> tuple[Tally, list[str]]:
    """Count the valid marks; return the tally and the input errors found in the marks."""
    ballots: dict[str, list[Mark]] = {}
    for number, run in groupby(marks, key=_ballot):
        # Ballots are usually typed one after the other; a ballot split over several runs is joined.
        earlier = ballots.get(number)
        if earlier is None:
            ballots[number] = list(run)
        else:
            earlier.extend(run)

    errors: list[str] = []
    weights = settings.rater_group_weights
    per_group: dict[str, Counter[tuple[str, str]]] = {}
    invalid: list[InvalidBallot] = []
    void: set[str] = set()
    for number, ballot in ballots.items():
        targets = list(map(_target, ballot))
        choices = list(map(_choice, ballot))
        groups = set(map(_group, ballot))
        if len(groups) > 1:
            errors.append(f"测评票「{number}」：同一张票上有多个评价人类别（{'、'.join(sorted(groups))}）")
        for group in sorted(groups - weights.keys()):
            errors.append(f"测评票「{number}」：评价人类别「{group}」没有设置权重")
        reasons = _void_reasons(targets, choices, kinds, settings)
        if reasons:
            invalid.append(InvalidBallot(number, "；".join(reasons)))
            void.add(number)
            errors.extend(_mark_errors(number, targets, choices, kinds))
            continue
        group = ballot[0].rater_group
        counter = per_group.get(group)
        if counter is None:
            counter = per_group[group] = Counter()
        counter.update(zip(targets, choices, strict=True))

    indexes = {kind: {choice: i for i, choice in enumerate(scale)} for kind, scale in SCALES.items()}
    counts: dict[str, dict[str, list[int]]] = {}
    bad = False
    for group, counter in per_group.items():
        for (target, choice), n in counter.items():
            kind = kinds.get(target)
            index = None if kind is None else indexes[kind].get(choice)
            if index is None:
                bad = True
                continue
            by_group = counts.get(target)
            if by_group is None:
                by_group = counts[target] = {}
            row = by_group.get(group)
            if row is None:
                row = by_group[group] = [0, 0, 0, 0]
            row[index] += n
    if bad:
        # Rare: find the ballots that carry the unknown targets or misplaced choices, to name them.
        for number, ballot in ballots.items():
            if number not in void:
                errors.extend(
                    _mark_errors(number, list(map(_target, ballot)), list(map(_choice, ballot)), kinds)
                )
    invalid.sort(key=lambda item: item.ballot)
    return Tally(counts, invalid), errors


def _mark_errors(number: str, targets: list[str], choices: list[str], kinds: Mapping[str, Kind]) -> list[str]:
    errors = []
    for target, choice in zip(targets, choices, strict=True):
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


@dataclass(frozen=True)
class DemocraticDetail:
    """One target's democratic evaluation, exact."""

    kind: Kind
    score: Fraction
    valid: int
    groups: dict[str, tuple[Fraction, int]]  # rater group → (score, valid marks), in the settings' order
    spread: tuple[str, ...]  # weighted groups without valid marks: their weight went to the others
    counts: tuple[int, ...]  # valid marks per choice, pooled over groups, in scale order

    def shares(self) -> dict[str, Fraction]:
        top, second, *_rest, bottom = self.counts
        names = SHARE_NAMES[self.kind]
        n = self.valid
        return {
            names[0]: Fraction(top, n),
            names[1]: Fraction(top + second, n),
            names[2]: Fraction(bottom, n),
        }

    def model(self) -> Democratic:
        groups = {name: GroupScore(to_decimal(score), valid) for name, (score, valid) in self.groups.items()}
        return Democratic(to_decimal(self.score), self.valid, groups, self.shares())


def evaluate(
    kind: Kind,
    by_group: Mapping[str, list[int]] | None,
    weights: Mapping[str, Fraction],
    values: Mapping[Kind, tuple[Fraction, ...]],
) -> DemocraticDetail | None:
    """Group scores and the democratic score of one target from its counts; None without valid marks."""
    if not by_group:
        return None
    scale_values = values[kind]
    group_scores: dict[str, Fraction | None] = {}
    groups: dict[str, tuple[Fraction, int]] = {}
    pooled = [0, 0, 0, 0]
    for group in weights:
        row = by_group.get(group)
        if row is None:
            group_scores[group] = None
            continue
        n = sum(row)
        score = sum((v * c for v, c in zip(scale_values, row, strict=True)), Fraction(0)) / n
        group_scores[group] = score
        groups[group] = (score, n)
        for i, c in enumerate(row):
            pooled[i] += c
    mean = weighted_mean(weights, group_scores)
    assert mean.value is not None  # every group with marks has a positive weight (validated)
    return DemocraticDetail(kind, mean.value, sum(pooled), groups, mean.missing, tuple(pooled))


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


def choice_values(settings: RuleSettings) -> dict[Kind, tuple[Fraction, ...]]:
    return {
        Kind.CADRE: _values(settings.cadre_choice_values, CADRE_GRADES),
        Kind.TEAM: _values(settings.team_choice_values, TEAM_GRADES),
    }


def _values(values: Mapping[str, Decimal], scale: tuple[str, ...]) -> tuple[Fraction, ...]:
    return tuple(Fraction(values[choice]) for choice in scale)
