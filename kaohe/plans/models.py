"""Assessment cycles and assessment groups (考核组). The plan itself grows here with the cycle issue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("准备")
    IMPLEMENTATION = "implementation", _("实施")
    EVALUATION = "evaluation", _("评定")
    PUBLIC_NOTICE = "public_notice", _("公示")
    COMPLETED = "completed", _("完成")


class AssessmentCycle(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, default=Phase.PREPARATION)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")

    def __str__(self) -> str:
        return self.name


class AssessmentGroup(models.Model):
    cycle = models.ForeignKey(
        AssessmentCycle, verbose_name=_("年度考核"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("考核组"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), related_name="assessment_groups", blank=True
    )
    units = models.ManyToManyField(
        "org.Unit", verbose_name=_("考核单位"), related_name="assessment_groups", blank=True
    )

    class Meta:
        ordering = ["cycle", "name"]
        verbose_name = _("考核组")
        verbose_name_plural = _("考核组")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="group_name_unique_in_cycle")]

    def __str__(self) -> str:
        return self.name
