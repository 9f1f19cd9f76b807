"""The analytics' inputs and outputs: plain dataclasses.

A ballot is its rater group and its marks (target code → choice), nothing else: no number, no order, no
time. A session's ballots are an unordered list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from kaohe.rules.model import AssessmentInput, Component


class Scope(enum.StrEnum):
    CYCLE = "cycle"
    SESSION = "session"
    POOL = "pool"
    DEPARTMENT = "department"
    TARGET = "target"


SCOPE_LABELS = {
    Scope.CYCLE: "年度",
    Scope.SESSION: "测评会",
    Scope.POOL: "名额池",
    Scope.DEPARTMENT: "职能部门",
    Scope.TARGET: "考核对象",
}


class Check(enum.StrEnum):
    LENIENCY = "leniency"  # a session's or rater group's marks above the cycle's baseline
    NO_SPREAD = "no_spread"  # a session's marks with almost no spread
    STRAIGHT_LINING = "straight_lining"
    BLOC = "bloc"
    TURNOUT = "turnout"
    INTERVAL = "interval"  # a share's interval straddles 诫勉线 or 不称职线
    WEIGHT = "weight"  # 优秀 or not changes within the plan's weight range
    DISAGREEMENT = "disagreement"  # 上级 and 下级 see a target very differently
    JUMP = "jump"  # year-on-year change beyond noise
    DEPARTMENT_ALIKE = "department_alike"
    DEPARTMENT_FULL = "department_full"
    SELF_EVALUATION = "self_evaluation"


CHECK_LABELS = {
    Check.LENIENCY: "评分偏宽",
    Check.NO_SPREAD: "评分无区分度",
    Check.STRAIGHT_LINING: "整票同一选项",
    Check.BLOC: "雷同票",
    Check.TURNOUT: "实到率偏低",
    Check.INTERVAL: "样本偏少",
    Check.WEIGHT: "等次取决于权重",
    Check.DISAGREEMENT: "上下级评价分歧",
    Check.JUMP: "与上年相比变化异常",
    Check.DEPARTMENT_ALIKE: "部门评分无区分度",
    Check.DEPARTMENT_FULL: "部门评分接近满分",
    Check.SELF_EVALUATION: "自评明显高于核验",
}


class Action(enum.StrEnum):
    VERIFY = "建议核查"
    INTERVIEW = "建议谈话了解"
    REVIEW_WEIGHTS = "建议复核权重"


@dataclass(frozen=True)
class Ballot:
    rater_group: str
    marks: tuple[tuple[str, str], ...]  # (target code, choice), in no meaningful order


@dataclass(frozen=True)
class Session:
    """A closed or sealed session's ballots; ``expected`` is 应到人数 by rater group (0 when not set)."""

    key: str
    name: str
    ballots: list[Ballot]
    expected: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    kind: str  # "team" or "cadre"


@dataclass(frozen=True)
class Standing:
    """A target in a quota pool as the latest compute run left it, with what moves with the weights."""

    code: str
    name: str
    kind: str
    pool: str
    pool_label: str
    groups: dict[str, Fraction]  # rater group → group score (groups with valid marks)
    components: dict[Component, Fraction | None]  # the composite's other components
    adjustment: Fraction  # the target's own net 加减分 (cadres)
    ratio: Decimal  # its excellent ratio
    capped: bool  # an effect rules out 优秀
    graded: bool
    priority: bool
    composite: Decimal | None  # as computed by the run
    grade: str  # as computed by the run


@dataclass(frozen=True)
class DepartmentScores:
    code: str
    name: str
    scores: dict[str, list[Decimal]]  # unit code → its scores on the department's indicators


@dataclass(frozen=True)
class SelfEvaluation:
    unit: str
    name: str
    claimed: list[Decimal]
    verified: list[Decimal]  # the same indicators' verified scores, in the same order


@dataclass(frozen=True)
class CycleData:
    year: int
    sessions: list[Session]
    targets: dict[str, Target]
    inputs: AssessmentInput | None = None  # the latest run's inputs (marks may be left out)
    standings: list[Standing] = field(default_factory=list)
    weight_range: Decimal = Decimal(5)  # points each weight may move (the plan's range)
    departments: list[DepartmentScores] = field(default_factory=list)
    self_evaluations: list[SelfEvaluation] = field(default_factory=list)
    previous: dict[str, tuple[Decimal, int]] = field(default_factory=dict)  # code → (democratic, valid)


@dataclass(frozen=True)
class Finding:
    check: Check
    scope: Scope
    subject: str  # a session key, a pool, a department code or a target code
    label: str  # how people know it
    strength: float  # larger is stronger; the unit depends on the check (see ``strength_note``)
    figures: dict[str, str]
    sentence: str  # Chinese
    action: Action
    p_value: float | None = None
    q_value: float | None = None  # after Benjamini–Hochberg across the check's tests

    @property
    def key(self) -> str:
        """Stable across runs of the analysis on the same data: what a review is attached to."""
        return f"{self.check}:{self.scope}:{self.subject}"


@dataclass(frozen=True)
class SessionProfile:
    """A session's distribution of marks (shares of each choice position), for the charts; only for
    sessions of at least k ballots."""

    key: str
    name: str
    ballots: int
    shares: tuple[float, float, float, float]
    mean: float


@dataclass(frozen=True)
class Band:
    """A pool's members whose 优秀 moves with the weights: composite's lowest and highest over the range."""

    pool: str
    pool_label: str
    cut: Decimal | None  # the lowest composite that is 优秀 in the run
    members: list[tuple[str, str, Decimal, Decimal, Decimal]]  # code, name, low, base, high


@dataclass(frozen=True)
class Interval:
    code: str
    name: str
    share: str  # "称职及以上率" …
    value: float
    low: float
    high: float
    line: float | None


@dataclass(frozen=True)
class Report:
    year: int
    k: int
    findings: list[Finding]
    notes: list[str]  # what was tested and how (FDR), in Chinese
    sessions: int
    ballots: int
    marks: int
    baseline: tuple[float, float, float, float]
    profiles: list[SessionProfile]
    bands: list[Band]
    intervals: list[Interval]
