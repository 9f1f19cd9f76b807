"""The demo's 党风廉政意见: the current cycle's proposed 优秀 sent to the discipline-inspection body, which has
answered all but the last two; one answer is 有反映需核实 and waits for the committee's decision."""

from __future__ import annotations

from typing import Any

from kaohe.plans.models import AssessmentCycle
from kaohe.results.actions.clearance import clearance_answer, clearance_request
from kaohe.results.models import ClearanceAnswer, ComputeRun, Kind

REFLECTION = "收到群众来信一封，反映其在工程项目验收中把关不严，正在核实，尚无结论。"


def clearance_demo_load(*, cycle: AssessmentCycle, run: ComputeRun, organiser: Any, discipline: Any) -> None:
    requests = clearance_request(actor=organiser, cycle=cycle, run=run)
    answered = requests[:-2]
    reflected = next((r for r in answered if r.kind == Kind.CADRE), None)
    for request in answered:
        if request is reflected:
            clearance_answer(actor=discipline, request=request, answer=ClearanceAnswer.CHECK, note=REFLECTION)
        else:
            clearance_answer(actor=discipline, request=request, answer=ClearanceAnswer.CLEAR, note="")
