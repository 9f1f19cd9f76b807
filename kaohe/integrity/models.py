"""Integrity analyses of a cycle and the review of their findings.

- ``Analysis`` — one run of ``kaohe.analytics.analyse`` on a cycle's closed and sealed sessions and its
  latest compute run (``run``, null when there was none), with the k it used and its report as JSON
  (``kaohe.analytics.document``: no figure from fewer than k ballots). The latest one is shown.
- ``Finding`` — each finding of an analysis as a row, so a page can look up a member's without reading
  the whole report.
- ``FindingReview`` — a finding marked 已核查 with a note, by its key (check, scope and subject: stable
  from one analysis to the next on the same data). Audited.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Analysis(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="analyses")
    run = models.ForeignKey(
        "results.ComputeRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("分析时间"))
    k = models.PositiveIntegerField(_("最少票数"))
    findings = models.PositiveIntegerField(_("发现数"))
    report = models.JSONField(_("分析报告"))

    class Meta:
        ordering = ["cycle", "-created_at", "-id"]
        verbose_name = _("数据质量分析")
        verbose_name_plural = _("数据质量分析")

    def __str__(self) -> str:
        return f"{self.cycle} {self.created_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """A finding of an analysis, as a row: what the review page looks up beside a member."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="rows")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=32)  # the check (kaohe.analytics.model.Check)
    check_label = models.CharField(max_length=32)
    scope = models.CharField(max_length=16)
    subject = models.CharField(max_length=150)
    label = models.CharField(max_length=200)
    sentence = models.TextField()
    action = models.CharField(max_length=16)
    strength = models.FloatField()
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["analysis", "id"]
        indexes = [models.Index(fields=["analysis", "scope", "subject"], name="finding_subject_idx")]

    def __str__(self) -> str:
        return self.key


class FindingReview(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("发现"), max_length=200)
    note = models.TextField(_("核查说明"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("核查时间"))

    class Meta:
        ordering = ["cycle", "key"]
        verbose_name = _("核查记录")
        verbose_name_plural = _("核查记录")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="finding_review_once"),
            models.CheckConstraint(name="finding_review_has_note", condition=~models.Q(note="")),
        ]

    def __str__(self) -> str:
        return self.key
