"""The cycle in the browser: cycles and their timeline, the plan, participants, indicators, targets, groups.

Organisers edit; the committee and leaders read (CYCLE_READERS). Each view: get the cycle and its objects
through `selectors` (404 for another year's object), validate with a form, call the write function in
`actions.py`, render. Once the cycle is in 评定 every edit of the plan, indicators, targets and
participants is refused with 「已进入评定阶段，考核方案已锁定」.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import CYCLE_EDITORS, CYCLE_READERS, role_required
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.org.models import UnitCategory
from kaohe.plans import actions, calendar, gate, indicator_workbook, selectors
from kaohe.plans.carryover import carried_links
from kaohe.plans.forms import (
    PLAN_SECTIONS,
    AssessedCadreForm,
    AssessedUnitForm,
    CalendarDayForm,
    CycleCreateForm,
    EnrolForm,
    GroupForm,
    IndicatorForm,
    PlanForm,
    TargetForm,
    TimelineForm,
    UploadForm,
)
from kaohe.plans.models import PHASE_ORDER, AssessmentCycle, CalendarDay, Indicator, Phase, Target
from kaohe.workbook.sheets import WorkbookError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _context(request: HttpRequest, cycle: AssessmentCycle, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "cycle": cycle,
        "section": section,
        "can_edit": request.user.has_role(*CYCLE_EDITORS),
        "frozen": cycle.plan_frozen,
        **extra,
    }


def _frozen(request: HttpRequest, cycle: AssessmentCycle, to: str, *args: Any) -> HttpResponse | None:
    """A redirect with the refusal when the plan is frozen; None when it may still change."""
    if refused := gate.refusal(cycle, gate.Activity.PLAN):
        messages.error(request, refused)
        return redirect(to, cycle.year, *args)
    return None


def _page(request: HttpRequest, queryset: Any):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _xlsx(write: Callable[[IO[bytes]], object], file_name: str) -> FileResponse:
    spool = tempfile.TemporaryFile()  # FileResponse closes it
    write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name, content_type=XLSX)


# --- cycles -----------------------------------------------------------------------------------------------


@role_required(*CYCLE_READERS)
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = selectors.cycle_list_rows(request.user).order_by("-year")
    return render(
        request,
        "plans/cycle_list.html",
        {"cycles": cycles, "can_edit": request.user.has_role(*CYCLE_EDITORS)},
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def cycle_create_view(request: HttpRequest) -> HttpResponse:
    latest = AssessmentCycle.objects.order_by("-year").first()
    initial = {"year": latest.year + 1 if latest else timezone.localdate().year}
    if latest is not None:
        initial.update(copy_plan=True, copy_indicators=True, copy_groups=True)
    form = CycleCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = actions.cycle_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已新建「%(name)s」。") % {"name": cycle.name})
            return redirect("plans:cycle_detail", cycle.year)
    return render(request, "plans/cycle_form.html", {"form": form, "latest": latest})


def _links(cycle: AssessmentCycle) -> list[tuple[str, str]]:
    """Links, for organisers, to the parts of a cycle that other apps provide. The input pages of other
    roles (self-evaluation, department scores, verification, leader ratings) are reached from their
    own 考核录入 page, not from here."""
    links = []
    for label, name in (
        (_("录入进度"), "performance:progress"),
        (_("绩效预览"), "results:preview"),
        (_("公众评议"), "surveys:survey_list"),
        (_("民主测评"), "ballots:session_list"),
        (_("考核结果"), "results:home"),
        (_("加减分"), "performance:adjustment_list"),
        (_("一票否决"), "performance:veto_list"),
        (_("处分"), "performance:sanction_list"),
        (_("导出考核工作簿"), "cycle_workbook:export"),
    ):
        try:
            links.append((label, reverse(name, args=[cycle.year])))
        except NoReverseMatch:
            continue
    return links


@role_required(*CYCLE_READERS)
@require_GET
def cycle_detail(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    phases = []
    current = PHASE_ORDER.index(cycle.phase)
    for index, phase in enumerate(Phase):
        field = actions.PHASE_DATES.get(phase)
        phases.append(
            {
                "label": phase.label,
                "date": getattr(cycle, field) if field else None,
                "done": index < current,
                "current": index == current,
            }
        )
    following = actions.next_phase(cycle.phase)
    context = _context(
        request,
        cycle,
        "overview",
        phases=phases,
        next_phase=Phase(following).label if following else None,
        counts=selectors.cycle_counts(cycle),
        systems=selectors.category_systems(cycle),
        # The input pages check their own roles; organisers are the ones who chase them all.
        links=_links(cycle) if request.user.has_role(*CYCLE_EDITORS) else [],
    )
    return render(request, "plans/cycle_detail.html", context)


def _confirm_advance(request: HttpRequest, cycle: AssessmentCycle) -> Confirmation:
    following = actions.next_phase(cycle.phase)
    label = Phase(following).label if following else ""
    closing = gate.closing_on(cycle.phase, following) if following else []
    consequence = _("进入「%(phase)s」阶段后不能退回：") % {"phase": label}
    consequence += "；".join(closing) + _("将关闭。") if closing else _("阶段只能向前推进。")
    facts = [
        (_("当前阶段"), cycle.get_phase_display()),
        (_("参评单位"), str(cycle.assessed_units.count())),
        (_("参评干部"), str(cycle.assessed_cadres.count())),
        *gate.advance_figures(cycle),
    ]
    return Confirmation(
        title=_("%(cycle)s：进入「%(phase)s」阶段") % {"cycle": cycle.name, "phase": label},
        consequence=consequence,
        action_url=reverse("plans:cycle_advance", args=[cycle.year]),
        cancel_url=reverse("plans:cycle_detail", args=[cycle.year]),
        button=_("确认进入「%(phase)s」阶段") % {"phase": label},
        facts=tuple(facts),
        carry={"from_phase": request.POST.get("from_phase", cycle.phase)},
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def cycle_advance_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    if actions.next_phase(cycle.phase) and (
        page := confirmation_page(request, _confirm_advance(request, cycle))
    ):
        return page
    try:
        actions.cycle_advance(
            actor=request.user,
            cycle=cycle,
            from_phase=request.POST.get("from_phase", ""),
            on=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已进入「%(phase)s」阶段。") % {"phase": cycle.get_phase_display()})
    return redirect("plans:cycle_detail", cycle.year)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    # A copy: validating a ModelForm writes the posted values onto its instance.
    form = TimelineForm(request.POST or None, instance=AssessmentCycle.objects.get(pk=cycle.pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        actions.cycle_update(actor=request.user, cycle=cycle, **data)
        messages.success(request, _("已保存时间安排。"))
        return redirect("plans:cycle_detail", cycle.year)
    return render(request, "plans/cycle_edit.html", _context(request, cycle, "overview", form=form))


# --- the plan ---------------------------------------------------------------------------------------------


@role_required(*CYCLE_READERS)
@require_GET
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    rows = {row.name: row for row in selectors.plan_rows(cycle)}
    sections = [(title, [rows[name] for name in names]) for title, names in PLAN_SECTIONS]
    context = _context(request, cycle, "plan", sections=sections, plan=selectors.plan_of(cycle))
    return render(request, "plans/plan_detail.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    if refused := _frozen(request, cycle, "plans:plan_detail"):
        return refused
    plan = selectors.plan_of(cycle)
    used = selectors.used_rater_groups(cycle)
    form = PlanForm(
        request.POST or None,
        cycle=cycle,
        used_groups=used,
        initial=PlanForm.initial_for(plan.settings, plan.notes),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_update(
                actor=request.user,
                cycle=cycle,
                settings=form.settings_values(form.cleaned_data),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存考核工作方案。"))
            return redirect("plans:plan_detail", cycle.year)
    return render(request, "plans/plan_form.html", _context(request, cycle, "plan", form=form))


# --- participants -----------------------------------------------------------------------------------------


def _category_filter(request: HttpRequest) -> UnitCategory | None:
    pk = request.GET.get("category", "")
    return UnitCategory.objects.filter(pk=pk).first() if pk.isdigit() else None


def _carry_links(request: HttpRequest, cycle: AssessmentCycle, items: Any) -> None:
    """Each row's link to its carried-over items, where there are some and the reader may open the list."""
    links = carried_links(request.user, [i.unit_id for i in items if i.carried_over], cycle.year)
    for item in items:
        item.carry_link = links.get(item.unit_id, "")


