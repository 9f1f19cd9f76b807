"""Demo data for the cycles: a finalised 2024 and a 2025 in 评定, on top of the 示例市 roster.

`kaohe demo` loads the roster (kaohe.demo.roster) and then `demo_cycles_load`, in one transaction, so that a
new user finds a whole year to look at: the plan, indicator systems and targets, every input by the role
that owns it (with a few gaps left for each demo account to fill), public surveys, sealed evaluation
sessions, the year's records (kaohe.demo.records) and a compute run over all of them with a tie for the
committee; and a 2024 cycle finalised and sealed through the
results app, with 往年等次 for 2022–2023, so dossiers and the flags of earlier years have history.

Everything is drawn from `random.Random(seed)` over the roster in code order, so the same seed gives the
same data (codes, survey tokens and ballot receipts stay random: they are secrets). Low-volume steps go
through the apps' write functions (audited as the demo account that would do them); the volume — ballots,
marks, survey answers, self-evaluations — is bulk-inserted and summed up in one audit entry.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.demo import roster as roster_demo

PREVIOUS_YEAR = roster_demo.CYCLE_YEAR - 1
PRIOR_YEARS = (PREVIOUS_YEAR - 2, PREVIOUS_YEAR - 1)
RATER_GROUPS = (("上级", 4), ("同级", 6), ("下级", 10))  # (group, raters per unit)

PLAN_SETTINGS = {  # by the engine's field names, as the plan stores them
    "rater_group_weights": "上级=30,同级=30,下级=40",
    "excellent_limit": "30%",
    "team_fair_line": "80",
    "cadre_basic_line": "75",
}
PLAN_NOTES = (
    "依据《{city}{year}年度综合考核工作方案》，对全市各县（市、区）、乡镇街道、市直单位和市属国有企业的领导班子"
    "和领导干部进行年度考核。单位绩效由指标考评、公众评议、领导评价构成；民主测评分上级、同级、下级三类评价人；"
    "每张测评票评为优秀的干部不超过被测评干部人数的30%，超过的为无效票。"
)

# ---------------------------------------------------------------- indicator systems


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    weight: int
    department: str  # ScoringDepartment code
    method: str
    target: tuple[str, str] | None = None  # (content, amount template with {n}) for towns


_FULL = "完成年度目标得满分；"
INDICATORS: dict[str, tuple[IndicatorSpec, ...]] = {
    roster_demo.COUNTY: (
        IndicatorSpec(
            "经济发展", 20, "BM03", _FULL + "地区生产总值增速每低于目标0.1个百分点扣0.5分，扣完为止。"
        ),
        IndicatorSpec(
            "项目建设",
            15,
            "BM01",
            _FULL + "重大项目投资完成率每低1个百分点扣0.3分；新开工项目未达标的酌情扣分。",
        ),
        IndicatorSpec(
            "财政收支",
            10,
            "BM02",
            "一般公共预算收入完成率达100%得满分，每低1个百分点扣0.5分；发生暂付款违规的扣2分。",
        ),
        IndicatorSpec(
            "生态环境",
            15,
            "BM06",
            "空气质量优良天数比例、地表水断面达标率各占50%；发生突出环境问题被通报的每次扣3分。",
        ),
        IndicatorSpec(
            "安全生产",
            10,
            "BM07",
            "未发生较大及以上生产安全事故得满分；发生一般事故每起扣1分，较大事故实行一票否决。",
        ),
        IndicatorSpec(
            "民生保障", 10, "BM02", "民生支出占比、城镇新增就业、十件民生实事完成情况各占三分之一。"
        ),
        IndicatorSpec(
            "党的建设",
            15,
            "BM04",
            "按党建工作责任制考核细则评分，基层党组织建设、干部队伍建设、人才工作各占三分之一。",
        ),
        IndicatorSpec(
            "党风廉政建设", 5, "BM05", "落实全面从严治党主体责任情况；班子成员受到党纪政务处分的每人次扣1分。"
        ),
    ),
    roster_demo.TOWN: (
        IndicatorSpec(
            "经济发展",
            20,
            "BM03",
            _FULL + "规上工业增加值、社会消费品零售总额等指标按完成率计分。",
            ("地区生产总值增长", "{n}%"),
        ),
        IndicatorSpec(
            "项目建设",
            15,
            "BM01",
            _FULL + "固定资产投资完成率每低1个百分点扣0.3分。",
            ("完成固定资产投资", "{n}亿元"),
        ),
        IndicatorSpec(
            "乡村振兴",
            15,
            "BM01",
            "高标准农田建设、村集体经济增收、人居环境整治按季度督查结果平均计分。",
            ("村集体经济收入10万元以上的村占比", "{n}%"),
        ),
        IndicatorSpec(
            "生态环境",
            15,
            "BM06",
            "河长制、秸秆禁烧、污水处理设施运行按月度检查计分；被上级通报的每次扣2分。",
            ("空气质量优良天数比例不低于", "{n}%"),
        ),
        IndicatorSpec(
            "安全生产",
            10,
            "BM07",
            "未发生较大及以上生产安全事故得满分；隐患整改不到位的每项扣0.5分。",
            ("生产安全事故起数控制在", "{n}起以内"),
        ),
        IndicatorSpec("基层治理", 10, "BM04", "矛盾纠纷化解率、信访积案化解、网格化管理按台账核查计分。"),
        IndicatorSpec("党的建设", 15, "BM04", "按基层党建工作责任制考核细则评分。"),
    ),
    roster_demo.PARTY: (
        IndicatorSpec("职能目标", 40, "BM04", "按年初确定的重点工作任务清单逐项评分，未完成的按权重扣分。"),
        IndicatorSpec(
            "服务中心大局", 15, "BM01", "参与招商引资、项目服务、重大活动保障等情况，由牵头部门评分。"
        ),
        IndicatorSpec("党的建设", 20, "BM04", "机关党建、意识形态工作、干部队伍建设各占三分之一。"),
        IndicatorSpec(
            "党风廉政建设", 15, "BM05", "落实主体责任、作风建设、巡察整改情况；发生违纪违法案件的酌情扣分。"
        ),
        IndicatorSpec("财务管理", 10, "BM02", "预算执行进度、“三公”经费控制、审计问题整改情况。"),
    ),
    roster_demo.GOVERNMENT: (
        IndicatorSpec("职能目标", 35, "BM01", "按年初确定的重点工作任务清单逐项评分，未完成的按权重扣分。"),
        IndicatorSpec(
            "营商环境", 15, "BM08", "政务服务“一网通办”办件满意率、涉企检查规范情况、营商环境评价排名。"
        ),
        IndicatorSpec("预算执行", 10, "BM02", "预算执行进度达序时进度得满分，每低1个百分点扣0.2分。"),
        IndicatorSpec("安全生产", 10, "BM07", "落实行业安全监管责任情况，未发生较大及以上事故得满分。"),
        IndicatorSpec("党的建设", 20, "BM04", "机关党建、意识形态工作、干部队伍建设各占三分之一。"),
        IndicatorSpec("党风廉政建设", 10, "BM05", "落实主体责任、作风建设、巡察整改情况。"),
    ),
    roster_demo.INSTITUTION: (
        IndicatorSpec("业务工作", 40, "BM01", "按主管部门下达的年度业务目标逐项评分。"),
        IndicatorSpec("公共服务质量", 20, "BM08", "服务对象满意度调查、投诉办结率各占50%。"),
        IndicatorSpec("财务管理", 10, "BM02", "预算执行、国有资产管理、审计问题整改情况。"),
        IndicatorSpec("安全生产", 10, "BM07", "未发生安全责任事故得满分；消防检查不合格的每次扣1分。"),
        IndicatorSpec("党的建设", 20, "BM04", "按事业单位党建工作考核细则评分。"),
    ),
    roster_demo.ENTERPRISE: (
        IndicatorSpec(
            "经营业绩",
            35,
            "BM02",
            "营业收入、利润总额完成率各占50%，超额完成的每超1个百分点加0.2分，最高不超过满分。",
        ),
        IndicatorSpec(
            "国有资产保值增值", 15, "BM02", "国有资产保值增值率达到100%得满分，每低1个百分点扣1分。"
        ),
        IndicatorSpec("重大项目投资", 15, "BM01", "市级重大项目投资完成率每低1个百分点扣0.3分。"),
        IndicatorSpec("安全生产", 10, "BM07", "未发生较大及以上生产安全事故得满分；发生一般事故每起扣2分。"),
        IndicatorSpec("党的建设", 15, "BM04", "按国有企业党建工作考核细则评分。"),
        IndicatorSpec("党风廉政建设", 10, "BM05", "落实主体责任、廉洁风险防控、巡察审计整改情况。"),
    ),
}

# Narratives of self-evaluations, by indicator name; {a} {b} are filled with numbers.
NARRATIVES = {
    "经济发展": "全年实现地区生产总值{a}亿元，同比增长{b}%，规上工业增加值、社会消费品零售总额均完成年度目标。",
    "项目建设": "实施重点项目{a}个，完成投资{b}亿元，新开工项目全部按期开工，省市重点项目进度居全市前列。",
    "财政收支": "一般公共预算收入{a}亿元，完成预算的{b}%；民生支出占比保持在八成以上。",
    "生态环境": "空气质量优良天数比例达{b}%，国控、省控断面水质全部达标，中央环保督察反馈问题按期整改销号。",
    "安全生产": "开展安全生产大检查{a}轮，排查整改隐患{b}处，全年未发生较大及以上生产安全事故。",
    "民生保障": "城镇新增就业{a}人，十件民生实事全部完成，城乡低保实现应保尽保。",
    "党的建设": "落实党建工作责任制，整顿软弱涣散基层党组织{a}个，发展党员{b}名，开展主题教育专题培训。",
    "党风廉政建设": "召开党风廉政建设专题会议{a}次，开展廉政谈话{b}人次，巡察反馈问题全部整改到位。",
    "乡村振兴": "新建高标准农田{a}亩，村集体经济收入10万元以上的村占比达{b}%，农村人居环境整治通过验收。",
    "基层治理": "排查化解矛盾纠纷{a}件，化解率{b}%，信访积案全部清零，网格化服务管理实现全覆盖。",
    "职能目标": "年初确定的{a}项重点工作任务全部完成，其中{b}项获得上级表扬或在全省推广。",
    "服务中心大局": "牵头或参与招商引资项目{a}个，派出驻企服务专员{b}人次，圆满完成重大活动保障任务。",
    "财务管理": "预算执行率{b}%，“三公”经费同比下降，审计指出的{a}个问题已全部整改。",
    "营商环境": "政务服务事项网上可办率{b}%，压减办理时限{a}个工作日，办件满意率保持在99%以上。",
    "预算执行": "预算执行率{b}%，达到序时进度；盘活存量资金{a}万元。",
    "业务工作": "全年完成主管部门下达的{a}项业务目标，服务群众{b}万人次。",
    "公共服务质量": "服务对象满意度{b}%，受理投诉{a}件，全部按期办结。",
    "经营业绩": "实现营业收入{a}亿元，利润总额同比增长{b}%，超额完成年度经营目标。",
    "国有资产保值增值": "国有资产保值增值率{b}%，清理处置低效无效资产{a}项。",
    "重大项目投资": "承担市级重大项目{a}个，完成投资{b}亿元。",
}

VERIFY_AGREE = (
    "经现场查阅台账和佐证材料，自评情况属实，核定得分与部门评分一致。",
    "现场核验与部门评分一致，佐证材料齐全。",
)
VERIFY_CUT = (
    "现场抽查发现部分项目进度滞后，佐证材料不完整，核减{d}分。",
    "部分数据与统计部门口径不一致，按统计数据核减{d}分。",
    "隐患整改台账不完善，个别隐患未闭环，核减{d}分。",
)
VERIFY_RAISE = ("补充提供了获上级表彰的文件，核增{d}分。",)
VERIFY_ALONE = "部门评分尚未报送，按现场核验情况先行核定得分。"

LEADER_COMMENTS = (
    "班子团结务实，重点工作推进有力。",
    "工作扎实，亮点突出，群众认可度高。",
    "完成年度目标任务较好，个别工作还需加力。",
    "敢于担当，攻坚克难成效明显。",
    "基础工作较好，创新举措还不够多。",
)
SURVEY_COMMENTS = {
    "满意": ("办事效率高，工作人员态度好。", "村里的路修好了，出行方便多了。", "环境比以前干净多了。"),
    "基本满意": ("总体不错，希望周末也能办事。", "有些事情要跑好几趟。", "希望多关心老年人。"),
    "不满意": ("反映的问题拖了很久没有解决。", "窗口排队时间太长。"),
}

TEAM_ASPECT_FOR = {"优秀": "好", "良好": "较好", "一般": "一般", "较差": "差"}
ASPECT_CHOICES = ("好", "较好", "一般", "差")


# ---------------------------------------------------------------- helpers


def _d(value: float, step: str = "0.5") -> Decimal:
    """A score rounded to `step` and kept within 0–100."""
    quantum = Decimal(step)
    exact = Decimal(str(round(value, 4)))
    rounded = (exact / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
    return min(Decimal(100), max(Decimal(0), rounded)).normalize() + Decimal("0")


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@dataclass
class _World:
    """The roster as the demo needs it, read once; and the demo's latent qualities, drawn once."""

    rng: random.Random
    units: list[Any] = field(default_factory=list)  # org.Unit, code order
    category: dict[int, Any] = field(default_factory=dict)  # unit id → UnitCategory
    unit_quality: dict[int, float] = field(default_factory=dict)
    cadre_quality: dict[int, float] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    departments: dict[str, Any] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)  # unit id → group name
    weak_unit: Any = None  # a team graded 一般 two years running
    stars: list[int] = field(default_factory=list)  # cadre ids 优秀 year after year
    weak_cadre: int = 0  # sanctioned in 2024, 不称职 in 2023
    unscored: set[int] = field(default_factory=set)  # towns the demo clerk has still to score
    previous_results: int = 0


