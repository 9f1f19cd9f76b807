"""One Chinese paragraph per result (rules §9), written for the cadre who reads it.

It states, in order: the democratic evaluation (each rater group with its ballots, and any weight that
was spread), how the composite was made (components, missing ones, 加减分), the rank in the pool with
the pool's quota, every effect and flag with its cause, and why the grade is what it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .arithmetic import WeightedMean, display, display_fraction, half_up, plain
from .composite import Composite
from .democratic import SHARE_NAMES, DemocraticDetail
from .eligibility import Cause
from .model import Component, Effect, Kind, PriorityMode, QuotaSummary, RuleSettings
from .performance import NO_ADJUSTMENTS, Adjustments, Performance
from .quotas import Placement, Selection, band

COMPONENT_WORDS = {
    Component.DEMOCRATIC: "民主测评",
    Component.PERFORMANCE: "实绩",
    Component.REGULAR: "平时考核",
    Component.LEADER_RATING: "领导评价",
    Component.INDICATORS: "指标考评",
    Component.PUBLIC_SURVEY: "公众评议",
}


class Phrasebook:
    """The settings' words, phrased once per assessment rather than once per result."""

    def __init__(self, settings: RuleSettings) -> None:
        self.settings = settings
        self.group_weight = {group: f"权重{plain(w)}" for group, w in settings.rater_group_weights.items()}
        self.component_weight = {
            Kind.TEAM: _weight_words(settings.team_composite_weights),
            Kind.CADRE: _weight_words(settings.cadre_composite_weights),
        }
        self.performance_weight = _weight_words(settings.performance_weights)
        self._quotas: dict[tuple[Kind, str], str] = {}
        # Vote rates repeat from target to target, and composites of one shape (which components are
        # present) share a template: each is written once.
        self._spread: dict[tuple[str, ...], str] = {}
        self._rates: dict[tuple[Kind, tuple[int, int, int], int], str] = {}
        self._composites: dict[tuple[Kind, tuple[Component, ...], tuple[Component, ...]], str] = {}

    def quota(self, pool: QuotaSummary) -> str:
        key = (pool.kind, pool.pool)
        text = self._quotas.get(key)
        if text is None:
            rounding = self.settings.quota_rounding.value
            text = f"该池优秀名额理论值{display(pool.theoretical)}名，按{rounding}为{pool.quota}名"
            self._quotas[key] = text
        return text

    def spread(self, detail: DemocraticDetail) -> str:
        text = self._spread.get(detail.spread)
        if text is None:
            groups = "、".join(f"{name}（{self.group_weight[name]}）" for name in detail.spread)
            text = self._spread[detail.spread] = f"；{groups}没有有效票，其权重按比例分给有票的评价人类别"
        return text

    def rates(self, detail: DemocraticDetail) -> str:
        key = (detail.kind, detail.share_counts, detail.valid)
        text = self._rates.get(key)
        if text is None:
            n = detail.valid
            text = self._rates[key] = "，".join(
                f"{name}率{half_up(count * 100, n, 2)}%"
                for name, count in zip(SHARE_NAMES[detail.kind], detail.share_counts, strict=True)
            )
        return text

    def composite(self, kind: Kind, mean: WeightedMean[Component]) -> str:
        """The composite sentence's %-template: the composite, its note, then each component used."""
        key = (kind, mean.used, mean.missing)
        template = self._composites.get(key)
        if template is None:
            weights = self.component_weight[kind]
            blanks = dict.fromkeys(mean.used, "%s")
            escaped = {component: words.replace("%", "%%") for component, words in weights.items()}
            template = self._composites[key] = (
                f"综合得分%s分%s，{_mean(blanks, escaped, mean.used)}"
                + _missing(mean.missing, weights).replace("%", "%%")
            )
        return template


def _weight_words(weights: Mapping[Component, Decimal]) -> dict[Component, str]:
    return {component: f"权重{plain(weight)}" for component, weight in weights.items()}


def scores_text(
    kind: Kind,
    heading: str,
    detail: DemocraticDetail | None,
    performance: str,
    composite: Composite,
    texts: Mapping[Component, str],
    book: Phrasebook,
) -> str:
    """The paragraph up to the rank: who, the democratic evaluation and how the composite was made.

    ``performance`` is the unit's, phrased once per unit by ``performance_phrase``; ``texts`` the
    composite's components present, with two decimals. Written while the scores are fresh in memory.
    """
    return (
        f"{heading}。{democratic_sentence(detail, book)}"
        f"{composite_sentence(kind, performance, composite, texts, book)}"
    )


