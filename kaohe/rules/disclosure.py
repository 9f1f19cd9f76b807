"""The k rule: what of a target's democratic evaluation may be shown to a person.

k is the fewest ballots of one rater group that may be shown on their own (the app asks it of
``kaohe.anonymity.min_group()`` and passes it in). The organiser's JSON document keeps every group (rules §9); everything the app
shows goes through this module:

- ``group_labels``: each group's label in what is shown — its own name when it has at least k ballots,
  else 其他. If 其他 would hold fewer than k ballots, the smallest shown group joins it, and so on; with
  fewer than k ballots in all, nothing is shown by group (None).
- ``disclose_democratic``: a result's democratic figures with the groups so merged. 其他's score is the
  mean of its groups' scores *by their weights* — exactly what the overall score, the shown groups and
  the weights already imply — so nothing hidden can be worked back from what is shown. With fewer than k
  valid ballots in all, only the score and the count remain (no groups, no shares).
- ``disclose_explanation``: the explanation's democratic sentence rewritten from the disclosed figures.

Plain Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

OTHER = "其他"
_CENT = Decimal("0.01")


def group_labels(ballots: Mapping[str, int], k: int) -> dict[str, str] | None:
    """Each rater group's label in the results (its own name or 其他); None when all is suppressed."""
    present = {group: n for group, n in ballots.items() if n > 0}
    total = sum(present.values())
    if total == 0 or total < k:
        return None
    shown = {group for group, n in present.items() if n >= k and group != OTHER}
    while True:
        other = sum(n for group, n in present.items() if group not in shown)
        if other == 0 or other >= k or not shown:
            break
        # The smallest shown group (by count, then name for a stable answer) joins 其他.
        shown.remove(min(shown, key=lambda group: (present[group], group)))
    return {group: group if group in shown else OTHER for group in present}


def _text(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def disclose_democratic(
    democratic: Mapping[str, Any] | None, weights: Mapping[str, Any], k: int
) -> dict[str, Any] | None:
    """The democratic sub-document (``{"score", "valid", "groups", "shares"}``) as it may be shown."""
    if democratic is None:
        return None
    groups: Mapping[str, Mapping[str, Any]] = democratic["groups"]
    labels = group_labels({name: g["valid"] for name, g in groups.items()}, k)
    if labels is None:
        return {"score": democratic["score"], "valid": democratic["valid"], "groups": {}, "shares": {}}
    if all(label == name for name, label in labels.items()):
        return democratic  # type: ignore[return-value]  # every group shown: the same object
    shown: dict[str, dict[str, Any]] = {}
    merged = [name for name in groups if labels.get(name) == OTHER]
    for name, group in groups.items():
        if labels.get(name) == name:
            shown[name] = dict(group)
        elif name == merged[0]:
            weight = sum(Decimal(str(weights.get(m, 0))) for m in merged)
            if weight:
                score = (
                    sum(Decimal(str(weights.get(m, 0))) * Decimal(groups[m]["score"]) for m in merged)
                    / weight
                )
            else:  # groups without a weight: their ballots' mean
                score = sum(Decimal(groups[m]["score"]) * groups[m]["valid"] for m in merged) / sum(
                    groups[m]["valid"] for m in merged
                )
            shown[OTHER] = {
                "score": _text(score),
                "valid": sum(groups[m]["valid"] for m in merged),
                "members": merged,  # names only: which groups were merged, never their figures
            }
    return {**democratic, "groups": shown}


def weight_words(weights: Mapping[str, Any], names: list[str]) -> str:
    total = sum((Decimal(str(weights.get(name, 0))) for name in names), Decimal(0))
    return f"权重{format(total.normalize(), 'f')}"


# 民主测评得分X分，有效票N张，其中…。rates。 — as rules/explain.py writes it (democratic_sentence).
_SENTENCE = re.compile(r"民主测评得分(?P<score>[^分]+)分，有效票(?P<valid>\d+)张，其中[^。]*。[^。]*。")


def disclose_explanation(
    explanation: str, disclosed: Mapping[str, Any] | None, weights: Mapping[str, Any], k: int
) -> str:
    """The explanation with its democratic sentence written from ``disclosed`` (disclose_democratic)."""
    if disclosed is None:
        return explanation
    found = _SENTENCE.search(explanation)
    if found is None:
        return explanation
    score, valid = disclosed["score"], disclosed["valid"]
    if not disclosed["groups"]:
        sentence = (
            f"民主测评得分{score}分，有效票{valid}张；有效票少于{k}张，"
            "为不让人推知个人的评价，不分评价人类别、不分选项显示。"
        )
    else:
        original = found.group(0)
        parts = []
        for name, group in disclosed["groups"].items():
            members = group.get("members")
            if members:
                parts.append(
                    f"「{OTHER}」（{'、'.join(members)}合并）{group['score']}分"
                    f"（{group['valid']}张，{weight_words(weights, members)}）"
                )
            else:
                parts.append(
                    f"{name}{group['score']}分（{group['valid']}张，{weight_words(weights, [name])}）"
                )
        rates = original.split("。")[1]
        spread = ""
        if "没有有效票" in original:
            spread = "；" + original.split("；", 1)[1].split("。")[0]
        merged = ""
        if any(g.get("members") for g in disclosed["groups"].values()):
            merged = f"；为不让人推知个人的评价，有效票不足{k}张的评价人类别不单独显示，与其他类别合并为「其他」，按权重取平均"
        sentence = (
            f"民主测评得分{score}分，有效票{valid}张，其中{'、'.join(parts)}{spread}{merged}。{rates}。"
        )
    return explanation[: found.start()] + sentence + explanation[found.end() :]


def disclose_result(result: Mapping[str, Any], weights: Mapping[str, Any], k: int) -> dict[str, Any]:
    """A result of the JSON document as the app may show it: its democratic figures and explanation."""
    democratic = disclose_democratic(result["democratic"], weights, k)
    if democratic is result["democratic"]:
        return dict(result)
    explanation = disclose_explanation(result["explanation"], democratic, weights, k)
    return {**result, "democratic": democratic, "explanation": explanation}


# --- items beside 总体评价 (the principal's own items: 抓班子带队伍、执行民主集中制、发挥表率作用) ---------------


@dataclass(frozen=True)
class ItemTally:
    """One item's answers about one target, pooled over rater groups: counts by choice and the share of the
    best choice, or nothing but the item's name when fewer than k answered it."""

    item: str
    counts: dict[str, int] | None
    total: int | None
    top_share: Decimal | None  # percent of the first choice (好), one decimal

    @property
    def text(self) -> str:
        if self.counts is None or self.total is None or self.top_share is None:
            return f"{self.item}：不足最少人数，不显示"
        best = next(iter(self.counts))
        return f"{self.item}：{best} {self.top_share}%（{self.total} 票）"


def item_tallies(
    counts: Mapping[str, Mapping[str, int]], items: Sequence[str], choices: Sequence[str], k: int
) -> list[ItemTally]:
    """Each of ``items`` that was answered, in ``items``' order, with its choices in ``choices``' order (any
    other choice after them); under the k rule, an item answered fewer than k times shows no figure."""
    found = []
    for item in items:
        by_choice = counts.get(item)
        if not by_choice:
            continue
        total = sum(by_choice.values())
        if total < k:
            found.append(ItemTally(item, None, None, None))
            continue
        ordered = {c: by_choice.get(c, 0) for c in choices}
        ordered.update({c: n for c, n in by_choice.items() if c not in ordered})
        top = next(iter(ordered.values()))
        share = (Decimal(100) * top / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        found.append(ItemTally(item, ordered, total, share))
    return found