@dataclass(frozen=True)
class CycleSummary:
    previous_results: int
    current_units: int
    current_cadres: int
    indicators: int
    sessions: int
    ballots: int
    marks: int
    survey_answers: int
    pending: int

    def describe(self) -> str:
        return (
            f"{PREVIOUS_YEAR}年度考核已定档（{self.previous_results} 个结果）；"
            f"{roster_demo.CYCLE_YEAR}年度考核处于评定阶段：{self.current_units} 个单位、{self.current_cadres} 名干部、"
            f"{self.indicators} 项指标，{self.sessions} 场测评会 {self.ballots} 张测评票，"
            f"公众评议 {self.survey_answers} 份，已计算一次（待定 {self.pending} 个，待领导小组决定）。"
        )


# ---------------------------------------------------------------- entry point


def demo_cycles_load(*, seed: int = roster_demo.DEFAULT_SEED) -> CycleSummary:
    """Load the 2024 and 2025 cycles on the demo roster (run after `demo_load`, in its transaction)."""
    from kaohe.accounts.models import User
    from kaohe.org.models import ScoringDepartment, Unit

    with transaction.atomic():
        world = _World(rng=random.Random(seed * 7919 + 2024))
        world.units = list(Unit.objects.select_related("category").order_by("code"))
        world.category = {u.pk: u.category for u in world.units}
        world.users = {
            u.username: u
            for u in User.objects.filter(username__in=[a.username for a in roster_demo.DEMO_ACCOUNTS])
        }
        world.departments = {d.code: d for d in ScoringDepartment.objects.all()}
        _draw_qualities(world)
        previous = _previous_cycle(world)
        summary = _current_cycle(world, previous, seed)
    return summary


