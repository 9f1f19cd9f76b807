"""述职述廉 over JSON: the same selectors and write functions as the pages.

Reading: organisers (every team and cadre), assessors (their groups' units), liaisons (their unit), cadres
(their own). Handing in: organisers, liaisons and cadres, in the same scopes. The setting: organisers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from kaohe.accounts.models import Role
from kaohe.api_errors import NON_FIELD, ApiError, Input, Refused, refused
from kaohe.audit.reads import audit_read
from kaohe.dutyreports import actions, lateness, selectors
from kaohe.dutyreports.models import ReportKind
from kaohe.filestore.checks import content_type
from kaohe.plans.gate import PhaseClosed
from kaohe.plans.selectors import get_cycle

router = Router(tags=["dutyreports"])


class DutyReportRowOut(Schema):
    target: str
    code: str
    name: str
    detail: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    days_late: int
    report: int | None
    file_name: str
    summary: str
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None


class DutyReportListOut(Schema):
    deadline: datetime.date | None
    counts: dict[str, int]
    reports: list[DutyReportRowOut]


class DutyReportIn(Input):
    kind: str = Field(description="duty 述职报告 · integrity 述责述廉报告 · selection 选人用人工作情况报告")
    unit: str = Field("", description="单位编码（领导班子的报告、选人用人工作情况报告）")
    cadre: str = Field("", description="干部编码（干部本人的报告）")
    summary: str = Field("", max_length=300)


class DutyReportSettingIn(Input):
    deadline: datetime.date | None = None
    integrity_required: bool = True
    selection_required: bool = True


class DutyReportSettingOut(Schema):
    deadline: datetime.date | None
    integrity_required: bool
    selection_required: bool


def _row(row: selectors.Row) -> dict:
    report = row.report
    return {
        "target": row.target,
        "code": row.code,
        "name": row.name,
        "detail": row.detail,
        "kind": row.kind,
        "kind_label": row.kind_label,
        "status": str(row.status),
        "status_label": row.status_label,
        "days_late": row.days_late,
        "report": report.pk if report else None,
        "file_name": report.file_name if report else "",
        "summary": report.summary if report else "",
        "first_submitted_at": report.first_submitted_at if report else None,
        "submitted_at": report.submitted_at if report else None,
    }


@router.get("/{year}/reports", response=DutyReportListOut)
def duty_report_list_api(
    request: HttpRequest, year: int, status: str = "", kind: str = "", late: bool = False
):
    """Every report asked in the user's scope; ``late=true`` is the late list (逾期提交 and 逾期未交), most days
    late first; ``status`` keeps one status (on_time, late, missing, overdue)."""
    cycle = get_cycle(request.user, year, selectors.READERS)
    if status and status not in {s.value for s in lateness.Status}:
        allowed = "、".join(s.value for s in lateness.Status)
        raise Refused({"status": [f"状态「{status}」应为 {allowed} 之一"]})
    if kind and kind not in ReportKind.values:
        raise Refused({"kind": [f"没有「{kind}」这种报告"]})
    today = timezone.localdate()
    shown = selectors.rows(request.user, cycle, today, status=status or None, kind=kind or None, late=late)
    return {
        "deadline": selectors.setting(cycle).deadline,
        "counts": selectors.counts(selectors.rows(request.user, cycle, today)),
        "reports": [_row(row) for row in shown],
    }


@router.post("/{year}/reports", response={201: DutyReportRowOut, 409: ApiError})
def duty_report_submit_api(
    request: HttpRequest,
    year: int,
    payload: Form[DutyReportIn],
    file: UploadedFile = File(...),  # noqa: B008 (ninja's way)
):
    """Hand in (or replace) a report: multipart with the .docx or .pdf file, checked by its bytes."""
    cycle = get_cycle(request.user, year, selectors.SUBMITTERS)
    if bool(payload.unit) == bool(payload.cadre):
        raise Refused({"unit": ["请填写单位编码或干部编码之一"]})
    target = selectors.get_target(request.user, cycle, unit_code=payload.unit, cadre_code=payload.cadre)
    target_kind = "unit" if payload.unit else "cadre"
    if payload.kind in ReportKind.values and payload.kind not in selectors.required_kinds(
        selectors.setting(cycle), target_kind
    ):
        who = "单位" if payload.unit else "干部"
        raise Refused({"kind": [f"{cycle.name}不要求{who}提交{ReportKind(payload.kind).label}"]})
    try:
        report = actions.duty_report_submit(
            actor=request.user,
            cycle=cycle,
            kind=payload.kind,
            target=target,
            upload=file,
            summary=payload.summary,
        )
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise refused(error, "file", names={"closed": NON_FIELD}) from None
    return Status(201, _row(selectors.row_of(report, timezone.localdate())))


@router.get("/{year}/reports/{pk}/file")
def duty_report_file_api(request: HttpRequest, year: int, pk: int):
    """The report's file as handed in (audited as a read)."""
    cycle = get_cycle(request.user, year, selectors.READERS)
    report = selectors.get_report(request.user, cycle, pk)
    audit_read(request.user, "duty_report.download", report)
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.file_name,
        content_type=content_type(report.file_name),
    )


@router.put("/{year}/setting", response={200: DutyReportSettingOut, 409: ApiError})
def duty_report_setting_api(request: HttpRequest, year: int, payload: DutyReportSettingIn):
    cycle = get_cycle(request.user, year, (Role.ORGANISER,))
    try:
        setting = actions.duty_report_setting_update(actor=request.user, cycle=cycle, **payload.dict())
    except PhaseClosed:
        raise  # the phase gate: 409 with its sentence (kaohe/api.py)
    except ValidationError as error:
        raise refused(error, "deadline") from None
    return {
        "deadline": setting.deadline,
        "integrity_required": setting.integrity_required,
        "selection_required": setting.selection_required,
    }