@role_required(*CYCLE_READERS)
@require_GET
def unit_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    units = selectors.assessed_units_carrying(cycle)
    category = _category_filter(request)
    if category is not None:
        units = units.filter(category=category)
    q = request.GET.get("q", "").strip()
    if q:
        units = units.filter(unit__in=selectors.visible_units_search(request.user, q))
    page_obj = _page(request, units)
    page_obj.object_list = list(page_obj.object_list)
    _carry_links(request, cycle, page_obj.object_list)
    # The enrol form opens by itself while the cycle has no unit yet (unfiltered, the page's count says so).
    filtered = category is not None or bool(q)
    enrolled_any = selectors.assessed_units(cycle).exists() if filtered else page_obj.paginator.count > 0
    context = _context(
        request,
        cycle,
        "units",
        page_obj=page_obj,
        enrolled_any=enrolled_any,
        categories=UnitCategory.objects.order_by("order", "name"),
        category=category,
        q=q,
        query=_query_without_page(request),
        enrol_form=EnrolForm(),
    )
    return render(request, "plans/unit_list.html", context)


@role_required(*CYCLE_EDITORS)
@require_POST
def participants_enrol_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    if refused := _frozen(request, cycle, "plans:unit_list"):
        return refused
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            result = actions.participants_enrol(
                actor=request.user,
                cycle=cycle,
                units=form.units(),
                with_cadres=form.cleaned_data["with_cadres"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                ngettext(
                    "已加入 %(units)s 个单位、%(cadres)s 名干部（已参加的不重复加入）。",
                    "已加入 %(units)s 个单位、%(cadres)s 名干部（已参加的不重复加入）。",
                    result.units,
                )
                % {"units": result.units, "cadres": result.cadres},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("plans:unit_list", cycle.year)


@role_required(*CYCLE_EDITORS)
@require_POST
def unit_mark(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Set or clear 先进单位; an htmx request gets the table row back."""
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_assessed_unit(request.user, cycle, pk)
    form = AssessedUnitForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.assessed_unit_update(
                actor=request.user, item=item, advanced=form.cleaned_data["advanced"]
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
    if request.htmx:
        item = selectors.assessed_units_carrying(cycle).get(pk=item.pk)
        _carry_links(request, cycle, [item])
        context = _context(request, cycle, "units", item=item, row_error=error)
        response = render(request, "plans/_unit_row.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if error:
        messages.error(request, error)
    return redirect("plans:unit_list", cycle.year)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def unit_remove(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_assessed_unit(request.user, cycle, pk)
    cadres = cycle.assessed_cadres.filter(unit=item.unit_id).count()
    confirm = Confirmation(
        title=_("移出本年度考核：%(name)s") % {"name": item.unit.name},
        consequence=_("「%(name)s」及其 %(n)d 名参评干部将移出%(cycle)s，其已录入的考核数据不再计入。")
        % {"name": item.unit.name, "n": cadres, "cycle": cycle.name},
        action_url=reverse("plans:unit_remove", args=[cycle.year, item.pk]),
        cancel_url=reverse("plans:unit_list", args=[cycle.year]),
        button=_("确认移出"),
        facts=((_("同时移出干部"), str(cadres)),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        removed = actions.assessed_unit_remove(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "已将「%(name)s」移出本年度考核（同时移出 %(n)s 名干部）。",
                "已将「%(name)s」移出本年度考核（同时移出 %(n)s 名干部）。",
                removed,
            )
            % {"name": item.unit.name, "n": removed},
        )
    return redirect("plans:unit_list", cycle.year)


@role_required(*CYCLE_READERS)
@require_GET
def cadre_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    cadres = selectors.assessed_cadres(cycle)
    category = _category_filter(request)
    if category is not None:
        cadres = cadres.filter(unit__in=cycle.assessed_units.filter(category=category).values("unit"))
    q = request.GET.get("q", "").strip()
    if q:
        cadres = cadres.filter(cadre__in=selectors.visible_cadres_search(request.user, q))
    context = _context(
        request,
        cycle,
        "cadres",
        page_obj=_page(request, cadres),
        categories=UnitCategory.objects.order_by("order", "name"),
        category=category,
        q=q,
        query=_query_without_page(request),
    )
    return render(request, "plans/cadre_list.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def cadre_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_assessed_cadre(request.user, cycle, pk)
    if refused := _frozen(request, cycle, "plans:cadre_list"):
        return refused
    initial = {
        "regular": item.regular,
        "probation": item.probation,
        "investigation": item.investigation,
        "priority": item.priority,
    }
    form = AssessedCadreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assessed_cadre_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存「%(name)s」的考核标记。") % {"name": item.cadre.name})
            return redirect("plans:cadre_list", cycle.year)
    return render(request, "plans/cadre_form.html", _context(request, cycle, "cadres", form=form, item=item))


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def cadre_remove(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = selectors.get_assessed_cadre(request.user, cycle, pk)
    confirm = Confirmation(
        title=_("移出本年度考核：%(name)s") % {"name": item.cadre.name},
        consequence=_("「%(name)s」将移出%(cycle)s，其已录入的考核数据不再计入。")
        % {"name": item.cadre.name, "cycle": cycle.name},
        action_url=reverse("plans:cadre_remove", args=[cycle.year, item.pk]),
        cancel_url=reverse("plans:cadre_list", args=[cycle.year]),
        button=_("确认移出"),
        facts=((_("单位"), item.unit.name),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.assessed_cadre_remove(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已将「%(name)s」移出本年度考核。") % {"name": item.cadre.name})
    return redirect("plans:cadre_list", cycle.year)


# --- indicators -------------------------------------------------------------------------------------------


@role_required(*CYCLE_READERS)
@require_GET
def indicator_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    context = _context(request, cycle, "indicators", systems=selectors.category_systems(cycle))
    return render(request, "plans/indicator_list.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def indicator_create_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    if refused := _frozen(request, cycle, "plans:indicator_list"):
        return refused
    form = IndicatorForm(request.POST or None, cycle=cycle, initial={"category": request.GET.get("category")})
    if request.method == "POST" and form.is_valid():
        try:
            indicator = actions.indicator_create(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已新增指标「%(name)s」。") % {"name": indicator})
            return redirect("plans:indicator_list", cycle.year)
    return render(
        request,
        "plans/indicator_form.html",
        _context(request, cycle, "indicators", form=form, indicator=None),
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    indicator = selectors.get_indicator(request.user, cycle, pk)
    if refused := _frozen(request, cycle, "plans:indicator_list"):
        return refused
    form = IndicatorForm(request.POST or None, cycle=cycle, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            actions.indicator_update(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存指标「%(name)s」。") % {"name": indicator})
            return redirect("plans:indicator_list", cycle.year)
    context = _context(request, cycle, "indicators", form=form, indicator=indicator)
    return render(request, "plans/indicator_form.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def indicator_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    indicator = selectors.get_indicator(request.user, cycle, pk)
    targets = cycle.targets.filter(indicator=indicator).count()
    confirm = Confirmation(
        title=_("删除指标：%(name)s") % {"name": indicator},
        consequence=_("指标删除后不能恢复，它的 %(n)d 个单位目标一并删除。") % {"n": targets},
        action_url=reverse("plans:indicator_delete", args=[cycle.year, indicator.pk]),
        cancel_url=reverse("plans:indicator_list", args=[cycle.year]),
        button=_("确认删除"),
        facts=((_("单位目标"), str(targets)),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.indicator_delete(actor=request.user, indicator=indicator)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已删除指标「%(name)s」。") % {"name": indicator})
    return redirect("plans:indicator_list", cycle.year)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def indicator_import(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    return _import(request, cycle, "indicators", actions.indicators_import)


@role_required(*CYCLE_READERS)
@require_GET
def indicator_export(request: HttpRequest, year: int) -> FileResponse:
    return indicator_file(selectors.get_cycle(request.user, year))


def indicator_file(cycle: AssessmentCycle) -> FileResponse:
    """The cycle's indicators as the 指标 workbook (the page's download and the API's)."""
    rows = [
        (
            i.category.name,
            i.code,
            i.name,
            i.weight.normalize(),
            i.department.name if i.department_id else None,
            i.method or None,
        )
        for i in selectors.indicators(cycle).order_by("category__order", "category__name", "code")
    ]
    return _xlsx(lambda out: indicator_workbook.write_indicators(rows, out), f"{cycle.year}年度考核指标.xlsx")


def _import(
    request: HttpRequest, cycle: AssessmentCycle, section: str, run: Callable[..., Any]
) -> HttpResponse:
    """The upload page of indicators or targets: all or nothing, every problem listed."""
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    result = problems = None
    file_name = ""
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        file_name = upload.name
        try:
            result = run(actor=request.user, cycle=cycle, source=upload, file_name=file_name)
        except WorkbookError as error:
            problems = [p.as_row() for p in sorted(error.problems, key=lambda p: (p.sheet, p.row or 0))]
        form = UploadForm()
    context = _context(
        request, cycle, section, form=form, result=result, problems=problems, file_name=file_name
    )
    return render(request, "plans/import.html", context)


# --- targets ----------------------------------------------------------------------------------------------


@role_required(*CYCLE_READERS)
@require_GET
def target_grid(request: HttpRequest, year: int) -> HttpResponse:
    """One category at a time: its assessed units down, its indicators across."""
    cycle = selectors.get_cycle(request.user, year)
    systems = [s for s in selectors.category_systems(cycle) if s.indicators and s.unit_count]
    chosen = _category_filter(request)
    system = next((s for s in systems if chosen is not None and s.category.pk == chosen.pk), None)
    if system is None and systems:
        system = systems[0]
    rows: list[dict[str, Any]] = []
    page_obj = None
    if system is not None:
        units = selectors.assessed_units(cycle).filter(category=system.category)
        page_obj = _page(request, units)
        page_units = [item.unit_id for item in page_obj]
        found = {
            (t.unit_id, t.indicator_id): t
            for t in Target.objects.filter(
                cycle=cycle, unit_id__in=page_units, indicator__in=[i.pk for i in system.indicators]
            )
        }
        rows = [
            {"item": item, "cells": [(i, found.get((item.unit_id, i.pk))) for i in system.indicators]}
            for item in page_obj
        ]
    context = _context(
        request, cycle, "targets", systems=systems, system=system, rows=rows, page_obj=page_obj
    )
    return render(request, "plans/target_grid.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, year: int, unit: int, indicator: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    item = get_object_or_404(selectors.assessed_units(cycle), unit_id=unit)
    chosen: Indicator = get_object_or_404(selectors.indicators(cycle), pk=indicator, category=item.category)
    back = f"{reverse('plans:target_grid', args=[cycle.year])}?category={item.category_id}"
    if refused := gate.refusal(cycle, gate.Activity.PLAN):
        messages.error(request, refused)
        return redirect(back)
    target = Target.objects.filter(cycle=cycle, unit_id=unit, indicator=chosen).first()
    initial = {}
    if target is not None:
        initial = {"content": target.content, "amount": target.amount, "deadline": target.deadline}
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.target_set(
                actor=request.user, cycle=cycle, unit=item.unit, indicator=chosen, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存「%(unit)s」的目标任务。") % {"unit": item.unit.name})
            return redirect(back)
    context = _context(request, cycle, "targets", form=form, item=item, indicator=chosen, back=back)
    return render(request, "plans/target_form.html", context)


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def target_import(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    return _import(request, cycle, "targets", actions.targets_import)


@role_required(*CYCLE_READERS)
@require_GET
def target_export(request: HttpRequest, year: int) -> FileResponse:
    return target_file(selectors.get_cycle(request.user, year))


def target_file(cycle: AssessmentCycle) -> FileResponse:
    """The targets, and a row for every unit and indicator still without one: a fill-in template."""
    found = {(t.unit_id, t.indicator_id): t for t in selectors.targets(cycle)}
    by_category: dict[int, list[Indicator]] = {}
    for i in selectors.indicators(cycle).order_by("code"):
        by_category.setdefault(i.category_id, []).append(i)
    rows = []
    for item in selectors.assessed_units(cycle):
        for i in by_category.get(item.category_id, []):
            t = found.get((item.unit_id, i.pk))
            rows.append(
                (
                    item.unit.code,
                    item.unit.name,
                    i.code,
                    i.name,
                    t.content if t else None,
                    (t.amount or None) if t else None,
                    t.deadline if t else None,
                )
            )
    return _xlsx(lambda out: indicator_workbook.write_targets(rows, out), f"{cycle.year}年度目标任务.xlsx")


# --- groups -----------------------------------------------------------------------------------------------


@role_required(*CYCLE_READERS)
@require_GET
def group_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    return render(
        request, "plans/group_list.html", _context(request, cycle, "groups", groups=selectors.groups(cycle))
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def group_create_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    form = GroupForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.group_create(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已新增考核组「%(name)s」。") % {"name": group.name})
            return redirect("plans:group_list", cycle.year)
    return render(request, "plans/group_form.html", _context(request, cycle, "groups", form=form, group=None))


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    group = selectors.get_group(request.user, cycle, pk)
    form = GroupForm(request.POST or None, cycle=cycle, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            actions.group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存考核组「%(name)s」。") % {"name": group.name})
            return redirect("plans:group_list", cycle.year)
    return render(
        request, "plans/group_form.html", _context(request, cycle, "groups", form=form, group=group)
    )


@role_required(*CYCLE_EDITORS)
@require_http_methods(["GET", "POST"])
def group_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = selectors.get_cycle(request.user, year)
    group = selectors.get_group(request.user, cycle, pk)
    members, units = group.members.count(), group.units.count()
    confirm = Confirmation(
        title=_("删除考核组：%(name)s") % {"name": group.name},
        consequence=_("考核组删除后不能恢复：%(m)d 名成员不再能查看它负责的 %(u)d 个单位。")
        % {"m": members, "u": units},
        action_url=reverse("plans:group_delete", args=[cycle.year, group.pk]),
        cancel_url=reverse("plans:group_list", args=[cycle.year]),
        button=_("确认删除"),
        facts=((_("成员"), str(members)), (_("负责单位"), str(units))),
    )
    if page := confirmation_page(request, confirm):
        return page
    actions.group_delete(actor=request.user, group=group)
    messages.success(request, _("已删除考核组「%(name)s」。") % {"name": group.name})
    return redirect("plans:group_list", cycle.year)


# --- the working-day calendar -----------------------------------------------------------------------------


@role_required(*CYCLE_READERS)
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The days that differ from Monday to Friday, one year at a time; the organiser adds, removes, imports."""
    can_edit = request.user.has_role(*CYCLE_EDITORS)
    form = CalendarDayForm(request.POST if request.method == "POST" and "day" in request.POST else None)
    upload = UploadForm(request.POST, request.FILES) if "upload" in request.POST else UploadForm()
    problems = result = None
    file_name = ""
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_bound and form.is_valid():
            try:
                day = actions.calendar_day_set(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("已登记 %(day)s %(kind)s。")
                    % {"day": day.day, "kind": calendar.kind_label(day.working)},
                )
                return redirect(f"{reverse('plans:calendar')}?year={day.day.year}")
        elif upload.is_bound and upload.is_valid():
            file = upload.cleaned_data["file"]
            file_name = file.name
            try:
                result = actions.calendar_import(actor=request.user, source=file, file_name=file_name)
            except WorkbookError as error:
                problems = [p.as_row() for p in sorted(error.problems, key=lambda p: (p.sheet, p.row or 0))]
            upload = UploadForm()
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    days = CalendarDay.objects.filter(day__year=year)
    years = sorted({d.year for d in CalendarDay.objects.dates("day", "year")} | {today.year, year})
    context = {
        "can_edit": can_edit,
        "form": form,
        "upload": upload,
        "days": days,
        "year": year,
        "years": years,
        "problems": problems,
        "result": result,
        "file_name": file_name,
    }
    return render(request, "plans/calendar.html", context)


@role_required(*CYCLE_EDITORS)
@require_POST
def calendar_day_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    actions.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("已删除 %(day)s 的登记。") % {"day": day.day})
    return redirect(f"{reverse('plans:calendar')}?year={day.day.year}")


@role_required(*CYCLE_READERS)
@require_GET
def calendar_export(request: HttpRequest) -> FileResponse:
    return calendar_file(template=bool(request.GET.get("template")))


def calendar_file(*, template: bool) -> FileResponse:
    """The recorded days as the 工作日历 workbook, or its blank template."""
    if template:
        return _xlsx(lambda out: calendar.write([], out), "工作日历模板.xlsx")
    rows = [(d.day, d.working, d.note) for d in CalendarDay.objects.all()]
    return _xlsx(lambda out: calendar.write(rows, out), "工作日历.xlsx")
