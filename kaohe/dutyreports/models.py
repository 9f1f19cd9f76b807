"""述职述廉: the reports each leadership team and cadre hands in, and the unit's 选人用人工作情况报告.

- ``DutyReportSetting`` — per cycle: the deadline, and which reports are asked beside the 述职报告.
- ``DutyReport`` — one report of one target (a unit's team, or a cadre): its file (.docx or .pdf, checked by
  its bytes, sealed by the file store), a short summary the ballot page may show, who handed it in and when
  (first and latest: a report replaced after the deadline was still late if its first copy was).
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SUMMARY_MAX = 300


def report_path(instance, filename: str) -> str:
    # Random names: a stored file's name must not reveal more than its record does.
    import uuid

    return f"dutyreports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ReportKind(models.TextChoices):
    DUTY = "duty", _("述职报告")
    INTEGRITY = "integrity", _("述责述廉报告")
    SELECTION = "selection", _("选人用人工作情况报告")


# Which kinds a unit's team hands in, and which a cadre (the selection report is the unit's).
TEAM_KINDS = (ReportKind.DUTY, ReportKind.INTEGRITY, ReportKind.SELECTION)
CADRE_KINDS = (ReportKind.DUTY, ReportKind.INTEGRITY)


class DutyReportSetting(models.Model):
    cycle = models.OneToOneField(
        "plans.AssessmentCycle", on_delete=models.CASCADE, related_name="duty_report_setting"
    )
    deadline = models.DateField(_("提交截止日期"), null=True, blank=True)
    integrity_required = models.BooleanField(_("须提交述责述廉报告"), default=True)
    selection_required = models.BooleanField(_("须提交选人用人工作情况报告"), default=True)

    class Meta:
        verbose_name = _("述职述廉设置")
        verbose_name_plural = _("述职述廉设置")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.deadline}"


class DutyReport(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="duty_reports")
    kind = models.CharField(_("类型"), max_length=10, choices=ReportKind.choices)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to=report_path)
    file_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    summary = models.TextField(_("摘要"), max_length=SUMMARY_MAX, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("首次提交时间"))
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["cycle", "kind", "unit__code", "cadre__code"]
        verbose_name = _("述职述廉报告")
        verbose_name_plural = _("述职述廉报告")
        constraints = [
            models.CheckConstraint(
                name="duty_report_one_target",
                condition=Q(unit__isnull=False, cadre__isnull=True)
                | Q(unit__isnull=True, cadre__isnull=False),
            ),
            models.CheckConstraint(
                name="duty_report_selection_of_unit",
                condition=~Q(kind="selection") | Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["cycle", "kind", "unit"],
                condition=Q(unit__isnull=False),
                name="duty_report_unit_once",
            ),
            models.UniqueConstraint(
                fields=["cycle", "kind", "cadre"],
                condition=Q(cadre__isnull=False),
                name="duty_report_cadre_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.cadre} · {self.get_kind_display()}"
