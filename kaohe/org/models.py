"""The organisation roster: unit categories, units, leadership teams, cadres and their positions."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin


def pinyin_initials(text: str) -> str:
    """张思佳 → zsj; letters and digits pass through lower-cased."""
    return "".join(part[0] for part in lazy_pinyin(text, style=Style.FIRST_LETTER) if part).lower()


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()


def without_nul(q: str) -> str:
    """A search text PostgreSQL can compare: it refuses NUL characters in text (``?q=%00`` was a 500)."""
    return q.replace("\x00", "").strip()


class UnitCategory(models.Model):
    name = models.CharField(_("类别名称"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("单位类别")
        verbose_name_plural = _("单位类别")

    def __str__(self) -> str:
        return self.name


class ScoringDepartment(models.Model):
    """A functional department (职能部门/归口牵头单位) that scores units on the indicators it owns."""

    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)
    unit = models.ForeignKey(
        "Unit", verbose_name=_("对应单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet):
    def search(self, q: str) -> "UnitQuerySet":
        q = without_nul(q)
        if not q:
            return self
        return self.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(pinyin_initials__contains=q.lower())
        )


class Unit(models.Model):
    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    category = models.ForeignKey(
        UnitCategory, verbose_name=_("单位类别"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    pinyin_initials = models.CharField(max_length=100, blank=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pinyin_initials = pinyin_initials(self.name)
        super().save(*args, **kwargs)


class LeadershipTeam(models.Model):
    """A unit's leadership team (领导班子); its members are the cadres holding current positions there."""

    unit = models.OneToOneField(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="team")

    class Meta:
        verbose_name = _("领导班子")
        verbose_name_plural = _("领导班子")

    def __str__(self) -> str:
        return f"{self.unit.name}领导班子"


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class CadreQuerySet(models.QuerySet):
    def search(self, q: str) -> "CadreQuerySet":
        q = without_nul(q)
        if not q:
            return self
        lowered = q.lower()
        return self.filter(
            Q(name__contains=q)
            | Q(code__icontains=q)
            | Q(pinyin_initials__startswith=lowered)
            | Q(pinyin__startswith=lowered)
        )


class Cadre(models.Model):
    code = models.CharField(_("干部编码"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=2, choices=Gender.choices, blank=True)
    birth_month = models.DateField(_("出生年月"), null=True, blank=True)  # the first of the month
    pinyin_initials = models.CharField(max_length=50, blank=True, editable=False, db_index=True)
    pinyin = models.CharField(max_length=200, blank=True, editable=False)
    # Denormalised from the current position, kept by the write functions, so lists filter fast.
    current_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="current_cadres", editable=False
    )

    objects = CadreQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("干部")
        verbose_name_plural = _("干部")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pinyin_initials = pinyin_initials(self.name)
        self.pinyin = pinyin_full(self.name)
        super().save(*args, **kwargs)

    @property
    def current_position(self) -> "Position | None":
        return self.positions.filter(end__isnull=True).select_related("unit").first()


class Position(models.Model):
    """A cadre's post in a unit for a period; `end` is empty while the post is held."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("职务"), max_length=100)
    principal = models.BooleanField(_("主要负责人"), default=False)
    start = models.DateField(_("任职时间"), null=True, blank=True)
    end = models.DateField(_("离任时间"), null=True, blank=True)

    class Meta:
        ordering = ["cadre", "-start"]
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(end__isnull=True), name="one_current_position_per_cadre"
            ),
            models.CheckConstraint(
                name="position_ends_after_start",
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"