def _draw_qualities(world: _World) -> None:
    from kaohe.org.models import Position
    from kaohe.plans.models import AssessmentCycle

    rng = world.rng
    for unit in world.units:
        world.unit_quality[unit.pk] = _clip(rng.gauss(0, 1), -2.2, 2.2)
    cycle = AssessmentCycle.objects.get(year=roster_demo.CYCLE_YEAR)
    for group in cycle.groups.prefetch_related("units"):
        for unit in group.units.all():
            world.groups[unit.pk] = group.name
    # The weak unit: a government department, the last in code order.
    government = [u for u in world.units if u.category.name == roster_demo.GOVERNMENT]
    world.weak_unit = government[-1]
    world.unit_quality[world.weak_unit.pk] = -3.0
    current = Position.objects.filter(end__isnull=True).order_by("cadre__code")
    principals: dict[int, list[int]] = defaultdict(list)
    for cadre_id, unit_id, principal in current.values_list("cadre_id", "unit_id", "principal"):
        world.cadre_quality[cadre_id] = _clip(rng.gauss(0, 1), -2.5, 2.5)
        if principal:
            principals[unit_id].append(cadre_id)
    # Stars: the first principal of three large party departments.
    party = [u for u in world.units if u.category.name == roster_demo.PARTY]
    for unit in party[1:4]:
        star = principals[unit.pk][0]
        world.stars.append(star)
        world.cadre_quality[star] = 3.0


# ---------------------------------------------------------------- the plan and participants


def _plan_settings() -> dict[str, str]:
    return dict(PLAN_SETTINGS)


# ---------------------------------------------------------------- ballots


def _cadre_choice(rng: random.Random, quality: float, group: str) -> str:
    spread = 1.3 if group == "上级" else 1.0
    q = quality * spread + rng.gauss(0, 0.6)
    excellent = _clip(0.22 + 0.13 * q, 0.01, 0.95)
    basic = _clip(0.05 - 0.035 * q, 0.005, 0.35)
    unfit = _clip(0.004 - 0.01 * q, 0.0, 0.12)
    roll = rng.random()
    if roll < excellent:
        return "优秀"
    if roll < excellent + basic:
        return "基本称职"
    if roll < excellent + basic + unfit:
        return "不称职"
    return "称职"


def _team_choice(rng: random.Random, quality: float) -> str:
    q = quality + rng.gauss(0, 0.5)
    excellent = _clip(0.45 + 0.15 * q, 0.05, 0.95)
    fair = _clip(0.06 - 0.06 * q, 0.01, 0.45)
    poor = _clip(-0.01 - 0.03 * q, 0.0, 0.15)
    roll = rng.random()
    if roll < excellent:
        return "优秀"
    if roll < excellent + fair:
        return "一般"
    if roll < excellent + fair + poor:
        return "较差"
    return "良好"


def _limit(cadres: int) -> int:
    return int(Decimal(cadres) * Decimal("0.3"))  # 每票优秀上限 30%, 向下取整


@dataclass
class _BallotRow:
    group: str
    team: str | None  # the team's 总体评价, None when the ballot has no team
    cadres: dict[int, str]  # cadre id → choice


def _unit_ballots(
    world: _World,
    unit_id: int,
    cadres: Sequence[int],
    *,
    tie: tuple[int, int] | None = None,
    over_limit: int = 0,
    group_sizes: Sequence[tuple[str, int]] = RATER_GROUPS,
) -> list[_BallotRow]:
    """The ballots cast about one unit's team and cadres: realistic, within the per-ballot 优秀 limit except
    `over_limit` ballots; the two cadres of `tie` get the same choice on every ballot."""
    rng = world.rng
    quality = world.unit_quality[unit_id]
    limit = _limit(len(cadres))
    rows = []
    for group, count in group_sizes:
        for _ in range(count):
            choices = {
                c: _cadre_choice(rng, world.cadre_quality.get(c, 0.0) + quality * 0.3, group) for c in cadres
            }
            if tie is not None:
                shared = "优秀" if rng.random() < 0.85 else "称职"
                choices[tie[0]] = choices[tie[1]] = shared
            keep = sorted(
                (c for c, choice in choices.items() if choice == "优秀"),
                key=lambda c: (tie is not None and c in tie, world.cadre_quality.get(c, 0.0)),
                reverse=True,
            )
            for c in keep[limit:]:
                choices[c] = "称职"
            rows.append(_BallotRow(group, _team_choice(rng, quality), choices))
    for row in rows[:over_limit]:
        for c in list(row.cadres)[: limit + 2]:
            row.cadres[c] = "优秀"
    return rows


