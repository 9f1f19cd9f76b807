"""Democratic evaluation ballots: templates, sessions, one-time codes, ballots and their marks.

Secrecy by construction: a ballot has a random identifier, no timestamp, and nothing that refers to the
code that admitted it or to the person who cast it. Paper ballots keep their paper 票号 (`number`);
online ballots get a random receipt in the same field, which the rater can use to check it was counted.
A code (BallotToken) is stored only as a keyed hash with its rater group and a `used` flag: the database
cannot list the codes, and no column of a ballot, mark or answer leads back to one.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.crypto.modes import shown


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


class TemplateKind(models.TextChoices):
    TEAM = "team", _("领导班子测评")
    CADRE = "cadre", _("干部测评")
    SELECTION = "selection", _("选人用人工作评议")
    PROMOTED = "promoted", _("新提拔干部评议")
    # 专项评议: 服务质量评议 by 两代表一委员 and service users, 重点项目评议 on site. About a unit, with rater
    # groups of its own (outside the plan's weights); its result may feed the unit's 公众评议 (kaohe/reviews).
    SERVICE = "service", _("专项评议")


# The 总体评价 of a team or a cadre is a Mark and feeds the rules engine, so its choices are the grade
# scale of assessment-rules.md §2 and cannot be adapted; the other items can.
OVERALL = "总体评价"
TEAM_GRADES = ("优秀", "良好", "一般", "较差")
CADRE_GRADES = ("优秀", "称职", "基本称职", "不称职")
OVERALL_CHOICES = {TemplateKind.TEAM: TEAM_GRADES, TemplateKind.CADRE: CADRE_GRADES}
# What a template of each kind is filled about: a unit (its team, or its 选人用人工作) or a cadre.
UNIT_KINDS = (TemplateKind.TEAM, TemplateKind.SELECTION, TemplateKind.SERVICE)


class BallotTemplate(models.Model):
    """测评表: the items and choices of one kind of ballot.

    `items` is a list of {"name": str, "choices": [str, …], "reason_for": [choice, …], "required": bool}:
    the items asked beside 总体评价 (team and cadre ballots) or the items of a review form. A choice in
    `reason_for` needs a written reason (新提拔干部: 不认同). Built-in templates are copied, not edited.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=TemplateKind.choices)
    items = models.JSONField(_("测评项目"), default=list, blank=True)
    builtin = models.BooleanField(_("内置"), default=False)

    class Meta:
        ordering = ["kind", "-builtin", "name"]
        verbose_name = _("测评表")
        verbose_name_plural = _("测评表")

    def __str__(self) -> str:
        return self.name

    @property
    def overall_choices(self) -> tuple[str, ...]:
        return OVERALL_CHOICES.get(self.kind, ())


