"""Unit performance inputs, each owned by one role, and the marks on cadres that limit a grade.

- unit liaison: SelfEvaluation (claimed score, narrative) with Evidence files;
- department clerk: IndicatorScore on the indicators its department owns;
- assessor: Verification, the verified score with a reason (claimed, department and verified stay side by side);
- leader: LeaderRating of units;
- organiser: Adjustment (加减分, counted once approved), Veto (一票否决), Sanction (处分), PriorGrade (往年等次).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCORE = {"max_digits": 7, "decimal_places": 4}


def evidence_path(instance, filename: str) -> str:
    # Random names: an evidence file's name must not reveal more than its record does.
    import uuid
    from pathlib import PurePath

    return f"evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class SelfEvaluation(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        "plans.Indicator", on_delete=models.CASCADE, related_name="self_evaluations"
    )
    claimed = models.DecimalField(_("自评得分"), **SCORE)
    narrative = models.TextField(_("完成情况"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("自评")
        verbose_name_plural = _("自评")
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator"], name="one_self_evaluation"),
            models.CheckConstraint(name="claimed_in_range", condition=Q(claimed__gte=0, claimed__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator}"


class Evidence(models.Model):
    self_evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name


class IndicatorScore(models.Model):
    """A scoring department's score of a unit on an indicator it owns (指标考评)."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey("plans.Indicator", on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(_("得分"), **SCORE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("部门评分")
        verbose_name_plural = _("部门评分")
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator"], name="one_indicator_score"),
            models.CheckConstraint(
                name="indicator_score_in_range", condition=Q(score__gte=0, score__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator}: {self.score}"


class Verification(models.Model):
    """现场核验: the assessor's verified score, which is the one the rules count when present."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey("plans.Indicator", on_delete=models.CASCADE, related_name="verifications")
    score = models.DecimalField(_("核验得分"), **SCORE)
    reason = models.TextField(_("核验说明"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("现场核验")
        verbose_name_plural = _("现场核验")
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator"], name="one_verification"),
            models.CheckConstraint(name="verified_in_range", condition=Q(score__gte=0, score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator}: {self.score}"


class LeaderRating(models.Model):
    """A leader's rating of a unit (0–100); the unit's 领导评价 is the mean of its ratings."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("评分"), **SCORE)
    comment = models.TextField(_("评价意见"), blank=True)

    class Meta:
        verbose_name = _("领导评价")
        verbose_name_plural = _("领导评价")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "leader"], name="one_rating_per_leader"),
            models.CheckConstraint(name="rating_in_range", condition=Q(score__gte=0, score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.score}"


class AdjustmentKind(models.TextChoices):
    BONUS = "加分", _("加分")
    DEDUCTION = "扣分", _("扣分")


class AdjustmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


def _one_target() -> Q:
    return Q(unit__isnull=False, cadre__isnull=True) | Q(unit__isnull=True, cadre__isnull=False)


class Adjustment(models.Model):
    """加减分 on a unit or a cadre; only approved entries count."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=4, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("分值"), **SCORE)
    reason = models.TextField(_("原因"))
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        constraints = [
            models.CheckConstraint(name="adjustment_one_target", condition=_one_target()),
            models.CheckConstraint(name="adjustment_points_positive", condition=Q(points__gt=0)),
            models.CheckConstraint(name="adjustment_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.kind}{self.points}: {self.reason[:30]}"


class Veto(models.Model):
    """一票否决 on a unit (its team, and by cascade its principal cadres) or on a cadre."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="vetoes")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("否决事项"), max_length=500)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("一票否决")
        verbose_name_plural = _("一票否决")
        constraints = [models.CheckConstraint(name="veto_one_target", condition=_one_target())]

    def __str__(self) -> str:
        return self.item


class Sanction(models.Model):
    """处分 on a cadre, by the year it took effect (its effects on later years follow the plan's table)."""

    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, related_name="sanctions")
    name = models.CharField(_("处分"), max_length=50)
    year = models.PositiveIntegerField(_("生效年度"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["cadre", "year"]
        verbose_name = _("处分")
        verbose_name_plural = _("处分")

    def __str__(self) -> str:
        return f"{self.cadre} {self.name}（{self.year}）"


class PriorGrade(models.Model):
    """往年等次 recorded before the app kept the years itself (imported from a workbook)."""

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    grade = models.CharField(_("等次"), max_length=8)

    class Meta:
        ordering = ["year"]
        verbose_name = _("往年等次")
        verbose_name_plural = _("往年等次")
        constraints = [
            models.CheckConstraint(name="prior_grade_one_target", condition=_one_target()),
            models.UniqueConstraint(fields=["unit", "year"], name="one_prior_team_grade"),
            models.UniqueConstraint(fields=["cadre", "year"], name="one_prior_cadre_grade"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.grade}"
