"""Pages of the reports: the 综合分析报告 (group drafts, discusses, submits; the organiser returns or accepts),
the cycle's analysis report, the organisation's Word templates, the 年度考核登记表. Thin: check, call, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.confirm import Confirmation, confirmation_page
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.plans.selectors import get_cycle
from kaohe.reports import actions, documents, drafting, selectors, templating
from kaohe.reports.defaults import KINDS, default_template
from kaohe.reports.models import DocumentTemplate, Register, RegisterDeadline, ReportKind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@role_required(Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR, Role.CADRE)
def reports_home(request: HttpRequest) -> HttpResponse:
    """The years, each with what this role may open: reports, the cycle report, templates, 登记表."""
    cycles = AssessmentCycle.objects.order_by("-year")
    if request.user.has_role(Role.CADRE):
        cycles = cycles.filter(assessed_cadres__cadre_id=request.user.cadre_id)
    return render(request, "reports/home.html", {"cycles": cycles})


@require_GET
@role_required(*selectors.REPORT_READERS)
def report_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    reports = selectors.visible_reports(request.user, cycle).order_by("kind", "unit__code", "cadre__code")
    return render(
        request,
        "reports/list.html",
        {
            "cycle": cycle,
            "reports": reports,
            "may_draft": request.user.has_role(Role.ORGANISER, Role.ASSESSOR),
        },
    )


@require_POST
@role_required(Role.ORGANISER, Role.ASSESSOR)
def reports_draft_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    units = None if request.user.has_role(Role.ORGANISER) else selectors.group_unit_ids(request.user, cycle)
    cadres = None
    if units is not None:
        cadres = list(
            AssessedCadre.objects.filter(cycle=cycle, unit_id__in=units).values_list("cadre_id", flat=True)
        )
    made = actions.reports_draft(
        actor=request.user,
        cycle=cycle,
        kind=ReportKind.TEAM,
        subject_ids=None if units is None else list(units),
    )
    made += actions.reports_draft(actor=request.user, cycle=cycle, kind=ReportKind.CADRE, subject_ids=cadres)
    messages.success(request, f"已起草 {len(made)} 份综合分析报告。")
    return redirect("reports:list", year=year)


@require_GET
@role_required(*selectors.REPORT_READERS)
def report_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    report = selectors.get_report(request.user, cycle, pk)
    return render(
        request,
        "reports/detail.html",
        {
            "cycle": cycle,
            "report": report,
            "sections": [(title, report.sections.get(title, "")) for title in drafting.SECTIONS],
            "versions": report.versions.all()[:20],
            "discussions": report.discussions.all(),
            "may_write": selectors.may_write(request.user, report),
            "may_review": request.user.has_role(*selectors.REPORT_REVIEWERS) and report.status == "submitted",
            "today": timezone.localdate().isoformat(),
        },
    )


@require_POST
@role_required(Role.ASSESSOR)
def report_save_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    report = selectors.get_report(request.user, get_cycle(request.user, year), pk)
    if not selectors.may_write(request.user, report):
        raise Http404
    try:
        sections = {title: request.POST.get(f"section-{i}", "") for i, title in enumerate(drafting.SECTIONS)}
        actions.report_save(actor=request.user, report=report, sections=sections)
        messages.success(request, "报告已保存。")
    except ValidationError as error:
        _errors(request, error)
    return redirect("reports:detail", year=year, pk=pk)


def _empty_sections(report) -> list[str]:
    return [title for title in drafting.SECTIONS if not (report.sections.get(title) or "").strip()]


def _confirm_submit(cycle: AssessmentCycle, report, held_on: datetime.date, attendees: str) -> Confirmation:
    empty = _empty_sections(report)
    return Confirmation(
        title=f"提交考核办：{report}",
        consequence=(
            f"提交后第{report.version}稿交考核办审核，考核组不能再修改，除非考核办退回；"
            f"集体研究讨论记录（{held_on}）随稿存档。"
        ),
        action_url=reverse("reports:submit", args=[cycle.year, report.pk]),
        cancel_url=reverse("reports:detail", args=[cycle.year, report.pk]),
        button="确认提交",
        facts=(
            ("稿次", f"第{report.version}稿"),
            ("已填章节", f"{len(drafting.SECTIONS) - len(empty)}/{len(drafting.SECTIONS)}"),
            ("讨论日期", str(held_on)),
            ("参加人员", attendees),
        ),
        warnings=tuple(f"「{title}」一节是空的" for title in empty),
        danger=False,
    )


@require_POST
@role_required(Role.ASSESSOR)
def report_submit_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    report = selectors.get_report(request.user, cycle, pk)
    if not selectors.may_write(request.user, report):
        raise Http404
    try:
        try:
            held_on = datetime.date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            raise ValidationError(f"讨论日期「{request.POST.get('held_on', '')}」不是有效日期") from None
        attendees = request.POST.get("attendees", "")
        conclusion = request.POST.get("conclusion", "")
        # Input the write function refuses is refused at once, with nothing to confirm.
        if attendees.strip() and conclusion.strip() and held_on <= timezone.localdate():
            if page := confirmation_page(request, _confirm_submit(cycle, report, held_on, attendees)):
                return page
        actions.report_submit(
            actor=request.user, report=report, held_on=held_on, attendees=attendees, conclusion=conclusion
        )
        messages.success(request, "报告已提交考核办。")
    except ValidationError as error:
        _errors(request, error)
    return redirect("reports:detail", year=year, pk=pk)


def _confirm_accept(cycle: AssessmentCycle, report) -> Confirmation:
    discussion = report.discussions.filter(version=report.version).order_by("-held_on", "-id").first()
    return Confirmation(
        title=f"采纳报告：{report}",
        consequence=(
            f"采纳后第{report.version}稿定稿，不能再退回考核组修改；"
            "考核结果反馈意见书和考核档案以采纳的报告为据。"
        ),
        action_url=reverse("reports:review", args=[cycle.year, report.pk]),
        cancel_url=reverse("reports:detail", args=[cycle.year, report.pk]),
        button="确认采纳",
        facts=(
            ("稿次", f"第{report.version}稿"),
            ("集体研究讨论", f"{discussion.held_on}（{discussion.attendees}）" if discussion else "—"),
        ),
        warnings=tuple(f"「{title}」一节是空的" for title in _empty_sections(report)),
    )


@require_POST
@role_required(*selectors.REPORT_REVIEWERS)
def report_review_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    report = selectors.get_report(request.user, cycle, pk)
    accept = request.POST.get("decision") == "accept"
    # Accepting is final: asked first. Returning is not (the group submits again).
    if accept and report.status == "submitted":
        if page := confirmation_page(request, _confirm_accept(cycle, report)):
            return page
    try:
        actions.report_review(
            actor=request.user, report=report, accept=accept, reason=request.POST.get("reason", "")
        )
        messages.success(request, "报告已采纳。" if accept else "报告已退回考核组。")
    except ValidationError as error:
        _errors(request, error)
    return redirect("reports:detail", year=year, pk=pk)


@require_GET
@role_required(*selectors.REPORT_READERS)
def report_download(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    report = selectors.get_report(request.user, get_cycle(request.user, year), pk)
    return _docx(documents.report_docx(report), f"{report}.docx")


@require_GET
@role_required(*selectors.CYCLE_REPORT_READERS)
def cycle_download(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    return _docx(documents.cycle_docx(cycle), f"{year}年度考核工作分析报告.docx")


# --- templates --------------------------------------------------------------------------------------------


@require_GET
@role_required(Role.ORGANISER)
def template_list(request: HttpRequest) -> HttpResponse:
    active = {t.kind: t for t in DocumentTemplate.objects.filter(active=True).select_related("uploaded_by")}
    rows = [(kind, label, active.get(kind)) for kind, label in KINDS.items()]
    return render(request, "reports/templates.html", {"rows": rows})


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


@require_GET
@role_required(Role.ORGANISER)
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    content = default_template(kind) if request.GET.get("default") else documents.template_for(kind)
    return _docx(content, f"{KINDS[kind]}模板.docx")


@require_POST
@role_required(Role.ORGANISER)
def template_upload_view(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的 .docx 模板")
        return redirect("reports:templates")
    if upload.size > templating.MAX_UPLOAD:
        messages.error(request, f"模板文件过大（{upload.size // 1024} KB），不能超过 5 MB")
        return redirect("reports:templates")
    try:
        actions.template_upload(actor=request.user, kind=kind, name=upload.name, content=upload.read())
        messages.success(request, f"已启用新的「{KINDS[kind]}」模板。")
    except ValidationError as error:
        _errors(request, error)
    return redirect("reports:templates")


@require_GET
@role_required(Role.ORGANISER)
def template_preview(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    try:
        content = documents.render(kind, [documents.preview_context(kind)])[0]
    except templating.RenderFailed as error:
        messages.error(request, str(error))
        return redirect("reports:templates")
    return _docx(content, f"{KINDS[kind]}（预览）.docx")


@require_http_methods(["GET", "POST"])
@role_required(Role.ORGANISER)
def template_reset_view(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    confirm = Confirmation(
        title=f"恢复默认模板：{KINDS[kind]}",
        consequence=f"「{KINDS[kind]}」将恢复为系统默认模板，本单位对它的修改不再使用；需要时请先下载现用模板留存。",
        action_url=reverse("reports:template_reset", args=[kind]),
        cancel_url=reverse("reports:templates"),
        button="确认恢复默认",
    )
    if page := confirmation_page(request, confirm):
        return page
    actions.template_reset(actor=request.user, kind=kind)
    messages.success(request, f"「{KINDS[kind]}」已恢复为系统默认模板。")
    return redirect("reports:templates")


# --- 年度考核登记表 ---------------------------------------------------------------------------------------


@role_required(Role.CADRE)
def register_mine(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    register = selectors.own_register(request.user, cycle)
    if request.method == "POST":
        try:
            actions.register_summary_save(
                actor=request.user, register=register, summary=request.POST.get("summary", "")
            )
            messages.success(request, "个人总结已保存。")
            return redirect("reports:register_mine", year=year)
        except ValidationError as error:
            _errors(request, error)
    deadline = RegisterDeadline.objects.filter(cycle=cycle).first()
    return render(
        request, "reports/register_mine.html", {"cycle": cycle, "register": register, "deadline": deadline}
    )


@role_required(*selectors.REGISTER_MANAGERS)
def register_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    if request.method == "POST":
        try:
            if "due" in request.POST:
                try:
                    due = datetime.date.fromisoformat(request.POST["due"])
                except ValueError:
                    raise ValidationError(f"截止日期「{request.POST['due']}」不是有效日期") from None
                actions.register_deadline_set(actor=request.user, cycle=cycle, due=due)
                messages.success(request, "个人总结截止日期已设置。")
            else:
                cadre_id = int(request.POST.get("cadre", "0") or 0)
                if not AssessedCadre.objects.filter(cycle=cycle, cadre_id=cadre_id).exists():
                    raise Http404
                register, _ = Register.objects.get_or_create(cycle=cycle, cadre_id=cadre_id)
                actions.register_comment_save(
                    actor=request.user,
                    register=register,
                    comment=request.POST.get("comment", ""),
                    leader_name=request.POST.get("leader", ""),
                )
                messages.success(request, "主管领导评语已保存。")
        except ValidationError as error:
            _errors(request, error)
        return redirect("reports:register_list", year=year)
    assessed = (
        AssessedCadre.objects.filter(cycle=cycle)
        .select_related("cadre", "unit")
        .order_by("unit__code", "cadre__code")
    )
    registers = {r.cadre_id: r for r in Register.objects.filter(cycle=cycle).defer("filed")}
    rows = [(a, registers.get(a.cadre_id)) for a in assessed]
    deadline = RegisterDeadline.objects.filter(cycle=cycle).first()
    return render(request, "reports/register_list.html", {"cycle": cycle, "rows": rows, "deadline": deadline})


@require_GET
@role_required(*selectors.REGISTER_MANAGERS)
def register_download(request: HttpRequest, year: int) -> HttpResponse:
    """One cadre's 登记表 (``?cadre=<id>``), or all of the cycle's in one document, one per page."""
    cycle = get_cycle(request.user, year)
    ids = list(
        AssessedCadre.objects.filter(cycle=cycle)
        .order_by("unit__code", "cadre__code")
        .values_list("cadre_id", flat=True)
    )
    if request.GET.get("cadre"):
        wanted = int(request.GET["cadre"]) if request.GET["cadre"].isdigit() else 0
        if wanted not in ids:
            raise Http404
        filed = Register.objects.filter(cycle=cycle, cadre_id=wanted, filed_at__isnull=False).first()
        content = bytes(filed.filed) if filed else documents.registers_docx(cycle, [wanted])
        return _docx(content, f"{year}年度考核登记表-{wanted}.docx")
    return _docx(documents.registers_docx(cycle, ids), f"{year}年度考核登记表（全部）.docx")


@require_POST
@role_required(*selectors.REGISTER_MANAGERS)
def registers_file_view(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    ids = list(AssessedCadre.objects.filter(cycle=cycle).values_list("cadre_id", flat=True))
    contents = documents.render(
        "register",
        [
            {"year": year, "organisation": documents.ORGANISATION, "registers": [row]}
            for row in documents.register_rows(cycle, ids)
        ],
    )
    filed = actions.registers_file(
        actor=request.user, cycle=cycle, documents=dict(zip(ids, contents, strict=True))
    )
    messages.success(request, f"已归档 {filed} 份登记表。")
    return redirect("reports:register_list", year=year)
