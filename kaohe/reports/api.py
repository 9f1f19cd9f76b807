"""The reports over JSON: the same selectors and write functions as the pages, the same checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.accounts.models import Role
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.reports import actions, documents, selectors, templating
from kaohe.reports.defaults import KINDS
from kaohe.reports.models import AnalysisReport, ReportKind
from kaohe.reports.views import _docx

router = Router(tags=["reports"])


class ReportOut(Schema):
    id: int
    kind: str
    unit: str
    cadre: str | None
    status: str
    version: int
    sections: dict[str, str]
    returned_reason: str


class SectionsIn(Schema):
    sections: dict[str, str]


class SubmitIn(Schema):
    held_on: datetime.date
    attendees: str
    conclusion: str


class ReportReviewIn(Schema):
    accept: bool
    reason: str = ""


def _role(request: HttpRequest, roles: tuple[str, ...]) -> None:
    if not request.user.has_role(*roles):
        raise HttpError(403, "无权访问")


def _cycle(year: int) -> AssessmentCycle:
    cycle = AssessmentCycle.objects.filter(year=year).first()
    if cycle is None:
        raise HttpError(404, f"没有 {year} 年度的考核")
    return cycle


def _out(r: AnalysisReport) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "unit": r.unit.code,
        "cadre": r.cadre.code if r.cadre_id else None,
        "status": r.status,
        "version": r.version,
        "sections": r.sections,
        "returned_reason": r.returned_reason,
    }


def _refused(error: ValidationError) -> HttpError:
    return HttpError(400, "；".join(error.messages))


@router.get("/{int:year}/", response=list[ReportOut])
def report_list(request: HttpRequest, year: int):
    _role(request, selectors.REPORT_READERS)
    return [_out(r) for r in selectors.visible_reports(request.user, _cycle(year))]


@router.get("/{int:year}/{int:pk}", response=ReportOut)
def report_get(request: HttpRequest, year: int, pk: int):
    _role(request, selectors.REPORT_READERS)
    return _out(selectors.get_report(request.user, _cycle(year), pk))


@router.put("/{int:year}/{int:pk}/sections", response=ReportOut)
def report_save(request: HttpRequest, year: int, pk: int, payload: SectionsIn):
    _role(request, (Role.ASSESSOR,))
    report = selectors.get_report(request.user, _cycle(year), pk)
    if not selectors.may_write(request.user, report):
        raise Http404
    try:
        return _out(actions.report_save(actor=request.user, report=report, sections=payload.sections))
    except ValidationError as error:
        raise _refused(error) from None


@router.post("/{int:year}/{int:pk}/submit", response=ReportOut)
def report_submit(request: HttpRequest, year: int, pk: int, payload: SubmitIn):
    _role(request, (Role.ASSESSOR,))
    report = selectors.get_report(request.user, _cycle(year), pk)
    if not selectors.may_write(request.user, report):
        raise Http404
    try:
        return _out(actions.report_submit(actor=request.user, report=report, **payload.dict()))
    except ValidationError as error:
        raise _refused(error) from None


@router.post("/{int:year}/{int:pk}/review", response=ReportOut)
def report_review(request: HttpRequest, year: int, pk: int, payload: ReportReviewIn):
    _role(request, selectors.REPORT_REVIEWERS)
    report = selectors.get_report(request.user, _cycle(year), pk)
    try:
        return _out(
            actions.report_review(
                actor=request.user, report=report, accept=payload.accept, reason=payload.reason
            )
        )
    except ValidationError as error:
        raise _refused(error) from None


@router.get("/{int:year}/{int:pk}/docx")
def report_docx(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    _role(request, selectors.REPORT_READERS)
    report = selectors.get_report(request.user, _cycle(year), pk)
    return _docx(documents.report_docx(report), f"{report}.docx")


@router.get("/{int:year}/cycle/docx")
def cycle_docx(request: HttpRequest, year: int) -> HttpResponse:
    _role(request, selectors.CYCLE_REPORT_READERS)
    return _docx(documents.cycle_docx(_cycle(year)), f"{year}年度考核工作分析报告.docx")


@router.get("/{int:year}/register/{cadre_code}/docx")
def register_docx(request: HttpRequest, year: int, cadre_code: str) -> HttpResponse:
    _role(request, selectors.REGISTER_MANAGERS)
    cycle = _cycle(year)
    assessed = AssessedCadre.objects.filter(cycle=cycle, cadre__code=cadre_code).first()
    if assessed is None:
        raise HttpError(404, f"干部编码「{cadre_code}」不在 {year} 年度的参加考核干部中")
    return _docx(
        documents.registers_docx(cycle, [assessed.cadre_id]), f"{year}年度考核登记表-{cadre_code}.docx"
    )


@router.post("/{int:year}/draft", response=list[ReportOut])
def reports_draft(request: HttpRequest, year: int):
    _role(request, (Role.ORGANISER,))
    cycle = _cycle(year)
    made = actions.reports_draft(actor=request.user, cycle=cycle, kind=ReportKind.TEAM)
    made += actions.reports_draft(actor=request.user, cycle=cycle, kind=ReportKind.CADRE)
    return [
        _out(r)
        for r in AnalysisReport.objects.filter(pk__in=[r.pk for r in made]).select_related("unit", "cadre")
    ]


class SummaryIn(Schema):
    summary: str


class RegisterOut(Schema):
    year: int
    summary: str
    filed: bool


@router.get("/templates/{kind}/docx")
def template_docx(request: HttpRequest, kind: str) -> HttpResponse:
    _role(request, (Role.ORGANISER,))
    if kind not in KINDS:
        raise HttpError(404, f"没有「{kind}」这种文档")
    return _docx(documents.template_for(kind), f"{KINDS[kind]}模板.docx")


@router.post("/templates/{kind}")
def template_upload(request: HttpRequest, kind: str, file: UploadedFile = File(...)) -> dict:  # noqa: B008 (ninja's way)
    _role(request, (Role.ORGANISER,))
    if file.size > templating.MAX_UPLOAD:
        raise HttpError(400, f"模板文件过大（{file.size // 1024} KB），不能超过 5 MB")
    try:
        template = actions.template_upload(
            actor=request.user, kind=kind, name=file.name or "", content=file.read()
        )
    except ValidationError as error:
        raise _refused(error) from None
    return {"kind": template.kind, "name": template.name}


@router.put("/{int:year}/register/mine", response=RegisterOut)
def register_summary(request: HttpRequest, year: int, payload: SummaryIn):
    _role(request, (Role.CADRE,))
    register = selectors.own_register(request.user, _cycle(year))
    try:
        register = actions.register_summary_save(
            actor=request.user, register=register, summary=payload.summary
        )
    except ValidationError as error:
        raise _refused(error) from None
    return {"year": year, "summary": register.summary, "filed": register.filed_at is not None}
