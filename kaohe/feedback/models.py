"""After the grade: feedback letters (考核结果反馈意见书), rectification (整改) to closure, the use made of results.

- ``Letter`` — one per leadership team or cadre in a cycle, built from the accepted 综合分析报告: the
  problems and suggestions as points with their source removed (``points.py``). Sent to its recipient
  (a team's 主要负责人, the cadre), read by them, the feedback talk (反馈谈话) recorded.
- ``Rectification`` — one per problem of a sent letter: owner, measures, deadline, progress, evidence;
  open → submitted (整改完成，待销号) → closed (销号), or reopened with a reason.
- ``ResultAction`` — the 结果运用 ledger: what was done with a grade or a flag, who decided and when.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.performance.models import evidence_path


class LetterKind(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("待发送")
    SENT = "sent", _("已发送")


class Letter(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=LetterKind.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("等次"), max_length=8, blank=True)
    achievements = models.JSONField(_("主要成绩"), default=list)
    problems = models.JSONField(_("存在问题"), default=list)
    suggestions = models.JSONField(_("意见建议"), default=list)
    status = models.CharField(
        _("状态"), max_length=8, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(_("接收人"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    talk_on = models.DateField(_("反馈谈话日期"), null=True, blank=True)
    talk_by = models.CharField(_("谈话人"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["cycle", "-kind", "unit__code", "cadre__code"]
        verbose_name = _("考核结果反馈意见书")
        verbose_name_plural = _("考核结果反馈意见书")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit"], condition=models.Q(kind="team"), name="one_team_letter_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle", "cadre"], condition=models.Q(kind="cadre"), name="one_cadre_letter_per_cycle"
            ),
            models.CheckConstraint(
                name="letter_cadre_iff_cadre_kind",
                condition=models.Q(kind="team", cadre__isnull=True)
                | models.Q(kind="cadre", cadre__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度{self.subject}考核结果反馈意见书"

    @property
    def subject(self) -> str:
        return f"{self.unit.name}领导班子" if self.kind == LetterKind.TEAM else f"{self.cadre.name}同志"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    SUBMITTED = "submitted", _("待销号")
    CLOSED = "closed", _("已销号")


class Rectification(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="rectifications")
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("序号"))
    problem = models.TextField(_("问题"))
    owner = models.CharField(_("责任人"), max_length=100, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    reopen_reason = models.TextField(_("退回理由"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["cycle", "unit__code", "letter", "number"]
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="rectification_number_unique")
        ]
        indexes = [models.Index(fields=["unit", "status"], name="rectification_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度整改事项{self.number}：{self.problem[:30]}"


class RectificationUpdate(models.Model):
    """A progress note, an evidence file, or the reason of a reopening: the item's history."""

    item = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("进展"))
    file = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["item", "at", "id"]
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")

    def __str__(self) -> str:
        return self.text[:50]


class ActionKind(models.TextChoices):
    COMMENDATION = "commendation", _("嘉奖")
    MERIT = "merit", _("记三等功")
    ADMONITION = "admonition", _("诫勉谈话")
    ADJUSTMENT = "adjustment", _("组织调整")
    TRAINING = "training", _("培训教育")
    PROMOTION = "promotion", _("选拔任用参考")
    BONUS = "bonus", _("奖金系数")
    OTHER = "other", _("其他")


class ResultAction(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("对象类型"), max_length=8, choices=LetterKind.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("依据（等次或标记）"), max_length=50)
    action = models.CharField(_("运用方式"), max_length=16, choices=ActionKind.choices)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    held_on = models.DateField(_("日期"), null=True, blank=True)
    held_by = models.CharField(_("谈话人/实施人"), max_length=100, blank=True)
    coefficient = models.DecimalField(_("奖金系数"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.CharField(_("决定人/机关"), max_length=100)
    decided_on = models.DateField(_("决定日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["cycle", "unit__code", "cadre__code", "decided_on", "id"]
        verbose_name = _("结果运用")
        verbose_name_plural = _("结果运用")
        indexes = [models.Index(fields=["cycle", "cadre"], name="result_action_cadre_idx")]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度 {self.get_action_display()}"
