from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kaohe.accounts import throttle


class ThrottledLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
        "locked": _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if throttle.login_locked(username, address):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_THROTTLE_WINDOW // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.login_failed(username, address)
            raise
        throttle.login_succeeded(username)
        return cleaned
