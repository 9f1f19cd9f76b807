"""Targets agreed up and down, in the browser: the units' list, one unit's targets with every round, the
liaison's proposal, the departments' and the organiser's review, the organiser's agreement and reopening.

Scopes come from ``selectors.agreement_units`` (a unit outside it is a 404); each write is the action of
``actions/agreement.py``, which checks the role and the step again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.plans import actions, gate, selectors
from kaohe.plans.models import AgreementStatus, AssessmentCycle, TargetMode

LIST_READERS = (Role.ORGANISER, Role.COMMITTEE, Role.LEADER, Role.CLERK)
REVIEWERS = (Role.ORGANISER, Role.CLERK)
PROPOSERS = (Role.LIAISON,)
DECIDERS = (Role.ORGANISER,)


def _detail_url(cycle: AssessmentCycle, unit_id: int) -> str:
    return reverse("plans:target_agreement", args=[cycle.year, unit_id])


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(*LIST_READERS)
@require_GET
def target_agreement_list_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    rows = selectors.agreement_rows(request.user, cycle, timezone.localdate())
    status = request.GET.get("status", "")
    counts = {value: sum(r.status == value for r in rows) for value in AgreementStatus.values}
    late = sum(r.late for r in rows)
    if status == "late":
        rows = [r for r in rows if r.late]
    elif status in AgreementStatus.values:
        rows = [r for r in rows if r.status == status]
    plan = selectors.plan_of(cycle)
    context = {
        "cycle": cycle,
        "plan": plan,
        "agreed_mode": plan.target_mode == TargetMode.AGREED,
        "rows": rows,
        "status": status,
        "statuses": [(v, label, counts[v]) for v, label in AgreementStatus.choices],
        "late": late,
        "modes": TargetMode.choices,
        "can_set": request.user.has_role(*DECIDERS) and gate.allows(cycle, gate.Activity.PLAN),
        "section": "targets",
        "frozen": cycle.plan_frozen,
        "can_edit": request.user.has_role(*DECIDERS),
    }
    return render(request, "plans/target_agreements.html", context)


@role_required(*DECIDERS)
@require_POST
def target_setting_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    due: datetime.date | None = None
    text = request.POST.get("due", "").strip()
    if text:
        try:
            due = datetime.date.fromisoformat(text)
        except ValueError:
            messages.error(
                request, _("报送截止日期「%(value)s」不是有效日期（如 2025-03-31）") % {"value": text}
            )
            return redirect("plans:target_agreements", cycle.year)
    try:
        actions.plan_targets_set(actor=request.user, cycle=cycle, mode=request.POST.get("mode", ""), due=due)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已保存目标任务的确定方式。"))
    return redirect("plans:target_agreements", cycle.year)


def _actions_for(
    request: HttpRequest, cycle: AssessmentCycle, detail: selectors.AgreementDetail
) -> dict[str, Any]:
    """Which forms the page offers the signed-in account now."""
    user = request.user
    status = detail.agreement.status
    open_plan = gate.allows(cycle, gate.Activity.PLAN) and selectors.targets_agreed(cycle)
    concurred = False
    if user.has_role(Role.CLERK):
        concurred = any(
            s.department_id == user.department_id
            for r in detail.rounds
            if r.number == detail.agreement.round
            for s in r.steps
        )
    return {
        "can_propose": open_plan
        and user.has_role(*PROPOSERS)
        and status in (AgreementStatus.DRAFT, AgreementStatus.RETURNED),
        "can_review": open_plan
        and user.has_role(*REVIEWERS)
        and status == AgreementStatus.PROPOSED
        and not concurred,
        "can_concur": user.has_role(Role.CLERK),
        "can_agree": open_plan and user.has_role(*DECIDERS) and status == AgreementStatus.PROPOSED,
        "can_reopen": open_plan and user.has_role(*DECIDERS) and status == AgreementStatus.AGREED,
    }


@role_required(*selectors.TARGET_AGREEMENT_READERS)
@require_GET
def target_agreement_view(request: HttpRequest, year: int, unit: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_agreement_unit(request.user, cycle, unit)
    detail = selectors.agreement_detail(cycle, item, timezone.localdate())
    context = {
        "cycle": cycle,
        "detail": detail,
        "item": item,
        "plan": selectors.plan_of(cycle),
        "agreed_mode": selectors.targets_agreed(cycle),
        "refusal": gate.refusal(cycle, gate.Activity.PLAN),
        "list_url": reverse("plans:target_agreements", args=[cycle.year])
        if request.user.has_role(*LIST_READERS)
        else "",
        **_actions_for(request, cycle, detail),
    }
    return render(request, "plans/target_agreement.html", context)


def _drafts(request: HttpRequest, lines: list) -> tuple[list[actions.TargetDraft], list[str]]:
    """The posted lines of the proposal form (content_<pk>, amount_<pk>, deadline_<pk>), with problems."""
    rows, problems = [], []
    for indicator, _target in lines:
        content = request.POST.get(f"content_{indicator.pk}", "")
        amount = request.POST.get(f"amount_{indicator.pk}", "")
        text = request.POST.get(f"deadline_{indicator.pk}", "").strip()
        deadline = None
        if text:
            try:
                deadline = datetime.date.fromisoformat(text)
            except ValueError:
                problems.append(
                    _("指标「%(code)s」的完成时限「%(value)s」不是有效日期（如 2025-12-31）")
                    % {"code": indicator.code, "value": text}
                )
        if "\x00" in content + amount:
            problems.append(_("指标「%(code)s」的目标不能包含空字符") % {"code": indicator.code})
        rows.append(actions.TargetDraft(indicator, content, amount, deadline))
    return rows, problems


@role_required(*PROPOSERS)
@require_http_methods(["GET", "POST"])
def target_proposal_view(request: HttpRequest, year: int) -> HttpResponse:
    """The liaison's own unit: write the targets, save them, and propose them for review."""
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.liaison_assessed_unit(request.user, cycle)
    context: dict[str, Any] = {"cycle": cycle, "item": item, "agreed_mode": selectors.targets_agreed(cycle)}
    if item is None or not context["agreed_mode"]:
        return render(request, "plans/target_proposal.html", context)
    detail = selectors.agreement_detail(cycle, item, timezone.localdate())
    refusal = gate.refusal(cycle, gate.Activity.PLAN)
    editable = refusal is None and detail.agreement.status in (
        AgreementStatus.DRAFT,
        AgreementStatus.RETURNED,
    )
    values = {
        i.pk: {
            "content": t.content if t else "",
            "amount": t.amount if t else "",
            "deadline": t.deadline.isoformat() if t and t.deadline else "",
        }
        for i, t in detail.lines
    }
    note = ""
    if request.method == "POST":
        if not editable:
            messages.error(request, refusal or _("目标任务已报送或已认定，当前不能修改。"))
            return redirect(_detail_url(cycle, item.unit_id))
        rows, problems = _drafts(request, detail.lines)
        note = request.POST.get("note", "")
        for row in rows:
            values[row.indicator.pk] = {
                "content": row.content,
                "amount": row.amount,
                "deadline": request.POST.get(f"deadline_{row.indicator.pk}", ""),
            }
        if not problems:
            try:
                if request.POST.get("action") == "propose":
                    actions.targets_propose(
                        actor=request.user, cycle=cycle, unit_id=item.unit_id, rows=rows, note=note
                    )
                    messages.success(request, _("已提出目标任务，等待归口部门和考核办审核。"))
                    return redirect(_detail_url(cycle, item.unit_id))
                actions.target_draft_save(actor=request.user, cycle=cycle, unit_id=item.unit_id, rows=rows)
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, _("已保存目标任务（尚未提出）。"))
                return redirect("plans:target_proposal", cycle.year)
        context["problems"] = problems
    previous = next((r.proposal for r in detail.rounds if r.proposal is not None), None)
    context.update(
        detail=detail,
        editable=editable,
        refusal=refusal,
        note=note,
        lines=[(i, t, values[i.pk]) for i, t in detail.lines],
        resubmit=previous is not None,
    )
    return render(request, "plans/target_proposal.html", context)