def _store_ballots(
    session: Any,
    unit: Any,
    rows: Sequence[_BallotRow],
    numbers: Sequence[str],
    team_template: Any | None,
    rng: random.Random,
) -> tuple[int, int]:
    from kaohe.ballots import storage
    from kaohe.ballots.templates_seed import TEAM_ASPECTS

    ballots: list[Any] = []
    for row, number in zip(rows, numbers, strict=True):
        marks: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        if row.team is not None:
            marks.append((unit.pk, None, row.team))
            if team_template is not None:
                for aspect in TEAM_ASPECTS:
                    choice = TEAM_ASPECT_FOR[row.team]
                    if rng.random() < 0.25:
                        shifted = ASPECT_CHOICES.index(choice) + rng.choice((-1, 1))
                        choice = ASPECT_CHOICES[max(0, min(3, shifted))]
                    answers.append((unit.pk, None, team_template.pk, aspect, choice, ""))
        marks += [(None, c, choice) for c, choice in row.cadres.items()]
        ballots.append(storage.OpenBallot(number, row.group, marks, answers))  # type: ignore[arg-type]
    # Written in the clear through the one module that stores ballots, as paper entry writes them.
    stored = storage.ballots_store(session.pk, ballots)
    return stored.ballots, stored.marks


# ---------------------------------------------------------------- 2024: an imported, finalised year


def _previous_cycle(world: _World) -> Any:
    from kaohe.ballots import actions as ballot_actions
    from kaohe.ballots.models import BallotTemplate, SessionKind, TemplateKind
    from kaohe.org.models import Position
    from kaohe.performance.actions import sanction_record
    from kaohe.performance.models import PriorGrade
    from kaohe.plans.actions import cycle_advance, cycle_create, cycle_update, plan_update
    from kaohe.plans.models import AssessedCadre, AssessedUnit
    from kaohe.results import actions as results
    from kaohe.results import selectors as result_selectors
    from kaohe.results.models import Result

    rng = world.rng
    organiser, committee = world.users["demo-organiser"], world.users["demo-committee"]
    year = PREVIOUS_YEAR
    cycle = cycle_create(actor=organiser, year=year, name=f"{year}年度考核")
    cycle_update(
        actor=organiser,
        cycle=cycle,
        name=cycle.name,
        implementation_date=date(year, 12, 2),
        evaluation_date=date(year + 1, 1, 6),
        public_notice_date=date(year + 1, 1, 20),
        completion_date=date(year + 1, 2, 10),
    )
    plan_update(
        actor=organiser,
        cycle=cycle,
        settings=_plan_settings(),
        notes=PLAN_NOTES.format(city=roster_demo.CITY, year=year)
        + "本年度指标考评、公众评议、领导评价由各牵头部门汇总后直接录入，民主测评结果由测评工作簿导入。",
    )
    # No assessment groups: the inputs of this year came from its workbook, not from visits in the app.

    # Participants as of the year's end: the post each cadre held on 31 December.
    year_end = date(year, 12, 31)
    units = []
    for unit in world.units:
        q = world.unit_quality[unit.pk]
        units.append(
            AssessedUnit(
                cycle=cycle,
                unit=unit,
                category=unit.category,
                advanced=False,
                indicator_score=_d(88 + 4 * q + rng.gauss(0, 2), "0.01"),
                public_survey=_d(89 + 3 * q + rng.gauss(0, 2), "0.01"),
                leader_rating=_d(88 + 3.5 * q + rng.gauss(0, 1.5), "0.01"),
            )
        )
    for index in rng.sample(range(len(units)), 6):
        if units[index].unit.pk != world.weak_unit.pk:
            units[index].advanced = True
    AssessedUnit.objects.bulk_create(units)
    posts = (
        Position.objects.filter(start__lte=year_end)
        .exclude(end__lt=year_end)
        .order_by("cadre__code", "-start")
        .values_list("cadre_id", "unit_id", "title", "principal")
    )
    seen: set[int] = set()
    cadres_by_unit: dict[int, list[int]] = defaultdict(list)
    assessed = []
    for cadre_id, unit_id, title, principal in posts:
        if cadre_id in seen:
            continue
        seen.add(cadre_id)
        cadres_by_unit[unit_id].append(cadre_id)
        q = world.cadre_quality.get(cadre_id, 0.0)
        assessed.append(
            AssessedCadre(
                cycle=cycle,
                cadre_id=cadre_id,
                unit_id=unit_id,
                post=title,
                principal=principal,
                regular=_d(88 + 3 * q + rng.gauss(0, 1.5)),
                leader_rating=_d(87 + 3 * q + rng.gauss(0, 1.5)),
            )
        )
    AssessedCadre.objects.bulk_create(assessed, batch_size=1000)

    # 往年等次 for 2022–2023: the stars 优秀 both years; a weak team 一般 in 2023; one cadre 不称职 in 2023.
    weak_cadre = world.weak_cadre = _weak_cadre(world, cadres_by_unit)
    priors = []
    for star in world.stars:
        priors += [PriorGrade(cadre_id=star, year=y, grade="优秀") for y in PRIOR_YEARS]
    priors += [
        PriorGrade(unit=world.weak_unit, year=PRIOR_YEARS[0], grade="良好"),
        PriorGrade(unit=world.weak_unit, year=PRIOR_YEARS[1], grade="一般"),
        PriorGrade(cadre_id=weak_cadre, year=PRIOR_YEARS[0], grade="基本称职"),
        PriorGrade(cadre_id=weak_cadre, year=PRIOR_YEARS[1], grade="不称职"),
    ]
    for unit in world.units[:12]:
        if unit.pk != world.weak_unit.pk:
            priors += [
                PriorGrade(unit=unit, year=y, grade=rng.choice(("优秀", "良好", "良好"))) for y in PRIOR_YEARS
            ]
    PriorGrade.objects.bulk_create(priors)

    cycle_advance(actor=organiser, cycle=cycle, from_phase=cycle.phase, on=date(year, 12, 2))
    # A sanction of 2024 that still weighs on 2025: 留党察看一年 (不称职 in 2024, 不定等次 in 2025).
    sanction_record(
        actor=organiser,
        cycle=cycle,
        cadre=_cadres({weak_cadre})[0],
        name="留党察看(一年)",
        year=year,
        note="违反中央八项规定精神，违规收受礼金，经市纪委常委会研究给予留党察看一年处分。",
    )
    cycle_advance(actor=organiser, cycle=cycle, from_phase=cycle.phase, on=date(year + 1, 1, 6))

    # The ballots, imported from the 测评票 sheet: each ballot marks one unit's team and cadres.
    team_template = BallotTemplate.objects.get(name="领导班子测评票", kind=TemplateKind.TEAM)
    cadre_template = BallotTemplate.objects.get(name="干部测评票", kind=TemplateKind.CADRE)
    cadre_objs = {c.pk: c for c in _cadres(seen)}
    targets = []
    for unit in world.units:
        targets.append(ballot_actions.TargetSpec(template=team_template, unit=unit))
        targets += [
            ballot_actions.TargetSpec(template=cadre_template, cadre=cadre_objs[c])
            for c in cadres_by_unit[unit.pk]
        ]
    session = ballot_actions.session_create(
        actor=organiser,
        cycle=cycle,
        spec=ballot_actions.SessionSpec(
            name=f"{year}年度民主测评（测评票工作簿导入）",
            targets=targets,
            groups=[(g, n * len(world.units)) for g, n in RATER_GROUPS],
            kind=SessionKind.IMPORTED,
        ),
    )
    ballot_actions.session_open(actor=organiser, session=session)
    serial = 0
    for unit in world.units:
        rows = _unit_ballots(world, unit.pk, cadres_by_unit[unit.pk])
        numbers = [f"{year}-{serial + i + 1:05d}" for i in range(len(rows))]
        serial += len(rows)
        _store_ballots(session, unit, rows, numbers, None, rng)
    ballot_actions.session_close(actor=organiser, session=session)
    ballot_actions.session_archive(actor=organiser, session=session)

    # Compute, resolve the ties, publish, handle an objection, finalise.
    # Computed in the January after the year, so its 公示 (from 20 January) starts after the run.
    computed_at = datetime(year + 1, 1, 15, 10, 0, tzinfo=timezone.get_current_timezone())
    run = results.compute_run_create(actor=organiser, cycle=cycle, note="测评票导入后计算", at=computed_at)
    settings = result_selectors.run_settings(run)
    for (kind, pool), pending in _pending_by_pool(run).items():
        quota = run.quotas.get(kind=kind, pool=pool)
        free = quota.quota - quota.excellent
        for index, result in enumerate(pending):
            grade = (
                "优秀" if index < free else result_selectors.default_grade(kind, result.composite, settings)
            )
            results.decision_record(
                actor=committee,
                cycle=cycle,
                run=run,
                result=result,
                decision="resolve",
                grade=grade,
                reason="经领导小组会议研究，综合平时表现和年度重点工作完成情况确定。",
            )
    notice = results.notice_publish(
        actor=organiser,
        cycle=cycle,
        run=run,
        starts_on=date(year + 1, 1, 20),
        working_days=5,
        text=f"经考核委员会审定，现将{year}年度考核拟定优秀等次名单予以公示。公示期间如有异议，请向市委考核办反映。",
    )
    excellent = [e for e in notice.excellent if e["kind"] == "cadre"]
    if excellent:
        objection = results.objection_record(
            actor=organiser,
            notice=notice,
            received_on=date(year + 1, 1, 22),
            raised_by="",
            subject=excellent[0]["name"],
            content="反映该同志所在单位一项重点工程进度滞后，评为优秀是否合适。",
        )
        results.objection_handle(
            actor=organiser,
            objection=objection,
            handling="经核实，该工程因规划调整顺延，已经市政府同意，不属于本人责任；维持拟定等次，已向反映人反馈。",
        )
    results.results_seal(actor=organiser, cycle=cycle, run=run, today=date(year + 1, 2, 10))
    cycle.refresh_from_db()
    world.previous_results = Result.objects.filter(run=run).count()
    return cycle


