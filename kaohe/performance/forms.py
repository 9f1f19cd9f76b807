"""The performance inputs' validation rules and forms.

`parse_score` is the one rule for a score typed anywhere (a form field, a grid cell, a sheet cell), so the
same value gets the same message everywhere: 「105」超出 0–100.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaohe.performance.evidence import validate_evidence
from kaohe.performance.models import AdjustmentKind, AdjustmentStatus
from kaohe.rules.model import RuleSettings

DECIMAL_PLACES = 4  # the models' DecimalField precision
STEP = Decimal(1).scaleb(-DECIMAL_PLACES)


def parse_score(raw: object, *, low: Decimal = Decimal(0), high: Decimal = Decimal(100)) -> Decimal:
    """A score typed as text or read from a cell; raises ValidationError quoting the value."""
    shown = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        shown = str(int(raw))  # as the cell shows it: 105, not 105.0
    if isinstance(raw, float):
        number = Decimal(format(raw, ".15g"))  # what Excel displays
    elif isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        number = Decimal(raw)
    else:
        try:
            number = Decimal(shown.replace("，", ".").replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(_("「%(value)s」不是数字"), code="number", params={"value": shown})
    if not low <= number <= high:
        raise ValidationError(
            _("「%(value)s」超出 %(low)s–%(high)s"),
            code="range",
            params={"value": shown, "low": low, "high": high},
        )
    if number != number.quantize(STEP):
        raise ValidationError(
            _("「%(value)s」最多保留 %(places)s 位小数"),
            code="places",
            params={"value": shown, "places": DECIMAL_PLACES},
        )
    return number


class ScoreField(forms.CharField):
    """A 0–100 score with the shared messages; typed as text so the server, not the browser, explains."""

    def __init__(self, *, low: Decimal = Decimal(0), high: Decimal = Decimal(100), **kwargs):
        self.low, self.high = low, high
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_score(value, low=self.low, high=self.high)


class PointsField(ScoreField):
    """Points of a bonus or deduction: more than 0."""

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and number <= 0:
            raise ValidationError(_("分值「%(value)s」应大于 0"), code="positive", params={"value": value})
        return number


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files at once, each checked by `validate_evidence`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        files = data if isinstance(data, list | tuple) else [data]
        errors: list[ValidationError] = []
        cleaned = []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                validate_evidence(upload)
            except ValidationError as error:
                errors.append(error)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


class EvidenceFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validate_evidence(upload)
        return upload


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


# --- the inputs -------------------------------------------------------------------------------------------


class SelfEvaluationForm(forms.Form):
    claimed = ScoreField(label=_("自评得分（0–100）"))
    narrative = forms.CharField(label=_("完成情况"), required=False, widget=_textarea(5))
    files = EvidenceFilesField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可多选；接受 pdf、jpg、png、docx、xlsx 文件"),
    )


class VerificationForm(forms.Form):
    score = ScoreField(label=_("核验得分（0–100）"))
    reason = forms.CharField(
        label=_("核验说明"),
        widget=_textarea(2),
        error_messages={"required": _("请填写核验说明：核验得分必须说明理由")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请填写核验说明：核验得分必须说明理由"), code="required")
        return reason


class LeaderRatingForm(forms.Form):
    score = ScoreField(label=_("评分（0–100）"))
    comment = forms.CharField(label=_("评价意见"), required=False, widget=_textarea(4))


class TargetCodeField(forms.CharField):
    """A unit or a cadre typed by its code; the view resolves it against the cycle's assessed roster."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"class": "form-control", "placeholder": _("如 DW01 或 GB001")})
        )
        super().__init__(max_length=32, **kwargs)


