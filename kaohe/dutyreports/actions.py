"""Writes of 述职述廉: one function per use-case, keyword-only, one transaction, audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.dutyreports import selectors
from kaohe.dutyreports.models import SUMMARY_MAX, DutyReport, DutyReportSetting, ReportKind
from kaohe.filestore.checks import REPORTS, validate_upload
from kaohe.org.models import Cadre, Unit
from kaohe.plans.gate import Activity, lock_cycle
from kaohe.plans.models import AssessmentCycle

DEFAULT_MAX_BYTES = 30 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "DUTY_REPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def duty_report_setting_update(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    deadline: datetime.date | None,
    integrity_required: bool,
    selection_required: bool,
) -> DutyReportSetting:
    """The deadline and which reports are asked beside the 述职报告: part of the plan, fixed from 评定."""
    with transaction.atomic():
        cycle = lock_cycle(cycle, Activity.PLAN)
        setting, _created = DutyReportSetting.objects.select_for_update().get_or_create(cycle=cycle)
        fields = ("deadline", "integrity_required", "selection_required")
        before = {f: getattr(setting, f) for f in fields}
        setting.deadline = deadline
        setting.integrity_required = integrity_required
        setting.selection_required = selection_required
        setting.save()
        audit_record(
            actor=actor,
            action="duty_report.setting",
            obj=cycle,
            before=before,
            after={f: getattr(setting, f) for f in fields},
        )
    return setting


def duty_report_submit(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    kind: str,
    target: Unit | Cadre,
    upload: UploadedFile,
    summary: str = "",
    now: datetime.datetime | None = None,
) -> DutyReport:
    """Hand in (or replace) a team's or a cadre's report. The file must be a genuine .docx or .pdf (by its
    bytes); the summary, up to 300 characters, is what a ballot may show. ``target`` comes from
    ``selectors.get_target`` (the actor's scope); a 选人用人工作情况报告 is a unit's."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [f"没有「{kind}」这种报告"]})
    is_unit = isinstance(target, Unit)
    if kind == ReportKind.SELECTION and not is_unit:
        raise ValidationError({"kind": ["选人用人工作情况报告由单位提交，不是干部个人"]})
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise ValidationError({"summary": [f"摘要最多 {SUMMARY_MAX} 字，现有 {len(summary)} 字"]})
    try:
        validate_upload(upload, allowed=REPORTS, limit=max_bytes())
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    now = now or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            cycle = lock_cycle(cycle, Activity.INPUTS)
            lookup = {"unit": target} if is_unit else {"cadre": target}
            report = (
                DutyReport.objects.select_for_update(of=("self",))
                .filter(cycle=cycle, kind=kind, **lookup)
                .order_by("pk")
                .first()
            )
            before = None
            old_file = ""
            if report is None:
                report = DutyReport(cycle=cycle, kind=kind, first_submitted_at=now, **lookup)
            else:
                before = {"file_name": report.file_name, "size": report.size, "summary": report.summary}
                old_file = report.file.name
            report.file.save(upload.name, upload, save=False)
            stored.append(report.file.name)
            report.file_name = (upload.name or "")[:200]
            report.size = upload.size or 0
            report.summary = summary
            report.submitted_by = actor
            report.submitted_at = now
            report.save()
            audit_record(
                actor=actor,
                action="duty_report.submit",
                obj=report,
                before=before,
                after={
                    "kind": kind,
                    "target": target.code,
                    "file_name": report.file_name,
                    "size": report.size,
                    "summary": summary,
                },
            )
    except BaseException:
        for name in stored:  # nothing half-saved: the file goes with the rolled-back row
            report.file.storage.delete(name)
        raise
    if old_file:
        transaction.on_commit(lambda: report.file.storage.delete(old_file))
    return report


__all__ = ["duty_report_setting_update", "duty_report_submit", "max_bytes", "selectors"]
