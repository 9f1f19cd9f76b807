"""党风廉政意见 before 公示: which proposed 优秀 still stop publishing and finalising (plain Python).

Each proposed 优秀 needs the discipline-inspection body's answer; an answer of 有反映需核实 or 不同意 needs
the committee's recorded decision; a decision not to confirm 优秀 needs the grade changed (a committee
decision on the result) before the list may go out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CLEAR = "clear"
CHECK = "check"
REFUSE = "refuse"
KEEP = "keep"
WITHDRAW = "withdraw"
ANSWER_LABELS = {CLEAR: "无反映", CHECK: "有反映需核实", REFUSE: "不同意"}


@dataclass(frozen=True)
class Opinion:
    """What is recorded on one person: the answer ('' while none) and the committee's resolution ('')."""

    answer: str = ""
    resolution: str = ""


@dataclass(frozen=True)
class Candidate:
    kind: str
    code: str
    name: str


def clearance_problems(
    candidates: Iterable[Candidate], opinions: Mapping[tuple[str, str], Opinion]
) -> list[str]:
    """One message per kind of problem, naming the people; empty when 公示 may go ahead."""
    unsent: list[str] = []
    unanswered: list[str] = []
    undecided: list[str] = []
    withdrawn: list[str] = []
    for c in candidates:
        opinion = opinions.get((c.kind, c.code))
        if opinion is None:
            unsent.append(c.name)
        elif not opinion.answer:
            unanswered.append(c.name)
        elif opinion.answer != CLEAR and not opinion.resolution:
            undecided.append(f"{c.name}（{ANSWER_LABELS.get(opinion.answer, opinion.answer)}）")
        elif opinion.answer != CLEAR and opinion.resolution == WITHDRAW:
            withdrawn.append(c.name)
    problems = []
    if unsent:
        problems.append(f"拟定优秀 {len(unsent)} 个尚未征求党风廉政意见：{'、'.join(unsent)}")
    if unanswered:
        problems.append(f"纪检监察机关尚未回复党风廉政意见 {len(unanswered)} 个：{'、'.join(unanswered)}")
    if undecided:
        problems.append(f"党风廉政意见有反映或不同意，领导小组尚未决定：{'、'.join(undecided)}")
    if withdrawn:
        problems.append(f"领导小组已决定不确定为优秀，请先调整其等次：{'、'.join(withdrawn)}")
    return problems
