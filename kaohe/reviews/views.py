"""Pages of 一报告两评议: the results with their flags, the thresholds, and recording a flag's outcome."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.anonymity import min_group
from kaohe.plans.gate import Activity, refusal
from kaohe.plans.selectors import get_cycle, visible_cycles
from kaohe.reviews import actions, selectors
from kaohe.reviews.forms import OutcomeForm, SettingForm


@role_required(*selectors.READERS)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cycle = visible_cycles(request.user).order_by("-year").first()
    if cycle is None:
        raise Http404("还没有年度考核")
    return redirect("reviews:list", cycle.year)


@role_required(*selectors.READERS)
@require_GET
def review_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    found = selectors.rows(request.user, cycle)
    setting = selectors.setting(cycle)
    is_organiser = request.user.has_role(Role.ORGANISER)
    return render(
        request,
        "reviews/list.html",
        {
            "cycle": cycle,
            "rows": found,
            "waiting": sum(1 for row in found if row.waiting),
            "special": selectors.special_rows(request.user, cycle),
            "inputs_closed": refusal(cycle, Activity.INPUTS),
            "flagged": sum(1 for row in found if row.flagged),
            "k": min_group(),
            "setting": setting,
            "is_organiser": is_organiser,
            "plan_closed": refusal(cycle, Activity.PLAN),
            "setting_form": SettingForm(initial={f: getattr(setting, f) for f in actions.FIELDS})
            if is_organiser
            else None,
        },
    )


@role_required(Role.ORGANISER)
@require_POST
def setting_update_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = SettingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "阈值最多 16 个字符，如 1/3、60%")
        return redirect("reviews:list", year)
    try:
        actions.review_setting_update(actor=request.user, cycle=cycle, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已保存一报告两评议的核查阈值。")
    return redirect("reviews:list", year)


@role_required(Role.ORGANISER)
@require_http_methods(["GET", "POST"])
def outcome_record_view(request: HttpRequest, year: int, kind: str, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    row = selectors.get_row(request.user, cycle, kind, pk)
    initial = {"outcome": row.outcome.outcome, "note": row.outcome.note} if row.outcome else None
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.review_outcome_record(
                actor=request.user, cycle=cycle, kind=kind, target_id=pk, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"已记录「{row.name}」的核查处理结果。")
            return redirect("reviews:list", year)
    return render(request, "reviews/outcome.html", {"cycle": cycle, "row": row, "form": form})


@role_required(Role.ORGANISER)
@require_POST
def special_apply_view(request: HttpRequest, year: int, template: int, pk: int) -> HttpResponse:
    """Feed a 专项评议's score into the unit's 公众评议."""
    cycle = get_cycle(request.user, year)
    try:
        assessed = actions.special_result_apply(
            actor=request.user, cycle=cycle, template_id=template, unit_id=pk
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"已将专项评议结果 {assessed.public_survey} 分计入「{assessed.unit.name}」的公众评议。"
        )
    return redirect("reviews:list", year)