@dataclass(slots=True)
class Facts:
    """Everything the rest of the paragraph speaks of, as the engine computed it."""

    kind: Kind
    scores: str  # by ``scores_text``
    composite: Decimal | None  # rounded
    causes: Sequence[Cause]
    effect: Effect | None
    priority: str | None
    pool_label: str
    pool: QuotaSummary
    placement: Placement
    grade: str
    flags: Sequence[tuple[str, str]]  # (flag, reason) other than effects and 表现突出


def explain(facts: Facts, book: Phrasebook) -> str:
    parts = [facts.scores, rank_sentence(facts, book)]
    for cause in facts.causes:
        parts += (cause.reason, "。")
    if facts.effect is not None and len({cause.effect for cause in facts.causes}) > 1:
        parts.append(f"多种情形并存，按影响最重的处理：{_effect_name(facts.effect, facts.kind)}。")
    if facts.priority:
        parts.append(f"表现突出：{facts.priority}。")
    for _, reason in facts.flags:
        parts += (reason, "。")
    parts.append(grade_sentence(facts, book.settings))
    return "".join(parts)


def democratic_sentence(detail: DemocraticDetail | None, book: Phrasebook) -> str:
    if detail is None:
        return "民主测评没有有效票，民主测评缺项。"
    weight = book.group_weight
    groups = "、".join(
        [f"{name}{g.text}分（{g.valid}张，{weight[name]}）" for name, g in detail.groups.items()]
    )
    spread = book.spread(detail) if detail.spread else ""
    return f"民主测评得分{detail.score_text}分，有效票{detail.valid}张，其中{groups}{spread}。{book.rates(detail)}。"


def _mean(
    texts: Mapping[Component, str],
    weights: Mapping[Component, str],
    used: Sequence[Component],
    notes: Mapping[Component, str] | None = None,
) -> str:
    """``notes`` say where a component's score came from, inside its bracket: 指标考评90.15分（由各项指标得分
    计算，权重40%）."""
    notes = notes or {}

    def bracket(c: Component, rest: str) -> str:
        return f"（{notes[c]}，{rest}）" if c in notes else f"（{rest}）"

    if len(used) == 1:
        return f"取{COMPONENT_WORDS[used[0]]}{texts[used[0]]}分{bracket(used[0], '唯一有得分的构成项')}"
    parts = "、".join(f"{COMPONENT_WORDS[c]}{texts[c]}分{bracket(c, weights[c])}" for c in used)
    return f"为{parts}的加权平均"


def _missing(missing: Sequence[Component], weights: Mapping[Component, str]) -> str:
    if not missing:
        return ""
    names = "、".join(f"{COMPONENT_WORDS[c]}（{weights[c]}）" for c in missing)
    return f"；{names}缺项，其权重按比例分给其他构成项"


def _adjustments(adjustments: Adjustments, settings: RuleSettings) -> str:
    if adjustments is NO_ADJUSTMENTS:
        return ""
    text = ""
    if adjustments.bonus:
        bonus = display_fraction(adjustments.applied_bonus)
        text += f"，加分{bonus}分（{'；'.join(adjustments.bonus_reasons)}"
        if adjustments.capped:
            text += f"；合计{plain(adjustments.bonus)}分，超过加分上限{plain(settings.bonus_cap)}分，按上限计"
        text += "）"
    if adjustments.deduction:
        deduction = display_fraction(adjustments.deduction)
        text += f"，扣分{deduction}分（{'；'.join(adjustments.deduction_reasons)}）"
    return text


def performance_phrase(performance: Performance, book: Phrasebook) -> str:
    """A unit's performance and how it was made; shared by its team and its cadres."""
    if performance.value is None:
        return "单位没有绩效得分"
    mean = performance.mean
    texts = {c: display_fraction(v) for c, v in performance.values.items() if v is not None}
    notes = {}
    if performance.indicators_computed and Component.INDICATORS in texts:
        notes[Component.INDICATORS] = "由各项指标得分计算"
    weights = book.performance_weight
    return (
        f"单位绩效{display_fraction(performance.value)}分，{_mean(texts, weights, mean.used, notes)}"
        f"{_missing(mean.missing, weights)}{_adjustments(performance.adjustments, book.settings)}"
    )


def composite_sentence(
    kind: Kind, performance: str, composite: Composite, texts: Mapping[Component, str], book: Phrasebook
) -> str:
    text = ""
    if kind is Kind.TEAM:
        text = performance + "。"
    elif Component.PERFORMANCE in composite.mean.used:
        text = f"实绩取所在单位绩效：{performance}。"
    rounded = composite.rounded
    if rounded is None:
        names = "、".join(COMPONENT_WORDS[c] for c in composite.mean.missing)
        return f"{text}{names}均缺项，没有综合得分。"
    exact = composite.exact
    # The composite has at most two decimals exactly when its denominator divides 100.
    note = "" if exact is None or 100 % exact.denominator == 0 else "（四舍五入保留两位小数）"
    used = map(texts.__getitem__, composite.mean.used)
    sentence = book.composite(kind, composite.mean) % (rounded, note, *used)
    return f"{text}{sentence}{_adjustments(composite.adjustments, book.settings)}。"


