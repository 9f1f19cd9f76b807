from django import forms

from kaohe.dutyreports.models import SUMMARY_MAX


class SettingForm(forms.Form):
    deadline = forms.DateField(
        label="提交截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    integrity_required = forms.BooleanField(label="须提交述责述廉报告", required=False)
    selection_required = forms.BooleanField(label="须提交选人用人工作情况报告", required=False)


class SubmitForm(forms.Form):
    file = forms.FileField(label="报告文件（.docx 或 .pdf）")
    summary = forms.CharField(
        label="摘要（可在测评票上折叠显示）",
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
