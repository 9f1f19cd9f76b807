"""The assessment cycle and its plan: settings, who is assessed, indicators, targets, assessment groups.

A cycle snapshots the roster: `AssessedUnit` and `AssessedCadre` record each unit's category and each
cadre's unit and post *for that year*, so a cadre who moves later keeps this year's result where it was
earned, and a cycle imported from a workbook reproduces that workbook exactly.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("准备")
    IMPLEMENTATION = "implementation", _("实施")
    EVALUATION = "evaluation", _("评定")
    PUBLIC_NOTICE = "public_notice", _("公示")
    COMPLETED = "completed", _("完成")


PHASE_ORDER = [p.value for p in Phase]


class AssessmentCycle(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, default=Phase.PREPARATION)
    # The timeline: the date each phase starts (planned, then actual).
    implementation_date = models.DateField(_("实施开始"), null=True, blank=True)
    evaluation_date = models.DateField(_("评定开始"), null=True, blank=True)
    public_notice_date = models.DateField(_("公示开始"), null=True, blank=True)
    completion_date = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")

    def __str__(self) -> str:
        return self.name

    @property
    def plan_frozen(self) -> bool:
        """The plan is fixed once the cycle enters 评定."""
        from kaohe.plans.gate import Activity, allows

        return not allows(self, Activity.PLAN)


class TargetMode(models.TextChoices):
    DIRECT = "direct", _("考核办直接下达")
    AGREED = "agreed", _("单位提出、审核认定")


class AssessmentPlan(models.Model):
    """考核工作方案: the settings of assessment-rules.md for one cycle.

    `settings` maps each setting's field name in the rules engine (``RuleSettings``, listed with its 参数
    name in kaohe.workbook.layout.SETTINGS) to its text value, exactly as the 参数 sheet holds it; a missing
    field means the default. Parsing goes through the same layout, so the app and `kaohe assess` read a
    setting the same way.
    """

    cycle = models.OneToOneField(AssessmentCycle, on_delete=models.CASCADE, related_name="plan")
    settings = models.JSONField(_("参数"), default=dict, blank=True)
    notes = models.TextField(_("方案说明"), blank=True)
    # 党风廉政意见: when set, 公示 and the seal wait for the discipline-inspection body's answer on every
    # proposed 优秀 (kaohe.results.clearance).
    clearance_required = models.BooleanField(_("优秀人选须征求党风廉政意见"), default=False)
    # 目标任务: set directly by the organiser, or proposed by each unit and agreed up and down (TargetAgreement).
    target_mode = models.CharField(
        _("目标任务确定方式"), max_length=8, choices=TargetMode.choices, default=TargetMode.DIRECT
    )
    targets_due = models.DateField(_("目标任务报送截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核工作方案")
        verbose_name_plural = _("考核工作方案")

    def __str__(self) -> str:
        return f"{self.cycle.name}工作方案"


class AssessedUnit(models.Model):
    """A unit assessed in a cycle, with its category that year and its directly given components."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="assessed_units")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assessments")
    category = models.ForeignKey("org.UnitCategory", verbose_name=_("单位类别"), on_delete=models.PROTECT)
    advanced = models.BooleanField(_("先进单位"), default=False)
    # Given directly (imported from a workbook, or entered when not collected in the app). Collected
    # data, where there is any, takes precedence: see results.inputs.
    indicator_score = models.DecimalField(
        _("指标考评"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    public_survey = models.DecimalField(_("公众评议"), max_digits=7, decimal_places=4, null=True, blank=True)
    leader_rating = models.DecimalField(_("领导评价"), max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["cycle", "unit__code"]
        verbose_name = _("参加考核单位")
        verbose_name_plural = _("参加考核单位")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unit_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.unit}"


class AssessedCadre(models.Model):
    """A cadre assessed in a cycle: their unit and post that year, and the per-year marks on them."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="assessed_cadres")
    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("职务"), max_length=100, blank=True)
    principal = models.BooleanField(_("主要负责人"), default=False)
    regular = models.DecimalField(_("平时考核"), max_digits=7, decimal_places=4, null=True, blank=True)
    leader_rating = models.DecimalField(_("领导评价"), max_digits=7, decimal_places=4, null=True, blank=True)
    probation = models.BooleanField(_("试用期"), default=False)
    investigation = models.BooleanField(_("立案未结"), default=False)
    priority = models.CharField(_("表现突出"), max_length=500, blank=True)  # why; blank = not marked

    class Meta:
        ordering = ["cycle", "cadre__code"]
        verbose_name = _("参加考核干部")
        verbose_name_plural = _("参加考核干部")
        constraints = [models.UniqueConstraint(fields=["cycle", "cadre"], name="cadre_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.cadre}"


class Indicator(models.Model):
    """An indicator of a unit category's indicator system in a cycle; weights of a category sum to 100."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="indicators")
    category = models.ForeignKey("org.UnitCategory", verbose_name=_("单位类别"), on_delete=models.PROTECT)
    code = models.CharField(_("指标编码"), max_length=32)
    name = models.CharField(_("指标名称"), max_length=200)
    weight = models.DecimalField(_("权重"), max_digits=7, decimal_places=4)
    method = models.TextField(_("评分方法"), blank=True)
    department = models.ForeignKey(
        "org.ScoringDepartment",
        verbose_name=_("归口部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )

    class Meta:
        ordering = ["cycle", "category__order", "code"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "category", "code"], name="indicator_code_unique"),
            models.CheckConstraint(name="indicator_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """目标任务: an indicator decomposed to a unit — what, how much, by when."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets"
    )
    content = models.TextField(_("目标内容"))
    amount = models.CharField(_("目标值"), max_length=100, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "unit__code", "indicator__code"]
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator}"


class AgreementStatus(models.TextChoices):
    """kaohe.rules.target_agreement.Status, with its labels."""

    DRAFT = "draft", _("待提出")
    PROPOSED = "proposed", _("待审核")
    RETURNED = "returned", _("已退回")
    AGREED = "agreed", _("已认定")


class TargetAgreement(models.Model):
    """Where a unit's targets for the year stand when they are agreed up and down (plan.target_mode agreed).

    The targets themselves are the unit's ``Target`` rows: the liaison edits them while the agreement waits for
    the unit (待提出, 已退回); nobody does while it is under review or agreed. ``round`` counts the proposals.
    """

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="target_agreements")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    round = models.PositiveIntegerField(_("轮次"), default=0)
    changed_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "unit__code"]
        verbose_name = _("目标任务认定")
        verbose_name_plural = _("目标任务认定")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="target_agreement_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.unit}"


