"""Pages of 述职述廉: the list of what each team and cadre must hand in (the late list is its filter), handing
in a report, reading one, and the organiser's setting. Thin: the same selectors and write functions as the API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.audit.reads import audit_read
from kaohe.dutyreports import actions, lateness, selectors
from kaohe.dutyreports.forms import SettingForm, SubmitForm
from kaohe.dutyreports.models import ReportKind
from kaohe.filestore.checks import content_type
from kaohe.plans.gate import Activity, refusal
from kaohe.plans.selectors import get_cycle, visible_cycles


@role_required(*selectors.READERS)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cycle = visible_cycles(request.user).order_by("-year").first()
    if cycle is None:
        raise Http404("还没有年度考核")
    return redirect("dutyreports:list", cycle.year)


@role_required(*selectors.READERS)
@require_GET
def report_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    late = request.GET.get("late") == "1"
    everything = selectors.rows(request.user, cycle, today)
    shown = selectors.rows(request.user, cycle, today, status=status or None, kind=kind or None, late=late)
    setting = selectors.setting(cycle)
    is_organiser = request.user.has_role(Role.ORGANISER)
    return render(
        request,
        "dutyreports/list.html",
        {
            "cycle": cycle,
            "rows": shown,
            "counts": selectors.counts(everything),
            "labels": lateness.LABELS,
            "status": status,
            "kind": kind,
            "late": late,
            "kinds": ReportKind.choices,
            "setting": setting,
            "can_submit": selectors.can_submit(request.user),
            "closed": refusal(cycle, Activity.INPUTS),
            "is_organiser": is_organiser,
            "setting_form": SettingForm(
                initial={
                    "deadline": setting.deadline,
                    "integrity_required": setting.integrity_required,
                    "selection_required": setting.selection_required,
                }
            )
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
        messages.error(request, "提交截止日期须为有效日期，如 2025-12-20")
        return redirect("dutyreports:list", year)
    try:
        actions.duty_report_setting_update(actor=request.user, cycle=cycle, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已保存述职述廉设置。")
    return redirect("dutyreports:list", year)


@role_required(*selectors.SUBMITTERS)
@require_http_methods(["GET", "POST"])
def report_submit_view(request: HttpRequest, year: int, target: str, pk: int, kind: str) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    subject = selectors.target_by_pk(request.user, cycle, target, pk)
    if kind not in selectors.required_kinds(selectors.setting(cycle), target):
        raise Http404("本年度不要求这种报告")
    existing = selectors.current_report(cycle, kind, subject)
    form = SubmitForm(
        request.POST or None, request.FILES or None, initial={"summary": getattr(existing, "summary", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.duty_report_submit(
                actor=request.user,
                cycle=cycle,
                kind=kind,
                target=subject,
                upload=form.cleaned_data["file"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"已提交「{subject.name}」的{ReportKind(kind).label}。")
            return redirect("dutyreports:list", year)
    return render(
        request,
        "dutyreports/submit.html",
        {
            "cycle": cycle,
            "subject": subject,
            "target": target,
            "kind_label": ReportKind(kind).label,
            "existing": existing,
            "form": form,
            "deadline": selectors.setting(cycle).deadline,
            "closed": refusal(cycle, Activity.INPUTS),
        },
    )


@role_required(*selectors.READERS)
@require_GET
def report_download(request: HttpRequest, year: int, pk: int) -> FileResponse:
    cycle = get_cycle(request.user, year)
    report = selectors.get_report(request.user, cycle, pk)
    audit_read(request.user, "duty_report.download", report)
    # Through this checked view only: a report is never served from a public media URL.
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.file_name,
        content_type=content_type(report.file_name),
    )
