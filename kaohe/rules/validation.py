"""Consistency checks on an ``AssessmentInput``: the safety net behind the workbook reader and the forms.

Each check returns Chinese messages; the engine raises one ``InputError`` with all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from .composite import CADRE_COMPONENTS, TEAM_COMPONENTS
from .model import (
    CADRE_GRADES,
    TEAM_GRADES,
    UNGRADED,
    AssessmentInput,
    Component,
    RuleSettings,
)

PERFORMANCE_COMPONENTS = (Component.INDICATORS, Component.PUBLIC_SURVEY, Component.LEADER_RATING)
HUNDRED = Decimal(100)


def check(inputs: AssessmentInput) -> list[str]:
    return [
        *check_settings(inputs.settings),
        *check_people(inputs),
        *check_indicators(inputs),
        *check_records(inputs),
    ]


def check_settings(s: RuleSettings) -> list[str]:
    errors = []
    for label, ratio in (
        ("干部优秀比例", s.cadre_excellent_ratio),
        ("干部优秀比例(先进单位)", s.cadre_excellent_ratio_advanced),
        ("班子优秀比例", s.team_excellent_ratio),
    ):
        if not 0 <= ratio <= 1:
            errors.append(f"参数 {label}：{ratio} 不在0到100%之间")
    for label, values, scale in (
        ("干部票值", s.cadre_choice_values, CADRE_GRADES),
        ("班子票值", s.team_choice_values, TEAM_GRADES),
    ):
        if set(values) != set(scale):
            errors.append(f"参数 {label}：应当且只能为{'、'.join(scale)}设置票值")
    for group, weight in s.rater_group_weights.items():
        if weight <= 0:
            errors.append(f"参数 评价人权重：{group}的权重{weight}应大于0")
    for label, weights, allowed in (
        ("干部综合构成", s.cadre_composite_weights, CADRE_COMPONENTS),
        ("班子综合构成", s.team_composite_weights, TEAM_COMPONENTS),
        ("绩效构成", s.performance_weights, PERFORMANCE_COMPONENTS),
    ):
        errors.extend(_check_weights(label, weights, allowed))
    if s.bonus_cap < 0:
        errors.append(f"参数 加分上限：{s.bonus_cap} 不能为负数")
    limit = s.excellent_limit
    if limit is not None:
        if limit.count is not None and limit.percent is not None:
            errors.append("参数 每票优秀上限：只能填人数或百分比之一")
        if limit.count is not None and limit.count < 0:
            errors.append(f"参数 每票优秀上限：{limit.count} 不能为负数")
        if limit.percent is not None and not 0 <= limit.percent <= 1:
            errors.append(f"参数 每票优秀上限：{limit.percent} 不在0到100%之间")
    for label, line in (("诫勉线", s.admonish_line), ("不称职线", s.adjust_line)):
        if not 0 <= line <= 1:
            errors.append(f"参数 {label}：{line} 不在0到1之间")
    if s.min_valid_marks < 0:
        errors.append(f"参数 最少有效票：{s.min_valid_marks} 不能为负数")
    if s.bottom_ratio is not None and not 0 <= s.bottom_ratio <= 1:
        errors.append(f"参数 末位比例：{s.bottom_ratio} 不在0到100%之间")
    return errors


def _check_weights(
    label: str, weights: Mapping[Component, Decimal], allowed: Iterable[Component]
) -> list[str]:
    errors = []
    names = tuple(allowed)
    for component, weight in weights.items():
        if component not in names:
            errors.append(f"参数 {label}：「{component}」不是可用的构成项（{'、'.join(names)}）")
        elif weight < 0:
            errors.append(f"参数 {label}：{component}的权重{weight}不能为负数")
    if sum(weights.values(), Decimal(0)) <= 0:
        errors.append(f"参数 {label}：权重合计应大于0")
    return errors


def _score(where: str, label: str, value: Decimal | None) -> list[str]:
    if value is not None and not 0 <= value <= HUNDRED:
        return [f"{where} {label}：{value} 不在0到100之间"]
    return []


def check_people(inputs: AssessmentInput) -> list[str]:
    errors = []
    codes = Counter([u.code for u in inputs.units] + [c.code for c in inputs.cadres])
    for code, n in sorted(codes.items()):
        if not code:
            errors.append("单位或干部的编码不能为空")
        elif n > 1:
            errors.append(f"编码「{code}」重复（单位和干部的编码不能相同）")
    units = {u.code for u in inputs.units}
    for unit in inputs.units:
        where = f"单位「{unit.code}」"
        errors += _score(where, "指标考评", unit.indicator_score)
        errors += _score(where, "公众评议", unit.public_survey)
        errors += _score(where, "领导评价", unit.leader_rating)
    for cadre in inputs.cadres:
        where = f"干部「{cadre.code}」"
        if cadre.unit not in units:
            errors.append(f"{where}：单位编码「{cadre.unit}」不存在")
        errors += _score(where, "平时考核", cadre.regular)
        errors += _score(where, "领导评价", cadre.leader_rating)
    return errors


def check_indicators(inputs: AssessmentInput) -> list[str]:
    errors = []
    weights: dict[str, dict[str, Decimal]] = {}
    for indicator in inputs.indicators:
        category = weights.setdefault(indicator.category, {})
        if indicator.code in category:
            errors.append(f"指标「{indicator.code}」在单位类别「{indicator.category}」中重复")
        if indicator.weight <= 0:
            errors.append(f"指标「{indicator.code}」的权重{indicator.weight}应大于0")
        category[indicator.code] = indicator.weight
    for name, category in sorted(weights.items()):
        total = sum(category.values(), Decimal(0))
        if total != HUNDRED:
            errors.append(f"单位类别「{name}」的指标权重合计为{total}，应为100")
    units = {u.code: u for u in inputs.units}
    scored: set[tuple[str, str]] = set()
    for score in inputs.indicator_scores:
        unit = units.get(score.unit)
        if unit is None:
            errors.append(f"指标得分：单位编码「{score.unit}」不存在")
            continue
        if score.indicator not in weights.get(unit.category, {}):
            errors.append(
                f"指标得分：单位「{score.unit}」的类别「{unit.category}」没有指标「{score.indicator}」"
            )
            continue
        if (score.unit, score.indicator) in scored:
            errors.append(f"指标得分：单位「{score.unit}」的指标「{score.indicator}」得分重复")
        scored.add((score.unit, score.indicator))
        errors += _score(f"指标得分 单位「{score.unit}」", f"指标「{score.indicator}」", score.score)
    for unit in inputs.units:
        kept = weights.get(unit.category)
        if not kept:
            continue
        if unit.indicator_score is not None:
            errors.append(f"单位「{unit.code}」：指标考评已由指标得分计算，不能再直接填写")
        missing = [code for code in kept if (unit.code, code) not in scored]
        if missing:
            errors.append(f"单位「{unit.code}」缺少指标得分：{'、'.join(missing)}")
    return errors


def check_records(inputs: AssessmentInput) -> list[str]:
    errors = []
    cadres = {c.code for c in inputs.cadres}
    units = {u.code for u in inputs.units}
    for sanction in inputs.sanctions:
        if sanction.cadre not in cadres:
            errors.append(f"处分：干部编码「{sanction.cadre}」不存在")
        if sanction.name not in inputs.settings.sanction_effects:
            errors.append(f"处分：「{sanction.name}」不是处分影响表中的处分")
    for item in inputs.adjustments:
        if item.target not in cadres and item.target not in units:
            errors.append(f"加减分：对象编码「{item.target}」不存在")
        if item.points <= 0:
            errors.append(f"加减分：对象「{item.target}」的分值{item.points}应大于0")
        if not item.reason.strip():
            errors.append(f"{item.kind}原因不能为空（对象「{item.target}」）")
    seen: dict[tuple[str, int], str] = {}
    for prior in inputs.prior_grades:
        scale = CADRE_GRADES if prior.target in cadres else TEAM_GRADES if prior.target in units else None
        if scale is None:
            continue  # someone no longer assessed: their history has no bearing on this year
        if prior.grade not in (*scale, UNGRADED):
            errors.append(f"往年等次：对象「{prior.target}」{prior.year}年的「{prior.grade}」不是有效的等次")
        earlier = seen.setdefault((prior.target, prior.year), prior.grade)
        if earlier != prior.grade:
            errors.append(f"往年等次：对象「{prior.target}」{prior.year}年有两个不同的等次")
    return errors
