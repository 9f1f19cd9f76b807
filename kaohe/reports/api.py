"""The reports over JSON: the same selectors and write functions as the pages, the same checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.accounts.models import Role
from kaohe.api_errors import Input, Refused, refused
from kaohe.plans.models import AssessedCadre
from kaohe.plans.selectors import get_cycle
from kaohe.reports import actions, documents, selectors, templating
from kaohe.reports.defaults import KINDS
from kaohe.reports.models import AnalysisReport, ReportKind
from kaohe.reports.views import DOCX, _docx

router = Router(tags=["reports"])

# An answer that is a Word file rather than JSON, as the schema documents it.
DOCX_ANSWER = {
    "responses": {
        200: {
            "description": "Word 文件",
            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class ReportOut(Schema):
    id: int
    kind: str
    unit: str
    cadre: str | None
    status: str
    version: int
    sections: dict[str, str]
    returned_reason: str


class SectionsIn(Input):
    sections: dict[str, str]


class SubmitIn(Input):
    held_on: datetime.date
    attendees: str
    conclusion: str


class ReportReviewIn(Input):
    accept: bool
    reason: str = ""


def _role(request: HttpRequest, roles: tuple[str, ...]) -> None:
    if not request.user.has_role(*roles):
        raise HttpError(403, "当前账号无权执行此操作")


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


class SummaryIn(Input):
    summary: str


class RegisterOut(Schema):
    year: int
    summary: str
    filed: bool


class TemplateOut(Schema):
    kind: str
    name: str


# Paths with a fixed word come before those with a number in its place ("/{year}/cycle/docx" before
# "/{year}/{pk}/docx"): the first path that matches answers.

# --- templates --------------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise HttpError(404, f"没有「{kind}」这种文档")
    return kind


@router.get("/templates/{kind}/docx", openapi_extra=DOCX_ANSWER)
def template_docx(request: HttpRequest, kind: str) -> HttpResponse:
    _role(request, (Role.ORGANISER,))
    kind = _kind(kind)
    return _docx(documents.template_for(kind), f"{KINDS[kind]}模板.docx")


@router.post("/templates/{kind}", response=TemplateOut)
def template_upload_api(request: HttpRequest, kind: str, file: UploadedFile = File(...)):  # noqa: B008 (ninja's way)
    _role(request, (Role.ORGANISER,))
    kind = _kind(kind)
    if file.size > templating.MAX_UPLOAD:
        raise Refused({"file": [f"模板文件过大（{file.size // 1024} KB），不能超过 5 MB"]})
    try:
        template = actions.template_upload(
            actor=request.user, kind=kind, name=file.name or "", content=file.read()
        )
    except ValidationError as error:
        raise refused(error, "file") from None
    return {"kind": template.kind, "name": template.name}


# --- a year's reports, the cycle report and the 登记表 ------------------------------------------------------


@router.get("/{year}/", response=list[ReportOut])
def report_list(request: HttpRequest, year: int):
    return [
        _out(r)
        for r in selectors.visible_reports(
            request.user, get_cycle(request.user, year, selectors.REPORT_READERS)
        )
    ]


@router.post("/{year}/draft", response=list[ReportOut])
def reports_draft_api(request: HttpRequest, year: int):
    cycle = get_cycle(request.user, year, (Role.ORGANISER,))
    made = actions.reports_draft(actor=request.user, cycle=cycle, kind=ReportKind.TEAM)
    made += actions.reports_draft(actor=request.user, cycle=cycle, kind=ReportKind.CADRE)
    return [
        _out(r)
        for r in AnalysisReport.objects.filter(pk__in=[r.pk for r in made]).select_related("unit", "cadre")
    ]


@router.get("/{year}/cycle/docx", openapi_extra=DOCX_ANSWER)
def cycle_docx(request: HttpRequest, year: int) -> HttpResponse:
    return _docx(
        documents.cycle_docx(get_cycle(request.user, year, selectors.CYCLE_REPORT_READERS)),
        f"{year}年度考核工作分析报告.docx",
    )


@router.put("/{year}/register/mine", response=RegisterOut)
def register_summary(request: HttpRequest, year: int, payload: SummaryIn):
    register = selectors.own_register(request.user, get_cycle(request.user, year, (Role.CADRE,)))
    try:
        register = actions.register_summary_save(
            actor=request.user, register=register, summary=payload.summary
        )
    except ValidationError as error:
        raise refused(error) from None  # past the deadline, or filed
    return {"year": year, "summary": register.summary, "filed": register.filed_at is not None}


@router.get("/{year}/register/{cadre_code}/docx", openapi_extra=DOCX_ANSWER)
def register_docx(request: HttpRequest, year: int, cadre_code: str) -> HttpResponse:
    cycle = get_cycle(request.user, year, selectors.REGISTER_MANAGERS)
    assessed = AssessedCadre.objects.filter(cycle=cycle, cadre__code=cadre_code).first()
    if assessed is None:
        raise HttpError(404, f"干部编码「{cadre_code}」不在 {year} 年度的参加考核干部中")
    return _docx(
        documents.registers_docx(cycle, [assessed.cadre_id]), f"{year}年度考核登记表-{cadre_code}.docx"
    )


# --- one report ---------------------------------------------------------------------------------------------


@router.get("/{year}/{pk}", response=ReportOut)
def report_get(request: HttpRequest, year: int, pk: int):
    return _out(
        selectors.get_report(request.user, get_cycle(request.user, year, selectors.REPORT_READERS), pk)
    )


@router.put("/{year}/{pk}/sections", response=ReportOut)
def report_save_api(request: HttpRequest, year: int, pk: int, payload: SectionsIn):
    report = selectors.get_report(request.user, get_cycle(request.user, year, (Role.ASSESSOR,)), pk)
    if not selectors.may_write(request.user, report):
        raise Http404
    try:
        return _out(actions.report_save(actor=request.user, report=report, sections=payload.sections))
    except ValidationError as error:
        raise refused(error, "sections") from None


@router.post("/{year}/{pk}/submit", response=ReportOut)
def report_submit_api(request: HttpRequest, year: int, pk: int, payload: SubmitIn):
    report = selectors.get_report(request.user, get_cycle(request.user, year, (Role.ASSESSOR,)), pk)
    if not selectors.may_write(request.user, report):
        raise Http404
    try:
        return _out(actions.report_submit(actor=request.user, report=report, **payload.dict()))
    except ValidationError as error:
        raise refused(error) from None


@router.post("/{year}/{pk}/review", response=ReportOut)
def report_review_api(request: HttpRequest, year: int, pk: int, payload: ReportReviewIn):
    report = selectors.get_report(request.user, get_cycle(request.user, year, selectors.REPORT_REVIEWERS), pk)
    try:
        return _out(
            actions.report_review(
                actor=request.user, report=report, accept=payload.accept, reason=payload.reason
            )
        )
    except ValidationError as error:
        raise refused(error) from None


@router.get("/{year}/{pk}/docx", openapi_extra=DOCX_ANSWER)
def report_docx(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    report = selectors.get_report(request.user, get_cycle(request.user, year, selectors.REPORT_READERS), pk)
    return _docx(documents.report_docx(report), f"{report}.docx")