def _weak_cadre(world: _World, cadres_by_unit: dict[int, list[int]]) -> int:
    """A non-principal cadre of an institution, drawn weak."""
    from kaohe.plans.models import AssessedCadre

    institution = [u for u in world.units if u.category.name == roster_demo.INSTITUTION][2]
    candidates = list(
        AssessedCadre.objects.filter(
            unit=institution, principal=False, cadre_id__in=cadres_by_unit[institution.pk]
        )
        .order_by("cadre__code")
        .values_list("cadre_id", flat=True)
    )
    chosen = candidates[-1]
    world.cadre_quality[chosen] = -2.5
    return chosen


def _cadres(ids: set[int]) -> list[Any]:
    from kaohe.org.models import Cadre

    return list(Cadre.objects.filter(pk__in=ids))


def _pending_by_pool(run: Any) -> dict[tuple[str, str], list[Any]]:
    from kaohe.results.models import Result
    from kaohe.rules.model import PENDING

    found: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for result in Result.objects.filter(run=run, grade=PENDING).order_by("kind", "pool", "code"):
        found[(result.kind, result.pool)].append(result)
    return found


# ---------------------------------------------------------------- 2025: a year in 评定


def _current_cycle(world: _World, previous: Any, seed: int) -> CycleSummary:
    from kaohe.audit.actions import audit_record
    from kaohe.demo.records import demo_records_load
    from kaohe.demo.targets import demo_target_agreements
    from kaohe.integrity.demo import plant_integrity_demo
    from kaohe.org.models import Position, Unit
    from kaohe.plans.actions import (
        assessed_cadre_update,
        assessed_unit_update,
        cycle_advance,
        cycle_update,
        participants_enrol,
        plan_clearance_set,
        plan_update,
    )
    from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle
    from kaohe.results.actions import compute_run_create
    from kaohe.results.demo import clearance_demo_load
    from kaohe.results.models import Result
    from kaohe.rules.model import PENDING

    rng = world.rng
    organiser = world.users["demo-organiser"]
    year = roster_demo.CYCLE_YEAR
    cycle = AssessmentCycle.objects.get(year=year)
    cycle_update(
        actor=organiser,
        cycle=cycle,
        name=cycle.name,
        implementation_date=date(year, 12, 1),
        evaluation_date=date(year + 1, 1, 5),
        public_notice_date=date(year + 1, 1, 19),
        completion_date=date(year + 1, 2, 6),
    )
    plan_update(
        actor=organiser,
        cycle=cycle,
        settings=_plan_settings(),
        notes=PLAN_NOTES.format(city=roster_demo.CITY, year=year),
    )
    plan_clearance_set(actor=organiser, cycle=cycle, required=True)  # 党风廉政意见 before 公示
    enrolled = participants_enrol(actor=organiser, cycle=cycle, units=Unit.objects.all())

    assessed_units = {
        a.unit_id: a for a in AssessedUnit.objects.filter(cycle=cycle).select_related("unit", "category")
    }
    assessed_cadres = list(
        AssessedCadre.objects.filter(cycle=cycle)
        .select_related("cadre", "unit")
        .order_by("unit__code", "cadre__code")
    )
    by_unit: dict[int, list[Any]] = defaultdict(list)
    for item in assessed_cadres:
        by_unit[item.unit_id].append(item)

    # The unit whose two cadres tie at its quota line (a government department of 7–9 cadres).
    liaison_unit = world.users["demo-liaison"].unit_id
    tie_unit = next(
        u
        for u in world.units
        if u.category.name == roster_demo.GOVERNMENT
        and 7 <= len(by_unit[u.pk]) <= 9
        and u.pk != world.weak_unit.pk
    )
    tie_items = [c for c in by_unit[tie_unit.pk] if not c.principal][:2]
    tie = (tie_items[0].cadre_id, tie_items[1].cadre_id)
    for item in by_unit[tie_unit.pk]:
        world.cadre_quality[item.cadre_id] = (
            2.0 if item.cadre_id in tie else min(world.cadre_quality[item.cadre_id], 0.2)
        )
    world.unit_quality[tie_unit.pk] = max(world.unit_quality[tie_unit.pk], 0.5)
    spared = {tie_unit.pk, world.weak_unit.pk, liaison_unit}

    # 平时考核 and 领导评价 of cadres (bulk), then the organiser's marks on a few (through the write function).
    for item in assessed_cadres:
        q = world.cadre_quality.get(item.cadre_id, 0.0)
        if item.cadre_id in tie:
            item.regular, item.leader_rating = Decimal(96), Decimal(95)
        else:
            cap = 92 if item.unit_id == tie_unit.pk else 99
            item.regular = _d(min(cap, 88 + 3 * q + rng.gauss(0, 1.5)))
            item.leader_rating = _d(min(cap, 87 + 3 * q + rng.gauss(0, 1.5)))
    AssessedCadre.objects.bulk_update(assessed_cadres, ["regular", "leader_rating"], batch_size=1000)
    free = [
        c
        for c in assessed_cadres
        if c.unit_id not in spared and c.cadre_id not in world.stars and c.cadre_id != world.weak_cadre
    ]
    appointed = set(
        Position.objects.filter(end__isnull=True, start__gte=date(year, 1, 1)).values_list(
            "cadre_id", flat=True
        )
    )
    newcomers = [c for c in free if c.cadre_id in appointed][:2]  # 试用期: appointed this year
    for item in newcomers:
        assessed_cadre_update(
            actor=organiser, item=item, regular=item.regular, probation=True, investigation=False, priority=""
        )
    marked = {c.pk for c in newcomers}
    others = [c for c in free if c.pk not in marked]
    picks = rng.sample(others, 3)
    assessed_cadre_update(
        actor=organiser,
        item=picks[0],
        regular=picks[0].regular,
        probation=False,
        investigation=True,
        priority="",
    )
    for item, why in zip(
        picks[1:],
        (
            "在今年7月防汛抢险中靠前指挥、连续奋战，受到省委省政府通报表扬。",
            "牵头推进全市营商环境改革，相关经验被国务院办公厅通报推广。",
        ),
        strict=True,
    ):
        assessed_cadre_update(
            actor=organiser,
            item=item,
            regular=item.regular,
            probation=False,
            investigation=False,
            priority=why,
        )
    advanced = [u for u in world.units if u.pk not in spared and world.unit_quality[u.pk] > 1.0][:5]
    for unit in advanced:
        assessed_unit_update(actor=organiser, item=assessed_units[unit.pk], advanced=True)

    indicators = _indicators(world, cycle)
    _targets(world, cycle, indicators)
    demo_target_agreements(
        rng=random.Random(seed * 31 + 17),
        cycle=cycle,
        units=world.units,
        users=world.users,
        indicators=indicators,
    )
    cycle_advance(actor=organiser, cycle=cycle, from_phase=cycle.phase, on=date(year, 12, 1))

    scores = _scores(world, indicators)
    _self_evaluations(world, cycle, indicators, scores)
    _department_scores(world, cycle, indicators, scores)
    _leader_ratings(world, cycle)
    answers = _surveys(world, cycle)
    for unit in world.units:  # 公众评议 of the units not surveyed: given by the 12345 hotline's satisfaction
        if unit.category.name != roster_demo.TOWN:
            assessed_units[unit.pk].public_survey = _d(
                89 + 3 * world.unit_quality[unit.pk] + rng.gauss(0, 1.5), "0.01"
            )
    AssessedUnit.objects.bulk_update(list(assessed_units.values()), ["public_survey"])
    _organiser_entries(world, cycle, spared | {c.unit_id for c in newcomers})

    cycle_advance(actor=organiser, cycle=cycle, from_phase=cycle.phase, on=date(year + 1, 1, 5))
    _verifications(world, cycle, indicators, scores)
    sessions, ballots, marks = _sessions(world, cycle, by_unit, tie, tie_unit)
    # The year's records before the plants and the run: their quarterly grades make each cadre's 平时考核,
    # which the boundary plant and the run read, so the stored run is what the engine gives on the demo's data.
    demo_records_load(seed=seed)
    plant_integrity_demo(cycle=cycle, actor=organiser)  # a lenient sitting, a bloc, a thin one, a boundary

    run = compute_run_create(actor=organiser, cycle=cycle, note="全部测评会封存后的第一次计算")
    pending = Result.objects.filter(run=run, grade=PENDING).count()
    clearance_demo_load(cycle=cycle, run=run, organiser=organiser, discipline=world.users["demo-jijian"])
    summary = CycleSummary(
        previous_results=world.previous_results,
        current_units=enrolled.units,
        current_cadres=enrolled.cadres,
        indicators=sum(len(v) for v in indicators.values()),
        sessions=sessions,
        ballots=ballots,
        marks=marks,
        survey_answers=answers,
        pending=pending,
    )
    audit_record(
        actor=roster_demo.DEMO,
        action="demo.cycles_load",
        obj=cycle,
        after={
            "previous_year": previous.year,
            "year": year,
            "ballots": ballots,
            "marks": marks,
            "survey_answers": answers,
            "self_evaluations": _count_self_evaluations(cycle),
            "run": run.version,
            "pending": pending,
        },
    )
    return summary


