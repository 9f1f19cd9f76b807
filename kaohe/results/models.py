"""Results (考核结果): compute runs, the committee's decisions, 公示, finalisation and its seal, voids.

The life of a cycle's results, and the model that records each step:

- ``ComputeRun`` — one run of the rules engine over the cycle's data (``results.inputs.cycle_assessment_input``).
  Versioned 1, 2, … per cycle and immutable once written (``save`` refuses updates; QuerySet ``update``
  is refused too). It keeps the inputs it was computed from (``inputs``: zlib-compressed canonical JSON,
  see ``kaohe.results.canonical``), their digest (``input_digest``: SHA-256, or SM3 in 国密 mode, named by
  ``input_digest_algorithm``), and the engine's JSON document
  (``document``, zlib-compressed JSON text: exactly what ``kaohe assess --json`` prints, key order
  kept, which PostgreSQL's jsonb would not); ``settings`` the 参数 it used, as text. The *current* run of a cycle is the one
  with the highest version; nothing else marks it.
- ``Quota`` — one row per quota pool of a run (the document's ``quotas``), ``excellent``/``pending`` as computed.
- ``Result`` — one row per target (team or cadre) of a run, bulk-created with the run, for queries and
  the review pages: kind, code, FK unit (a team's unit; a cadre's unit that year) and FK cadre, pool,
  democratic (the document's sub-dict: score, valid, groups, shares), performance, composite, rank,
  pool_size, grade *as computed*, flags, explanation. Immutable like its run.
- ``Decision`` — the committee's word on one target, by its code (stable across runs): ``resolve`` a 待定
  (grade 优秀 or the default grade) or ``override`` a grade (reason mandatory). Decisions are applied on top
  of every later run while ``status`` is active; a new run invalidates those that no longer fit (target
  gone, pool changed, a tie that is no longer a tie) with ``notice`` saying why. ``pool`` and
  ``computed_grade`` record what the decision was made on.
- ``QuotaApproval`` — the committee's approval that a pool may have ``excellent`` 优秀 although its quota is
  smaller, with a reason. Finalisation is refused while a pool's 优秀 exceed its quota without an active
  approval covering the number.
- ``PublicNotice`` (公示) of the proposed 优秀 list of one run, for ``working_days`` working days
  (Saturday and Sunday skipped) from ``starts_on`` to ``ends_on``; ``excellent`` is the list as published
  (a snapshot). ``Objection`` rows record objections received and how each was handled.
  Finalisation needs a notice of the current run whose period has ended, all its objections handled, and
  whose published list still matches the proposal.
- ``Seal`` — a finalisation: the run it finalised, and ``hash``, the digest (``algorithm``: sha256, or sm3 in
  国密 mode) of the canonical form of its ``FinalResult`` rows (``kaohe.results.canonical.final_hash``),
  verified with the algorithm it recorded whatever the mode is now; the hash is also written to the audit
  chain (action ``result.seal``, object ``results.seal`` pk). ``FinalResult`` is the decided result of
  each target, as sealed: the computed values with the final ``grade`` (``computed_grade`` beside it),
  ``manual`` and ``manual_reason`` when a decision changed it. The current final results of a cycle are
  those of its latest seal. ``kaohe results verify YEAR`` recomputes from the run's stored inputs and
  compares with the run's document, the final results and the seal.
- ``ResultVoid`` — a declaration that a result is 无效 (考核结果失实) with a reason: the whole cycle, a unit
  (its team and the cadres assessed in it that year) or one cadre. It names the run (and the seal, if
  any) whose result it voids; nothing is deleted or changed. A void is *pending* until a run with a
  higher version exists; meanwhile the voided targets show 「无效，待重新考核」 and the cycle cannot be
  (re)finalised. After a finalised result is voided, a new run, decisions, 公示 and a new seal follow.

Feedback (本人意见), dossiers and per-unit 审定表 build on ``FinalResult`` (``cadre``/``unit`` FKs).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.crypto.modes import shown


class Kind(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("干部")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("考核结果写入后不能修改。")


class ImmutableModel(models.Model):
    """Written once: a second save is refused. Deletion goes only with the cycle (and is protected)."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("考核结果写入后不能修改。")
        super().save(*args, **kwargs)


