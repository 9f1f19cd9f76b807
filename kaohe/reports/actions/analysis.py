"""综合分析报告: drafted from sentence templates, edited, submitted after the group's discussion, accepted
or sent back by the organiser."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.plans.models import AssessmentCycle
from kaohe.reports import drafting
from kaohe.reports.actions.guards import TEXT_MAX
from kaohe.reports.models import AnalysisReport, ReportDiscussion, ReportKind, ReportStatus, ReportVersion
from kaohe.reports.selectors import draft_inputs


def _locked(report: AnalysisReport) -> AnalysisReport:
    return (
        AnalysisReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit", "cadre")
        .get(pk=report.pk)
    )


def reports_draft(
    *, actor: Any, cycle: AssessmentCycle, kind: str, subject_ids: list[int] | None = None
) -> list[AnalysisReport]:
    """Draft the reports not yet begun (all of ``kind`` in the cycle, or those of ``subject_ids``)."""
    now = timezone.now()
    inputs = draft_inputs(cycle, kind, only=set(subject_ids) if subject_ids is not None else None)
    made = []
    with transaction.atomic():
        field = "unit_id" if kind == ReportKind.TEAM else "cadre_id"
        existing = set(AnalysisReport.objects.filter(cycle=cycle, kind=kind).values_list(field, flat=True))
        units = {}
        if kind == ReportKind.CADRE:
            from kaohe.plans.models import AssessedCadre

            units = dict(
                AssessedCadre.objects.filter(cycle=cycle, cadre_id__in=list(inputs)).values_list(
                    "cadre_id", "unit_id"
                )
            )
        for subject_id, d in inputs.items():
            if subject_id in existing:
                continue
            sections = drafting.draft(d)
            made.append(
                AnalysisReport(
                    cycle=cycle,
                    kind=kind,
                    unit_id=subject_id if kind == ReportKind.TEAM else units[subject_id],
                    cadre_id=subject_id if kind == ReportKind.CADRE else None,
                    sections=sections,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
        AnalysisReport.objects.bulk_create(made, batch_size=500)
        if made and made[0].pk is None:
            made = list(AnalysisReport.objects.filter(cycle=cycle, kind=kind, created_at=now))
        ReportVersion.objects.bulk_create(
            [
                ReportVersion(report=r, number=1, sections=r.sections, note="系统起草", created_at=now)
                for r in made
            ],
            batch_size=500,
        )
        if made:
            audit_record(
                actor=actor,
                action="report.draft",
                object_type="reports.analysisreport",
                object_repr=f"{cycle.year}年度{ReportKind(kind).label}综合分析报告",
                after={"kind": kind, "count": len(made)},
            )
    return made


def _sections(sections: dict[str, str]) -> dict[str, str]:
    clean = {}
    for title in drafting.SECTIONS:
        text = str(sections.get(title, "")).strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(f"「{title}」不能超过 {TEXT_MAX} 字（现有 {len(text)} 字）")
        clean[title] = text
    return clean


def report_save(*, actor: Any, report: AnalysisReport, sections: dict[str, str]) -> AnalysisReport:
    """The group saves its edit: a new version, while the report is a draft or returned."""
    with transaction.atomic():
        report = _locked(report)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ValidationError(f"报告{report.get_status_display()}，不能修改")
        clean = _sections(sections)
        if clean == report.sections:
            return report
        before = report.sections
        report.version += 1
        report.sections = clean
        report.updated_at = timezone.now()
        report.save(update_fields=["version", "sections", "updated_at"])
        ReportVersion.objects.create(
            report=report,
            number=report.version,
            sections=clean,
            created_by=actor,
            created_at=report.updated_at,
        )
        audit_record(
            actor=actor,
            action="report.save",
            obj=report,
            before={"sections": before},
            after={"sections": clean, "version": report.version},
        )
    return report


def report_submit(
    *, actor: Any, report: AnalysisReport, held_on: datetime.date, attendees: str, conclusion: str
) -> AnalysisReport:
    """The group records its collective discussion of the current version and submits the report."""
    attendees, conclusion = attendees.strip(), conclusion.strip()
    problems = {}  # by field, for the API; the pages show the messages
    if not attendees:
        problems["attendees"] = "请填写参加集体研究讨论的人员"
    if not conclusion:
        problems["conclusion"] = "请填写集体研究讨论的结论"
    if held_on > timezone.localdate():
        problems["held_on"] = f"讨论日期 {held_on} 晚于今天"
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        report = _locked(report)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ValidationError(f"报告{report.get_status_display()}，不能提交")
        ReportDiscussion.objects.create(
            report=report,
            version=report.version,
            held_on=held_on,
            attendees=attendees,
            conclusion=conclusion,
            created_by=actor,
            created_at=timezone.now(),
        )
        before = report.status
        report.status = ReportStatus.SUBMITTED
        report.returned_reason = ""
        report.updated_at = timezone.now()
        report.save(update_fields=["status", "returned_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="report.submit",
            obj=report,
            before={"status": before},
            after={
                "status": report.status,
                "version": report.version,
                "held_on": held_on.isoformat(),
                "attendees": attendees,
                "conclusion": conclusion,
            },
        )
    return report


def report_review(*, actor: Any, report: AnalysisReport, accept: bool, reason: str = "") -> AnalysisReport:
    """The organiser accepts a submitted report, or returns it to the group with a reason."""
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": "退回报告须写明理由"})
    with transaction.atomic():
        report = _locked(report)
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(f"报告{report.get_status_display()}，只有已提交的报告可以采纳或退回")
        report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        report.returned_reason = "" if accept else reason
        report.updated_at = timezone.now()
        report.save(update_fields=["status", "returned_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="report.accept" if accept else "report.return",
            obj=report,
            before={"status": ReportStatus.SUBMITTED},
            after={"status": report.status, "version": report.version, "reason": reason},
        )
    return report
