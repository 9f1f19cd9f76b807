"""Feedback pages: 「我的考核结果」 for cadres and liaisons, with the 本人意见 form; the organisers' list of
acknowledgements. Objects come through ``kaohe.results.feedback`` (404 for anyone else's result)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.access import role_required
from kaohe.accounts.models import Role
from kaohe.plans.selectors import get_cycle
from kaohe.results import actions, feedback
from kaohe.results.models import Kind

PAGE_SIZE = 100
ACK_LIST_ROLES = (Role.ORGANISER,)


class AcknowledgementForm(forms.Form):
    opinion = forms.ChoiceField(
        label=gettext_lazy("本人意见"),
        choices=feedback.Opinion.CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": gettext_lazy("本人意见：请选择「同意」或「有异议」。")},
    )
    text = forms.CharField(
        label=gettext_lazy("意见内容"),
        required=False,
        max_length=feedback.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": gettext_lazy("意见内容：最多 %(limit_value)d 个字（现有 %(show_value)d 个字）。")
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("opinion") == feedback.Opinion.OBJECT and not (data.get("text") or "").strip():
            self.add_error("text", _("本人意见：选择「有异议」时请写明异议内容。"))
        return data


class AckFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", gettext_lazy("全部")), *Kind.choices],
        required=False,
        label=gettext_lazy("类型"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    state = forms.ChoiceField(
        choices=[("", gettext_lazy("全部")), *feedback.AckState.CHOICES],
        required=False,
        label=gettext_lazy("确认情况"),
    )


def _mine(
    request: HttpRequest,
    form_for: int | None = None,
    form: AcknowledgementForm | None = None,
    status: int = 200,
):
    items = feedback.own_feedback(request.user)
    forms_by_id = {
        item.final.pk: (form if item.final.pk == form_for and form is not None else AcknowledgementForm())
        for item in items
        if item.can_acknowledge
    }
    for item in items:
        item.form = forms_by_id.get(item.final.pk) if item.final else None
    context = {"items": items, "is_team": request.user.has_role(Role.LIAISON), "unit": request.user.unit}
    return render(request, "results/feedback_mine.html", context, status=status)


@require_GET
@role_required(*feedback.FEEDBACK_ROLES)
def feedback_mine(request: HttpRequest) -> HttpResponse:
    return _mine(request)


@require_POST
@role_required(*feedback.FEEDBACK_ROLES)
def feedback_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    final = feedback.get_own_final(request.user, pk)
    form = AcknowledgementForm(request.POST)
    if form.is_valid():
        try:
            actions.result_acknowledge(
                actor=request.user,
                final=final,
                opinion=form.cleaned_data["opinion"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            # Shown above the page: the form itself is gone once the result has been confirmed.
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已确认收到%(year)s年度考核结果。") % {"year": final.cycle.year})
            return redirect("results:feedback_mine")
    return _mine(request, final.pk, form, status=400)


@require_GET
@role_required(*ACK_LIST_ROLES)
def feedback_list(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_cycle(request.user, year)
    filters = AckFilterForm(request.GET)
    kind = state = ""
    if filters.is_valid():
        kind, state = filters.cleaned_data["kind"], filters.cleaned_data["state"]
    listing = feedback.acknowledgement_list(cycle, kind=kind, state=state)
    page = Paginator(listing.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cycle": cycle,
        "listing": listing,
        "page_obj": page,
        "filters": filters,
        "query": query.urlencode(),
        "states": feedback.AckState,
        "total": sum(listing.counts.values()),
    }
    return render(request, "results/feedback_list.html", context)
