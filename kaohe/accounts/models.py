"""Accounts: one role per account, and the scope that role is limited to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORGANISER = "organiser", _("考核办")
    COMMITTEE = "committee", _("领导小组成员")
    ASSESSOR = "assessor", _("考核组成员")
    CLERK = "clerk", _("职能部门")
    LIAISON = "liaison", _("单位联络员")
    LEADER = "leader", _("领导")
    CADRE = "cadre", _("干部")


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    # Scope: a liaison's unit; a clerk's department; a cadre's own record. Assessors are scoped by
    # the assessment groups they belong to (plans.AssessmentGroup.members).
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.ScoringDepartment",
        verbose_name=_("职能部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clerks",
    )
    cadre = models.OneToOneField(
        "org.Cadre",
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.CheckConstraint(
                name="liaison_has_unit", condition=~models.Q(role="liaison") | models.Q(unit__isnull=False)
            ),
            models.CheckConstraint(
                name="clerk_has_department",
                condition=~models.Q(role="clerk") | models.Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="cadre_has_cadre", condition=~models.Q(role="cadre") | models.Q(cadre__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles


class LoginFailure(models.Model):
    """Failed login attempts, for throttling across stateless web processes."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"
