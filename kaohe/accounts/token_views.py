"""API tokens in the account area: an organiser makes, lists and revokes their own; the security
administrator lists and revokes every account's."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.accounts import access, tokens
from kaohe.accounts.models import ApiToken, Role

DEFAULT_DAYS = 90


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=60, help_text=gettext_lazy("例如：年度数据同步脚本")
    )
    role = forms.ChoiceField(label=gettext_lazy("权限范围"))
    expires_on = forms.DateField(
        label=gettext_lazy("到期日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("当天结束时失效；最长一年。"),
    )

    def __init__(self, *args, scopes: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in scopes]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=DEFAULT_DAYS)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if field is self.fields["role"] else "form-control"
            )

    def expires_at(self) -> datetime:
        """The end of the chosen day, local time."""
        day = self.cleaned_data["expires_on"] + timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, time.min))


@require_http_methods(["GET", "POST"])
@access.role_required(*access.TOKEN_CREATORS)
def token_list(request):
    """The account's own tokens and the form for a new one; a new token's secret is shown on this answer only."""
    scopes = tokens.scopes_for(request.user)
    form = TokenCreateForm(request.POST or None, scopes=scopes)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, field_errors in by_field.items():
                target = "expires_on" if field == "expires_at" else field
                for message in field_errors:
                    form.add_error(target, message)
        else:
            form = TokenCreateForm(scopes=scopes)
    context = {
        "form": form,
        "issued": issued,
        "tokens": ApiToken.objects.filter(owner=request.user).select_related("revoked_by"),
        "now": timezone.now(),
    }
    response = render(request, "accounts/token_list.html", context)
    if issued is not None:
        response["Cache-Control"] = "no-store"  # the secret is on this page once, never in a cache
    return response


@require_POST
@access.role_required(*access.TOKEN_CREATORS)
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, owner=request.user)  # another's token is not found
    _revoke(request, token)
    return redirect("accounts:token_list")


@require_http_methods(["GET"])
@access.role_required(*access.TOKEN_REVOKERS)
def security_token_list(request):
    context = {
        "tokens": ApiToken.objects.select_related("owner", "revoked_by").order_by("-created_at", "-pk"),
        "now": timezone.now(),
    }
    return render(request, "accounts/security_tokens.html", context)


@require_POST
@access.role_required(*access.TOKEN_REVOKERS)
def security_token_revoke(request, pk: int):
    _revoke(request, get_object_or_404(ApiToken, pk=pk))
    return redirect("accounts:security_tokens")


def _revoke(request, token: ApiToken) -> None:
    try:
        tokens.token_revoke(actor=request.user, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已吊销令牌“%(name)s”，使用它的请求将被拒绝。") % {"name": token.name})
