"""Drafting the 综合分析报告 from sentence templates: plain data in, four sections of text out. No Django.

The input (``DraftInput``) holds what is known today about one leadership team or cadre; each *source*
below turns one part of it into sentences for the sections 主要成绩、存在不足、意见建议. A part that is
missing (``None``) contributes nothing, so a source added later is one more field and one more function in
``SOURCES``, and no section shows anything not in the data.

The k rule is applied by the caller when it builds ``RaterGroup`` rows (``groups_shown``), aspect counts
and ``Interviews`` (the interview summary's counts, never a word of a record); this module only states what
it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SECTIONS = ("主要成绩", "存在不足", "意见建议", "评定等次建议")
EXCELLENT = "优秀"
PENDING = "待定"
UNGRADED = "不定等次"
POOR_GRADES = ("基本称职", "不称职", "一般", "较差")


@dataclass(frozen=True)
class RaterGroup:
    name: str
    ballots: int
    score: Decimal


@dataclass(frozen=True)
class Aspect:
    """One item of the ballot beside 总体评价 (德、能、勤、绩、廉 …): choices counted over all raters."""

    name: str
    counts: Mapping[str, int]  # choice → ballots, in the form's order; the first choice is the best
    ballots: int

    @property
    def best_share(self) -> Decimal:
        if not self.ballots or not self.counts:
            return Decimal(0)
        return Decimal(next(iter(self.counts.values()))) / self.ballots


@dataclass(frozen=True)
class Note:
    """A verification note, a bonus or a deduction, a veto: what and why, as recorded."""

    kind: str  # 核验 / 加分 / 扣分 / 否决
    text: str
    points: Decimal | None = None


@dataclass(frozen=True)
class LastYear:
    year: int
    grade: str
    rank: int | None = None
    pool_size: int | None = None
    composite: Decimal | None = None


@dataclass(frozen=True)
class Interviews:
    """What the unit's individual interviews add up to, as its summary shows it (complete, k or more)."""

    heard: int
    problems: tuple[tuple[str, int], ...] = ()  # a team's: the headings ticked most, with their counts
    grades: tuple[tuple[str, int], ...] | None = None  # a cadre's recommended grades; None below k
    recommended: int | None = None  # a cadre: interviews recommending further use; None when not asked


# The four lists' items by the section they speak to; overdue tasks are a shortcoming.
OVERDUE = "逾期未完成的任务"
LIST_SECTIONS = {"成绩清单": "主要成绩", "进度清单": "主要成绩", "问题清单": "存在不足", OVERDUE: "存在不足"}
LIST_ITEMS_SHOWN = 5


@dataclass
class DraftInput:
    kind: str  # "team" or "cadre"
    year: int
    name: str  # 「某某局领导班子」 or the cadre's name
    unit: str
    post: str = ""
    pool: str = ""
    grade: str = ""  # as it stands: final if sealed, else computed with the committee's decisions
    composite: Decimal | None = None
    rank: int | None = None
    pool_size: int | None = None
    democratic: Decimal | None = None
    performance: Decimal | None = None
    shares: Mapping[str, Decimal] | None = None  # vote shares over all valid ballots (k-checked)
    rater_groups: list[RaterGroup] | None = None  # None: not shown by group (k)
    aspects: list[Aspect] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    last_year: LastYear | None = None
    flags: list[str] = field(default_factory=list)
    interviews: Interviews | None = None  # None: no summary may be shown (none held, incomplete, below k)
    lists: Mapping[str, list[str]] | None = None  # the year's items by LIST_SECTIONS' names


Sentences = dict[str, list[str]]


