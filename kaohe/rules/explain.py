"""One Chinese paragraph per result (rules §9), written for the cadre who reads it.

It states, in order: the democratic evaluation (each rater group with its ballots, and any weight that
was spread), how the composite was made (components, missing ones, 加减分), the rank in the pool with
the pool's quota, every effect and flag with its cause, and why the grade is what it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .arithmetic import display, display_fraction, percent, plain
from .composite import Composite
from .democratic import SHARE_NAMES, DemocraticDetail
from .eligibility import Cause
from .model import Component, Effect, Kind, PriorityMode, QuotaSummary, RuleSettings
from .performance import Adjustments, Performance
from .quotas import Placement, Selection, band

COMPONENT_WORDS = {
    Component.DEMOCRATIC: "民主测评",
    Component.PERFORMANCE: "实绩",
    Component.REGULAR: "平时考核",
    Component.LEADER_RATING: "领导评价",
    Component.INDICATORS: "指标考评",
    Component.PUBLIC_SURVEY: "公众评议",
}


@dataclass(frozen=True)
class Facts:
    """Everything the paragraph speaks of, as the engine computed it."""

    kind: Kind
    heading: str  # who: 张三（GB017，财政局 副局长）
    democratic: DemocraticDetail | None
    performance: Performance | None  # the unit's (a cadre's 实绩 is their unit's performance)
    composite: Composite
    causes: Sequence[Cause]
    effect: Effect | None
    priority: str | None
    pool_label: str
    pool: QuotaSummary
    placement: Placement
    grade: str
    flags: Sequence[tuple[str, str]]  # (flag, reason) other than effects and 表现突出


def explain(facts: Facts, settings: RuleSettings) -> str:
    parts = [
        facts.heading + "。",
        democratic_sentence(facts.democratic, settings),
        composite_sentence(facts, settings),
        rank_sentence(facts, settings),
    ]
    parts += [cause.reason + "。" for cause in facts.causes]
    if len({cause.effect for cause in facts.causes}) > 1 and facts.effect is not None:
        parts.append(f"多种情形并存，按影响最重的处理：{_effect_name(facts.effect, facts.kind)}。")
    if facts.priority:
        parts.append(f"表现突出：{facts.priority}。")
    parts += [reason + "。" for _, reason in facts.flags]
    parts.append(grade_sentence(facts, settings))
    return "".join(parts)


def democratic_sentence(detail: DemocraticDetail | None, settings: RuleSettings) -> str:
    if detail is None:
        return "民主测评没有有效票，民主测评缺项。"
    groups = "、".join(
        f"{name}{display_fraction(score)}分（{valid}张，权重{plain(settings.rater_group_weights[name])}）"
        for name, (score, valid) in detail.groups.items()
    )
    text = f"民主测评得分{display_fraction(detail.score)}分，有效票{detail.valid}张，其中{groups}"
    if detail.spread:
        spread = "、".join(
            f"{name}（权重{plain(settings.rater_group_weights[name])}）" for name in detail.spread
        )
        text += f"；{spread}没有有效票，其权重按比例分给有票的评价人类别"
    shares = detail.shares()
    names = SHARE_NAMES[detail.kind]
    return text + "。" + "，".join(f"{name}率{percent(shares[name])}" for name in names) + "。"


def _weighted(
    values: Mapping[Component, Fraction | None],
    weights: Mapping[Component, Decimal],
    used: Sequence[Component],
) -> str:
    return "、".join(
        f"{COMPONENT_WORDS[c]}{display_fraction(_value(values[c]))}分（权重{plain(weights[c])}）"
        for c in used
    )


def _mean(
    values: Mapping[Component, Fraction | None],
    weights: Mapping[Component, Decimal],
    used: Sequence[Component],
) -> str:
    if len(used) == 1:
        only = used[0]
        return f"取{COMPONENT_WORDS[only]}{display_fraction(_value(values[only]))}分（唯一有得分的构成项）"
    return f"为{_weighted(values, weights, used)}的加权平均"


def _value(value: Fraction | None) -> Fraction:
    assert value is not None
    return value


def _missing(missing: Sequence[Component], weights: Mapping[Component, Decimal]) -> str:
    if not missing:
        return ""
    names = "、".join(f"{COMPONENT_WORDS[c]}（权重{plain(weights[c])}）" for c in missing)
    return f"；{names}缺项，其权重按比例分给其他构成项"


def _adjustments(adjustments: Adjustments, settings: RuleSettings) -> str:
    text = ""
    if adjustments.bonus:
        text += (
            f"，加分{display_fraction(adjustments.applied_bonus)}分（{'；'.join(adjustments.bonus_reasons)}"
        )
        if adjustments.capped:
            text += f"；合计{plain(adjustments.bonus)}分，超过加分上限{plain(settings.bonus_cap)}分，按上限计"
        text += "）"
    if adjustments.deduction:
        text += (
            f"，扣分{display_fraction(adjustments.deduction)}分（{'；'.join(adjustments.deduction_reasons)}）"
        )
    return text


def performance_phrase(performance: Performance | None, settings: RuleSettings) -> str:
    if performance is None or performance.value is None:
        return "单位没有绩效得分"
    weights = settings.performance_weights
    mean = performance.mean
    how = "由指标得分计算" if performance.indicators_computed else ""
    parts = _mean(performance.values, weights, mean.used)
    if how and Component.INDICATORS in mean.used:
        parts = parts.replace("指标考评", f"指标考评（{how}）", 1)
    return (
        f"单位绩效{display_fraction(performance.value)}分，{parts}"
        f"{_missing(mean.missing, weights)}{_adjustments(performance.adjustments, settings)}"
    )


def composite_sentence(facts: Facts, settings: RuleSettings) -> str:
    composite = facts.composite
    team = facts.kind is Kind.TEAM
    weights = settings.team_composite_weights if team else settings.cadre_composite_weights
    text = ""
    if team:
        text = performance_phrase(facts.performance, settings) + "。"
    elif Component.PERFORMANCE in composite.mean.used:
        text = f"实绩取所在单位绩效：{performance_phrase(facts.performance, settings)}。"
    rounded = composite.rounded
    if rounded is None:
        names = "、".join(COMPONENT_WORDS[c] for c in composite.mean.missing)
        return text + f"{names}均缺项，没有综合得分。"
    exact = composite.exact
    note = "（四舍五入保留两位小数）" if exact is not None and Fraction(rounded) != exact else ""
    return (
        f"{text}综合得分{display(rounded)}分{note}，{_mean(composite.values, weights, composite.mean.used)}"
        f"{_missing(composite.mean.missing, weights)}{_adjustments(composite.adjustments, settings)}。"
    )


def rank_sentence(facts: Facts, settings: RuleSettings) -> str:
    pool = facts.pool
    unit = "个班子" if facts.kind is Kind.TEAM else "人"
    quota = (
        f"该池优秀名额理论值{display(pool.theoretical)}名，按{settings.quota_rounding.value}为{pool.quota}名"
    )
    if facts.placement.rank is None:
        return f"不参加{facts.pool_label}名额池的排名，不占优秀名额（{quota}）。"
    return f"在{facts.pool_label}名额池参加排名的{pool.size}{unit}中排第{facts.placement.rank}名，{quota}。"


def _effect_name(effect: Effect, kind: Kind) -> str:
    if effect is Effect.UNFIT:
        return "较差" if kind is Kind.TEAM else "不称职"
    return "不定等次" if effect is Effect.UNGRADED else "不得评为优秀"


def grade_sentence(facts: Facts, settings: RuleSettings) -> str:
    grade = facts.grade
    placement = facts.placement
    selection = placement.selection
    composite = facts.composite.rounded
    score = "" if composite is None else f"{display(composite)}分"
    others = placement.tied - 1
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
            why = f"与其他{others}个对象同为{score}，并列于优秀名额线，按同分优先由表现突出者入选，评为优秀"
        else:
            why = f"排名在{facts.pool.quota}个优秀名额之内，评为优秀"
    elif selection is Selection.OVER_QUOTA:
        why = f"与其他{others}个对象同为{score}，并列跨越优秀名额线，按允许超额全部评为优秀（超出名额）"
    elif selection is Selection.PENDING:
        why = (
            f"与其他{others}个对象同为{score}，并列跨越优秀名额线，"
            f"须由考核工作领导小组决定，暂为待定，结果须待决定后才能确定"
        )
    else:
        why = _not_excellent(facts, selection, settings)
    return f"等次：{grade}。{why}。"


def _not_excellent(facts: Facts, selection: Selection, settings: RuleSettings) -> str:
    composite = facts.composite.rounded
    assert composite is not None
    if selection is Selection.CAPPED:
        why = "因上述情形不能评为优秀"
    elif selection is Selection.PRIORITY_TOOK:
        why = f"与其他{facts.placement.tied - 1}个对象同分并列于优秀名额线，按同分优先由表现突出者入选，未评为优秀"
    elif facts.pool.quota == 0:
        why = "该池优秀名额为0，不评优秀"
    else:
        why = f"排名在{facts.pool.quota}个优秀名额之外，未评为优秀"
    banded = band(facts.kind, composite, settings)
    if banded is not None:
        grade, line_name, line = banded
        return f"{why}；综合得分低于{line_name}{plain(line)}分，定为{grade}"
    return f"{why}，定为{'良好' if facts.kind is Kind.TEAM else '称职'}"
