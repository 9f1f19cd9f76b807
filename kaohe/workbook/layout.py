"""The assessment workbook's format v1 (docs: /spec/workbook.md): its sheets, columns and 参数 settings.

The reader, the template and its 说明 sheet all take the names from here, so they cannot drift apart.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kaohe.rules.model import (
    CADRE_GRADES,
    TEAM_GRADES,
    CadrePool,
    Component,
    ExcellentLimit,
    PriorityMode,
    Rounding,
    RuleSettings,
    TeamPool,
    TieHandling,
    VetoEffect,
)
from kaohe.workbook.sheets import (
    CellError,
    choice,
    decimal,
    integer,
    non_negative,
    pairs,
    positive,
    ratio,
    score,
    show,
    text,
    threshold,
    year,
    yes_no,
)


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False  # the column must be present (its cells may still be optional)


@dataclass(frozen=True)
class SheetLayout:
    name: str
    help: str
    columns: tuple[Column, ...]
    required: bool = False  # the workbook must have this sheet

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)


C = Column
SETTINGS_SHEET = SheetLayout(
    "参数",
    "考核规则的参数，每行一项。已预填全部参数及默认值，按本地方案修改「值」即可；值留空即用默认值。",
    (C("参数", "参数名称，须为下表所列之一", True), C("值", "参数的值", True)),
    required=True,
)
UNITS_SHEET = SheetLayout(
    "单位",
    "参加考核的单位，每个单位一行；每个单位的领导班子随之参加考核，班子的编码即单位编码。",
    (
        C("单位编码", "必填，唯一；单位和干部的编码合在一起不得重复", True),
        C("单位名称", "必填", True),
        C("单位类别", "必填，如 乡镇街道、党群部门；同类别单位共用指标体系和班子名额池", True),
        C("先进单位", "是/否，空白为否；先进单位干部的优秀比例按「干部优秀比例(先进单位)」"),
        C(
            "指标考评",
            "0–100；无「指标」工作表时直接填写指标考评得分，有「指标」工作表时须留空（由指标得分计算）",
        ),
        C("公众评议", "0–100，可空"),
        C("领导评价", "0–100，可空"),
        C("一票否决", "被一票否决的事项；空白为无"),
    ),
    required=True,
)
INDICATORS_SHEET = SheetLayout(
    "指标",
    "按单位类别设置的考核指标；同一类别的指标权重合计须恰好为100。不设指标时删除本表或留空。",
    (
        C("单位类别", "必填，须为「单位」工作表中出现的类别", True),
        C("指标编码", "必填，同一类别内唯一", True),
        C("指标名称", "必填", True),
        C("权重", "必填，大于0；同一类别合计100", True),
    ),
)
INDICATOR_SCORES_SHEET = SheetLayout(
    "指标得分",
    "各单位在本类别各项指标上的得分（核验后）；每个单位须有其类别每项指标的得分。",
    (
        C("单位编码", "必填", True),
        C("指标编码", "必填，须为该单位类别的指标", True),
        C("得分", "必填，0–100", True),
    ),
)
CADRES_SHEET = SheetLayout(
    "干部",
    "参加考核的干部，每人一行。",
    (
        C("干部编码", "必填，唯一；单位和干部的编码合在一起不得重复", True),
        C("姓名", "必填", True),
        C("单位编码", "必填，须为「单位」工作表中的单位", True),
        C("职务", "可空"),
        C("主要负责人", "是/否，空白为否"),
        C("平时考核", "0–100，可空"),
        C("领导评价", "0–100，可空"),
        C("试用期", "是/否，空白为否；试用期干部不定等次"),
        C("立案未结", "是/否，空白为否；年底立案未结的不定等次"),
        C("一票否决", "被一票否决的事项；空白为无"),
        C("表现突出", "表现突出的事由（优先评优）；空白为无"),
    ),
    required=True,
)
SANCTIONS_SHEET = SheetLayout(
    "处分",
    "干部受到的处分及其生效年度，按处分影响期确定等次限制。",
    (
        C("干部编码", "必填", True),
        C("处分", "必填，处分名称，须为处分影响表中之一", True),
        C("年度", "必填，处分生效的年度", True),
    ),
)
ADJUSTMENTS_SHEET = SheetLayout(
    "加减分",
    "单位或干部的加分（正向激励）和扣分（效能督查）；单位的加减分计入绩效，干部的计入综合得分。",
    (
        C("对象编码", "必填，单位编码或干部编码", True),
        C("类型", "必填，加分 或 扣分", True),
        C("分值", "必填，大于0", True),
        C("原因", "必填", True),
    ),
)
BALLOTS_SHEET = SheetLayout(
    "测评票",
    "民主测评票，每个评价一行：一张票（一个票号）对多个对象的评价写成多行。"
    "超过一个工作表的行数上限（1048576行）时，接着写在「测评票2」「测评票3」……中，列相同。",
    (
        C("票号", "必填，同一张票的各行票号相同", True),
        C("评价人类别", "必填，如 上级、同级、下级；须在「评价人权重」中设有权重", True),
        C("对象编码", "必填，干部编码，或单位编码（评价该单位领导班子）", True),
        C("评价", "必填；干部：优秀、称职、基本称职、不称职；班子：优秀、良好、一般、较差", True),
    ),
)
PRIOR_GRADES_SHEET = SheetLayout(
    "往年等次",
    "往年的考核等次，用于记三等功资格、辞退、班子调整等提示。",
    (
        C("对象编码", "必填，干部编码或单位编码（领导班子）", True),
        C("年度", "必填，早于考核年度", True),
        C(
            "等次",
            "必填；干部：优秀、称职、基本称职、不称职、不定等次；班子：优秀、良好、一般、较差、不定等次",
            True,
        ),
    ),
)


def ballot_sheet_names(names: list[str]) -> list[str]:
    """测评票 and its continuations 测评票2, 测评票3 … in order: Excel holds 1,048,576 rows a sheet."""
    found = [(int(name[3:] or 1), name) for name in names if re.fullmatch(r"测评票\d*", name)]
    return [name for _, name in sorted(found)]


SHEETS = (
    SETTINGS_SHEET,
    UNITS_SHEET,
    INDICATORS_SHEET,
    INDICATOR_SCORES_SHEET,
    CADRES_SHEET,
    SANCTIONS_SHEET,
    ADJUSTMENTS_SHEET,
    BALLOTS_SHEET,
    PRIOR_GRADES_SHEET,
)


# --- 参数 ----------------------------------------------------------------------------------------------


def _enum(kind: type[enum.StrEnum]) -> Callable[[object], Any]:
    allowed = choice(member.value for member in kind)
    return lambda value: kind(allowed(value))


def _choice_values(grades: tuple[str, ...]) -> Callable[[object], dict[str, Decimal]]:
    parse = pairs(non_negative, grades)

    def parse_all(value: object) -> dict[str, Decimal]:
        values = parse(value)
        if set(values) != set(grades):
            raise CellError(f"{show(value)}须列出{'、'.join(grades)}四项")
        return {grade: values[grade] for grade in grades}

    return parse_all


def _weights(names: tuple[str, ...] | None, as_component: bool) -> Callable[[object], dict[Any, Decimal]]:
    # A rater group's weight must be above 0 (a group not weighted is left out); a component may be 0.
    parse = pairs(non_negative if as_component else positive, names)

    def parse_weights(value: object) -> dict[Any, Decimal]:
        weights = parse(value)
        if not sum(weights.values()):
            raise CellError(f"{show(value)}的权重合计不能为0")
        return {Component(k) if as_component else k: w for k, w in weights.items()}

    return parse_weights


def _excellent_limit(value: object) -> ExcellentLimit:
    """A count of 优秀 per ballot (5), or a share of the cadres on it (20%, or 0.2)."""
    raw = text(value)
    if raw.endswith(("%", "％")) or decimal(value) < 1:
        return ExcellentLimit(percent=ratio(value))
    return ExcellentLimit(count=integer(value))


@dataclass(frozen=True)
class Setting:
    name: str
    field: str
    parse: Callable[[object], Any]
    help: str


S = Setting
_CADRE_PARTS = ("民主测评", "实绩", "平时考核", "领导评价")
SETTINGS = (
    S("年度", "year", year, "必填，考核的年度，如 2025"),
    S("干部优秀比例", "cadre_excellent_ratio", ratio, "干部优秀等次名额比例；20%、0.2、20 意思相同"),
    S("干部优秀比例(先进单位)", "cadre_excellent_ratio_advanced", ratio, "先进单位干部的优秀比例"),
    S("班子优秀比例", "team_excellent_ratio", ratio, "领导班子优秀等次名额比例"),
    S("名额取整", "quota_rounding", _enum(Rounding), "向下取整、四舍五入 或 向上取整"),
    S("干部名额池", "cadre_pool", _enum(CadrePool), "干部优秀名额按 单位、单位类别 或 全部 计算"),
    S("班子名额池", "team_pool", _enum(TeamPool), "班子优秀名额按 单位类别 或 全部 计算"),
    S("并列处理", "tie_handling", _enum(TieHandling), "名额线上同分：领导小组决定（均为待定）或 允许超额"),
    S("优先方式", "priority_mode", _enum(PriorityMode), "表现突出：同分优先（同分时先入选）或 优先入选"),
    S("干部票值", "cadre_choice_values", _choice_values(CADRE_GRADES), "干部测评各选项的分值"),
    S("班子票值", "team_choice_values", _choice_values(TEAM_GRADES), "班子测评各选项的分值"),
    S(
        "评价人权重",
        "rater_group_weights",
        _weights(None, False),
        "各评价人类别的权重；测评票中的类别须在此列出",
    ),
    S("干部综合构成", "cadre_composite_weights", _weights(_CADRE_PARTS, True), "干部综合得分各部分的权重"),
    S(
        "班子综合构成",
        "team_composite_weights",
        _weights(("实绩", "民主测评"), True),
        "班子综合得分各部分的权重",
    ),
    S(
        "绩效构成",
        "performance_weights",
        _weights(("指标考评", "公众评议", "领导评价"), True),
        "单位绩效各部分的权重",
    ),
    S("加分上限", "bonus_cap", non_negative, "每个对象加分合计的上限（扣分不设上限）"),
    S(
        "每票优秀上限",
        "excellent_limit",
        _excellent_limit,
        "每张票评干部优秀的上限：人数（如 5）或比例（如 20%）；空白为不限",
    ),
    S(
        "诫勉线",
        "admonish_line",
        threshold,
        "干部称职及以上、班子良好及以上得票率低于此线提示诫勉，如 2/3",
    ),
    S("不称职线", "adjust_line", threshold, "不称职得票率超过此线提示组织调整，如 1/3"),
    S("最少有效票", "min_valid_marks", integer, "干部和班子的有效票少于此数时提示；0 为不提示"),
    S(
        "末位比例",
        "bottom_ratio",
        ratio,
        "名额池参加排名的人数×此比例（按名额取整）为末位名额n，综合得分比本人低的不足n个的提示为末位"
        "（同分一并提示），不改变等次；空白为不用",
    ),
    S("干部基本称职线", "cadre_basic_line", score, "综合得分低于此线定为基本称职；空白为不用"),
    S("干部不称职线", "cadre_unfit_line", score, "综合得分低于此线定为不称职；空白为不用"),
    S("班子一般线", "team_fair_line", score, "班子综合得分低于此线定为一般；空白为不用"),
    S("班子较差线", "team_poor_line", score, "班子综合得分低于此线定为较差；空白为不用"),
    S("一票否决效果", "veto_effect", _enum(VetoEffect), "不得评优 或 最低等次（班子较差、干部不称职）"),
    S(
        "否决连带主要负责人",
        "veto_cascades_to_principal",
        yes_no,
        "是/否：单位被一票否决时，其主要负责人不得评优",
    ),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}
SETTINGS_BY_FIELD = {s.field: s for s in SETTINGS}  # the plan stores settings by field
assert {s.field for s in SETTINGS} == {f.name for f in fields(RuleSettings)} - {"sanction_effects"}


def display_setting(value: object) -> str:
    """A setting's value as written in the 参数 sheet: the inverse of its parser."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    if isinstance(value, ExcellentLimit):
        return str(value.count) if value.count is not None else _percent(value.percent)
    if isinstance(value, dict):
        return ",".join(f"{display_setting(k)}={display_setting(v)}" for k, v in value.items())
    if isinstance(value, Decimal):
        return _plain(value)
    return str(value)


def display_default(setting: Setting) -> str:
    default = {f.name: f for f in fields(RuleSettings)}[setting.field]
    if setting.field == "year":
        return ""
    value: Any = default.default_factory() if callable(default.default_factory) else default.default
    if setting.parse is ratio:
        return _percent(value)
    return display_setting(value)


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{_plain(value * 100)}%"


def _plain(value: Decimal) -> str:
    """20.00 → 20, 87.50 → 87.5."""
    return format(value.normalize(), "f")