def _n(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.01'))}"


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def _who(d: DraftInput) -> str:
    return "该班子" if d.kind == "team" else "该同志"


def scores(d: DraftInput) -> Sentences:
    out: Sentences = {}
    if d.composite is None or d.rank is None or not d.pool_size:
        return out
    place = f"在「{d.pool}」{d.pool_size}个考核对象中排第{d.rank}名" if d.pool else f"排第{d.rank}名"
    parts = [f"{d.year}年度综合得分{_n(d.composite)}分，{place}"]
    if d.democratic is not None:
        parts.append(f"民主测评得分{_n(d.democratic)}分")
    if d.performance is not None:
        parts.append(f"实绩得分{_n(d.performance)}分")
    sentence = "，".join(parts) + "。"
    third = max(1, d.pool_size // 3)
    if d.rank <= third:
        out["主要成绩"] = [sentence + f"{_who(d)}综合表现位居同类前列。"]
    elif d.rank > d.pool_size - third:
        out["存在不足"] = [sentence + "综合得分在同类考核对象中相对靠后。"]
        out["意见建议"] = ["对照同类考核对象中得分靠前者，查找差距，补齐短板。"]
    else:
        out["主要成绩"] = [sentence + "综合表现处于同类中游。"]
    return out


def votes(d: DraftInput) -> Sentences:
    out: Sentences = {}
    if d.shares:
        best = next(iter(d.shares.items()))
        out.setdefault("主要成绩", []).append(f"民主测评中，「{best[0]}」票占{_pct(best[1])}。")
        worst_name, worst = list(d.shares.items())[-1]
        if worst > 0:
            out.setdefault("存在不足", []).append(f"民主测评中有{_pct(worst)}的评价为「{worst_name}」。")
    if d.rater_groups:
        ranked = sorted(d.rater_groups, key=lambda g: g.score, reverse=True)
        listed = "、".join(f"{g.name}{_n(g.score)}分（{g.ballots}票）" for g in ranked)
        out.setdefault("主要成绩", []).append(f"各评价人类别的测评得分为：{listed}。")
        if len(ranked) > 1 and ranked[0].score - ranked[-1].score >= 5:
            out.setdefault("存在不足", []).append(
                f"「{ranked[-1].name}」的评价低于「{ranked[0].name}」{_n(ranked[0].score - ranked[-1].score)}分，"
                "不同层面的认可度存在差异。"
            )
            out.setdefault("意见建议", []).append(f"注重听取{ranked[-1].name}的意见，改进工作方式。")
    return out


def aspects(d: DraftInput) -> Sentences:
    out: Sentences = {}
    rated = [a for a in d.aspects if a.ballots]
    if len(rated) < 2:
        return out
    ranked = sorted(rated, key=lambda a: a.best_share, reverse=True)
    top, bottom = ranked[0], ranked[-1]
    best_choice = next(iter(top.counts), "")
    out["主要成绩"] = [
        f"各测评项目中，「{top.name}」评价最好，「{best_choice}」评价占{_pct(top.best_share)}。"
    ]
    if bottom.best_share < top.best_share:
        out["存在不足"] = [
            f"「{bottom.name}」方面评价相对较低，「{next(iter(bottom.counts), '')}」评价占{_pct(bottom.best_share)}。"
        ]
        out["意见建议"] = [f"在「{bottom.name}」方面进一步加强。"]
    return out


def notes(d: DraftInput) -> Sentences:
    out: Sentences = {}
    for note in d.notes:
        points = f"{_n(note.points)}分" if note.points is not None else ""
        if note.kind == "加分":
            out.setdefault("主要成绩", []).append(f"加分{points}：{note.text}。")
        elif note.kind == "扣分":
            out.setdefault("存在不足", []).append(f"扣分{points}：{note.text}。")
        elif note.kind == "否决":
            out.setdefault("存在不足", []).append(f"一票否决事项：{note.text}。")
        elif note.kind == "核验":
            out.setdefault("存在不足", []).append(f"指标核验：{note.text}。")
    if any(n.kind in ("扣分", "否决") for n in d.notes):
        out.setdefault("意见建议", []).append("针对扣分和否决事项认真整改，举一反三，防止同类问题再次发生。")
    return out


def comparison(d: DraftInput) -> Sentences:
    out: Sentences = {}
    last = d.last_year
    if last is None:
        return out
    text = f"{last.year}年度考核等次为「{last.grade}」"
    if last.rank is not None and last.pool_size and d.rank is not None:
        text += f"，排名第{last.rank}名（共{last.pool_size}个）"
        if d.rank < last.rank:
            out["主要成绩"] = [text + f"；本年度排名上升{last.rank - d.rank}位。"]
        elif d.rank > last.rank:
            out["存在不足"] = [text + f"；本年度排名下降{d.rank - last.rank}位。"]
            out["意见建议"] = ["分析排名下降的原因，保持工作劲头。"]
        else:
            out["主要成绩"] = [text + "；本年度排名与上年持平。"]
    else:
        out["主要成绩"] = [text + "。"]
    return out


def _counted(pairs: tuple[tuple[str, int], ...]) -> str:
    return "、".join(f"{name}{count}人次" for name, count in pairs if count)


def interviews(d: DraftInput) -> Sentences:
    found = d.interviews
    if found is None or not found.heard:
        return {}
    out: Sentences = {}
    if d.kind == "team":
        if found.problems:
            out["存在不足"] = [f"个别谈话{found.heard}人次，反映较多的问题：{_counted(found.problems[:3])}。"]
            out["意见建议"] = [f"针对谈话中反映较多的「{found.problems[0][0]}」问题，认真研究改进。"]
        else:
            out["主要成绩"] = [f"个别谈话{found.heard}人次，未集中反映问题。"]
        return out
    if found.grades is not None and any(count for _grade, count in found.grades):
        text = f"个别谈话中对其提出的等次意见：{_counted(found.grades)}"
        if found.recommended:
            text += f"；{found.recommended}人次推荐进一步使用"
        out["主要成绩"] = [text + "。"]
    return out


def four_lists(d: DraftInput) -> Sentences:
    out: Sentences = {}
    for name, items in (d.lists or {}).items():
        if not items:
            continue
        text = "；".join(items[:LIST_ITEMS_SHOWN])
        if len(items) > LIST_ITEMS_SHOWN:
            text += f"等{len(items)}项"
        out.setdefault(LIST_SECTIONS.get(name, "存在不足"), []).append(f"{name}：{text}。")
    if (d.lists or {}).get("问题清单") or (d.lists or {}).get(OVERDUE):
        out["意见建议"] = ["对问题清单和逾期任务逐项整改、按期销号。"]
    return out


SOURCES: tuple[Callable[[DraftInput], Sentences], ...] = (
    scores,
    votes,
    aspects,
    notes,
    comparison,
    interviews,
    four_lists,
)


def grade_advice(d: DraftInput) -> str:
    if d.grade == PENDING:
        return f"{_who(d)}与名额池内其他考核对象得分并列，等次待考核工作领导小组研究确定。"
    if d.grade == UNGRADED:
        return f"按规定{_who(d)}本年度不确定考核等次。"
    if not d.grade:
        return "考核结果尚未计算，等次建议待结果计算后提出。"
    reason = ""
    if d.rank is not None and d.pool_size:
        reason = f"综合得分在「{d.pool}」中排第{d.rank}名，" if d.pool else f"综合排名第{d.rank}名，"
    return f"{reason}建议评定为「{d.grade}」等次。"


def draft(d: DraftInput) -> dict[str, str]:
    """The four sections' text, each a paragraph of the sentences the data supports."""
    collected: Sentences = {name: [] for name in SECTIONS[:3]}
    for source in SOURCES:
        for section, sentences in source(d).items():
            collected[section] += sentences
    if not collected["存在不足"]:
        collected["存在不足"].append("本次考核数据中未反映出明显不足。")
    if not collected["意见建议"]:
        collected["意见建议"].append("保持良好势头，在推动重点工作落实上再上新台阶。")
    if not collected["主要成绩"]:
        collected["主要成绩"].append("本次考核数据不足，主要成绩由考核组根据了解的情况填写。")
    sections = {name: "".join(sentences) for name, sentences in collected.items()}
    sections["评定等次建议"] = grade_advice(d)
    return sections
