"""The rules engine's inputs and outputs: plain dataclasses, no Django, no workbook.

Codes are the identifiers of units and cadres (unique across both). A leadership team is identified by
its unit's code. Scores are exact ``Decimal``; vote shares are exact ``Fraction``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


class Kind(enum.StrEnum):
    TEAM = "team"
    CADRE = "cadre"


class Rounding(enum.StrEnum):
    """名额取整."""

    FLOOR = "向下取整"
    HALF_UP = "四舍五入"
    CEILING = "向上取整"


class CadrePool(enum.StrEnum):
    """干部名额池."""

    UNIT = "单位"
    CATEGORY = "单位类别"
    ALL = "全部"


class TeamPool(enum.StrEnum):
    """班子名额池."""

    CATEGORY = "单位类别"
    ALL = "全部"


class TieHandling(enum.StrEnum):
    """并列处理."""

    COMMITTEE = "领导小组决定"
    ALLOW_OVER_QUOTA = "允许超额"


class PriorityMode(enum.StrEnum):
    """优先方式: how 表现突出 counts."""

    TIE_BREAK = "同分优先"
    FIRST = "优先入选"


class VetoEffect(enum.StrEnum):
    """一票否决效果."""

    NO_EXCELLENT = "不得评优"
    LOWEST = "最低等次"


class Effect(enum.StrEnum):
    """What a sanction, veto or mark does to a grade; heaviest first in ``EFFECT_ORDER``."""

    UNFIT = "不称职"  # forced lowest grade
    UNGRADED = "不定等次"
    NO_EXCELLENT = "不得优秀"


EFFECT_ORDER = (Effect.UNFIT, Effect.UNGRADED, Effect.NO_EXCELLENT)


class Component(enum.StrEnum):
    """Components of a composite or of unit performance, by their Chinese setting names."""

    DEMOCRATIC = "民主测评"
    PERFORMANCE = "实绩"
    REGULAR = "平时考核"
    LEADER_RATING = "领导评价"
    INDICATORS = "指标考评"
    PUBLIC_SURVEY = "公众评议"


class AdjustmentKind(enum.StrEnum):
    BONUS = "加分"
    DEDUCTION = "扣分"


CADRE_GRADES = ("优秀", "称职", "基本称职", "不称职")
TEAM_GRADES = ("优秀", "良好", "一般", "较差")
UNGRADED = "不定等次"
PENDING = "待定"

FLAGS = (
    "admonish",
    "adjust",
    "few_ballots",
    "tie",
    "over_quota",
    "bottom_rank",
    "veto",
    "sanction",
    "probation",
    "investigation",
    "priority",
    "third_class_merit",
    "dismissal",
    "leader_review",
)


def _default_sanctions() -> dict[str, tuple[Effect | None, ...]]:
    """Effects in the year a sanction took effect, the year after, and the one after that."""
    u, g, n = Effect.UNFIT, Effect.UNGRADED, Effect.NO_EXCELLENT
    table: dict[str, tuple[Effect | None, ...]] = {}
    for name in ("党内警告", "政务警告", "诫勉", "调整职务"):
        table[name] = (n,)
    for name in ("党内严重警告", "政务记过", "责令辞职", "免职", "降职"):
        table[name] = (g,)
    for name in ("政务记大过", "降级", "撤职"):
        table[name] = (g, g)
    table["撤销党内职务"] = (u,)
    table["留党察看(一年)"] = (u, g)
    table["留党察看(二年)"] = (u, g, g)
    table["开除党籍"] = (u, g, g)
    return table


@dataclass(frozen=True)
class ExcellentLimit:
    """每票优秀上限: either a count or a percentage of the cadres marked on the ballot."""

    count: int | None = None
    percent: Decimal | None = None  # a ratio, 0.2 for 20%


@dataclass(frozen=True)
class RuleSettings:
    """Every setting of assessment-rules.md, with its default."""

    year: int
    cadre_excellent_ratio: Decimal = Decimal("0.20")
    cadre_excellent_ratio_advanced: Decimal = Decimal("0.25")
    team_excellent_ratio: Decimal = Decimal("0.20")
    quota_rounding: Rounding = Rounding.FLOOR
    cadre_pool: CadrePool = CadrePool.UNIT
    team_pool: TeamPool = TeamPool.CATEGORY
    tie_handling: TieHandling = TieHandling.COMMITTEE
    priority_mode: PriorityMode = PriorityMode.TIE_BREAK
    cadre_choice_values: dict[str, Decimal] = field(
        default_factory=lambda: {
            "优秀": Decimal(100),
            "称职": Decimal(80),
            "基本称职": Decimal(60),
            "不称职": Decimal(40),
        }
    )
    team_choice_values: dict[str, Decimal] = field(
        default_factory=lambda: {
            "优秀": Decimal(100),
            "良好": Decimal(80),
            "一般": Decimal(60),
            "较差": Decimal(40),
        }
    )
    rater_group_weights: dict[str, Decimal] = field(
        default_factory=lambda: {"上级": Decimal(30), "同级": Decimal(30), "下级": Decimal(40)}
    )
    cadre_composite_weights: dict[Component, Decimal] = field(
        default_factory=lambda: {
            Component.DEMOCRATIC: Decimal(40),
            Component.PERFORMANCE: Decimal(30),
            Component.REGULAR: Decimal(20),
            Component.LEADER_RATING: Decimal(10),
        }
    )
    team_composite_weights: dict[Component, Decimal] = field(
        default_factory=lambda: {Component.PERFORMANCE: Decimal(70), Component.DEMOCRATIC: Decimal(30)}
    )
    performance_weights: dict[Component, Decimal] = field(
        default_factory=lambda: {
            Component.INDICATORS: Decimal(70),
            Component.PUBLIC_SURVEY: Decimal(15),
            Component.LEADER_RATING: Decimal(15),
        }
    )
    bonus_cap: Decimal = Decimal(5)
    excellent_limit: ExcellentLimit | None = None
    admonish_line: Fraction = Fraction(2, 3)
    adjust_line: Fraction = Fraction(1, 3)
    min_valid_marks: int = 0
    bottom_ratio: Decimal | None = None  # 末位比例 (§7), a ratio; None = no 末位 flag
    cadre_basic_line: Decimal | None = None  # 干部基本称职线
    cadre_unfit_line: Decimal | None = None  # 干部不称职线
    team_fair_line: Decimal | None = None  # 班子一般线
    team_poor_line: Decimal | None = None  # 班子较差线
    veto_effect: VetoEffect = VetoEffect.NO_EXCELLENT
    veto_cascades_to_principal: bool = True
    sanction_effects: dict[str, tuple[Effect | None, ...]] = field(default_factory=_default_sanctions)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    category: str
    advanced: bool = False  # 先进单位
    indicator_score: Decimal | None = None  # 指标考评 given directly (when no indicators are kept)
    public_survey: Decimal | None = None
    leader_rating: Decimal | None = None
    veto: str | None = None  # the failed item


@dataclass(frozen=True)
class Indicator:
    category: str
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class IndicatorScore:
    unit: str
    indicator: str
    score: Decimal


@dataclass(frozen=True)
class Cadre:
    code: str
    name: str
    unit: str
    post: str = ""
    principal: bool = False
    regular: Decimal | None = None  # 平时考核
    leader_rating: Decimal | None = None
    probation: bool = False
    investigation: bool = False  # 立案未结
    veto: str | None = None
    priority: str | None = None  # 表现突出: why


@dataclass(frozen=True)
class Sanction:
    cadre: str
    name: str
    year: int


@dataclass(frozen=True)
class Adjustment:
    """A bonus or deduction (加减分) on a unit or a cadre."""

    target: str
    kind: AdjustmentKind
    points: Decimal
    reason: str


@dataclass(frozen=True)
class Mark:
    """One choice for one target on one ballot."""

    ballot: str
    rater_group: str
    target: str
    choice: str


@dataclass(frozen=True)
class PriorGrade:
    target: str
    year: int
    grade: str


@dataclass(frozen=True)
class AssessmentInput:
    settings: RuleSettings
    units: list[Unit]
    cadres: list[Cadre]
    indicators: list[Indicator] = field(default_factory=list)
    indicator_scores: list[IndicatorScore] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    prior_grades: list[PriorGrade] = field(default_factory=list)


@dataclass(frozen=True)
class GroupScore:
    score: Decimal
    valid: int


@dataclass(frozen=True)
class Democratic:
    score: Decimal
    valid: int
    groups: dict[str, GroupScore]
    shares: dict[str, Fraction]  # cadres 优秀, 称职及以上, 不称职; teams 优秀, 良好及以上, 较差


@dataclass(frozen=True)
class Result:
    code: str
    kind: Kind
    name: str
    unit: str
    pool: str
    democratic: Democratic | None
    performance: Decimal | None  # exact
    composite: Decimal | None  # rounded half-up to 2 decimals
    rank: int | None
    pool_size: int
    grade: str
    flags: list[str]
    explanation: str


@dataclass(frozen=True)
class QuotaSummary:
    kind: Kind
    pool: str
    size: int
    theoretical: Decimal
    quota: int
    excellent: int
    pending: int


@dataclass(frozen=True)
class InvalidBallot:
    ballot: str
    reason: str


@dataclass(frozen=True)
class Assessment:
    year: int
    results: list[Result]
    quotas: list[QuotaSummary]
    invalid_ballots: list[InvalidBallot]