def rank_sentence(facts: Facts, book: Phrasebook) -> str:
    pool = facts.pool
    quota = book.quota(pool)
    if facts.placement.rank is None:
        return f"不参加{facts.pool_label}名额池的排名，不占优秀名额（{quota}）。"
    members = "个班子" if facts.kind is Kind.TEAM else "人"
    return (
        f"在{facts.pool_label}名额池参加排名的{pool.size}{members}中排第{facts.placement.rank}名，{quota}。"
    )


def bottom_reason(
    kind: Kind, pool_label: str, pool: QuotaSummary, places: int, lower: int, tied: int, book: Phrasebook
) -> str:
    """Why a result is flagged 末位 (§7): n from the pool's size, and how few are strictly lower."""
    settings = book.settings
    assert settings.bottom_ratio is not None
    ratio = settings.bottom_ratio
    members, this = ("个班子", "本班子") if kind is Kind.TEAM else ("人", "本人")
    theoretical = display(pool.size * ratio)
    tie = f"，与其他{tied - 1}个对象同分，一并列为末位" if tied > 1 else ""
    return (
        f"列为末位：{pool_label}名额池参加排名的{pool.size}{members}×末位比例{plain(ratio * 100)}%"
        f"={theoretical}，按{settings.quota_rounding.value}为{places}名；综合得分低于{this}的有{lower}{members}，少于{places}名{tie}；"
        "末位需组织认定（诫勉、调整），不改变等次"
    )


def _effect_name(effect: Effect, kind: Kind) -> str:
    if effect is Effect.UNFIT:
        return "较差" if kind is Kind.TEAM else "不称职"
    return "不定等次" if effect is Effect.UNGRADED else "不得评为优秀"


def grade_sentence(facts: Facts, settings: RuleSettings) -> str:
    grade = facts.grade
    placement = facts.placement
    selection = placement.selection
    composite = facts.composite
    others = f"与其他{placement.tied - 1}个对象同为{composite}分" if placement.tied else ""
    if facts.effect is Effect.UNGRADED:
        why = "因上述情形，本年度不定等次"
    elif facts.effect is Effect.UNFIT:
        why = f"因上述情形，直接定为{grade}，不受得分和名额影响"
    elif composite is None:
        why = "没有任何考核得分，无法排名，本年度暂不定等次，须补齐考核材料后由组织确定"
    elif selection is Selection.EXCELLENT:
        if facts.priority and settings.priority_mode is PriorityMode.FIRST:
            why = f"表现突出，按优先入选先于其他人员入选，在{facts.pool.quota}个优秀名额之内，评为优秀"
        elif placement.tied:
            why = f"{others}，并列于优秀名额线，按同分优先由表现突出者入选，评为优秀"
        else:
            why = f"在可评优秀的对象中排在{facts.pool.quota}个优秀名额之内，评为优秀"
    elif selection is Selection.OVER_QUOTA:
        why = f"{others}，并列跨越优秀名额线，按允许超额全部评为优秀（超出名额）"
    elif selection is Selection.PENDING:
        why = f"{others}，并列跨越优秀名额线，须由考核工作领导小组决定，暂为待定，决定后才能确定等次"
    else:
        why = _not_excellent(facts, composite, selection, settings)
    return f"等次：{grade}。{why}。"


def _not_excellent(facts: Facts, composite: Decimal, selection: Selection, settings: RuleSettings) -> str:
    if selection is Selection.CAPPED:
        why = "因上述情形不能评为优秀"
    elif selection is Selection.PRIORITY_TOOK:
        tied = facts.placement.tied - 1
        why = f"与其他{tied}个对象同为{composite}分，并列于优秀名额线，按同分优先由表现突出者入选，未评为优秀"
    elif facts.pool.quota == 0:
        why = "该池优秀名额为0，不评优秀"
    else:
        why = f"在可评优秀的对象中排在{facts.pool.quota}个优秀名额之外，未评为优秀"
    banded = band(facts.kind, composite, settings)
    if banded is not None:
        grade, line_name, line = banded
        return f"{why}；综合得分低于{line_name}{plain(line)}分，定为{grade}"
    return f"{why}，定为{'良好' if facts.kind is Kind.TEAM else '称职'}"
