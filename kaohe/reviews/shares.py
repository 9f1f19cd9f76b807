"""一报告两评议 in plain Python (no Django): the shares in the built-in forms' own words, and the thresholds
that flag a result 需核查. Exact fractions; tested without a database.

- 选人用人工作: (好 + 较好) / n, n every answer to the form's scored item.
- 新提拔干部: (认同 + 基本认同) / n, and 不认同 / n, with n the answers other than 不了解 (someone who does
  not know the cadre gives no view of the choice).

No share is shown, and nothing is flagged, from fewer than k answers (k: the smallest group shown,
``kaohe.anonymity.min_group()``): a figure or a flag from two raters would tell what each said. A threshold is
crossed strictly: "不认同 above 1/3" flags 11 of 30, not 10 of 30.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

SELECTION = "selection"
PROMOTED = "promoted"
SERVICE = "service"  # 专项评议: 服务质量评议, 重点项目评议
SELECTION_GOOD = ("好", "较好")
PROMOTED_AGREE = ("认同", "基本认同")
PROMOTED_DISAGREE = "不认同"
UNKNOWN = "不了解"
# The words that mark the item a form is scored on: the first item offering both.
SCORED_WORDS = {SELECTION: SELECTION_GOOD, PROMOTED: PROMOTED_AGREE}


class ShareError(ValueError):
    """A threshold that is not a share between 0 and 1; the message names the text."""


def parse_share(text: str) -> Fraction | None:
    """ "1/3", "60%", "0.6" → an exact share; "" → None (no threshold). Raises ``ShareError``."""
    text = (text or "").strip().replace("％", "%").replace("／", "/")
    if not text:
        return None
    try:
        if re.fullmatch(r"\d+\s*/\s*\d+", text):
            top, bottom = (int(part) for part in text.split("/"))
            if bottom == 0:
                raise ShareError(f"「{text}」的分母为 0")
            value = Fraction(top, bottom)
        elif text.endswith("%"):
            value = Fraction(Decimal(text[:-1].strip())) / 100
        else:
            value = Fraction(Decimal(text))
    except (InvalidOperation, ValueError) as error:
        if isinstance(error, ShareError):
            raise
        raise ShareError(f"「{text}」不是比例，应写作 1/3、60% 或 0.6") from None
    if not 0 <= value <= 1:
        raise ShareError(f"「{text}」应在 0 到 1（100%）之间")
    return value


def percent(value: Fraction | None) -> str:
    """A share as people read it: "66.7%" (one decimal, half up); "—" for none."""
    if value is None:
        return "—"
    shown = (Decimal(value.numerator) / Decimal(value.denominator) * 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{shown.normalize():f}%" if shown == shown.to_integral() else f"{shown}%"


def scored_item(kind: str, items: Sequence[Mapping[str, object]]) -> str | None:
    """The name of the item a 选人用人 or 新提拔干部 form is scored on: the first whose choices hold both
    of the form's own words (好/较好; 认同/基本认同); None when a copied form has none."""
    if kind == SERVICE:  # a 专项评议 form is scored on its first item
        return str(items[0]["name"]) if items else None
    words = SCORED_WORDS.get(kind)
    if words is None:
        return None
    for item in items:
        choices = item.get("choices") or ()
        if isinstance(choices, list | tuple) and all(word in choices for word in words):
            return str(item["name"])
    return None


@dataclass(frozen=True)
class Thresholds:
    selection_good_min: Fraction | None = None  # (好+较好)/n below it → 需核查
    promoted_agree_min: Fraction | None = None  # (认同+基本认同)/n below it → 需核查
    promoted_disagree_max: Fraction | None = Fraction(1, 3)  # 不认同/n above it → 需核查


