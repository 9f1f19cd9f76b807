"""Forms of the paper-ballot pages: one typist's entry, the organiser's decision, the workbook upload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from kaohe.ballots import filling
from kaohe.ballots.paper import GROUP, NUMBER_MAX, Difference, Field, show_value


class PaperEntryForm(forms.Form):
    """票号 and every field of the paper: the rater group as radios, each question as checkboxes (a paper
    may have nothing ticked, or two ticks), each reason as text."""

    number = forms.CharField(
        label=gettext_lazy("票号"),
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args: Any, fields: Sequence[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper_fields = list(fields)
        for f in self.paper_fields:
            if f.key == GROUP:
                self.fields[f.key] = forms.ChoiceField(
                    label=gettext_lazy("评价人类别"),
                    choices=[(c, c) for c in f.choices],
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={"required": gettext_lazy("请选择评价人类别")},
                )
            elif f.is_text:
                self.fields[f.key] = forms.CharField(
                    label=f.question,
                    required=False,
                    max_length=filling.REASON_MAX,
                    widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 1}),
                )
            else:
                self.fields[f.key] = forms.MultipleChoiceField(
                    label=f.question,
                    required=False,
                    choices=[(c, c) for c in f.choices],
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                )

    def data_for_save(self) -> dict[str, object]:
        return {f.key: self.cleaned_data.get(f.key) for f in self.paper_fields}

    def rows(self) -> list[dict[str, Any]]:
        """The fields grouped by target, in the paper's order, for the template."""
        found: list[dict[str, Any]] = []
        for f in self.paper_fields:
            if f.key == GROUP:
                continue
            if not found or found[-1]["target"] != f.target:
                found.append({"target": f.target, "fields": []})
            found[-1]["fields"].append(self[f.key])
        return found

    @staticmethod
    def initial_for(number: str, values: dict[str, Any]) -> dict[str, Any]:
        return {"number": number, **values}


class ResolveForm(forms.Form):
    """One radio per difference: 甲's reading or 乙's."""

    def __init__(self, *args: Any, differences: Sequence[Difference], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.differences = list(differences)
        for d in self.differences:
            self.fields[d.field.key] = forms.ChoiceField(
                label=f"{d.field.target} · {d.field.question}" if d.field.target else d.field.question,
                choices=[
                    ("a", f"录入员甲：{show_value(d.a)}"),
                    ("b", f"录入员乙：{show_value(d.b)}"),
                ],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": gettext_lazy("请选择以哪一份录入为准")},
            )

    def picks(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("工作簿（.xlsx、.xls 或 .ods，含「测评票」工作表）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件过大（{upload.size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB"
            )
        return upload