class _TargetForm(forms.Form):
    """A form whose `target` is a unit or cadre assessed in the given cycle."""

    def __init__(self, *args, cycle, **kwargs):
        self.cycle = cycle
        super().__init__(*args, **kwargs)

    def clean_target(self):
        from kaohe.performance.selectors import assessed_target

        code = self.cleaned_data["target"].strip()
        unit, cadre = assessed_target(self.cycle, code)
        if unit is None and cadre is None:
            raise ValidationError(
                _("「%(code)s」不是%(cycle)s参加考核的单位或干部的编码"),
                code="unknown_target",
                params={"code": code, "cycle": self.cycle.name},
            )
        self.cleaned_data["unit"], self.cleaned_data["cadre"] = unit, cadre
        return code


class AdjustmentForm(_TargetForm):
    target = TargetCodeField(label=_("对象编码（单位或干部）"))
    kind = forms.ChoiceField(
        label=_("类型"), choices=AdjustmentKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    points = PointsField(label=_("分值"), low=Decimal("0"), high=Decimal("100"))
    reason = forms.CharField(
        label=_("原因"), widget=_textarea(3), error_messages={"required": _("请填写加减分原因")}
    )
    evidence = EvidenceFileField(label=_("佐证材料"), required=False)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请填写加减分原因"), code="required")
        return reason


class VetoForm(_TargetForm):
    target = TargetCodeField(label=_("对象编码（单位或干部）"))
    item = forms.CharField(
        label=_("否决事项"),
        max_length=500,
        widget=_textarea(2),
        error_messages={"required": _("请填写否决事项")},
    )
    evidence = EvidenceFileField(
        label=_("佐证材料"), error_messages={"required": _("一票否决必须附佐证材料")}
    )


def sanction_names() -> list[str]:
    """The sanctions of the rules' table (RuleSettings.sanction_effects), in its order."""
    table = next(f for f in fields(RuleSettings) if f.name == "sanction_effects")
    return list(table.default_factory())  # type: ignore[misc]


def sanction_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sanction_names()]


class SanctionForm(forms.Form):
    cadre = forms.CharField(
        label=_("干部编码"), max_length=32, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    name = forms.ChoiceField(
        label=_("处分"), choices=sanction_choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    year = forms.IntegerField(
        label=_("生效年度"),
        min_value=1990,
        max_value=2200,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "invalid": _("生效年度应为四位年份，如 2025"),
            "min_value": _("生效年度应为四位年份，如 2025"),
            "max_value": _("生效年度应为四位年份，如 2025"),
        },
    )
    note = forms.CharField(label=_("说明"), required=False, widget=_textarea(2))

    def clean_cadre(self):
        from kaohe.org.models import Cadre

        code = self.cleaned_data["cadre"].strip()
        cadre = Cadre.objects.filter(code=code).first()
        if cadre is None:
            raise ValidationError(
                _("干部编码「%(code)s」不存在"), code="unknown_cadre", params={"code": code}
            )
        return cadre


# --- list filters -----------------------------------------------------------------------------------------

TARGET_KINDS = [("", _("全部对象")), ("unit", _("单位")), ("cadre", _("干部"))]


def _select(choices) -> forms.Select:
    return forms.Select(choices=choices, attrs={"class": "form-select"})


class AdjustmentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("对象"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("编码或名称")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *AdjustmentStatus.choices],
        widget=_select([]),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", _("全部类型")), *AdjustmentKind.choices],
        widget=_select([]),
    )
    target = forms.ChoiceField(label=_("对象类型"), required=False, choices=TARGET_KINDS, widget=_select([]))


class VetoFilterForm(forms.Form):
    q = AdjustmentFilterForm.base_fields["q"]
    target = AdjustmentFilterForm.base_fields["target"]


class SanctionFilterForm(forms.Form):
    q = forms.CharField(
        label=_("干部"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("编码或姓名")}),
    )
    name = forms.ChoiceField(
        label=_("处分"),
        required=False,
        choices=lambda: [("", _("全部处分")), *sanction_choices()],
        widget=_select([]),
    )
    year = forms.IntegerField(
        label=_("生效年度"), required=False, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
