"""Public questionnaires (公众评议) about units: anonymous, on a phone, without login.

A response is stored with nothing that links it to the code or the device that admitted it.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SurveyMode(models.TextChoices):
    CODES = "codes", _("一次性评议码")
    OPEN = "open", _("公开链接（按设备限一次）")


class Satisfaction(models.TextChoices):
    SATISFIED = "满意", _("满意")
    BASIC = "基本满意", _("基本满意")
    UNSATISFIED = "不满意", _("不满意")


class PublicSurvey(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="surveys")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("被评议单位"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True)  # the public link: /s/<token>
    mode = models.CharField(_("方式"), max_length=8, choices=SurveyMode.choices, default=SurveyMode.CODES)
    is_open = models.BooleanField(_("开放中"), default=False)
    question = models.CharField(_("问题"), max_length=200, default="您对该单位的工作是否满意？")
    # 满意/基本满意/不满意 converted to 0–100.
    satisfied_value = models.DecimalField(_("满意分值"), max_digits=5, decimal_places=2, default=100)
    basic_value = models.DecimalField(_("基本满意分值"), max_digits=5, decimal_places=2, default=80)
    unsatisfied_value = models.DecimalField(_("不满意分值"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("公众评议")
        verbose_name_plural = _("公众评议")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_survey_per_unit"),
            # 0 ≤ 不满意 ≤ 基本满意 ≤ 满意 ≤ 100: a better answer never converts to a lower score.
            models.CheckConstraint(
                name="survey_values_ordered",
                condition=Q(unsatisfied_value__gte=0)
                & Q(basic_value__gte=models.F("unsatisfied_value"))
                & Q(satisfied_value__gte=models.F("basic_value"))
                & Q(satisfied_value__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}公众评议"


class SurveyCode(models.Model):
    survey = models.ForeignKey(PublicSurvey, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=32, unique=True)
    used = models.BooleanField(default=False)
    # Codes are generated and printed in batches; a batch's slips are downloaded together.
    batch = models.PositiveIntegerField(_("批次"), default=1)

    class Meta:
        verbose_name = _("评议码")
        verbose_name_plural = _("评议码")

    def __str__(self) -> str:
        return self.code


class SurveyDevice(models.Model):
    """A device that has answered an open survey: a keyed hash of its cookie, nothing else."""

    survey = models.ForeignKey(PublicSurvey, on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "device"], name="one_answer_per_device")]

    def __str__(self) -> str:
        return self.device[:8]


class SurveyResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(PublicSurvey, on_delete=models.CASCADE, related_name="responses")
    choice = models.CharField(_("评价"), max_length=8, choices=Satisfaction.choices)
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = _("评议意见")
        verbose_name_plural = _("评议意见")
        constraints = [models.CheckConstraint(name="response_has_choice", condition=~Q(choice=""))]

    def __str__(self) -> str:
        return self.choice
