"""Accounts: one role per account, and the scope that role is limited to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORGANISER = "organiser", _("考核办")
    COMMITTEE = "committee", _("领导小组成员")
    ASSESSOR = "assessor", _("考核组成员")
    CLERK = "clerk", _("职能部门")
    LIAISON = "liaison", _("单位联络员")
    LEADER = "leader", _("领导")
    CADRE = "cadre", _("干部")
    DISCIPLINE = "discipline", _("纪检监察机关")
    # 三员 (等保 level 3): they run the system and hold no business data; see access.py.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


ADMIN_ROLES = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN)


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
    # Password rules (accounts/passwords.py): when it was last set, and whether its holder must choose a
    # new one at the next login (an account someone else created or reset).
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, default=timezone.now)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # Kept beside django-otp's devices so that the middleware knows without a query on every request.
    second_factor_enrolled = models.BooleanField(_("已绑定身份验证器"), default=False)

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


class PasswordHistory(models.Model):
    """An account's earlier password hashes, so that the last few cannot come back (PASSWORD_HISTORY)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A named credential for scripts: its owner's account, limited to one role (the scope), until it expires.

    Only a keyed hash of the secret is kept (``digest``, tagged with its algorithm: kaohe.crypto); ``key`` is
    the public half of the token, by which a request's token is found.
    """

    name = models.CharField(_("名称"), max_length=60)
    owner = models.ForeignKey(
        User, verbose_name=_("所有者"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    role = models.CharField(_("权限范围"), max_length=16, choices=Role.choices)
    key = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("吊销人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="api_token_name_unique_per_owner"),
            models.CheckConstraint(
                name="api_token_expires_after_creation",
                condition=models.Q(expires_at__gt=models.F("created_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def state(self, now=None) -> str:
        """有效, 已过期 or 已吊销, as the pages show it."""
        if self.revoked_at is not None:
            return str(_("已吊销"))
        if self.expires_at <= (now or timezone.now()):
            return str(_("已过期"))
        return str(_("有效"))


class TokenUser(User):
    """The owner of an API token acting through it: the owner's account with the token's role.

    Never saved (the role is the token's, not the account's); the audit names it "<owner>（令牌 <name>）".
    """

    api_token: ApiToken

    class Meta:
        proxy = True

    def save(self, *args, **kwargs):
        raise ValueError("通过令牌访问时不能修改账号本身。")

    def has_perm(self, perm, obj=None) -> bool:
        return False  # a token carries its role, never the permissions given to the account beside it

    def is_verified(self) -> bool:
        return False  # the second factor belongs to a signed-in session, never to a token
