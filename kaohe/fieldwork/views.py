"""Pages of the group's work: the organiser's progress page, a visit (schedule, checklist, members sent),
the groups' roles, conflict declarations, and the schedule's export and import. Views are thin: each calls
the selectors and the write functions the API calls too."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role, User
from kaohe.fieldwork import actions, selectors, transfer
from kaohe.fieldwork.forms import (
    AssignForm,
    ConflictForm,
    ImportForm,
    MarkForm,
    MemberRoleForm,
    ScheduleForm,
    SettingForm,
)
from kaohe.fieldwork.models import ConflictDeclaration, VisitAssignment
from kaohe.org.models import Unit
from kaohe.plans.models import AssessmentCycle
from kaohe.plans.selectors import get_cycle, visible_cycles
from kaohe.workbook.sheets import WorkbookError

PER_PAGE = 50
READERS = (Role.ORGANISER, Role.ASSESSOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(*READERS)
def home(request: HttpRequest) -> HttpResponse:
    """The latest cycle's progress page."""
    cycle = visible_cycles(request.user).order_by("-year").first()
    if cycle is None:
        raise Http404("还没有年度考核")
    return redirect("fieldwork:progress", cycle.year)


@role_required(*READERS)
def progress(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    today = timezone.localdate()
    groups = selectors.visible_groups(request.user, cycle).order_by("name")
    group = request.GET.get("group")
    group_id = int(group) if group and group.isdigit() else None
    ordered = selectors.progress(request.user, cycle, today, group_id)
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.visits_page(cycle, page, today, ordered)
    return render(
        request,
        "fieldwork/progress.html",
        {
            "cycle": cycle,
            "page": page,
            "rows": rows,
            "today": today,
            "groups": groups,
            "group_id": group_id,
            "is_organiser": request.user.has_role(Role.ORGANISER),
            "setting_form": SettingForm(initial={"recusal_years": selectors.recusal_years(cycle)}),
            "import_form": ImportForm(),
        },
    )


@role_required(Role.ORGANISER)
@require_POST
def setting_update(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = SettingForm(request.POST)
    if form.is_valid():
        actions.fieldwork_setting_update(actor=request.user, cycle=cycle, **form.cleaned_data)
        messages.success(request, "已保存任职回避年限。")
    else:
        messages.error(request, "任职回避年限须为 0 到 20 的整数")
    return redirect("fieldwork:progress", year)


@role_required(Role.ORGANISER)
@require_POST
def visits_open_view(request: HttpRequest, year: int) -> HttpResponse:
    created = actions.visits_open(actor=request.user, cycle=get_cycle(request.user, year))
    messages.success(request, f"已为 {created} 个单位建立考核日程。")
    return redirect("fieldwork:progress", year)


@role_required(*READERS)
def visit_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    visit = selectors.get_visit(request.user, cycle, pk)
    return _visit_page(request, cycle, visit, ScheduleForm(instance=visit))


def _visit_page(request: HttpRequest, cycle: AssessmentCycle, visit, form: ScheduleForm) -> HttpResponse:
    today = timezone.localdate()
    members = list(visit.group.members.order_by("username"))
    flags = selectors.recusal_flags(cycle, members, visit.unit, visit.entry_on or today)
    assigned = {a.user_id: a for a in VisitAssignment.objects.filter(visit=visit)}
    roles = selectors.member_roles(visit.group)
    return render(
        request,
        "fieldwork/visit.html",
        {
            "cycle": cycle,
            "visit": visit,
            "checklist": selectors.visit_checklist(request.user, cycle, visit, today),
            "today": today,
            "form": form,
            "members": [(m, roles.get(m.pk), flags.get(m.pk, []), assigned.get(m.pk)) for m in members],
            "manual": selectors.MANUAL_ITEMS,
            "can_manage": selectors.can_manage(request.user, visit.group),
            "can_mark": selectors.can_mark(request.user, visit.group),
        },
    )


@role_required(*READERS)
@require_POST
def visit_schedule_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    visit = selectors.get_visit(request.user, cycle, pk)
    if not selectors.can_manage(request.user, visit.group):
        raise PermissionDenied
    form = ScheduleForm(request.POST, instance=selectors.get_visit(request.user, cycle, pk))
    if form.is_valid():
        try:
            actions.visit_schedule(actor=request.user, visit=visit, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已保存日程。")
            return redirect("fieldwork:visit", year, pk)
    return _visit_page(request, cycle, visit, form)


@role_required(*READERS)
@require_POST
def visit_mark_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    visit = selectors.get_visit(request.user, get_cycle(request.user, year), pk)
    if not selectors.can_mark(request.user, visit.group):
        raise PermissionDenied
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "完成日期格式不对（应为 2025-12-01）")
    else:
        try:
            actions.visit_mark(actor=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
    return redirect("fieldwork:visit", year, pk)


@role_required(*READERS)
@require_POST
def visit_assign_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    visit = selectors.get_visit(request.user, get_cycle(request.user, year), pk)
    if not selectors.can_manage(request.user, visit.group):
        raise PermissionDenied
    form = AssignForm(request.POST)
    if form.is_valid():
        member = get_object_or_404(visit.group.members, pk=form.cleaned_data["user"])
        try:
            if request.POST.get("remove"):
                actions.visit_unassign(actor=request.user, visit=visit, user=member)
            else:
                actions.visit_assign(
                    actor=request.user, visit=visit, user=member, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            _errors(request, error)
    return redirect("fieldwork:visit", year, pk)


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def group_roles(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    group = selectors.get_group(request.user, cycle, pk)
    can_edit = request.user.has_role(Role.ORGANISER)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = MemberRoleForm(request.POST)
        if form.is_valid():
            member = get_object_or_404(User, pk=form.cleaned_data["user"])
            try:
                actions.group_member_set(
                    actor=request.user,
                    group=group,
                    user=member,
                    role=form.cleaned_data["role"],
                    duty=form.cleaned_data["duty"],
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, f"已保存「{member}」的职责与分工。")
        return redirect("fieldwork:group", year, pk)
    roles = selectors.member_roles(group)
    members = [(m, roles.get(m.pk)) for m in group.members.order_by("username")]
    return render(
        request,
        "fieldwork/group.html",
        {"cycle": cycle, "group": group, "members": members, "can_edit": can_edit},
    )


@role_required(Role.ASSESSOR)
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest, year: int) -> HttpResponse:
    """An assessor's own conflict declarations (亲属关系 or other), and the form to add one."""
    cycle = get_cycle(request.user, year)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = Unit.objects.filter(code=form.cleaned_data["unit"].strip()).first()
        if unit is None:
            form.add_error("unit", f"没有编码为「{form.cleaned_data['unit']}」的单位")
        else:
            try:
                actions.conflict_declare(
                    actor=request.user,
                    cycle=cycle,
                    unit=unit,
                    kind=form.cleaned_data["kind"],
                    detail=form.cleaned_data["detail"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"已申报与「{unit.name}」的利害关系。")
                return redirect("fieldwork:conflicts", year)
    declared = ConflictDeclaration.objects.filter(cycle=cycle, user=request.user).select_related("unit")
    return render(request, "fieldwork/conflicts.html", {"cycle": cycle, "form": form, "declared": declared})


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@role_required(*READERS)
def schedule_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    groups = selectors.visible_groups(request.user, cycle).prefetch_related("members").order_by("name")
    visits = selectors.visible_visits(request.user, cycle).order_by("group__name", "entry_on", "unit__code")
    if fmt not in ("xlsx", "docx"):
        raise Http404
    if fmt == "xlsx":
        return _download(transfer.write_xlsx(cycle, groups, visits), XLSX, f"fieldwork-{year}.xlsx")
    return _download(transfer.write_docx(cycle, groups, visits), DOCX, f"fieldwork-{year}.docx")


@role_required(Role.ORGANISER)
def schedule_template(request: HttpRequest, year: int) -> HttpResponse:
    return _download(transfer.write_template(), XLSX, "fieldwork-schedule-template.xlsx")


@role_required(Role.ORGANISER)
@require_POST
def schedule_import_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择日程工作簿（.xlsx、.xls 或 .ods）")
        return redirect("fieldwork:progress", year)
    try:
        result = actions.schedule_import(
            actor=request.user, cycle=cycle, data=form.cleaned_data["file"].read()
        )
    except WorkbookError as error:
        messages.error(request, "日程未导入，请改正后重新上传：")
        for problem in error.problems[:50]:
            messages.error(request, str(problem))
    else:
        messages.success(request, f"已导入 {result.updated} 个单位的日程。")
    return redirect("fieldwork:progress", year)
