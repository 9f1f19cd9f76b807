"""The forms of the year's records: each validates the boundary, then the write function decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.performance.forms import EvidenceFilesField
from kaohe.records.models import Grade, Grader, ListKind, VisitMethod


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select"})


class ListItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("清单"), choices=ListKind.choices, widget=_select())
    content = forms.CharField(label=_("内容"), widget=_textarea(2))
    due = forms.DateField(label=_("完成时限"), required=False, widget=_date())
    completed = forms.DateField(label=_("完成日期"), required=False, widget=_date())
    found_by = forms.CharField(
        label=_("发现人"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    files = EvidenceFilesField(label=_("佐证材料（成绩清单）"), required=False)


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("核实意见"), required=False, widget=_textarea(2))


class VisitForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int, widget=_select())
    date = forms.DateField(label=_("日期"), widget=_date())
    method = forms.ChoiceField(label=_("方式"), choices=VisitMethod.choices, widget=_select())
    members = forms.CharField(
        label=_("考察人员"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    findings = forms.CharField(label=_("发现情况"), widget=_textarea(4))
    items = forms.CharField(
        label=_("相关清单事项编号"),
        required=False,
        help_text=_("以逗号分隔的清单事项编号，可空"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.unit_id, f"{u.unit.code} {u.unit.name}") for u in units]

    def clean_items(self) -> list[int]:
        raw = self.cleaned_data["items"].replace("，", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("清单事项编号应为数字，以逗号分隔")) from None


class GradeForm(forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], widget=_select()
    )
    grade = forms.ChoiceField(label=_("等次"), choices=Grade.choices, widget=_select())
    reason = forms.CharField(label=_("理由（一般、较差须填写）"), required=False, widget=_textarea(2))


class OverrideForm(forms.Form):
    score = forms.DecimalField(
        label=_("改定平时考核"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=4,
        help_text=_("留空则取消改定，按季度等次折算"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
    )
    reason = forms.CharField(label=_("改定理由"), required=False, widget=_textarea(2))


class ImportForm(forms.Form):
    month = forms.TypedChoiceField(
        label=_("月份"), coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)], widget=_select()
    )
    file = forms.FileField(
        label=_("清单工作簿（.xlsx、.xls 或 .ods）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )


class RuleForm(forms.Form):
    score_good = forms.DecimalField(label=_("好"), min_value=0, max_value=100)
    score_fairly_good = forms.DecimalField(label=_("较好"), min_value=0, max_value=100)
    score_average = forms.DecimalField(label=_("一般"), min_value=0, max_value=100)
    score_poor = forms.DecimalField(label=_("较差"), min_value=0, max_value=100)
    visits_per_month = forms.IntegerField(label=_("每月每单位至少考察次数"), min_value=0, max_value=31)
    grader = forms.ChoiceField(label=_("季度等次评定"), choices=Grader.choices)
    due_day = forms.IntegerField(label=_("清单报送截止日（次月）"), min_value=1, max_value=28)
