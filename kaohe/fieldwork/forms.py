from django import forms

from kaohe.fieldwork.models import ConflictKind, MemberRole, Visit
from kaohe.fieldwork.schedule import SCHEDULE_FIELDS


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = list(SCHEDULE_FIELDS)
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}) for f in SCHEDULE_FIELDS if not f.endswith("place")
        }


class MarkForm(forms.Form):
    item = forms.CharField()
    done = forms.DateField(required=False)


class AssignForm(forms.Form):
    user = forms.IntegerField()
    reason = forms.CharField(required=False, max_length=500)


class MemberRoleForm(forms.Form):
    user = forms.IntegerField()
    role = forms.ChoiceField(choices=MemberRole.choices)
    duty = forms.CharField(required=False, max_length=200)


class ConflictForm(forms.Form):
    unit = forms.CharField(label="单位编码", max_length=32)
    kind = forms.ChoiceField(label="类型", choices=ConflictKind.choices)
    detail = forms.CharField(label="说明", required=False, max_length=300)


class SettingForm(forms.Form):
    recusal_years = forms.IntegerField(label="任职回避年限", min_value=0, max_value=20)


class ImportForm(forms.Form):
    file = forms.FileField(label="日程工作簿（.xlsx、.xls 或 .ods）")
