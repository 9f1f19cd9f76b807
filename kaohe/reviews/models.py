"""一报告两评议 results: the thresholds the plan sets, and the outcome the organiser records for each flag.

The shares are worked out on each reading from the closed sessions' answers (``selectors.rows``, the
arithmetic in ``shares.py``), so a flag is always the current figure against the current threshold; what is
stored is the organiser's handling of it, with the figure as it stood then.

- ``ReviewSetting`` — per cycle: the thresholds, as shares ("1/3", "60%"); blank = no such threshold.
- ``ReviewOutcome`` — the recorded outcome of a flagged 选人用人工作 (a unit) or 新提拔干部 (a cadre).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewSetting(models.Model):
    cycle = models.OneToOneField(
        "plans.AssessmentCycle", on_delete=models.CASCADE, related_name="review_setting"
    )
    selection_good_min = models.CharField(_("选人用人工作好和较好比例低于"), max_length=16, blank=True)
    promoted_agree_min = models.CharField(_("新提拔干部认同和基本认同比例低于"), max_length=16, blank=True)
    promoted_disagree_max = models.CharField(
        _("新提拔干部不认同比例超过"), max_length=16, blank=True, default="1/3"
    )

    class Meta:
        verbose_name = _("一报告两评议设置")
        verbose_name_plural = _("一报告两评议设置")

    def __str__(self) -> str:
        return str(self.cycle)


class ReviewKind(models.TextChoices):
    SELECTION = "selection", _("选人用人工作")
    PROMOTED = "promoted", _("新提拔干部")


class Outcome(models.TextChoices):
    CLEARED = "cleared", _("经核查无问题")
    EXPLAINED = "explained", _("已作出说明")
    CORRECTED = "corrected", _("已纠正整改")
    REFERRED = "referred", _("已移交处理")


class ReviewOutcome(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("评议"), max_length=10, choices=ReviewKind.choices)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("处理结果"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("核查情况"))
    figures = models.CharField(_("当时的评议结果"), max_length=300)
    flags = models.JSONField(_("需核查情形"), default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["cycle", "kind", "recorded_at"]
        verbose_name = _("评议核查结果")
        verbose_name_plural = _("评议核查结果")
        constraints = [
            models.CheckConstraint(
                name="review_outcome_one_target",
                condition=Q(kind="selection", unit__isnull=False, cadre__isnull=True)
                | Q(kind="promoted", unit__isnull=True, cadre__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["cycle", "kind", "unit"],
                condition=Q(unit__isnull=False),
                name="review_outcome_unit_once",
            ),
            models.UniqueConstraint(
                fields=["cycle", "kind", "cadre"],
                condition=Q(cadre__isnull=False),
                name="review_outcome_cadre_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.cadre} · {self.get_outcome_display()}"
