from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.interviews.models import Kind
from kaohe.interviews.record import (
    ASPECTS,
    GRADES,
    PROBLEM_TAGS,
    QUALITIES,
    CadreEvaluation,
    InterviewRecord,
)

SMALL = {"rows": 2}


class Styled(forms.Form):
    """Bootstrap's classes on every widget that has none yet."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class SettingsForm(Styled):
    staff = forms.IntegerField(label=_("干部职工代表人数"), min_value=0, max_value=100)
    service_users = forms.IntegerField(label=_("服务对象人数"), min_value=0, max_value=100)
    deputies = forms.IntegerField(label=_("两代表一委员人数"), min_value=0, max_value=100)
    recommend = forms.BooleanField(label=_("谈话中推荐干部"), required=False)
    pledge = forms.CharField(label=_("保密和纪律承诺"), widget=forms.Textarea(attrs={"rows": 10}))


class IntervieweeForm(Styled):
    kind = forms.ChoiceField(label=_("类别"), choices=[c for c in Kind.choices if c[0] != Kind.LEADER])
    name = forms.CharField(label=_("姓名"), max_length=50)
    post = forms.CharField(label=_("职务"), max_length=100, required=False)


class ExcuseForm(Styled):
    reason = forms.CharField(label=_("未谈原因"), max_length=200, required=False)


class OutlineForm(Styled):
    text = forms.CharField(label=_("谈话提纲"), widget=forms.Textarea(attrs={"rows": 16}))


class ExportForm(Styled):
    confirm = forms.BooleanField(
        label=_("我知道导出的文本不再加密，将按保密规定保管，用后销毁。"),
        error_messages={"required": _("请先确认保密要求。")},
    )


def _split_names(text: str) -> list[str]:
    return [n for n in (part.strip() for part in re.split(r"[,，、;；\s]+", text)) if n]


class RecordForm(Styled):
    """The record in one form: the fields follow `record.InterviewRecord`, one group of fields per cadre."""

    held_on = forms.DateField(
        label=_("谈话日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    interviewers = forms.MultipleChoiceField(
        label=_("谈话人"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_interviewers = forms.CharField(
        label=_("其他谈话人"), required=False, help_text=_("多人用顿号或逗号分隔")
    )
    interviewee_name = forms.CharField(label=_("谈话对象姓名"), max_length=50)
    interviewee_post = forms.CharField(label=_("谈话对象职务"), max_length=100, required=False)
    problem_tags = forms.MultipleChoiceField(
        label=_("问题类别"),
        required=False,
        choices=[(t, t) for t in PROBLEM_TAGS],
        widget=forms.CheckboxSelectMultiple,
    )
    problems = forms.CharField(
        label=_("反映的问题"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    suggestions = forms.CharField(
        label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.ChoiceField(
        label=_("录入方式"), choices=[("typed", _("谈话时录入")), ("handwritten", _("根据手写记录录入"))]
    )

    def __init__(
        self,
        *args,
        members: Sequence[str],
        cadres: Sequence[tuple[int, str, str]],
        recommend: bool,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cadres = list(cadres)
        self.recommend = recommend
        self.fields["interviewers"].choices = [(m, m) for m in members]
        for i, aspect in enumerate(ASPECTS):
            self.fields[f"team_{i}"] = forms.CharField(
                label=aspect, required=False, widget=forms.Textarea(attrs=SMALL)
            )
        for pk, name, _post in self.cadres:
            for j, quality in enumerate(QUALITIES):
                # Shown in a table without visible labels: the label goes to screen readers (and tests).
                self.fields[f"c{pk}_{j}"] = forms.CharField(
                    label=f"{name} · {quality}",
                    required=False,
                    widget=forms.TextInput(
                        attrs={"aria-label": f"{name} · {quality}", "class": "form-control form-control-sm"}
                    ),
                )
            self.fields[f"c{pk}_grade"] = forms.ChoiceField(
                label=f"{name} · 推荐等次",
                required=False,
                choices=[("", "—"), *((g, g) for g in GRADES)],
                widget=forms.Select(
                    attrs={"aria-label": f"{name} · 推荐等次", "class": "form-select form-select-sm"}
                ),
            )
        if recommend:
            self.fields["recommended"] = forms.MultipleChoiceField(
                label=_("推荐人选"),
                required=False,
                choices=[(str(pk), name) for pk, name, _post in self.cadres],
                widget=forms.CheckboxSelectMultiple,
            )
        self.style()

    def team_fields(self):
        return [self[f"team_{i}"] for i in range(len(ASPECTS))]

    def cadre_rows(self):
        return [
            (name, post, [self[f"c{pk}_{j}"] for j in range(len(QUALITIES))], self[f"c{pk}_grade"])
            for pk, name, post in self.cadres
        ]

    def to_record(self) -> InterviewRecord:
        data = self.cleaned_data
        interviewers = list(dict.fromkeys([*data["interviewers"], *_split_names(data["other_interviewers"])]))
        evaluations = []
        for pk, name, _post in self.cadres:
            comments = {
                q: data[f"c{pk}_{j}"].strip() for j, q in enumerate(QUALITIES) if data[f"c{pk}_{j}"].strip()
            }
            grade = data[f"c{pk}_grade"]
            if comments or grade:
                evaluations.append(CadreEvaluation(pk, name, comments, grade))
        return InterviewRecord(
            held_on=data["held_on"],
            interviewers=interviewers,
            interviewee_name=data["interviewee_name"].strip(),
            interviewee_post=data["interviewee_post"].strip(),
            team={a: data[f"team_{i}"].strip() for i, a in enumerate(ASPECTS) if data[f"team_{i}"].strip()},
            cadres=evaluations,
            problems=data["problems"].strip(),
            problem_tags=list(data["problem_tags"]),
            suggestions=data["suggestions"].strip(),
            recommended=[int(pk) for pk in data.get("recommended", [])],
            source=data["source"],
        )

    @staticmethod
    def initial_from(record: InterviewRecord, members: Sequence[str]) -> dict:
        chosen = [n for n in record.interviewers if n in members]
        initial = {
            "held_on": record.held_on,
            "interviewers": chosen,
            "other_interviewers": "、".join(n for n in record.interviewers if n not in members),
            "interviewee_name": record.interviewee_name,
            "interviewee_post": record.interviewee_post,
            "problem_tags": record.problem_tags,
            "problems": record.problems,
            "suggestions": record.suggestions,
            "recommended": [str(pk) for pk in record.recommended],
            "source": record.source,
        }
        for i, aspect in enumerate(ASPECTS):
            initial[f"team_{i}"] = record.team.get(aspect, "")
        for evaluation in record.cadres:
            for j, quality in enumerate(QUALITIES):
                initial[f"c{evaluation.cadre_id}_{j}"] = evaluation.comments.get(quality, "")
            initial[f"c{evaluation.cadre_id}_grade"] = evaluation.grade
        return initial
