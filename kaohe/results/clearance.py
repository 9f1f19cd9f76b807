"""Reading 党风廉政意见 (ClearanceRequest): the rule on a cycle, the committee's view, the body's list.

The discipline-inspection account reads only ``requests_for_answer``: name, unit and post of each person
asked about, never a score, a rank or a ballot figure. Deny by default: any other role gets nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaohe.accounts.access import CLEARANCE_ANSWERERS
from kaohe.plans.models import AssessmentCycle, AssessmentPlan
from kaohe.results.models import ClearanceRequest, ComputeRun
from kaohe.rules.clearance import Candidate, Opinion, clearance_problems

# What the discipline-inspection body is shown of a request: nothing else is ever loaded for it.
ANSWER_FIELDS = (
    "id", "cycle__year", "name", "unit_name", "post", "requested_at", "answer", "answer_note", "answered_at",
)  # fmt: skip


def required(cycle: AssessmentCycle) -> bool:
    """Whether the plan says 公示 waits for the 党风廉政意见 on every proposed 优秀."""
    return AssessmentPlan.objects.filter(cycle=cycle, clearance_required=True).exists()


def requests(cycle: AssessmentCycle) -> dict[tuple[str, str], ClearanceRequest]:
    return {
        (r.kind, r.code): r
        for r in ClearanceRequest.objects.filter(cycle=cycle).select_related(
            "requested_by", "answered_by", "resolved_by"
        )
    }


def problems(cycle: AssessmentCycle, proposed: Callable[[], list[dict[str, Any]]]) -> list[str]:
    """What stops 公示 and the seal on the 党风廉政意见. ``proposed`` gives the proposed 优秀
    (``selectors.proposed_excellent``), asked only when the plan requires the opinions: a province has 10,000."""
    if not required(cycle):
        return []
    opinions = {key: Opinion(r.answer, r.resolution) for key, r in requests(cycle).items()}
    return clearance_problems((Candidate(e["kind"], e["code"], e["name"]) for e in proposed()), opinions)


def candidates(
    cycle: AssessmentCycle, run: ComputeRun | None, proposed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The proposed 优秀 beside their request (or None), for the committee's page."""
    found = requests(cycle)
    rows = [{**e, "request": found.pop((e["kind"], e["code"]), None), "proposed": True} for e in proposed]
    # Asked about earlier but no longer proposed (a decision changed the grade): kept visible.
    rows += [
        {
            "kind": r.kind,
            "code": r.code,
            "name": r.name,
            "unit_name": r.unit_name,
            "request": r,
            "proposed": False,
        }
        for r in found.values()
    ]
    return rows


def requests_for_answer(user: Any) -> QuerySet[ClearanceRequest]:
    """The discipline-inspection body's list, newest cycle first; empty for any other role."""
    if not user.is_authenticated or not user.has_role(*CLEARANCE_ANSWERERS):
        return ClearanceRequest.objects.none()
    return ClearanceRequest.objects.order_by("-cycle__year", "id")


def get_request_for_answer(user: Any, pk: int) -> ClearanceRequest:
    return get_object_or_404(requests_for_answer(user), pk=pk)


def get_request(cycle: AssessmentCycle, pk: int) -> ClearanceRequest:
    return get_object_or_404(ClearanceRequest, cycle=cycle, pk=pk)
