"""Documents: the organisation's Word templates, the 综合分析报告 and their versions, the 年度考核登记表.

- ``DocumentTemplate`` — an uploaded template of one kind; the newest active one is used, else the
  default that ships with the app (``reports.defaults``). Earlier uploads are kept.
- ``AnalysisReport`` — the 综合分析报告 of one leadership team or cadre in a cycle, written by the unit's
  assessment group: 草稿 → 已提交 → 已采纳, or 已退回 (with the organiser's reason) and back to the group.
  ``ReportVersion`` keeps every saved text; ``ReportDiscussion`` the group's collective discussion
  (date, who attended, conclusion), recorded with the submission.
- ``Register`` — the 年度考核登记表 of a cadre: the 个人总结 written by the cadre before the cycle's
  ``RegisterDeadline``, the 主管领导评语, and, once filed, the document as printed (``filed``), kept with
  the year. Grade and 本人意见 come from the sealed results and the cadre's acknowledgement.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    TEAM = "team", _("领导班子综合分析报告")
    CADRE = "cadre", _("领导干部综合分析报告")
    CYCLE = "cycle", _("年度考核分析报告")
    REGISTER = "register", _("年度考核登记表")
    FEEDBACK = "feedback", _("考核结果反馈意见书")


class DocumentTemplate(models.Model):
    kind = models.CharField(_("文档"), max_length=10, choices=TemplateKind.choices)
    name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("模板"))
    active = models.BooleanField(_("使用中"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["kind", "-uploaded_at", "-id"]
        verbose_name = _("文档模板")
        verbose_name_plural = _("文档模板")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class ReportKind(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


class AnalysisReport(models.Model):
    cycle = models.ForeignKey(
        "plans.AssessmentCycle", on_delete=models.PROTECT, related_name="analysis_reports"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=ReportKind.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    sections = models.JSONField(_("报告内容"), default=dict)  # the current version's sections
    version = models.PositiveIntegerField(_("版本"), default=1)
    returned_reason = models.TextField(_("退回理由"), blank=True)
    created_at = models.DateTimeField(_("起草时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["cycle", "kind", "unit__code", "cadre__code"]
        verbose_name = _("综合分析报告")
        verbose_name_plural = _("综合分析报告")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit"], condition=models.Q(kind="team"), name="one_team_report_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["cycle", "cadre"], condition=models.Q(kind="cadre"), name="one_cadre_report_per_cycle"
            ),
            models.CheckConstraint(
                name="report_cadre_iff_cadre_kind",
                condition=models.Q(kind="team", cadre__isnull=True)
                | models.Q(kind="cadre", cadre__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        subject = f"{self.unit.name}领导班子" if self.kind == ReportKind.TEAM else str(self.cadre)
        return f"{self.cycle.year}年度{subject}综合分析报告"


class ReportVersion(models.Model):
    report = models.ForeignKey(AnalysisReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    sections = models.JSONField(_("报告内容"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("保存时间"))

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"第{self.number}稿"


class ReportDiscussion(models.Model):
    report = models.ForeignKey(AnalysisReport, on_delete=models.CASCADE, related_name="discussions")
    version = models.PositiveIntegerField(_("讨论稿"))
    held_on = models.DateField(_("讨论日期"))
    attendees = models.TextField(_("参加人员"))
    conclusion = models.TextField(_("讨论结论"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["report", "-created_at", "-id"]
        verbose_name = _("集体研究讨论")
        verbose_name_plural = _("集体研究讨论")

    def __str__(self) -> str:
        return f"{self.held_on} 集体研究讨论"


class RegisterDeadline(models.Model):
    cycle = models.OneToOneField(
        "plans.AssessmentCycle", on_delete=models.CASCADE, related_name="register_deadline"
    )
    summary_due = models.DateField(_("个人总结截止日期"))

    class Meta:
        verbose_name = _("个人总结截止日期")
        verbose_name_plural = _("个人总结截止日期")

    def __str__(self) -> str:
        return f"{self.cycle.year}年度个人总结截止 {self.summary_due}"


class Register(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="registers")
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="registers"
    )
    summary = models.TextField(_("个人总结"), blank=True)
    summary_at = models.DateTimeField(_("总结提交时间"), null=True, blank=True)
    leader_comment = models.TextField(_("主管领导评语"), blank=True)
    leader_name = models.CharField(_("主管领导"), max_length=50, blank=True)
    commented_at = models.DateTimeField(_("评语时间"), null=True, blank=True)
    filed = models.BinaryField(_("归档文档"), null=True, blank=True)  # the .docx as filed with the year
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "cadre__code"]
        verbose_name = _("年度考核登记表")
        verbose_name_plural = _("年度考核登记表")
        constraints = [models.UniqueConstraint(fields=["cycle", "cadre"], name="register_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度考核登记表（{self.cadre}）"