class TargetStepKind(models.TextChoices):
    """kaohe.rules.target_agreement.Step, with its labels."""

    PROPOSE = "propose", _("提出目标")
    CONCUR = "concur", _("部门审核同意")
    RETURN = "return", _("退回修改")
    AGREE = "agree", _("认定锁定")
    REOPEN = "reopen", _("重新开启")


class TargetStep(models.Model):
    """One step of an agreement, kept for good: who did what in which round, and why.

    A proposal keeps the targets as proposed (``targets``: [{"indicator", "name", "content", "amount",
    "deadline"}]) and what changed since the previous proposal (``changes``); a review keeps its comment and
    its comments by indicator (``notes``: {indicator code: text})."""

    agreement = models.ForeignKey(TargetAgreement, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(_("轮次"))
    kind = models.CharField(_("步骤"), max_length=10, choices=TargetStepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("经办人"), max_length=100)
    role = models.CharField(_("角色"), max_length=16, blank=True)
    department = models.ForeignKey(
        "org.ScoringDepartment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("意见"), blank=True)
    notes = models.JSONField(_("逐项意见"), default=dict, blank=True)
    targets = models.JSONField(_("提出的目标"), null=True, blank=True)
    changes = models.JSONField(_("修改"), default=list, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["agreement", "at", "id"]
        verbose_name = _("目标任务认定步骤")
        verbose_name_plural = _("目标任务认定步骤")

    def __str__(self) -> str:
        return f"{self.agreement} 第{self.round}轮 {self.get_kind_display()}"


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


class CalendarDay(models.Model):
    """A day the working-day calendar treats against the week: a holiday on a weekday (``working`` False) or
    a 调休 working weekend day (``working`` True). Every other Monday to Friday is a working day."""

    day = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("上班"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.working else '放假'}"
