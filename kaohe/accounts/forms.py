from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kaohe.accounts import actions, throttle
from kaohe.accounts.models import ADMIN_ROLES, Role, User
from kaohe.org.models import Cadre, ScoringDepartment, Unit
from kaohe.plans.models import AssessmentGroup


class ThrottledLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
        "locked": ngettext_lazy(
            "登录失败次数过多，请 %(minutes)s 分钟后再试。",
            "登录失败次数过多，请 %(minutes)s 分钟后再试。",
            "minutes",
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("请输入用户名。")
        self.fields["password"].error_messages["required"] = _("请输入密码。")

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if not throttle.login_attempt(username, address):  # recorded first: parallel attempts cannot race
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_THROTTLE_WINDOW // 60)},
            )
        cleaned = super().clean()  # a wrong password leaves the attempt counted
        throttle.login_succeeded(username, address)
        return cleaned


class UserFilterForm(forms.Form):
    """The account list's filters; invalid values are ignored rather than refused."""

    STATUS_CHOICES = [("", _("全部状态")), ("active", _("启用")), ("inactive", _("已停用"))]

    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def filter(self, users: QuerySet[User]) -> QuerySet[User]:
        if not self.is_valid():
            return users
        data = self.cleaned_data
        if data["role"]:
            users = users.filter(role=data["role"])
        if data["status"]:
            users = users.filter(is_active=data["status"] == "active")
        q = data["q"].strip()
        if q:
            users = users.filter(
                Q(username__icontains=q)
                | Q(full_name__icontains=q)
                | Q(unit__name__icontains=q)
                | Q(department__name__icontains=q)
                | Q(cadre__name__icontains=q)
                | Q(cadre__code__icontains=q)
            )
        return users


def account_list() -> QuerySet[User]:
    """Accounts with their scope, for the organiser's list page and the API."""
    return (
        User.objects.select_related("unit", "department", "cadre")
        .prefetch_related(Prefetch("assessment_groups", AssessmentGroup.objects.select_related("cycle")))
        .order_by("role", "username")
    )


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cadre) -> str:
        unit = f"（{obj.current_unit}）" if obj.current_unit_id else ""
        return f"{obj.code} {obj.name}{unit}"


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: AssessmentGroup) -> str:
        return f"{obj.cycle.name} · {obj.name}"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        widget.attrs.setdefault(
            "class", "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


# The system administrator gives business roles; the administrators' roles are the security administrator's.
BUSINESS_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value not in ADMIN_ROLES]


class UserForm(forms.Form):
    """An account's name, role and scope; the role-scope rules are those of `actions.scope_errors`."""

    full_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=[("", "---------"), *BUSINESS_ROLE_CHOICES])
    unit = forms.ModelChoiceField(
        label=_("所属单位"), queryset=Unit.objects.none(), required=False, help_text=_("单位联络员必填。")
    )
    department = forms.ModelChoiceField(
        label=_("职能部门"),
        queryset=ScoringDepartment.objects.none(),
        required=False,
        help_text=_("职能部门账号必填。"),
    )
    cadre = CadreChoiceField(
        label=_("关联干部"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_("干部账号必填；每名干部只能有一个账号。"),
    )
    assessment_groups = GroupChoiceField(
        label=_("所在考核组"),
        queryset=AssessmentGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("考核组成员只能看到所在考核组的单位。"),
    )
    may_type_paper_ballots = forms.BooleanField(
        label=_("可录入纸质测评票"),
        required=False,
        help_text=_("职能部门和考核组成员的账号可以授权，在纸质测评会上录入测评票；考核办账号本身即可录入。"),
    )

    def __init__(self, *args, actor: User, user: User | None = None, **kwargs):
        if user is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": user.full_name,
                "role": user.role,
                "unit": user.unit_id,
                "department": user.department_id,
                "cadre": user.cadre_id,
                "assessment_groups": [group.pk for group in user.assessment_groups.all()],
                "may_type_paper_ballots": actions.is_paper_typist(user),
            }
        super().__init__(*args, **kwargs)
        self.actor, self.user = actor, user
        # The system administrator scopes accounts to units and cadres by name: the choices are the roster's
        # names, never its assessment data (org.selectors would give an administrator nothing).
        self.fields["unit"].queryset = Unit.objects.select_related("category", "parent")
        self.fields["department"].queryset = ScoringDepartment.objects.all()
        self.fields["cadre"].queryset = Cadre.objects.select_related("current_unit")
        self.fields["assessment_groups"].queryset = AssessmentGroup.objects.select_related("cycle")
        _style(self)

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role:
            errors = actions.scope_errors(
                role=role,
                unit=cleaned.get("unit"),
                department=cleaned.get("department"),
                cadre=cleaned.get("cadre"),
                user=self.user,
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned

    def scope(self) -> dict:
        """The keyword arguments of `user_create` / `user_update` this form supplies."""
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "role": data["role"],
            "unit": data["unit"],
            "department": data["department"],
            "cadre": data["cadre"],
            "assessment_groups": data["assessment_groups"],
            "may_type_paper_ballots": data["may_type_paper_ballots"],
        }


class UserCreateForm(SetPasswordMixin, UserForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录用；只能包含字母、数字和 @ . + - _，创建后不能修改。"),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("初始密码"), label2=_("确认密码"))
    field_order = ["username", "full_name", "role", "unit", "department", "cadre", "assessment_groups"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if actions.username_taken(username):
            raise forms.ValidationError(_("用户名“%(username)s”已被使用。") % {"username": username})
        return username

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        password = cleaned.get("password1")
        if password and not self.has_error("password2"):
            candidate = User(username=cleaned.get("username") or "", full_name=cleaned.get("full_name") or "")
            try:
                actions.validate_new_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UserPasswordForm(SetPasswordMixin, forms.Form):
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("新密码"), label2=_("确认新密码"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        _style(self)

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        password = cleaned.get("password1")
        if password and not self.has_error("password2"):
            try:
                actions.validate_new_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
