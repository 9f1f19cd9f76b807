"""Demo documents: 2024's reports accepted and its 登记表 filed; 2025's reports drafted, some in progress.

Called from the demo loader after the cycles are loaded, in its transaction.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import Role, User
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.reports import actions, documents
from kaohe.reports.models import AnalysisReport, Register, ReportDiscussion, ReportStatus

SUMMARY = "本年度认真履行岗位职责，完成了年初确定的各项目标任务。"


def demo_reports_load() -> None:
    organiser = User.objects.filter(role=Role.ORGANISER).first()
    if organiser is None:
        return
    with transaction.atomic():
        for cycle in AssessmentCycle.objects.filter(year__in=(2024, 2025)):
            actions.reports_draft(actor=organiser, cycle=cycle, kind="team")
            actions.reports_draft(actor=organiser, cycle=cycle, kind="cadre")
        previous = AssessmentCycle.objects.filter(year=2024).first()
        if previous is not None:
            held = datetime.date(2025, 1, 10)
            reports = list(AnalysisReport.objects.filter(cycle=previous))
            ReportDiscussion.objects.bulk_create(
                ReportDiscussion(
                    report=r,
                    version=r.version,
                    held_on=held,
                    attendees="考核组全体成员",
                    conclusion="同意报告内容和等次建议",
                    created_by=organiser,
                    created_at=timezone.now(),
                )
                for r in reports
            )
            AnalysisReport.objects.filter(cycle=previous).update(status=ReportStatus.ACCEPTED)
            ids = list(AssessedCadre.objects.filter(cycle=previous).values_list("cadre_id", flat=True))
            Register.objects.bulk_create(
                [
                    Register(cycle=previous, cadre_id=i, summary=SUMMARY, summary_at=timezone.now())
                    for i in ids
                ],
                ignore_conflicts=True,
            )
            rows = documents.register_rows(previous, ids)
            contents = documents.render(
                "register",
                [{"year": 2024, "organisation": documents.ORGANISATION, "registers": [row]} for row in rows],
            )
            actions.registers_file(
                actor=organiser, cycle=previous, documents=dict(zip(ids, contents, strict=True))
            )
        current = AssessmentCycle.objects.filter(year=2025).first()
        if current is not None:
            # A few of 2025's reports are with the committee already; the rest are drafts.
            first = list(AnalysisReport.objects.filter(cycle=current, kind="team").order_by("unit__code")[:3])
            for r in first:
                actions.report_submit(
                    actor=organiser,
                    report=r,
                    held_on=datetime.date(2026, 1, 8),
                    attendees="考核组全体成员",
                    conclusion="同意",
                )