def _count_self_evaluations(cycle: Any) -> int:
    from kaohe.performance.models import SelfEvaluation

    return SelfEvaluation.objects.filter(cycle=cycle).count()


def _indicators(world: _World, cycle: Any) -> dict[int, list[Any]]:
    """The indicator systems, by category id."""
    from kaohe.org.models import UnitCategory
    from kaohe.plans.actions import indicator_create

    organiser = world.users["demo-organiser"]
    found: dict[int, list[Any]] = {}
    for category in UnitCategory.objects.filter(name__in=list(INDICATORS)).order_by("order"):
        found[category.pk] = [
            indicator_create(
                actor=organiser,
                cycle=cycle,
                category=category,
                code=f"ZB{index:02d}",
                name=spec.name,
                weight=Decimal(spec.weight),
                method=spec.method,
                department=world.departments[spec.department],
            )
            for index, spec in enumerate(INDICATORS[category.name], start=1)
        ]
    return found


def _spec(indicator: Any) -> IndicatorSpec:
    return next(s for s in INDICATORS[indicator.category.name] if s.name == indicator.name)


def _targets(world: _World, cycle: Any, indicators: dict[int, list[Any]]) -> None:
    from kaohe.plans.actions import target_set

    organiser = world.users["demo-organiser"]
    rng = world.rng
    amounts = {"经济发展": (5.0, 7.5, 1), "项目建设": (8, 30, 0), "乡村振兴": (60, 95, 0),
               "生态环境": (85, 92, 0), "安全生产": (1, 3, 0)}  # fmt: skip
    for unit in world.units:
        if unit.category.name != roster_demo.TOWN:
            continue
        for indicator in indicators[unit.category_id]:
            spec = _spec(indicator)
            if spec.target is None:
                continue
            low, high, digits = amounts[spec.name]
            value = round(rng.uniform(low, high), digits) if digits else rng.randint(int(low), int(high))
            target_set(
                actor=organiser,
                cycle=cycle,
                unit=unit,
                indicator=indicator,
                content=spec.target[0],
                amount=spec.target[1].format(n=value),
                deadline=date(cycle.year, 12, 31),
            )


