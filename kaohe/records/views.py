"""The year's records pages: thin views over the selectors and write functions."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.performance.views import file_response
from kaohe.plans.selectors import get_cycle
from kaohe.records import actions, gaps, selectors
from kaohe.records.forms import GradeForm, ImportForm, ListItemForm, OverrideForm, VerifyForm, VisitForm
from kaohe.records.models import Grade, ListItem, ListKind
from kaohe.records.regular import cycle_rule, grade_scores, regular_source
from kaohe.records.workbook import write_items
from kaohe.workbook.sheets import WorkbookError

GAPS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(request: HttpRequest, cycle) -> int:
    try:
        month = int(request.GET.get("month", ""))
    except ValueError:
        today = timezone.localdate()
        month = today.month - 1 if today.year == cycle.year and today.month > 1 else 12
    return min(max(month, 1), 12)


@role_required(*selectors.READERS)
@require_GET
def records_home(request: HttpRequest, year: int) -> HttpResponse:
    """Owners: their to-do and months; the organisation: the gap list of a month."""
    cycle = get_cycle(request.user, year)
    rule = cycle_rule(cycle)
    month = _month(request, cycle)
    context = {"cycle": cycle, "rule": rule, "month": month, "months": range(1, 13)}
    if request.user.has_role(*selectors.OWNERS):
        context["owned"] = selectors.owned_unit(request.user, cycle)
        context["todo"] = gaps.owner_todo(selectors.visible_items(request.user, cycle), cycle, rule)
        return render(request, "records/owner_home.html", context)
    units = selectors.reviewable_units(request.user, cycle)
    found = gaps.unit_gaps(cycle, rule, month, units)
    context["page"] = Paginator(found, GAPS_PER_PAGE).get_page(request.GET.get("page"))
    context["gap_count"] = len(found)
    context["filing_day"] = gaps.filing_day(cycle, rule, month)
    return render(request, "records/gaps.html", context)


def _month_context(request, cycle, month: int, items, unit) -> dict:
    by_kind = {kind: [] for kind in ListKind.values}
    for item in items.filter(month=month).prefetch_related("evidence"):
        by_kind[item.kind].append(item)
    return {
        "cycle": cycle,
        "month": month,
        "months": range(1, 13),
        "unit": unit,
        "lists": [(kind, label, by_kind[kind]) for kind, label in ListKind.choices],
        "sees_notes": selectors.sees_notes(request.user),
        "checks": selectors.checks(request.user),
        "today": timezone.localdate(),
    }


@role_required(*selectors.OWNERS)
@require_http_methods(["GET", "POST"])
def my_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    owned = selectors.owned_unit(request.user, cycle)
    if owned is None or not 1 <= month <= 12:
        raise PermissionDenied
    form = ListItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cadre = request.user.cadre if request.user.has_role(Role.CADRE) else None
        try:
            actions.list_item_create(
                actor=request.user,
                cycle=cycle,
                unit=owned.unit,
                cadre=cadre,
                month=month,
                kind=data["kind"],
                content=data["content"],
                due=data["due"],
                completed=data["completed"],
                found_by=data["found_by"],
                files=data["files"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"已添加到{month}月{ListKind(data['kind']).label}。")
            return redirect("records:my_month", year=year, month=month)
    context = _month_context(request, cycle, month, selectors.visible_items(request.user, cycle), owned.unit)
    context.update(form=form, mine=True)
    return render(request, "records/month.html", context, status=400 if form.errors else 200)


@role_required(*selectors.REVIEWERS)
@require_GET
def unit_month(request: HttpRequest, year: int, unit_id: int, month: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    assessed = selectors.get_reviewable_unit(request.user, cycle, unit_id)
    if not 1 <= month <= 12:
        raise PermissionDenied
    items = selectors.visible_items(request.user, cycle).filter(unit_id=unit_id)
    context = _month_context(request, cycle, month, items, assessed.unit)
    context["verify_form"] = VerifyForm()
    return render(request, "records/month.html", context)


@role_required(Role.ORGANISER, Role.ASSESSOR)
@require_POST
def item_verify(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    item = selectors.get_checked_item(request.user, cycle, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            actions.list_item_verify(actor=request.user, item=item, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已核实：{item.content[:30]}")
    return redirect("records:unit_month", year=year, unit_id=item.unit_id, month=item.month)


@role_required(*selectors.OWNERS)
@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    item = selectors.get_own_item(request.user, cycle, pk)
    confirm = Confirmation(
        title=_("删除清单条目：%(month)d月%(kind)s") % {"month": item.month, "kind": item.get_kind_display()},
        consequence=_("条目及其佐证材料删除后不能恢复。"),
        action_url=reverse("records:item_delete", args=[cycle.year, item.pk]),
        cancel_url=reverse("records:my_month", args=[cycle.year, item.month]),
        button=_("确认删除"),
        facts=((_("内容"), item.content[:100]),),
    )
    if page := confirmation_page(request, confirm):
        return page
    try:
        actions.list_item_delete(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("records:my_month", year=year, month=item.month)


@role_required(*selectors.READERS)
@require_GET
def evidence_download(request: HttpRequest, year: int, pk: int) -> FileResponse:
    cycle = get_cycle(request.user, year)
    evidence = selectors.get_evidence(request.user, cycle, pk)
    return file_response(evidence.file, evidence.name)


@role_required(*selectors.REVIEWERS)
@require_http_methods(["GET", "POST"])
def visit_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    units = selectors.reviewable_units(request.user, cycle)
    form = VisitForm(request.POST or None, units=units) if selectors.checks(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            assessed = selectors.get_reviewable_unit(request.user, cycle, data["unit"])
            items = list(selectors.visible_items(request.user, cycle).filter(pk__in=data["items"]))
            missing = set(data["items"]) - {item.pk for item in items}
            try:
                if missing:
                    raise ValidationError([f"清单事项 {pk} 不存在或不可见" for pk in sorted(missing)])
                actions.visit_create(
                    actor=request.user,
                    cycle=cycle,
                    unit=assessed.unit,
                    date=data["date"],
                    method=data["method"],
                    members=data["members"],
                    findings=data["findings"],
                    items=items,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "已记录一线考察。")
                return redirect("records:visit_list", year=year)
    visits = selectors.visible_visits(request.user, cycle).prefetch_related("items")[:200]
    context = {"cycle": cycle, "visits": visits, "form": form}
    return render(
        request, "records/visits.html", context, status=400 if form is not None and form.errors else 200
    )


@role_required(*selectors.REVIEWERS)
@require_GET
def grade_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    rule = cycle_rule(cycle)
    unit = request.GET.get("unit", "")
    cadres = selectors.readable_cadres(request.user, cycle)
    if unit.isdigit():
        cadres = cadres.filter(unit_id=int(unit))
    cadres = list(cadres[:300])
    grades: dict[int, dict[int, str]] = {}
    for cadre_id, quarter, grade in (
        selectors.visible_grades(request.user, cycle)
        .filter(cadre_id__in=[c.cadre_id for c in cadres])
        .values_list("cadre_id", "quarter", "grade")
    ):
        grades.setdefault(cadre_id, {})[quarter] = grade
    scores = grade_scores(rule)
    rows = [
        {
            "assessed": c,
            "quarters": [grades.get(c.cadre_id, {}).get(q, "") for q in (1, 2, 3, 4)],
            "derived": scores.annual(g for g in grades.get(c.cadre_id, {}).values()),
        }
        for c in cadres
    ]
    context = {
        "cycle": cycle,
        "rule": rule,
        "rows": rows,
        "units": selectors.reviewable_units(request.user, cycle),
    }
    return render(request, "records/grades.html", context)


@role_required(*selectors.REVIEWERS)
@require_http_methods(["GET", "POST"])
def cadre_grades(request: HttpRequest, year: int, cadre_id: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    assessed = selectors.get_readable_cadre(request.user, cycle, cadre_id)
    rule = cycle_rule(cycle)
    grades_allowed = selectors.gradeable_cadres(request.user, cycle, rule).filter(cadre_id=cadre_id).exists()
    override_allowed = request.user.has_role(Role.ORGANISER)
    grade_form = (
        GradeForm(request.POST if "grade_submit" in request.POST else None) if grades_allowed else None
    )
    override_form = (
        OverrideForm(request.POST if "override" in request.POST else None) if override_allowed else None
    )
    if request.method == "POST":
        form = grade_form if "grade_submit" in request.POST else override_form
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is grade_form:
                    actions.quarterly_grade_set(
                        actor=request.user,
                        cycle=cycle,
                        assessed=assessed,
                        quarter=data["quarter"],
                        grade=data["grade"],
                        reason=data["reason"],
                    )
                else:
                    actions.regular_override_set(
                        actor=request.user,
                        cycle=cycle,
                        assessed=assessed,
                        score=data["score"],
                        reason=data["reason"],
                    )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "已保存。")
                return redirect("records:cadre_grades", year=year, cadre_id=cadre_id)
    context = {
        "cycle": cycle,
        "assessed": assessed,
        "rule": rule,
        "grades": selectors.visible_grades(request.user, cycle).filter(cadre_id=cadre_id),
        "source": regular_source(cycle, cadre_id),
        "grade_form": grade_form,
        "override_form": override_form,
        "grade_choices": Grade.choices,
    }
    bad = (grade_form is not None and grade_form.errors) or (
        override_form is not None and override_form.errors
    )
    return render(request, "records/cadre_grades.html", context, status=400 if bad else 200)


@role_required(Role.CADRE)
@require_GET
def my_grades(request: HttpRequest, year: int) -> HttpResponse:
    """What was fed back to a cadre: their quarterly grades, without the reasons."""
    cycle = get_cycle(request.user, year)
    grades = selectors.visible_grades(request.user, cycle).values_list("quarter", "grade")
    return render(request, "records/my_grades.html", {"cycle": cycle, "grades": list(grades)})


@role_required(Role.ORGANISER, Role.LIAISON)
@require_http_methods(["GET", "POST"])
def items_import(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    scope = None
    if request.user.has_role(Role.LIAISON):
        owned = selectors.owned_unit(request.user, cycle)
        if owned is None:
            raise PermissionDenied
        scope = owned.unit_id
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"cycle": cycle, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = actions.list_items_import(
                actor=request.user,
                cycle=cycle,
                month=form.cleaned_data["month"],
                data=upload.read(),
                unit_scope=scope,
            )
        except WorkbookError as error:
            context.update(problems=list(error.problems), file_name=upload.name)
            return render(request, "records/import.html", context, status=400)
        except ValidationError as error:
            form.add_error(None, "；".join(error.messages))
        else:
            messages.success(
                request,
                f"已导入{summary.month}月清单：共 {summary.rows} 行，新增 {summary.created} 项，"
                f"更新 {summary.updated} 项，未变 {summary.unchanged} 项。",
            )
            return redirect("records:home", year=year)
    return render(request, "records/import.html", context, status=400 if form.errors else 200)


@role_required(*selectors.READERS)
@require_GET
def items_export(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    month = _month(request, cycle)
    items = selectors.visible_items(request.user, cycle).filter(month=month)
    buffer = io.BytesIO()
    write_items(items, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{year}-{month:02d}-lists.xlsx"
    return response


@role_required(*selectors.READERS)
@require_GET
def items_template(request: HttpRequest, year: int) -> HttpResponse:
    get_cycle(request.user, year)
    buffer = io.BytesIO()
    write_items(ListItem.objects.none(), buffer, template=True)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''lists-template.xlsx"
    return response
