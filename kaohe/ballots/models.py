"""Democratic evaluation ballots: sessions, ballots and their marks.

Secrecy by construction: a ballot has a random identifier, no timestamp, and nothing that refers to the
code that admitted it or to the person who cast it. Paper ballots keep their paper 票号 (`number`);
online ballots get a random receipt in the same field, which the rater can use to check it was counted.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    ONLINE = "online", _("扫码测评")
    PAPER = "paper", _("纸质测评")
    IMPORTED = "imported", _("工作簿导入")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("未开始")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")
    SEALED = "sealed", _("已封存")
    VOID = "void", _("已作废")


class EvaluationSession(models.Model):
    """测评会: one sitting (or one import) whose ballots count towards a cycle."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="sessions")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("方式"), max_length=10, choices=SessionKind.choices, default=SessionKind.ONLINE)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    seal = models.CharField(_("封存哈希"), max_length=64, blank=True)
    void_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("测评会")
        verbose_name_plural = _("测评会")

    def __str__(self) -> str:
        return self.name


class Ballot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(EvaluationSession, on_delete=models.CASCADE, related_name="ballots")
    number = models.CharField(_("票号"), max_length=64)
    rater_group = models.CharField(_("评价人类别"), max_length=32)

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="ballot_number_unique")]

    def __str__(self) -> str:
        return self.number


class Mark(models.Model):
    """One choice for one target (a unit's leadership team, or a cadre) on one ballot."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("评价"), max_length=8)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.CheckConstraint(
                name="mark_one_target",
                condition=Q(unit__isnull=False, cadre__isnull=True)
                | Q(unit__isnull=True, cadre__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.choice