def _scores(world: _World, indicators: dict[int, list[Any]]) -> dict[tuple[int, int], Decimal]:
    """The 'true' score of each unit on each of its indicators: what the department gives."""
    rng = world.rng
    found = {}
    for unit in world.units:
        q = world.unit_quality[unit.pk]
        for indicator in indicators[unit.category_id]:
            found[(unit.pk, indicator.pk)] = _d(_clip(87 + 4.5 * q + rng.gauss(0, 3), 55, 100))
    return found


def _narrative(rng: random.Random, name: str) -> str:
    return NARRATIVES[name].format(a=rng.randint(3, 60), b=round(rng.uniform(90, 99.5), 1))


def _self_evaluations(
    world: _World, cycle: Any, indicators: dict[int, list[Any]], scores: dict[tuple[int, int], Decimal]
) -> None:
    """Most units have evaluated themselves; five have not started, the demo liaison's unit is half done."""
    from kaohe.performance.actions import self_evaluation_save
    from kaohe.performance.models import SelfEvaluation

    rng = world.rng
    liaison = world.users["demo-liaison"]
    late = {u.pk for u in rng.sample([u for u in world.units if u.pk != liaison.unit_id], 5)}
    rows = []
    for unit in world.units:
        if unit.pk in late:
            continue
        system = indicators[unit.category_id]
        for index, indicator in enumerate(system):
            claimed = min(Decimal(100), scores[(unit.pk, indicator.pk)] + _d(rng.uniform(0.5, 6)))
            narrative = _narrative(rng, indicator.name)
            if unit.pk == liaison.unit_id:
                if index < len(system) - 3:
                    self_evaluation_save(
                        actor=liaison,
                        cycle=cycle,
                        unit=unit,
                        indicator=indicator,
                        claimed=claimed,
                        narrative=narrative,
                    )
                continue
            rows.append(
                SelfEvaluation(
                    cycle=cycle, unit=unit, indicator=indicator, claimed=claimed, narrative=narrative
                )
            )
    SelfEvaluation.objects.bulk_create(rows, batch_size=1000)


def _department_scores(
    world: _World, cycle: Any, indicators: dict[int, list[Any]], scores: dict[tuple[int, int], Decimal]
) -> None:
    """Each department scores its indicators; the demo clerk's 市发改委 has not yet scored four towns (the
    first group's assessors have verified those on site, so the results can be computed)."""
    from kaohe.performance.actions import indicator_scores_save
    from kaohe.plans.models import AssessedUnit

    assessed = {a.unit_id: a for a in AssessedUnit.objects.filter(cycle=cycle).select_related("unit")}
    towns = [u for u in world.units if u.category.name == roster_demo.TOWN]
    world.unscored = {u.pk for u in towns[1:5]}
    for code, department in sorted(world.departments.items()):
        actor = (
            world.users["demo-clerk"]
            if world.users["demo-clerk"].department_id == department.pk
            else world.users["demo-organiser"]
        )
        cells = {}
        for unit in world.units:
            for indicator in indicators[unit.category_id]:
                if indicator.department_id != department.pk:
                    continue
                if code == "BM01" and unit.pk in world.unscored:
                    continue
                cells[(assessed[unit.pk], indicator)] = scores[(unit.pk, indicator.pk)]
        if cells:
            indicator_scores_save(actor=actor, cycle=cycle, department=department, cells=cells)


def _verifications(
    world: _World, cycle: Any, indicators: dict[int, list[Any]], scores: dict[tuple[int, int], Decimal]
) -> None:
    """The first group's on-site verification: all its units but two towns, which the assessor has still to
    visit (their department scores are in)."""
    from kaohe.performance.actions import verification_set

    rng = world.rng
    assessor = world.users["demo-assessor"]
    first = [u for u in world.units if world.groups[u.pk] == roster_demo.GROUP_NAMES[0]]
    towns = [u for u in first if u.category.name == roster_demo.TOWN]
    to_visit = {u.pk for u in towns[-2:]}
    for unit in first:
        if unit.pk in to_visit:
            continue
        for indicator in indicators[unit.category_id]:
            score = scores[(unit.pk, indicator.pk)]
            if unit.pk in world.unscored and indicator.department.code == "BM01":
                reason = VERIFY_ALONE
            else:
                roll = rng.random()
                if roll < 0.7:
                    reason = rng.choice(VERIFY_AGREE)
                elif roll < 0.93:
                    cut = _d(rng.uniform(0.5, 4))
                    score, reason = max(Decimal(0), score - cut), rng.choice(VERIFY_CUT).format(d=cut)
                else:
                    raise_ = min(Decimal(100) - score, _d(rng.uniform(0.5, 2)))
                    if raise_ <= 0:
                        reason = rng.choice(VERIFY_AGREE)
                    else:
                        score, reason = score + raise_, VERIFY_RAISE[0].format(d=raise_)
            verification_set(
                actor=assessor, cycle=cycle, unit=unit, indicator=indicator, score=score, reason=reason
            )


def _leader_ratings(world: _World, cycle: Any) -> None:
    """The demo leader has rated all units but eight."""
    from kaohe.performance.actions import leader_rating_save

    rng = world.rng
    leader = world.users["demo-leader"]
    skipped = {u.pk for u in rng.sample(world.units, 8)}
    for unit in world.units:
        if unit.pk in skipped:
            continue
        score = _d(_clip(86 + 4 * world.unit_quality[unit.pk] + rng.gauss(0, 2), 60, 99))
        comment = LEADER_COMMENTS[0 if score >= 92 else 1 if score >= 89 else 2 if score >= 85 else 4]
        leader_rating_save(actor=leader, cycle=cycle, unit=unit, score=score, comment=comment)


def _surveys(world: _World, cycle: Any) -> int:
    """公众评议 of the towns by one-time codes: 80 codes each, most used, answers drawn by the town's quality."""
    from kaohe.org.models import UnitCategory
    from kaohe.surveys.actions import survey_bulk_create, survey_codes_generate, survey_set_open
    from kaohe.surveys.models import SurveyCode, SurveyMode, SurveyResponse

    rng = world.rng
    organiser = world.users["demo-organiser"]
    towns = UnitCategory.objects.get(name=roster_demo.TOWN)
    quality = world.unit_quality
    answers = []
    for survey in survey_bulk_create(actor=organiser, cycle=cycle, category=towns, mode=SurveyMode.CODES):
        survey_codes_generate(actor=organiser, survey=survey, count=80)
        used = rng.randint(48, 76)
        codes = list(SurveyCode.objects.filter(survey=survey).order_by("code").values_list("pk", flat=True))
        SurveyCode.objects.filter(pk__in=rng.sample(codes, used)).update(used=True)
        q = quality[survey.unit_id]
        satisfied, unsatisfied = _clip(0.72 + 0.08 * q, 0.3, 0.95), _clip(0.05 - 0.03 * q, 0.01, 0.3)
        for _ in range(used):
            roll = rng.random()
            choice = "满意" if roll < satisfied else "不满意" if roll > 1 - unsatisfied else "基本满意"
            comment = rng.choice(SURVEY_COMMENTS[choice]) if rng.random() < 0.2 else ""
            answers.append(SurveyResponse(id=uuid.uuid4(), survey=survey, choice=choice, comment=comment))
        survey_set_open(actor=organiser, survey=survey, is_open=True)
    SurveyResponse.objects.bulk_create(answers, batch_size=2000)
    return len(answers)


