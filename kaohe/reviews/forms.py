from django import forms

from kaohe.reviews.models import Outcome


class SettingForm(forms.Form):
    selection_good_min = forms.CharField(
        label="选人用人工作：好和较好比例低于", required=False, max_length=16
    )
    promoted_agree_min = forms.CharField(
        label="新提拔干部：认同和基本认同比例低于", required=False, max_length=16
    )
    promoted_disagree_max = forms.CharField(label="新提拔干部：不认同比例超过", required=False, max_length=16)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=Outcome.choices)
    note = forms.CharField(label="核查情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
