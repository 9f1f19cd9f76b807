"""党风廉政意见 pages: the organiser's and the committee's (beside the candidates), the body's own list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.access import (
    CLEARANCE_ANSWERERS,
    CLEARANCE_READERS,
    CLEARANCE_RESOLVERS,
    CLEARANCE_SENDERS,
    CYCLE_EDITORS,
    role_required,
)
from kaohe.plans import actions as plan_actions
from kaohe.plans.selectors import get_cycle
from kaohe.results import actions, clearance, selectors
from kaohe.results.models import ClearanceAnswer, ClearanceResolution


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(*CLEARANCE_READERS)
@require_GET
def clearance_page(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    state = selectors.results_state(cycle)
    proposed = selectors.proposed_excellent(cycle, state.run) if state.run else []
    return render(
        request,
        "results/clearance.html",
        {
            "cycle": cycle,
            "state": state,
            "required": clearance.required(cycle),
            "rows": clearance.candidates(cycle, state.run, proposed),
            "problems": clearance.problems(cycle, lambda: proposed) if state.run else [],
            "can_send": request.user.has_role(*CLEARANCE_SENDERS),
            "can_resolve": request.user.has_role(*CLEARANCE_RESOLVERS),
            "can_plan": request.user.has_role(*CYCLE_EDITORS),
            "resolutions": ClearanceResolution.choices,
        },
    )


@role_required(*CYCLE_EDITORS)
@require_POST
def clearance_required_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    try:
        plan_actions.plan_clearance_set(
            actor=request.user, cycle=cycle, required=request.POST.get("required") == "1"
        )
    except ValidationError as error:
        _errors(request, error)
    return redirect("results:clearance", cycle.year)


@role_required(*CLEARANCE_SENDERS)
@require_POST
def clearance_send(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    state = selectors.results_state(cycle)
    try:
        created = actions.clearance_request(actor=request.user, cycle=cycle, run=state.run)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已向纪检监察机关征求 %(n)s 人的党风廉政意见。") % {"n": len(created)})
    return redirect("results:clearance", cycle.year)


@role_required(*CLEARANCE_RESOLVERS)
@require_POST
def clearance_resolve_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    item = clearance.get_request(cycle, pk)
    try:
        actions.clearance_resolve(
            actor=request.user,
            request=item,
            resolution=request.POST.get("resolution", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已记录领导小组的决定。"))
    return redirect("results:clearance", cycle.year)


@role_required(*CLEARANCE_ANSWERERS)
@require_GET
def clearance_inbox(request: HttpRequest) -> HttpResponse:
    items = clearance.requests_for_answer(request.user).values(*clearance.ANSWER_FIELDS)
    return render(
        request, "results/clearance_inbox.html", {"items": list(items), "answers": ClearanceAnswer.choices}
    )


@role_required(*CLEARANCE_ANSWERERS)
@require_POST
def clearance_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = clearance.get_request_for_answer(request.user, pk)
    try:
        actions.clearance_answer(
            actor=request.user,
            request=item,
            answer=request.POST.get("answer", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已回复 %(name)s 的党风廉政意见。") % {"name": item.name})
    return redirect("results:clearance_inbox")
