"""An interview record as plain data: what is sealed, field by field, and how it is checked. Imports no Django.

The whole record — interviewers, date, interviewee, every evaluation and problem — is one JSON document
sealed by kaohe.crypto; only the interviewee's place on the unit's list stays in clear (who was heard).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# 领导班子的五个方面
ASPECTS = ("政治思想建设", "领导能力", "工作实绩", "党风廉政建设", "作风建设")
# 干部的德能勤绩廉
QUALITIES = ("德", "能", "勤", "绩", "廉")
GRADES = ("优秀", "称职", "基本称职", "不称职")
# Problems are typed freely, and ticked under these headings: the summary counts headings, never words.
PROBLEM_TAGS = (
    "政治站位和理论学习",
    "民主集中制执行",
    "担当作为和工作落实",
    "形式主义官僚主义",
    "干部队伍和人才建设",
    "廉政风险防控",
    "服务群众",
    "团结协作",
)
SOURCES = ("typed", "handwritten")  # typed in the app during the talk, or later from the handwritten form
MIN_INTERVIEWERS = 2


@dataclass
class CadreEvaluation:
    cadre_id: int
    name: str
    comments: dict[str, str] = field(default_factory=dict)  # 德/能/勤/绩/廉 → comment
    grade: str = ""  # recommended grade, one of GRADES, or blank (not given)


@dataclass
class InterviewRecord:
    held_on: date
    interviewers: list[str]
    interviewee_name: str
    interviewee_post: str
    team: dict[str, str] = field(default_factory=dict)  # aspect → comment
    cadres: list[CadreEvaluation] = field(default_factory=list)
    problems: str = ""
    problem_tags: list[str] = field(default_factory=list)
    suggestions: str = ""
    recommended: list[int] = field(default_factory=list)  # cadre ids recommended for promotion
    source: str = "typed"

    def to_json(self) -> bytes:
        data = asdict(self)
        data["held_on"] = self.held_on.isoformat()
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> InterviewRecord:
        data: dict[str, Any] = json.loads(raw)
        data["held_on"] = date.fromisoformat(data["held_on"])
        data["cadres"] = [CadreEvaluation(**c) for c in data.get("cadres", [])]
        return cls(**data)

    def grade_of(self, cadre_id: int) -> str:
        return next((c.grade for c in self.cadres if c.cadre_id == cadre_id), "")


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}：{self.message}"


def check(
    record: InterviewRecord,
    *,
    cadre_ids: set[int],
    today: date,
    recommend_allowed: bool,
    interviewee_cadre_id: int | None = None,
) -> list[Problem]:
    """Everything wrong with `record` for a unit whose assessed cadres are `cadre_ids`; empty when it may be saved."""
    problems = []
    names = [n.strip() for n in record.interviewers if n.strip()]
    if len(set(names)) < MIN_INTERVIEWERS:
        problems.append(
            Problem("谈话人", f"至少需要 {MIN_INTERVIEWERS} 名不同的谈话人，现有 {len(set(names))} 名。")
        )
    if record.held_on > today:
        problems.append(Problem("谈话日期", f"{record.held_on:%Y-%m-%d} 晚于今天。"))
    if not record.interviewee_name.strip():
        problems.append(Problem("谈话对象", "姓名不能为空。"))
    for aspect in record.team:
        if aspect not in ASPECTS:
            problems.append(Problem("班子评价", f"“{aspect}”不是班子评价的方面（{'、'.join(ASPECTS)}）。"))
    for evaluation in record.cadres:
        if evaluation.cadre_id not in cadre_ids:
            problems.append(Problem("干部评价", f"“{evaluation.name}”不是本单位参加考核的干部。"))
        if evaluation.cadre_id == interviewee_cadre_id:
            problems.append(Problem("干部评价", f"谈话对象{evaluation.name}不评价自己（自评另行进行）。"))
        if evaluation.grade and evaluation.grade not in GRADES:
            problems.append(
                Problem(
                    f"{evaluation.name}的推荐等次", f"“{evaluation.grade}”不是等次（{'、'.join(GRADES)}）。"
                )
            )
        for quality in evaluation.comments:
            if quality not in QUALITIES:
                problems.append(Problem(f"{evaluation.name}的评价", f"“{quality}”不是德能勤绩廉之一。"))
    for tag in record.problem_tags:
        if tag not in PROBLEM_TAGS:
            problems.append(Problem("问题类别", f"“{tag}”不是问题类别。"))
    if record.recommended and not recommend_allowed:
        problems.append(Problem("推荐", "本年度方案未要求在谈话中推荐干部。"))
    for cadre_id in record.recommended:
        if cadre_id not in cadre_ids:
            problems.append(Problem("推荐", f"编号 {cadre_id} 不是本单位参加考核的干部。"))
    if record.source not in SOURCES:
        problems.append(Problem("录入方式", f"“{record.source}”不是录入方式。"))
    return problems
