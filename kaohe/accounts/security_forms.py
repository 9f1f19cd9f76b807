from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import Role, User
from kaohe.accounts.passwords import _chinese


class OwnPasswordForm(SetPasswordMixin, forms.Form):
    old_password = forms.CharField(label=_("当前密码"), strip=False, widget=forms.PasswordInput)
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("新密码"), label2=_("确认新密码"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("当前密码不正确。"))
        return old

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        password = cleaned.get("password1")
        if password and not self.has_error("password2"):
            from django.contrib.auth import password_validation

            try:
                password_validation.validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", [_chinese(e) for e in error.error_list])
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态口令"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