def _notes(request: HttpRequest, detail: selectors.AgreementDetail) -> dict[str, str]:
    return {
        i.code: request.POST.get(f"note_{i.pk}", "")
        for i, _t in detail.lines
        if request.POST.get(f"note_{i.pk}", "").strip()
    }


@role_required(*REVIEWERS)
@require_POST
def target_review_view(request: HttpRequest, year: int, unit: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_agreement_unit(request.user, cycle, unit)
    detail = selectors.agreement_detail(cycle, item, timezone.localdate())
    step = request.POST.get("step", "")
    try:
        actions.targets_review(
            actor=request.user,
            cycle=cycle,
            unit_id=item.unit_id,
            step=step,
            comment=request.POST.get("comment", ""),
            notes=_notes(request, detail),
        )
    except ValidationError as error:
        _errors(request, error)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        done = _("已退回单位修改。") if step == "return" else _("已记录本部门的审核意见。")
        messages.success(request, done)
    return redirect(_detail_url(cycle, item.unit_id))


@role_required(*DECIDERS)
@require_http_methods(["GET", "POST"])
def target_agree_view(request: HttpRequest, year: int, unit: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_agreement_unit(request.user, cycle, unit)
    detail = selectors.agreement_detail(cycle, item, timezone.localdate())
    waiting = [name for name, concurred in detail.departments if not concurred]
    confirm = Confirmation(
        title=_("认定目标任务：%(unit)s") % {"unit": item.unit.name},
        consequence=_("认定后本年度目标任务锁定，单位和考核办都不能再修改；确需修改的，须说明理由重新开启。"),
        action_url=reverse("plans:target_agree", args=[cycle.year, item.unit_id]),
        cancel_url=_detail_url(cycle, item.unit_id),
        button=_("确认认定"),
        facts=(
            (_("轮次"), str(detail.agreement.round)),
            (_("目标"), str(sum(1 for _i, t in detail.lines if t is not None))),
        ),
        warnings=tuple(_("归口部门「%(name)s」尚未审核同意") % {"name": name} for name in waiting),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.targets_agree(
            actor=request.user, cycle=cycle, unit_id=item.unit_id, comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已认定「%(unit)s」的目标任务，本年度锁定。") % {"unit": item.unit.name})
    return redirect(_detail_url(cycle, item.unit_id))


@role_required(*DECIDERS)
@require_http_methods(["GET", "POST"])
def target_reopen_view(request: HttpRequest, year: int, unit: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_agreement_unit(request.user, cycle, unit)
    reason = request.POST.get("reason", "").strip()
    if request.method == "POST" and not reason:
        messages.error(request, _("重新开启须说明理由"))
        return redirect(_detail_url(cycle, item.unit_id))
    confirm = Confirmation(
        title=_("重新开启已认定的目标任务：%(unit)s") % {"unit": item.unit.name},
        consequence=_("重新开启后目标任务退回单位修改，须重新提出、审核和认定；理由记入历史和审计日志。"),
        action_url=reverse("plans:target_reopen", args=[cycle.year, item.unit_id]),
        cancel_url=_detail_url(cycle, item.unit_id),
        button=_("确认重新开启"),
        facts=((_("理由"), reason),) if reason else (),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.targets_reopen(actor=request.user, cycle=cycle, unit_id=item.unit_id, reason=reason)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已重新开启「%(unit)s」的目标任务。") % {"unit": item.unit.name})
    return redirect(_detail_url(cycle, item.unit_id))
