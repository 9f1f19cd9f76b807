"""Forms of the results pages; the write functions in ``actions`` check the rules, these check the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.results.models import DecisionKind, Kind, VoidScope


class StyledForm(forms.Form):
    """Bootstrap's small controls on every field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if select else "form-control form-control-sm"
            )


class ComputeForm(StyledForm):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("决定"), choices=DecisionKind.choices)
    grade = forms.CharField(label=_("等次"), max_length=8, error_messages={"required": _("请选择等次")})
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class QuotaApprovalForm(StyledForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    pool = forms.CharField(label=_("名额池"), max_length=100)
    reason = forms.CharField(
        label=_("批准理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写批准理由")},
    )


class NoticeForm(StyledForm):
    starts_on = forms.DateField(
        label=_("公示开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式应为 2026-01-05")},
    )
    working_days = forms.IntegerField(
        label=_("公示工作日"),
        min_value=1,
        max_value=60,
        error_messages={"min_value": _("公示期至少 1 个工作日")},
    )
    text = forms.CharField(label=_("公示说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ObjectionForm(StyledForm):
    received_on = forms.DateField(label=_("收到日期"), widget=forms.DateInput(attrs={"type": "date"}))
    raised_by = forms.CharField(label=_("反映人（可空）"), max_length=100, required=False)
    subject = forms.CharField(
        label=_("反映对象"), max_length=100, error_messages={"required": _("请填写反映对象")}
    )
    content = forms.CharField(
        label=_("反映内容"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写反映内容")},
    )


class HandlingForm(StyledForm):
    handling = forms.CharField(
        label=_("处理情况"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写处理情况")},
    )


class VoidForm(StyledForm):
    scope = forms.ChoiceField(label=_("范围"), choices=VoidScope.choices)
    code = forms.CharField(label=_("单位或干部编码"), max_length=32, required=False)
    reason = forms.CharField(
        label=_("原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("宣布结果无效必须填写原因")},
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") in (VoidScope.UNIT, VoidScope.CADRE) and not data.get("code"):
            self.add_error("code", _("请填写要宣布无效的单位或干部的编码"))
        return data