class EvaluationSession(models.Model):
    """测评会: one sitting (or one import) whose ballots count towards a cycle."""

    cycle = models.ForeignKey("plans.AssessmentCycle", on_delete=models.CASCADE, related_name="sessions")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("方式"), max_length=10, choices=SessionKind.choices, default=SessionKind.ONLINE)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    seal = models.CharField(_("封存哈希"), max_length=64, blank=True)
    # The digest algorithm of ``seal`` (sha256, sm3: CRYPTO_MODE when sealed); blank while unsealed.
    seal_algorithm = models.CharField(_("封存算法"), max_length=16, blank=True)
    # The public half of the session's opening key (envelope.py): online ballots are sealed to it while
    # the session is open; the private half is only ever in the organiser's hands.
    opening_public_key = models.CharField(_("开启公钥"), max_length=64, blank=True)
    void_reason = models.TextField(_("作废原因"), blank=True)
    # A rehearsal's ballots never count; they are purged (audited, with counts) before the formal run.
    rehearsal = models.BooleanField(_("演练"), default=False)
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    # 每票优秀上限 as the 参数 sheet writes it ("5", "20%"); blank = no limit. Copied from the plan.
    excellent_limit = models.CharField(_("每票优秀上限"), max_length=16, blank=True)
    # The assessment group that runs the sitting (it follows the turnout); optional.
    assessment_group = models.ForeignKey(
        "plans.AssessmentGroup",
        verbose_name=_("考核组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    # Show each target's 述职 summary, folded, on the ballot page: copied onto the targets (``summary``) when
    # set and again when the session opens, so raters read what the session fixed (actions/summaries.py).
    show_summaries = models.BooleanField(_("测评票显示述职摘要"), default=False)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("测评会")
        verbose_name_plural = _("测评会")

    def __str__(self) -> str:
        return self.name

    @property
    def seal_shown(self) -> str:
        """The seal as people see it: "SM3: 66c7…" (empty while unsealed)."""
        return shown(self.seal_algorithm, self.seal) if self.seal else ""


class SessionTarget(models.Model):
    """One thing a session's ballot asks about: a unit (its team, or its 选人用人工作) or a cadre."""

    session = models.ForeignKey(EvaluationSession, on_delete=models.CASCADE, related_name="targets")
    template = models.ForeignKey(BallotTemplate, verbose_name=_("测评表"), on_delete=models.PROTECT)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    # The target's 述职 summary shown folded on the ballot ("" when the session shows none).
    summary = models.TextField(_("述职摘要"), blank=True)

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("测评对象")
        verbose_name_plural = _("测评对象")
        constraints = [
            models.CheckConstraint(
                name="session_target_one",
                condition=Q(unit__isnull=False, cadre__isnull=True)
                | Q(unit__isnull=True, cadre__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["session", "template", "unit"], name="session_unit_once_per_template"
            ),
            models.UniqueConstraint(
                fields=["session", "template", "cadre"], name="session_cadre_once_per_template"
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.cadre)


class SessionRaterGroup(models.Model):
    """A rater group of a session (a name of the plan's 评价人权重) and how many raters are expected."""

    session = models.ForeignKey(EvaluationSession, on_delete=models.CASCADE, related_name="rater_groups")
    name = models.CharField(_("评价人类别"), max_length=32)
    expected = models.PositiveIntegerField(_("应到人数"), default=0)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("评价人类别")
        verbose_name_plural = _("评价人类别")
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="session_group_unique")]

    def __str__(self) -> str:
        return self.name


class BallotToken(models.Model):
    """测评码: a one-time code, kept only as a keyed hash (HMAC with SECRET_KEY). No reference to a ballot."""

    session = models.ForeignKey(EvaluationSession, on_delete=models.CASCADE, related_name="tokens")
    hash = models.CharField(max_length=64, unique=True)
    rater_group = models.CharField(_("评价人类别"), max_length=32)
    used = models.BooleanField(default=False)
    # Codes are generated in batches (a batch's slips are printed together); a rehearsal's are marked.
    batch = models.PositiveIntegerField(_("批次"), default=1)
    rehearsal = models.BooleanField(_("演练"), default=False)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")

    def __str__(self) -> str:
        return self.hash[:8]


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


class BallotEnvelope(models.Model):
    """A sealed online ballot of an open session (envelope.py), opened, shuffled and deleted at close.

    A random id and the sealed bytes: no timestamp, no group, nothing readable without the organiser's key.
    On SQLite the table is WITHOUT ROWID, so its rows sit in the order of their random ids."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(EvaluationSession, on_delete=models.CASCADE, related_name="envelopes")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("密封测评票")
        verbose_name_plural = _("密封测评票")

    def __str__(self) -> str:
        return str(_("密封测评票"))


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


class BallotItemAnswer(models.Model):
    """One answer to an item other than 总体评价 (an aspect, 德能勤绩廉, a review question) on one ballot.

    Linked exactly as a Mark is: to its ballot and its target, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("org.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Which form asked it: the same unit is a team target and a 选人用人 target on different templates.
    template = models.ForeignKey(BallotTemplate, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("项目"), max_length=100)
    choice = models.CharField(_("评价"), max_length=20)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("测评项目评价")
        verbose_name_plural = _("测评项目评价")
        constraints = [
            models.CheckConstraint(
                name="answer_one_target",
                condition=Q(unit__isnull=False, cadre__isnull=True)
                | Q(unit__isnull=True, cadre__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.choice}"


# The paper ballots' double entry (working data, purged on commit) lives in its own module.
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, PaperTypist  # noqa: E402, F401
