"""The organiser's inputs: bonus and deduction entries (加减分), one-vote vetoes (一票否决), sanctions (处分).

A bonus or deduction is proposed, then approved or rejected in a separate, audited step; only approved
entries count. Lists filter by target, kind and status (or year and sanction name).
"""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import CYCLE_EDITORS, role_required
from kaohe.audit.reads import audit_read
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.performance import actions, selectors
from kaohe.performance.forms import (
    AdjustmentFilterForm,
    AdjustmentForm,
    SanctionFilterForm,
    SanctionForm,
    VetoFilterForm,
    VetoForm,
)
from kaohe.performance.models import AdjustmentStatus
from kaohe.performance.views import add_errors, cycle_context, file_response
from kaohe.plans.selectors import get_cycle

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _by_target(queryset, kind: str):
    if kind == "unit":
        return queryset.filter(unit__isnull=False)
    if kind == "cadre":
        return queryset.filter(cadre__isnull=False)
    return queryset


def _evidence_name(prefix: str, record) -> str:
    return f"{prefix}-{record.pk}{PurePath(record.evidence.name).suffix}"


# --- adjustments ---------------------------------------------------------------------------------------------


@role_required(*CYCLE_EDITORS)
@require_GET
def adjustment_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    adjustments = selectors.cycle_adjustments(request.user, cycle)
    form = AdjustmentFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    adjustments = _by_target(selectors.target_search(adjustments, data.get("q", "")), data.get("target", ""))
    if data.get("status"):
        adjustments = adjustments.filter(status=data["status"])
    if data.get("kind"):
        adjustments = adjustments.filter(kind=data["kind"])
    context = {
        **cycle_context(cycle),
        "form": form,
        "page_obj": _page(request, adjustments),
        "query": _query_without_page(request),
        "proposed": AdjustmentStatus.PROPOSED,
    }
    return render(request, "performance/adjustment_list.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def adjustment_create(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = AdjustmentForm(request.POST or None, request.FILES or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.adjustment_propose(
                actor=request.user,
                cycle=cycle,
                unit=data["unit"],
                cadre=data["cadre"],
                kind=data["kind"],
                points=data["points"],
                reason=data["reason"],
                evidence=data["evidence"] or None,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已登记加减分，待审批后计入。"))
            return redirect("performance:adjustment_list", year=cycle.year)
    return render(request, "performance/adjustment_form.html", {**cycle_context(cycle), "form": form})


@role_required(*CYCLE_EDITORS)
@require_POST
def adjustment_decide_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    adjustment = selectors.get_adjustment(request.user, cycle, pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("请选择批准或不批准。"))
    else:
        try:
            actions.adjustment_decide(
                actor=request.user, adjustment=adjustment, approve=decision == "approve"
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            done = _("已批准") if decision == "approve" else _("未批准")
            messages.success(request, _("%(done)s：%(entry)s") % {"done": done, "entry": adjustment})
    return redirect("performance:adjustment_list", year=cycle.year)


@role_required(*CYCLE_EDITORS)
@require_GET
def adjustment_evidence(request: HttpRequest, year: int, pk: int) -> FileResponse:
    adjustment = selectors.get_adjustment(request.user, get_cycle(request.user, year), pk)
    if not adjustment.evidence:
        raise Http404
    audit_read(request.user, "adjustment.evidence", adjustment)
    return file_response(adjustment.evidence, _evidence_name("加减分佐证", adjustment))


# --- vetoes --------------------------------------------------------------------------------------------------


@role_required(*CYCLE_EDITORS)
@require_GET
def veto_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = VetoFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    vetoes = selectors.cycle_vetoes(request.user, cycle)
    vetoes = _by_target(selectors.target_search(vetoes, data.get("q", "")), data.get("target", ""))
    context = {
        **cycle_context(cycle),
        "form": form,
        "page_obj": _page(request, vetoes),
        "query": _query_without_page(request),
    }
    return render(request, "performance/veto_list.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def veto_create(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = VetoForm(request.POST or None, request.FILES or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.veto_record(
                actor=request.user,
                cycle=cycle,
                unit=data["unit"],
                cadre=data["cadre"],
                item=data["item"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已登记一票否决事项。"))
            return redirect("performance:veto_list", year=cycle.year)
    return render(request, "performance/veto_form.html", {**cycle_context(cycle), "form": form})


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def veto_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    veto = selectors.get_veto(request.user, cycle, pk)
    confirm = Confirmation(
        title=_("删除一票否决事项：%(item)s") % {"item": veto.item},
        consequence=_("删除后「%(whom)s」不再被一票否决，下次计算即按无否决定等；佐证材料一并删除。")
        % {"whom": veto.cadre or veto.unit},
        action_url=reverse("performance:veto_delete", args=[cycle.year, veto.pk]),
        cancel_url=reverse("performance:veto_list", args=[cycle.year]),
        button=_("确认删除"),
        facts=((_("对象"), str(veto.cadre or veto.unit)), (_("年度"), cycle.name)),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.veto_delete(actor=request.user, veto=veto)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已删除一票否决事项「%(item)s」。") % {"item": veto.item})
    return redirect("performance:veto_list", year=cycle.year)


@role_required(*CYCLE_EDITORS)
@require_GET
def veto_evidence(request: HttpRequest, year: int, pk: int) -> FileResponse:
    veto = selectors.get_veto(request.user, get_cycle(request.user, year), pk)
    if not veto.evidence:
        raise Http404
    audit_read(request.user, "veto.evidence", veto)
    return file_response(veto.evidence, _evidence_name("一票否决佐证", veto))


# --- sanctions -----------------------------------------------------------------------------------------------


@role_required(*CYCLE_EDITORS)
@require_GET
def sanction_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = SanctionFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    sanctions = selectors.visible_sanctions(request.user).order_by("-year", "cadre__code", "pk")
    q = (data.get("q") or "").strip()
    if q:
        sanctions = sanctions.filter(Q(cadre__code__icontains=q) | Q(cadre__name__icontains=q))
    if data.get("name"):
        sanctions = sanctions.filter(name=data["name"])
    if data.get("year"):
        sanctions = sanctions.filter(year=data["year"])
    context = {
        **cycle_context(cycle),
        "form": form,
        "page_obj": _page(request, sanctions),
        "query": _query_without_page(request),
    }
    return render(request, "performance/sanction_list.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def sanction_create(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = SanctionForm(request.POST or None, initial={"year": cycle.year})
    if request.method == "POST" and form.is_valid():
        try:
            actions.sanction_record(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已登记处分。"))
            return redirect("performance:sanction_list", year=cycle.year)
    return render(request, "performance/sanction_form.html", {**cycle_context(cycle), "form": form})


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def sanction_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    sanction = selectors.get_sanction(request.user, pk)
    confirm = Confirmation(
        title=_("删除处分：%(sanction)s") % {"sanction": sanction},
        consequence=_("删除后这项处分不再影响「%(cadre)s」%(year)d 年起的定等，下次计算即生效。")
        % {"cadre": sanction.cadre, "year": sanction.year},
        action_url=reverse("performance:sanction_delete", args=[cycle.year, sanction.pk]),
        cancel_url=reverse("performance:sanction_list", args=[cycle.year]),
        button=_("确认删除"),
        facts=((_("生效年度"), str(sanction.year)),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.sanction_delete(actor=request.user, cycle=cycle, sanction=sanction)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已删除处分：%(sanction)s") % {"sanction": sanction})
    return redirect("performance:sanction_list", year=cycle.year)