def _organiser_entries(world: _World, cycle: Any, spared: set[int]) -> None:
    """加减分 (three approved, one rejected, one awaiting approval), one veto and two sanctions."""
    from kaohe.performance.actions import adjustment_decide, adjustment_propose, sanction_record, veto_record
    from kaohe.plans.models import AssessedCadre

    rng = world.rng
    organiser = world.users["demo-organiser"]
    open_units = [u for u in world.units if u.pk not in spared]
    bonus_a, bonus_b, deduction, rejected, proposed = rng.sample(open_units, 5)
    entries = [
        (bonus_a, "加分", "1", "获评全省营商环境建设先进单位（省政府办公厅文件），按方案加1分。", True),
        (bonus_b, "加分", "0.5", "承担的改革试点经验被省委改革办推广，按方案加0.5分。", True),
        (deduction, "扣分", "2", "中央生态环境保护督察交办件整改不到位被省级通报，按方案扣2分。", True),
        (rejected, "加分", "1", "获评市级文明单位。", False),
        (proposed, "加分", "1.5", "在全省乡村振兴现场推进会上作典型发言，申请加1.5分。", None),
    ]
    for unit, kind, points, reason, approve in entries:
        adjustment = adjustment_propose(
            actor=organiser, cycle=cycle, unit=unit, kind=kind, points=Decimal(points), reason=reason
        )
        if approve is not None:
            adjustment_decide(actor=organiser, adjustment=adjustment, approve=approve)
    veto_town = next(
        u for u in open_units if u.category.name == roster_demo.TOWN and u not in (bonus_a, bonus_b)
    )
    veto_record(
        actor=organiser,
        cycle=cycle,
        unit=veto_town,
        item="辖区内发生一起较大生产安全事故（3人死亡），按方案实行安全生产一票否决。",
    )
    sanctioned = list(
        AssessedCadre.objects.filter(
            cycle=cycle, principal=False, probation=False, investigation=False, priority=""
        )
        .exclude(unit_id__in=spared | {veto_town.pk})
        .exclude(cadre_id__in=[*world.stars, world.weak_cadre])
        .select_related("cadre")
        .order_by("cadre__code")
    )
    first, second = rng.sample(sanctioned, 2)
    sanction_record(
        actor=organiser, cycle=cycle, cadre=first.cadre, name="政务警告", year=cycle.year,
        note="违规审批项目资金，给予政务警告处分。",
    )  # fmt: skip
    sanction_record(
        actor=organiser, cycle=cycle, cadre=second.cadre, name="诫勉", year=cycle.year,
        note="落实意识形态工作责任制不力，经研究予以诫勉。",
    )  # fmt: skip
    adjustment = adjustment_propose(
        actor=organiser, cycle=cycle, cadre=sanctioned[len(sanctioned) // 2].cadre, kind="加分", points=Decimal(1),
        reason="被评为全省优秀共产党员，按方案加1分。",
    )  # fmt: skip
    adjustment_decide(actor=organiser, adjustment=adjustment, approve=True)


def _sessions(
    world: _World, cycle: Any, by_unit: dict[int, list[Any]], tie: tuple[int, int], tie_unit: Any
) -> tuple[int, int, int]:
    """One 民主测评会 per unit, online with one-time codes, closed and sealed; one enterprise voted on paper,
    and two of its paper ballots rate too many cadres 优秀."""
    from kaohe.ballots import actions as ballot_actions
    from kaohe.ballots.codes import new_receipt
    from kaohe.ballots.models import BallotTemplate, BallotToken, SessionKind, TemplateKind
    from kaohe.plans.models import AssessmentGroup

    rng = world.rng
    organiser = world.users["demo-organiser"]
    team_template = BallotTemplate.objects.get(name="领导班子测评票", kind=TemplateKind.TEAM)
    cadre_template = BallotTemplate.objects.get(name="干部测评票", kind=TemplateKind.CADRE)
    groups = {g.name: g for g in AssessmentGroup.objects.filter(cycle=cycle)}
    paper_unit = [u for u in world.units if u.category.name == roster_demo.ENTERPRISE][0]
    sessions = ballots = marks = 0
    for unit in world.units:
        items = by_unit[unit.pk]
        paper = unit.pk == paper_unit.pk
        targets = [ballot_actions.TargetSpec(template=team_template, unit=unit)] + [
            ballot_actions.TargetSpec(template=cadre_template, cadre=item.cadre) for item in items
        ]
        session = ballot_actions.session_create(
            actor=organiser,
            cycle=cycle,
            spec=ballot_actions.SessionSpec(
                name=f"{unit.name}民主测评会" + ("（纸质票）" if paper else ""),
                targets=targets,
                groups=list(RATER_GROUPS),
                kind=SessionKind.PAPER if paper else SessionKind.ONLINE,
                assessment_group=groups[world.groups[unit.pk]],
            ),
        )
        if not paper:
            ballot_actions.session_codes_generate(actor=organiser, session=session, counts=dict(RATER_GROUPS))
            # The demo writes its online ballots opened (below), so the key is never needed again.
            ballot_actions.session_key_issue(actor=organiser, session=session)
        ballot_actions.session_open(actor=organiser, session=session)
        sizes = [(g, n - (rng.random() < 0.3) * rng.randint(1, 2)) for g, n in RATER_GROUPS]
        rows = _unit_ballots(
            world,
            unit.pk,
            [item.cadre_id for item in items],
            tie=tie if unit.pk == tie_unit.pk else None,
            over_limit=2 if paper else 0,
            group_sizes=sizes,
        )
        rng.shuffle(rows)
        numbers = [f"{i + 1:04d}" for i in range(len(rows))] if paper else [new_receipt() for _ in rows]
        n_ballots, n_marks = _store_ballots(session, unit, rows, numbers, team_template, rng)
        if not paper:
            for group, count in sizes:
                tokens = BallotToken.objects.filter(session=session, rater_group=group).order_by("hash")
                BallotToken.objects.filter(pk__in=list(tokens.values_list("pk", flat=True)[:count])).update(
                    used=True
                )
        ballot_actions.session_close(actor=organiser, session=session)
        ballot_actions.session_archive(actor=organiser, session=session)
        sessions, ballots, marks = sessions + 1, ballots + n_ballots, marks + n_marks
    return sessions, ballots, marks
