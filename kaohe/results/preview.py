"""The live preview: each unit's performance (绩效, rules §3) and its rank in its category, as data arrives.

While inputs are being collected, the full engine (``kaohe.rules.assess``) refuses the cycle: a unit with
indicator scores still missing is an input error, and it would also tally every ballot mark (1.5 million at
province scale) on each refresh. The preview therefore gathers only the units' inputs, by the same precedence
rules as ``kaohe.results.inputs.cycle_assessment_input``, and runs the performance part of the engine
(``kaohe.rules.performance``) on them:

- a unit with some indicator scores missing has an *incomplete* 指标考评: the preview counts it as missing,
  so its weight goes to the other components (renormalised) and the missing indicators are named;
- every other component follows the engine exactly (collected data over given values, approved 加减分 with
  the 加分上限, components of weight 0 switched off);
- units are ranked per category on their performance rounded half-up to two decimals, with competition
  ranking (1, 2, 2, 4), as the engine ranks teams. With complete data and no democratic marks the preview's
  ranks and scores are those of ``assess`` (the tests check it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from kaohe.plans.models import AssessmentCycle
from kaohe.plans.rule_settings import cycle_rule_settings
from kaohe.results.inputs import _Gathering, missing_indicator_scores
from kaohe.rules.arithmetic import display_fraction, integer_weights, round_half_up
from kaohe.rules.explain import COMPONENT_WORDS, Phrasebook, performance_phrase
from kaohe.rules.model import AssessmentInput, Component
from kaohe.rules.performance import adjustments, indicator_components, unit_performance

COMPONENTS = (Component.INDICATORS, Component.PUBLIC_SURVEY, Component.LEADER_RATING)


def unit_performance_input(cycle: AssessmentCycle) -> AssessmentInput:
    """The cycle's units with their indicators, scores and approved 加减分: no cadres, no marks.

    Built by the gathering of ``kaohe.results.inputs`` itself (its unit, indicator and adjustment steps), so
    the preview applies exactly the precedence rules the export and the results do.
    """
    gathering = _Gathering(cycle)
    settings = cycle_rule_settings(cycle)
    units = gathering.units()
    indicators, scores = gathering.indicators(units)
    # The cadres are not gathered, so only the units' adjustments are found.
    return AssessmentInput(
        settings=settings,
        units=units,
        cadres=[],
        indicators=indicators,
        indicator_scores=scores,
        adjustments=gathering.adjustments(),
    )


@dataclass(frozen=True)
class PreviewRow:
    code: str
    name: str
    category: str
    rank: int | None
    indicators: str  # the component as shown: a score, or "" when missing
    indicators_note: str  # 由指标得分计算 / 直接填写 / 缺 n 项
    public_survey: str
    leader_rating: str
    bonus: str
    deduction: str
    performance: str  # two decimals, "" when none
    value: Decimal | None  # rounded half-up to two decimals, as ranked
    exact: Fraction | None
    missing: tuple[str, ...]  # components whose weight went to the others
    missing_indicators: tuple[str, ...]  # codes of the indicators without a score
    veto: str | None
    explanation: str


@dataclass
class CategoryPreview:
    name: str
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def ranked(self) -> int:
        return sum(1 for r in self.rows if r.rank is not None)

    @property
    def incomplete(self) -> int:
        return sum(1 for r in self.rows if r.missing)


@dataclass(frozen=True)
class Preview:
    year: int
    categories: list[CategoryPreview]

    def category(self, name: str) -> CategoryPreview | None:
        return next((c for c in self.categories if c.name == name), None)


def cycle_preview(cycle: AssessmentCycle) -> Preview:
    """The preview of ``cycle``; raises ``InputError`` when the plan's settings cannot be read."""
    from kaohe.org.models import UnitCategory

    order = list(UnitCategory.objects.order_by("order", "name").values_list("name", flat=True))
    return preview_of(unit_performance_input(cycle), order)


def preview_of(data: AssessmentInput, category_order: list[str] | None = None) -> Preview:
    """The preview of units-only input; categories in ``category_order``, else as their units come."""
    settings = data.settings
    weights = integer_weights(settings.performance_weights)
    book = Phrasebook(settings)
    cap = Fraction(settings.bonus_cap)

    missing: dict[str, list[str]] = defaultdict(list)
    for gap in missing_indicator_scores(data):
        missing[gap.unit].append(gap.indicator)
    kept = {indicator.category for indicator in data.indicators}
    computed = indicator_components(data.units, data.indicators, data.indicator_scores)
    by_target = defaultdict(list)
    for item in data.adjustments:
        by_target[item.target].append(item)

    categories: dict[str, CategoryPreview] = {}
    ranked: dict[str, list[tuple[Decimal, str]]] = defaultdict(list)
    rows: dict[str, dict] = {}
    for unit in data.units:
        gaps = missing.get(unit.code, [])
        if gaps:
            # An incomplete 指标考评 is missing, not a partial sum: its weight goes to the other components.
            unit = replace(unit, indicator_score=None)
            component = None
        else:
            component = computed.get(unit.code)
        performance = unit_performance(
            unit, component, adjustments(by_target.get(unit.code, ()), cap), weights
        )
        value = None if performance.value is None else round_half_up(performance.value, 2)
        if value is not None:
            ranked[unit.category].append((value, unit.code))
        phrase = performance_phrase(performance, book)
        if gaps:
            phrase = f"预览：指标考评缺少指标得分（{'、'.join(gaps)}），暂按缺项计算。{phrase}"
        indicators = performance.values[Component.INDICATORS]
        if gaps:
            note = f"缺{len(gaps)}项"
        elif indicators is None:
            note = ""
        else:
            note = "由指标得分计算" if unit.category in kept else "直接填写"
        adjusted = performance.adjustments
        rows[unit.code] = {
            "code": unit.code,
            "name": unit.name,
            "category": unit.category,
            "indicators": _shown(indicators),
            "indicators_note": note,
            "public_survey": _shown(performance.values[Component.PUBLIC_SURVEY]),
            "leader_rating": _shown(performance.values[Component.LEADER_RATING]),
            "bonus": display_fraction(adjusted.applied_bonus) if adjusted.bonus else "",
            "deduction": display_fraction(adjusted.deduction) if adjusted.deduction else "",
            "performance": "" if performance.value is None else display_fraction(performance.value),
            "value": value,
            "exact": performance.value,
            "missing": tuple(COMPONENT_WORDS[c] for c in performance.mean.missing),
            "missing_indicators": tuple(gaps),
            "veto": unit.veto,
            "explanation": phrase,
        }
        categories.setdefault(unit.category, CategoryPreview(unit.category))

    ranks: dict[str, int] = {}
    for members in ranked.values():
        members.sort(key=lambda m: (-m[0], m[1]))
        rank, previous = 0, None
        for position, (value, code) in enumerate(members, start=1):
            if value != previous:
                rank, previous = position, value
            ranks[code] = rank
    for code, row in rows.items():
        categories[row["category"]].rows.append(PreviewRow(rank=ranks.get(code), **row))
    for category in categories.values():
        category.rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    position = {name: i for i, name in enumerate(category_order or ())}
    ordered = sorted(categories.values(), key=lambda c: position.get(c.name, len(position)))
    return Preview(data.settings.year, ordered)


def _shown(value: Fraction | None) -> str:
    return "" if value is None else display_fraction(value)
