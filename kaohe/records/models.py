"""Records kept through the year (平时考核): the four lists, 一线考察 visits, quarterly grades.

- ListItem: one line of a unit's or a cadre's 任务清单, 进度清单, 问题清单 or 成绩清单 for a month, kept by
  the unit's liaison or the cadre; the assessment group verifies it (核实, with a note) and may attach
  ListEvidence files to a 成绩清单 line (stored through Django's default storage, as self-evaluation
  evidence is);
- Visit: an assessment group's 一线考察 of a unit (实地勘察、列席旁听、明察暗访、走访服务对象…), with what
  was found, linked to list items;
- QuarterlyGrade: a cadre's 平时考核 grade for a quarter (好、较好、一般、较差), a reason required for 一般
  and 较差; the year's grades make the annual 平时考核 (kaohe.rules.regular) unless a RegularOverride with
  its reason says otherwise;
- RecordsRule: the plan's settings for all of it (grade scores, visits a unit a month, who grades).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.rules.regular import QuarterGrade

SCORE = {"max_digits": 7, "decimal_places": 4}


class ListKind(models.TextChoices):
    TASK = "task", _("任务清单")
    PROGRESS = "progress", _("进度清单")
    PROBLEM = "problem", _("问题清单")
    ACHIEVEMENT = "achievement", _("成绩清单")


class Grade(models.TextChoices):
    GOOD = QuarterGrade.GOOD.value, _("好")
    FAIRLY_GOOD = QuarterGrade.FAIRLY_GOOD.value, _("较好")
    AVERAGE = QuarterGrade.AVERAGE.value, _("一般")
    POOR = QuarterGrade.POOR.value, _("较差")


class VisitMethod(models.TextChoices):
    SITE = "site", _("实地勘察")
    SIT_IN = "sit_in", _("列席旁听")
    UNANNOUNCED = "unannounced", _("明察暗访")
    SERVICE_USERS = "service_users", _("走访服务对象")
    TALKS = "talks", _("个别谈话")
    DOCUMENTS = "documents", _("查阅资料")


class Grader(models.TextChoices):
    ASSESSOR = "assessor", _("考核组")
    ORGANISER = "organiser", _("考核办")


class RecordsRule(models.Model):
    """The plan's rules for the year's records; a cycle without one uses the defaults."""

    cycle = models.OneToOneField(
        "plans.AssessmentCycle", on_delete=models.CASCADE, related_name="records_rule"
    )
    score_good = models.DecimalField(_("好"), default=95, **SCORE)
    score_fairly_good = models.DecimalField(_("较好"), default=85, **SCORE)
    score_average = models.DecimalField(_("一般"), default=75, **SCORE)
    score_poor = models.DecimalField(_("较差"), default=60, **SCORE)
    visits_per_month = models.PositiveSmallIntegerField(_("每月每单位至少考察次数"), default=1)
    grader = models.CharField(
        _("季度等次评定"), max_length=16, choices=Grader.choices, default=Grader.ASSESSOR
    )
    # A month's lists are due by this day of the following month.
    due_day = models.PositiveSmallIntegerField(_("清单报送截止日（次月）"), default=5)

    class Meta:
        verbose_name = _("平时考核规则")
        verbose_name_plural = _("平时考核规则")
        constraints = [
            models.CheckConstraint(
                name="records_due_day_in_month", condition=Q(due_day__gte=1, due_day__lte=28)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}平时考核规则"


class ListItem(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    # A cadre's own list when set; the unit's when blank.
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    kind = models.CharField(_("清单"), max_length=16, choices=ListKind.choices)
    content = models.TextField(_("内容"))
    due = models.DateField(_("完成时限"), null=True, blank=True)
    completed = models.DateField(_("完成日期"), null=True, blank=True)
    found_by = models.CharField(_("发现人"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verification_note = models.TextField(_("核实意见"), blank=True)

    class Meta:
        ordering = ["cycle", "month", "unit__code", "kind", "pk"]
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        constraints = [
            models.CheckConstraint(name="list_item_month", condition=Q(month__gte=1, month__lte=12)),
        ]
        indexes = [
            models.Index(fields=["cycle", "month", "unit"], name="list_item_month_unit"),
            models.Index(
                fields=["cycle", "month", "unit"],
                name="list_item_unverified",
                condition=Q(verified_at__isnull=True),
            ),
            models.Index(
                # No parameter in the condition: SQLite uses a partial index only when the query's terms
                # imply it as written, and a bound 'task' would not.
                fields=["cycle", "unit", "due"],
                name="list_item_open_due",
                condition=Q(due__isnull=False, completed__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month}月 {self.get_kind_display()}：{self.content[:40]}"


def evidence_path(instance, filename: str) -> str:
    # Random names: a file's name must not reveal more than its record does.
    return f"records/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ListEvidence(models.Model):
    item = models.ForeignKey(ListItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("成绩佐证")
        verbose_name_plural = _("成绩佐证")

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    method = models.CharField(_("方式"), max_length=16, choices=VisitMethod.choices)
    members = models.CharField(_("考察人员"), max_length=200)
    findings = models.TextField(_("发现情况"))
    items = models.ManyToManyField(
        ListItem, verbose_name=_("相关清单事项"), related_name="visits", blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "-date", "pk"]
        verbose_name = _("一线考察")
        verbose_name_plural = _("一线考察")
        indexes = [models.Index(fields=["cycle", "date", "unit"], name="visit_date_unit")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_method_display()}"


class QuarterlyGrade(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey("org.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+")
    quarter = models.PositiveSmallIntegerField(_("季度"))
    grade = models.CharField(_("等次"), max_length=4, choices=Grade.choices)
    reason = models.TextField(_("理由"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "cadre__code", "quarter"]
        verbose_name = _("季度平时考核等次")
        verbose_name_plural = _("季度平时考核等次")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "cadre", "quarter"], name="one_grade_a_quarter"),
            models.CheckConstraint(name="quarter_1_to_4", condition=Q(quarter__gte=1, quarter__lte=4)),
            models.CheckConstraint(
                name="low_grade_has_reason", condition=Q(grade__in=["好", "较好"]) | ~Q(reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 第{self.quarter}季度 {self.grade}"


class RegularOverride(models.Model):
    """The organiser's typed annual 平时考核 over the one the quarterly grades make: always with a reason."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey("org.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("平时考核"), **SCORE)
    reason = models.TextField(_("理由"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("平时考核改定")
        verbose_name_plural = _("平时考核改定")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "cadre"], name="one_regular_override"),
            models.CheckConstraint(name="regular_override_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="regular_override_in_range", condition=Q(score__gte=0, score__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 平时考核改定 {self.score}"