class ComputeRun(ImmutableModel):
    cycle = models.ForeignKey(
        "plans.AssessmentCycle", verbose_name=_("年度考核"), on_delete=models.PROTECT, related_name="runs"
    )
    version = models.PositiveIntegerField(_("版本"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)  # "system", a command's name …
    created_at = models.DateTimeField(_("计算时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    input_digest = models.CharField(_("输入摘要"), max_length=64)
    input_digest_algorithm = models.CharField(_("输入摘要算法"), max_length=16)  # sha256, sm3
    settings = models.JSONField(_("参数"), default=dict)  # {参数 name: text}, every setting, as used
    # The two blobs are the table's last columns (migration 0006): SQLite walks a large value's overflow pages
    # to reach a column stored after it. A new field goes above them, added the way 0006 moved them.
    inputs = models.BinaryField(_("输入数据"))  # zlib(canonical JSON of the AssessmentInput)
    document = models.BinaryField(_("结果文档"))  # zlib(the JSON document's text), keys in their order

    class Meta:
        ordering = ["cycle", "-version"]
        verbose_name = _("计算批次")
        verbose_name_plural = _("计算批次")
        constraints = [models.UniqueConstraint(fields=["cycle", "version"], name="run_version_unique")]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度 第{self.version}次计算"

    @property
    def input_digest_shown(self) -> str:
        """The inputs' digest as people see it: "SM3: 66c7…"."""
        return shown(self.input_digest_algorithm, self.input_digest)


class Result(ImmutableModel):
    run = models.ForeignKey(ComputeRun, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField()  # order in the run's document
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pool = models.CharField(_("名额池"), max_length=100)
    democratic = models.JSONField(_("民主测评"), null=True, blank=True)  # the document's democratic dict
    performance = models.DecimalField(_("实绩"), max_digits=9, decimal_places=2, null=True, blank=True)
    composite = models.DecimalField(_("综合得分"), max_digits=9, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    pool_size = models.PositiveIntegerField(_("池内人数"))
    grade = models.CharField(_("等次"), max_length=8)
    flags = models.JSONField(_("标记"), default=list)
    explanation = models.TextField(_("说明"))

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("计算结果")
        verbose_name_plural = _("计算结果")
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "code"], name="result_once_per_run"),
            models.CheckConstraint(
                name="result_cadre_iff_cadre_kind",
                condition=Q(kind="team", cadre__isnull=True) | Q(kind="cadre", cadre__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["run", "kind", "pool", "position"], name="result_pool_idx"),
            models.Index(fields=["cadre", "run"], name="result_cadre_idx"),
            models.Index(fields=["unit", "run"], name="result_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"


class Quota(ImmutableModel):
    """A quota pool of a run, as the document's ``quotas`` entry."""

    run = models.ForeignKey(ComputeRun, on_delete=models.CASCADE, related_name="quotas")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    pool = models.CharField(_("名额池"), max_length=100)
    size = models.PositiveIntegerField(_("参加定等人数"))
    theoretical = models.DecimalField(_("理论名额"), max_digits=9, decimal_places=2)
    quota = models.PositiveIntegerField(_("优秀名额"))
    excellent = models.PositiveIntegerField(_("优秀"))
    pending = models.PositiveIntegerField(_("待定"))

    class Meta:
        ordering = ["run", "kind", "pool"]
        verbose_name = _("名额池")
        verbose_name_plural = _("名额池")
        constraints = [models.UniqueConstraint(fields=["run", "kind", "pool"], name="quota_once_per_run")]

    def __str__(self) -> str:
        return f"{self.pool} {self.quota}"


class DecisionKind(models.TextChoices):
    RESOLVE = "resolve", _("决定待定")
    OVERRIDE = "override", _("调整等次")


class DecisionStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    INVALIDATED = "invalidated", _("已失效")
    WITHDRAWN = "withdrawn", _("已撤回")


class Decision(models.Model):
    cycle = models.ForeignKey(
        "plans.AssessmentCycle", on_delete=models.PROTECT, related_name="result_decisions"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    decision = models.CharField(_("决定"), max_length=10, choices=DecisionKind.choices)
    grade = models.CharField(_("等次"), max_length=8)
    reason = models.TextField(_("理由"), blank=True)  # mandatory for overrides
    run = models.ForeignKey(ComputeRun, on_delete=models.PROTECT, related_name="+")  # decided on
    pool = models.CharField(_("名额池"), max_length=100)
    computed_grade = models.CharField(_("计算等次"), max_length=8)
    status = models.CharField(
        _("状态"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.ACTIVE
    )
    notice = models.CharField(_("失效说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("决定时间"))

    class Meta:
        ordering = ["cycle", "-created_at", "-id"]
        verbose_name = _("领导小组决定")
        verbose_name_plural = _("领导小组决定")
        constraints = [
            # At most one active decision per target: a new one replaces (withdraws) the old.
            models.UniqueConstraint(
                fields=["cycle", "kind", "code"],
                condition=Q(status="active"),
                name="one_active_decision_per_target",
            ),
            models.CheckConstraint(
                name="override_has_reason", condition=~Q(decision="override") | ~Q(reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.grade}"


class QuotaApproval(models.Model):
    cycle = models.ForeignKey(
        "plans.AssessmentCycle", on_delete=models.PROTECT, related_name="quota_approvals"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    pool = models.CharField(_("名额池"), max_length=100)
    quota = models.PositiveIntegerField(_("优秀名额"))
    excellent = models.PositiveIntegerField(_("批准优秀人数"))
    reason = models.TextField(_("理由"))
    run = models.ForeignKey(ComputeRun, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.ACTIVE
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("批准时间"))

    class Meta:
        ordering = ["cycle", "kind", "pool", "-created_at"]
        verbose_name = _("超额批准")
        verbose_name_plural = _("超额批准")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind", "pool"],
                condition=Q(status="active"),
                name="one_active_approval_per_pool",
            ),
            models.CheckConstraint(name="approval_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="approval_exceeds_quota", condition=Q(excellent__gt=models.F("quota"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pool} 优秀{self.excellent}（名额{self.quota}）"


class PublicNotice(models.Model):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="notices")
    run = models.ForeignKey(ComputeRun, on_delete=models.PROTECT, related_name="notices")
    working_days = models.PositiveSmallIntegerField(_("公示工作日"))
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))  # the last working day of the notice
    excellent = models.JSONField(_("拟定优秀名单"))  # [{kind, code, name, unit, pool, manual}] as published
    text = models.TextField(_("公示说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发布时间"))

    class Meta:
        ordering = ["cycle", "-created_at", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        constraints = [
            models.CheckConstraint(name="notice_days_positive", condition=Q(working_days__gt=0)),
            models.CheckConstraint(
                name="notice_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度考核结果公示（{self.starts_on}—{self.ends_on}）"


class Objection(models.Model):
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("收到日期"))
    raised_by = models.CharField(_("反映人"), max_length=100, blank=True)  # blank: anonymous
    subject = models.CharField(_("反映对象"), max_length=100)  # a name or code on the list
    content = models.TextField(_("反映内容"))
    handling = models.TextField(_("处理情况"), blank=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["notice", "received_on", "id"]
        verbose_name = _("公示反映")
        verbose_name_plural = _("公示反映")
        constraints = [
            models.CheckConstraint(
                name="objection_handled_with_text",
                condition=Q(handled_at__isnull=True) | ~Q(handling=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject}：{self.content[:30]}"


class ClearanceAnswer(models.TextChoices):
    """The discipline-inspection body's 党风廉政意见 on one person."""

    CLEAR = "clear", _("无反映")
    CHECK = "check", _("有反映需核实")
    REFUSE = "refuse", _("不同意")


class ClearanceResolution(models.TextChoices):
    """The committee's decision on an answer other than 无反映."""

    KEEP = "keep", _("经核实，维持拟定优秀")
    WITHDRAW = "withdraw", _("不确定为优秀")


class ClearanceRequest(models.Model):
    """党风廉政意见: the organiser asks the discipline-inspection body about one proposed 优秀 (name, unit,
    post — never a score); the body answers with a note; the committee decides on 有反映需核实 and 不同意.
    One row per target and cycle; the audit log keeps every change (``clearance.*``)."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="clearances")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("姓名或名称"), max_length=100)
    unit_name = models.CharField(_("单位"), max_length=200)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("征求时间"))
    answer = models.CharField(_("廉政意见"), max_length=8, choices=ClearanceAnswer.choices, blank=True)
    answer_note = models.TextField(_("意见说明"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    resolution = models.CharField(
        _("领导小组决定"), max_length=8, choices=ClearanceResolution.choices, blank=True
    )
    resolution_note = models.TextField(_("决定理由"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("党风廉政意见")
        verbose_name_plural = _("党风廉政意见")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind", "code"], name="clearance_once_per_target"),
            models.CheckConstraint(
                name="clearance_answered_with_time",
                condition=Q(answer="", answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="clearance_resolved_with_reason",
                condition=Q(resolution="") | ~Q(resolution_note=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.name} 党风廉政意见"


class Seal(ImmutableModel):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="seals")
    run = models.ForeignKey(ComputeRun, on_delete=models.PROTECT, related_name="seals")
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="+")
    hash = models.CharField(_("封存哈希"), max_length=64)
    algorithm = models.CharField(_("封存算法"), max_length=16)  # sha256, sm3: CRYPTO_MODE when sealed
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("定档时间"))

    class Meta:
        ordering = ["cycle", "-created_at", "-id"]
        verbose_name = _("结果封存")
        verbose_name_plural = _("结果封存")

    def __str__(self) -> str:
        return f"{self.cycle.year}年度考核结果 {self.hash[:12]}"

    @property
    def shown(self) -> str:
        """The hash as people see it: "SM3: 66c7…"."""
        return shown(self.algorithm, self.hash)


class FinalResult(ImmutableModel):
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="final_results")
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "org.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pool = models.CharField(_("名额池"), max_length=100)
    composite = models.DecimalField(_("综合得分"), max_digits=9, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    pool_size = models.PositiveIntegerField(_("池内人数"))
    grade = models.CharField(_("等次"), max_length=8)
    computed_grade = models.CharField(_("计算等次"), max_length=8)
    flags = models.JSONField(_("标记"), default=list)
    explanation = models.TextField(_("说明"))
    manual = models.BooleanField(_("人工调整"), default=False)
    manual_reason = models.TextField(_("调整理由"), blank=True)

    class Meta:
        ordering = ["seal", "kind", "pool", "code"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [models.UniqueConstraint(fields=["seal", "kind", "code"], name="final_once_per_seal")]
        indexes = [
            models.Index(fields=["cadre", "cycle"], name="final_cadre_idx"),
            models.Index(fields=["unit", "cycle"], name="final_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"


class VoidScope(models.TextChoices):
    CYCLE = "cycle", _("全部结果")
    UNIT = "unit", _("单位")
    CADRE = "cadre", _("干部")


class ResultVoid(ImmutableModel):
    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.PROTECT, related_name="voids")
    scope = models.CharField(_("范围"), max_length=8, choices=VoidScope.choices)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    codes = models.JSONField(_("涉及对象"))  # [[kind, code], …] voided, as of ``run``
    run = models.ForeignKey(ComputeRun, on_delete=models.PROTECT, related_name="voids")
    seal = models.ForeignKey(Seal, null=True, blank=True, on_delete=models.PROTECT, related_name="voids")
    reason = models.TextField(_("原因"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("宣布时间"))

    class Meta:
        ordering = ["cycle", "-created_at", "-id"]
        verbose_name = _("结果无效")
        verbose_name_plural = _("结果无效")
        constraints = [
            models.CheckConstraint(name="void_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="void_scope_target",
                condition=Q(scope="cycle", unit__isnull=True, cadre__isnull=True)
                | Q(scope="unit", unit__isnull=False, cadre__isnull=True)
                | Q(scope="cadre", unit__isnull=True, cadre__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}结果无效：{self.reason[:30]}"
