"""个别谈话: the cycle's interview settings and pledge, who must be heard per unit, outlines and records.

What was said is never stored in clear: `Interview.sealed` and `InterviewOutline.sealed` hold envelope
ciphertexts (kaohe.crypto), each bound to its row by its associated data, so a ciphertext copied onto
another row does not open. Reads go through `selectors.open_interview`, which checks, and audits.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.interviews import coverage

DEFAULT_PLEDGE = """考核工作纪律“八不准”：
一、不准泄露谈话内容和谈话对象的意见；
二、不准向被考核单位和个人透露考核情况；
三、不准复制、拍照、带离谈话记录；
四、不准私自向无关人员提供考核材料；
五、不准接受被考核单位和个人的宴请、礼品；
六、不准弄虚作假、徇私舞弊；
七、不准打听、议论与考核无关的事项；
八、不准干预被考核单位的正常工作。"""


class InterviewSettings(models.Model):
    """The plan's settings for interviews, per cycle: how many of each counted kind, recommendations, pledge."""

    cycle = models.OneToOneField(
        "plans.AssessmentCycle", on_delete=models.CASCADE, related_name="interview_settings"
    )
    staff = models.PositiveIntegerField(_("干部职工代表人数"), default=3)
    service_users = models.PositiveIntegerField(_("服务对象人数"), default=0)
    deputies = models.PositiveIntegerField(_("两代表一委员人数"), default=0)
    recommend = models.BooleanField(_("谈话中推荐干部"), default=False)
    pledge = models.TextField(_("保密和纪律承诺"), default=DEFAULT_PLEDGE)

    class Meta:
        verbose_name = _("个别谈话设置")
        verbose_name_plural = _("个别谈话设置")

    def __str__(self) -> str:
        return f"{self.cycle}个别谈话设置"

    def counts(self) -> dict[str, int]:
        return {
            coverage.STAFF: self.staff,
            coverage.SERVICE: self.service_users,
            coverage.DEPUTY: self.deputies,
        }


class PledgeAcknowledgement(models.Model):
    """An account acknowledged the cycle's pledge, in the words `digest` names; new words need a new one."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=100)
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user", "digest"], name="pledge_once_per_text")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d}"


class Kind(models.TextChoices):
    LEADER = coverage.LEADER, _("班子成员")
    MIDDLE = coverage.MIDDLE, _("中层正职")
    STAFF = coverage.STAFF, _("干部职工代表")
    SERVICE = coverage.SERVICE, _("服务对象")
    DEPUTY = coverage.DEPUTY, _("两代表一委员")


class Interviewee(models.Model):
    """Someone to be heard in a unit visited in a cycle; excused only with a reason (出差、病假…)."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    cadre = models.ForeignKey(
        "org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # a leadership-team member
    excused_reason = models.CharField(_("未谈原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["cycle", "unit__code", "kind", "pk"]
        verbose_name = _("谈话对象")
        verbose_name_plural = _("谈话对象")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "cadre"], condition=Q(cadre__isnull=False), name="cadre_listed_once"
            ),
            models.CheckConstraint(
                name="leader_is_cadre", condition=~Q(kind=coverage.LEADER) | Q(cadre__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class InterviewOutline(models.Model):
    interviewee = models.OneToOneField(Interviewee, on_delete=models.CASCADE, related_name="outline")
    sealed = models.TextField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"谈话提纲 #{self.pk}"


class Interview(models.Model):
    interviewee = models.OneToOneField(Interviewee, on_delete=models.PROTECT, related_name="interview")
    sealed = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("个别谈话记录")
        verbose_name_plural = _("个别谈话记录")

    def __str__(self) -> str:
        # Never the interviewee's name: this is what the audit log shows.
        return f"个别谈话记录 #{self.pk}"
