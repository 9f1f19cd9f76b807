"""Forms of the survey pages: the organiser's settings and codes, and the public's answer."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.org.models import UnitCategory
from kaohe.plans.models import AssessedUnit
from kaohe.surveys.models import PublicSurvey, Satisfaction, SurveyMode

COMMENT_MAX = 500
MAX_CODES = 2000  # one batch: a few hundred slips is a lot of paper already
VALUE_FIELDS = ("satisfied_value", "basic_value", "unsatisfied_value")

# Codes are typed from paper: Crockford's base32 (no I, L, O, U), read back forgivingly.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 × 5 = 80 random bits
_CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalise_code(text: str) -> str | None:
    """A code as typed («k7qm-2xhp …», spaces, lower case, O for 0) in its stored form; None if it cannot be one."""
    code = re.sub(r"[\s\-]", "", text or "").upper().translate(_READ_AS)
    return code if _CODE_PATTERN.fullmatch(code) else None


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class SurveyCreateForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("被评议单位"),
        queryset=AssessedUnit.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("所选单位不是本年度参加考核的单位，或已有公众评议")},
    )
    mode = forms.ChoiceField(label=gettext_lazy("方式"), choices=SurveyMode.choices, initial=SurveyMode.CODES)

    def __init__(self, *args, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else AssessedUnit.objects.none()
        self.fields["unit"].label_from_instance = lambda a: (
            f"{a.unit.code} {a.unit.name}（{a.category.name}）"
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class SurveyBulkForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("单位类别"),
        queryset=UnitCategory.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("所选类别没有本年度参加考核的单位")},
    )
    mode = forms.ChoiceField(label=gettext_lazy("方式"), choices=SurveyMode.choices, initial=SurveyMode.CODES)

    def __init__(self, *args, categories=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            categories if categories is not None else UnitCategory.objects.none()
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def check_values(satisfied: Decimal, basic: Decimal, unsatisfied: Decimal) -> dict[str, str]:
    """What is wrong with the conversion values, by field; empty when they can be used."""
    errors: dict[str, str] = {}
    labels = {
        "satisfied_value": _("满意分值"),
        "basic_value": _("基本满意分值"),
        "unsatisfied_value": _("不满意分值"),
    }
    values = {"satisfied_value": satisfied, "basic_value": basic, "unsatisfied_value": unsatisfied}
    for name, value in values.items():
        if not Decimal(0) <= value <= Decimal(100):
            errors[name] = _("%(field)s「%(value)s」超出 0–100") % {
                "field": labels[name],
                "value": _plain(value),
            }
    if not errors:
        if basic > satisfied:
            errors["basic_value"] = _("基本满意分值（%(basic)s）不能高于满意分值（%(satisfied)s）") % {
                "basic": _plain(basic),
                "satisfied": _plain(satisfied),
            }
        elif unsatisfied > basic:
            errors["unsatisfied_value"] = _(
                "不满意分值（%(unsatisfied)s）不能高于基本满意分值（%(basic)s）"
            ) % {
                "unsatisfied": _plain(unsatisfied),
                "basic": _plain(basic),
            }
    return errors


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = PublicSurvey
        fields = ("mode", "question", *VALUE_FIELDS)
        help_texts = {
            "question": gettext_lazy("公众在手机上看到的问题。"),
            "satisfied_value": gettext_lazy("选择「满意」折算的分数（0–100）。"),
            "basic_value": gettext_lazy("选择「基本满意」折算的分数，不高于满意分值。"),
            "unsatisfied_value": gettext_lazy("选择「不满意」折算的分数，不高于基本满意分值。"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in VALUE_FIELDS:
            field = self.fields[name]
            field.localize = False
            field.error_messages["invalid"] = _("%(field)s必须是 0–100 的数字") % {"field": field.label}
            field.error_messages["required"] = _("请填写%(field)s") % {"field": field.label}
            # The range is checked in clean() with a message naming the value; no browser min/max.
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
            # Range and precision are checked in clean(), with messages that name the field and value.
            field.validators = []
            if isinstance(self.initial.get(name), Decimal):
                self.initial[name] = _plain(self.initial[name])  # 80, not 80.00
        self.fields["mode"].widget.attrs["class"] = "form-select"
        self.fields["question"].widget.attrs["class"] = "form-control"
        self.fields["question"].error_messages["required"] = _("请填写问题")

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in VALUE_FIELDS]
        for name, value in zip(VALUE_FIELDS, values, strict=True):
            if value is not None and value.as_tuple().exponent < -2:
                self.add_error(name, _("%(field)s最多保留两位小数") % {"field": self.fields[name].label})
                values = [None]
        if all(value is not None for value in values):
            for name, message in check_values(*values).items():
                self.add_error(name, message)
        return data


class CodeGenerateForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("生成数量"),
        min_value=1,
        max_value=MAX_CODES,
        initial=50,
        error_messages={
            "required": gettext_lazy("请填写生成数量"),
            "invalid": gettext_lazy("生成数量必须是整数"),
            "min_value": gettext_lazy("生成数量至少为 1"),
            "max_value": gettext_lazy("一次最多生成 %(limit_value)s 个评议码"),
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": MAX_CODES}),
    )


class AnswerForm(forms.Form):
    """The public's answer. In codes mode the code is required (a hidden field when it came in the link)."""

    choice = forms.ChoiceField(
        label=gettext_lazy("您的评价"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择满意、基本满意或不满意"),
            "invalid_choice": gettext_lazy("请选择满意、基本满意或不满意"),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("意见建议（选填）"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        error_messages={
            "max_length": gettext_lazy("意见建议最多 %(limit_value)d 字（现有 %(show_value)d 字）")
        },
    )
    code = forms.CharField(
        label=gettext_lazy("评议码"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, needs_code: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code

    def clean_code(self) -> str | None:
        text = self.cleaned_data.get("code", "")
        if not self.needs_code:
            return None
        if not text.strip():
            raise ValidationError(_("请输入评议码"), code="required")
        code = normalise_code(text)
        if code is None:
            raise ValidationError(_("评议码无效"), code="invalid")
        return code

    def clean_comment(self) -> str:
        return self.cleaned_data.get("comment", "").strip()