@dataclass(frozen=True)
class Share:
    kind: str
    counts: Mapping[str, int]  # every choice's answers, 不了解 included
    answers: int  # every answer, 不了解 included
    n: int  # the denominator: 不了解 left out for a promoted cadre
    agree: int  # 好+较好, or 认同+基本认同
    disagree: int  # 不认同 (0 for the selection work)
    k: int
    flags: tuple[str, ...] = field(default=())

    @property
    def shown(self) -> bool:
        return self.n >= self.k

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.agree, self.n) if self.shown and self.n else None

    @property
    def disagree_value(self) -> Fraction | None:
        return Fraction(self.disagree, self.n) if self.shown and self.n and self.kind == PROMOTED else None

    @property
    def text(self) -> str:
        """ "好和较好 24/30（80%）", or why no figure is shown."""
        if not self.shown:
            return f"有效评价不足 {self.k} 份，不显示"
        words = "和".join(SELECTION_GOOD if self.kind == SELECTION else PROMOTED_AGREE)
        main = f"{words} {self.agree}/{self.n}（{percent(self.value)}）"
        if self.kind == PROMOTED:
            main += f"；不认同 {self.disagree}/{self.n}（{percent(self.disagree_value)}）"
            unknown = self.counts.get(UNKNOWN, 0)
            if unknown:
                main += f"；不了解 {unknown} 份未计入"
        return main


def share(kind: str, counts: Mapping[str, int], thresholds: Thresholds, k: int) -> Share:
    """The share of one target from its answers by choice, with the thresholds it crosses."""
    answers = sum(counts.values())
    if kind == SELECTION:
        n, agree, disagree = answers, sum(counts.get(w, 0) for w in SELECTION_GOOD), 0
    elif kind == PROMOTED:
        n = answers - counts.get(UNKNOWN, 0)
        agree = sum(counts.get(w, 0) for w in PROMOTED_AGREE)
        disagree = counts.get(PROMOTED_DISAGREE, 0)
    else:
        raise ValueError(f"no share for {kind!r}")
    found = Share(kind, dict(counts), answers, n, agree, disagree, k)
    return Share(kind, dict(counts), answers, n, agree, disagree, k, tuple(crossed(found, thresholds)))


def crossed(found: Share, thresholds: Thresholds) -> list[str]:
    """The thresholds ``found`` crosses, each as a sentence; none from fewer than k answers."""
    if not found.shown or found.n == 0:
        return []
    value = Fraction(found.agree, found.n)
    reasons = []
    if found.kind == SELECTION:
        if thresholds.selection_good_min is not None and value < thresholds.selection_good_min:
            reasons.append(f"好和较好占 {percent(value)}，低于 {percent(thresholds.selection_good_min)}")
    else:
        if thresholds.promoted_agree_min is not None and value < thresholds.promoted_agree_min:
            reasons.append(
                f"认同和基本认同占 {percent(value)}，低于 {percent(thresholds.promoted_agree_min)}"
            )
        against = Fraction(found.disagree, found.n)
        if thresholds.promoted_disagree_max is not None and against > thresholds.promoted_disagree_max:
            reasons.append(f"不认同占 {percent(against)}，超过 {percent(thresholds.promoted_disagree_max)}")
    return reasons


@dataclass(frozen=True)
class Special:
    """A 专项评议's result: the share of its scored item's first two choices (满意+较满意, 好+较好), and that share
    as a score out of 100 (two decimals, half up) — what may feed the unit's 公众评议."""

    choices: tuple[str, ...]
    counts: Mapping[str, int]
    k: int

    @property
    def n(self) -> int:
        return sum(self.counts.get(choice, 0) for choice in self.choices)

    @property
    def satisfied(self) -> int:
        return sum(self.counts.get(choice, 0) for choice in self.choices[:2])

    @property
    def shown(self) -> bool:
        return self.n >= self.k

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.satisfied, self.n) if self.shown and self.n else None

    @property
    def score(self) -> Decimal | None:
        if self.value is None:
            return None
        exact = Decimal(self.value.numerator) * 100 / Decimal(self.value.denominator)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def text(self) -> str:
        if not self.shown:
            return f"有效评价不足 {self.k} 份，不显示"
        words = "和".join(self.choices[:2])
        return f"{words} {self.satisfied}/{self.n}（{percent(self.value)}），折合 {self.score} 分"
