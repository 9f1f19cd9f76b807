"""The assessment group's work plan: who does what (分工), the schedule of each unit visited, its checklist,
and 回避 — members assigned to a unit, with the reason when they had to recuse, and self-declared conflicts.

- ``FieldworkSetting`` — per cycle: the recusal window in years.
- ``GroupMember`` — a member's role in an ``AssessmentGroup`` (组长 / 副组长 / 成员) and duty (分工).
- ``Visit`` — one unit visited by its group: dates and places of 进点, 述职会, 测评会, interviews,
  查阅资料, 实地核验 and the analysis, and the dates the group marked items done.
- ``VisitAssignment`` — a member sent to a unit; ``reason`` records why a flagged member goes anyway.
- ``ConflictDeclaration`` — a member's own declaration of a conflict with a unit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RECUSAL_YEARS = 3


class FieldworkSetting(models.Model):
    cycle = models.OneToOneField(
        "plans.AssessmentCycle", on_delete=models.CASCADE, related_name="fieldwork_setting"
    )
    recusal_years = models.PositiveSmallIntegerField(_("任职回避年限"), default=DEFAULT_RECUSAL_YEARS)

    class Meta:
        verbose_name = _("考核组工作设置")
        verbose_name_plural = _("考核组工作设置")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.recusal_years}"


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")


class GroupMember(models.Model):
    group = models.ForeignKey("plans.AssessmentGroup", on_delete=models.CASCADE, related_name="member_roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("职责"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER)
    duty = models.CharField(_("分工"), max_length=200, blank=True)

    class Meta:
        ordering = ["group", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="fieldwork_member_once_per_group"),
            models.UniqueConstraint(
                fields=["group"], condition=models.Q(role="leader"), name="fieldwork_one_leader_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.user} · {self.get_role_display()}"


class Visit(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="visits")
    group = models.ForeignKey("plans.AssessmentGroup", on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    entry_on = models.DateField(_("进点日期"), null=True, blank=True)
    entry_place = models.CharField(_("进点地点"), max_length=100, blank=True)
    duty_report_on = models.DateField(_("述职会日期"), null=True, blank=True)
    duty_report_place = models.CharField(_("述职会地点"), max_length=100, blank=True)
    evaluation_on = models.DateField(_("测评会日期"), null=True, blank=True)
    evaluation_place = models.CharField(_("测评会地点"), max_length=100, blank=True)
    interviews_from = models.DateField(_("个别谈话开始"), null=True, blank=True)
    interviews_until = models.DateField(_("个别谈话结束"), null=True, blank=True)
    interview_place = models.CharField(_("谈话地点"), max_length=100, blank=True)
    documents_on = models.DateField(_("查阅资料日期"), null=True, blank=True)
    verification_on = models.DateField(_("实地核验日期"), null=True, blank=True)
    analysis_due = models.DateField(_("分析报告完成时限"), null=True, blank=True)
    # marked done by the group (测评 and the analysis are read from the ballots and the reports)
    duty_report_done = models.DateField(_("述职会召开于"), null=True, blank=True)
    interviews_done = models.DateField(_("谈话完成于"), null=True, blank=True)
    documents_done = models.DateField(_("资料查阅完成于"), null=True, blank=True)
    verification_done = models.DateField(_("实地核验完成于"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "group__name", "entry_on", "unit__code"]
        verbose_name = _("考核日程")
        verbose_name_plural = _("考核日程")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="fieldwork_one_visit_per_unit")]
        indexes = [models.Index(fields=["cycle", "group"], name="fieldwork_visit_group")]

    def __str__(self) -> str:
        return f"{self.group} · {self.unit}"


class VisitAssignment(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    flags = models.JSONField(_("回避情形"), default=list, blank=True)  # as found when assigned
    reason = models.TextField(_("仍予安排的理由"), blank=True)

    class Meta:
        ordering = ["visit", "user__username"]
        constraints = [models.UniqueConstraint(fields=["visit", "user"], name="fieldwork_assigned_once")]

    def __str__(self) -> str:
        return f"{self.visit} · {self.user}"


class ConflictKind(models.TextChoices):
    KIN = "kin", _("亲属关系")
    OTHER = "other", _("其他利害关系")


class ConflictDeclaration(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=ConflictKind.choices)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("申报时间"))

    class Meta:
        ordering = ["cycle", "user", "declared_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_kind_display()}"
