"""The draft outline of one interview, from sentence templates over what is known. Imports no Django.

No language model: each known fact fills one template, so the draft says nothing the data does not.
The interviewer edits the draft before the talk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kaohe.interviews.coverage import DEPUTY, LEADER, MIDDLE, SERVICE, STAFF
from kaohe.interviews.record import ASPECTS

KIND_OPENINGS = {
    LEADER: "请谈谈本人一年来的思想、工作和廉洁自律情况，以及对班子和班子其他成员的评价。",
    MIDDLE: "请从中层干部的角度，谈谈班子的领导和决策、分管工作的推进情况。",
    STAFF: "请从干部职工的角度，谈谈单位一年来的变化和班子成员的作风。",
    SERVICE: "请从服务对象的角度，谈谈该单位办事效率、服务态度和作风方面的感受。",
    DEPUTY: "请从代表、委员的角度，谈谈该单位履行职责、回应社会关切的情况。",
}


@dataclass(frozen=True)
class TargetFact:
    indicator: str
    content: str
    amount: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class VerificationFact:
    indicator: str
    note: str


@dataclass(frozen=True)
class PriorResult:
    name: str  # 领导班子 or a cadre's name
    year: int
    grade: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RectificationFact:
    """A 整改 item of an earlier year not yet closed (销号): the team's, or the interviewee's own letter's."""

    year: int
    problem: str
    own: bool = False


@dataclass(frozen=True)
class OutlineFacts:
    unit: str
    interviewee: str
    post: str
    kind: str
    cadres: Sequence[str] = ()
    targets: Sequence[TargetFact] = ()
    verifications: Sequence[VerificationFact] = ()
    prior: Sequence[PriorResult] = ()
    rectifications: Sequence[RectificationFact] = field(default_factory=tuple)


def draft_outline(facts: OutlineFacts) -> str:
    lines = [
        f"{facts.unit}个别谈话提纲（谈话对象：{facts.interviewee}{'，' + facts.post if facts.post else ''}）",
        "",
    ]
    questions: list[str] = [KIND_OPENINGS.get(facts.kind, KIND_OPENINGS[STAFF])]
    questions.append(f"对{facts.unit}领导班子在{'、'.join(ASPECTS)}五个方面的表现如何评价？")
    for target in facts.targets:
        detail = f"（目标值：{target.amount}）" if target.amount else ""
        deadline = f"，时限{target.deadline}" if target.deadline else ""
        questions.append(
            f"“{target.indicator}”的目标任务“{target.content}”{detail}{deadline}完成得怎样？有什么困难？"
        )
    for verification in facts.verifications:
        questions.append(
            f"现场核验“{verification.indicator}”时注意到：{verification.note}。您了解的情况如何？"
        )
    for prior in facts.prior:
        flags = f"，并被标记为{'、'.join(prior.flags)}" if prior.flags else ""
        if prior.grade or flags:
            questions.append(f"{prior.name}{prior.year}年度考核为“{prior.grade}”{flags}，今年有哪些变化？")
    for item in facts.rectifications:
        whose = "您" if item.own else ""
        problem = item.problem.strip().rstrip("。；;")
        questions.append(
            f"{whose}{item.year}年度考核反馈的整改事项“{problem}”尚未销号，目前落实得怎样？还有哪些差距？"
        )
    if facts.cadres:
        questions.append(
            f"对班子成员{'、'.join(facts.cadres)}逐一从德、能、勤、绩、廉五个方面作出评价，并提出推荐等次（优秀、称职、基本称职、不称职）。"
        )
    questions.append("单位和班子存在哪些突出问题？有什么意见和建议？")
    lines.extend(f"{i}. {q}" for i, q in enumerate(questions, 1))
    return "\n".join(lines)
