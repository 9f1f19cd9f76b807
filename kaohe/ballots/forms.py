"""Forms of the organiser's session and template pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from kaohe.ballots import selectors
from kaohe.ballots.actions import SessionSpec, TargetSpec
from kaohe.ballots.models import BallotTemplate, EvaluationSession, TemplateKind
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup

_PAIR = re.compile(r"^\s*([^=＝]+?)\s*[=＝]\s*(\S*)\s*$")


def parse_groups(text: str) -> list[tuple[str, int]]:
    """「上级=5,同级=10,下级=30」 as [(上级, 5), …]; raises ValidationError naming the bad part."""
    found = []
    for part in re.split(r"[,，、;；\n]+", text or ""):
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if match is None:
            raise ValidationError(f"「{part.strip()}」应写作 类别=人数，如 上级=5")
        name, count = match.groups()
        if not count.isdigit():
            raise ValidationError(f"「{part.strip()}」的人数「{count}」须为不小于 0 的整数")
        found.append((name, int(count)))
    if not found:
        raise ValidationError("请填写评价人类别及应到人数，如 上级=5,同级=10,下级=30")
    return found


def _templates(kind: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=TemplateKind(kind).label,
        queryset=selectors.templates_of(kind),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _many(label, required=False) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=AssessedUnit.objects.none(),
        required=required,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
        error_messages={"invalid_choice": gettext_lazy("「%(value)s」不是本年度的考核对象")},
    )


class SessionForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    rehearsal = forms.BooleanField(
        label=gettext_lazy("演练"),
        required=False,
        help_text=gettext_lazy("演练的测评票不计入结果；正式测评前须清除演练数据。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    groups = forms.CharField(
        label=gettext_lazy("评价人类别及应到人数"),
        initial="上级=5,同级=10,下级=30",
        help_text=gettext_lazy(
            "类别须是考核方案「评价人权重」中的类别；只有专项评议的测评会可用其他类别（如 两代表一委员、服务对象）。"
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    excellent_limit = forms.CharField(
        label=gettext_lazy("每票优秀上限"),
        required=False,
        max_length=16,
        help_text=gettext_lazy("人数（如 5）或比例（如 20%）；空白为不限。默认取考核方案的设置。"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"),
        required=False,
        widget=forms.DateTimeInput(
            attrs={"class": "form-control", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("截止时间"),
        required=False,
        widget=forms.DateTimeInput(
            attrs={"class": "form-control", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    assessment_group = forms.ModelChoiceField(
        label=gettext_lazy("考核组"),
        queryset=AssessmentGroup.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    team_template = _templates(TemplateKind.TEAM)
    teams = _many(gettext_lazy("测评的领导班子"))
    cadre_template = _templates(TemplateKind.CADRE)
    cadres = _many(gettext_lazy("测评的干部"))
    selection_template = _templates(TemplateKind.SELECTION)
    selection_units = _many(gettext_lazy("评议选人用人工作的单位"))
    promoted_template = _templates(TemplateKind.PROMOTED)
    promoted_cadres = _many(gettext_lazy("评议的新提拔干部"))
    service_template = _templates(TemplateKind.SERVICE)
    service_units = _many(gettext_lazy("专项评议的单位（服务质量、重点项目）"))

    PARTS = (
        ("team_template", "teams", "unit"),
        ("cadre_template", "cadres", "cadre"),
        ("selection_template", "selection_units", "unit"),
        ("promoted_template", "promoted_cadres", "cadre"),
        ("service_template", "service_units", "unit"),
    )

    def __init__(self, *args: Any, cycle: AssessmentCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        units = AssessedUnit.objects.filter(cycle=cycle).select_related("unit").order_by("unit__code")
        cadres = (
            AssessedCadre.objects.filter(cycle=cycle)
            .select_related("cadre", "unit")
            .order_by("unit__code", "cadre__code")
        )
        for _template, targets, kind in self.PARTS:
            field = self.fields[targets]
            if kind == "unit":
                field.queryset = units
                field.label_from_instance = lambda a: f"{a.unit.code} {a.unit.name}"
            else:
                field.queryset = cadres
                field.label_from_instance = lambda a: (
                    f"{a.cadre.code} {a.cadre.name}（{a.unit.name} {a.post}）"
                )
        for template_field, _targets, _kind in self.PARTS:
            if not self.is_bound and template_field not in self.initial:
                self.initial[template_field] = self.fields[template_field].queryset.first()
        self.fields["assessment_group"].queryset = AssessmentGroup.objects.filter(cycle=cycle)
        if not self.is_bound and "excellent_limit" not in self.initial:
            self.initial["excellent_limit"] = selectors.plan_excellent_limit(cycle)

    def clean_groups(self) -> list[tuple[str, int]]:
        return parse_groups(self.cleaned_data.get("groups", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for template_field, targets, _kind in self.PARTS:
            if data.get(targets) and not data.get(template_field):
                self.add_error(template_field, f"请选择{self.fields[targets].label}所用的测评表")
        if not self.errors and not any(data.get(targets) for _t, targets, _k in self.PARTS):
            raise ValidationError("请至少选择一个测评对象")
        return data

    def spec(self) -> SessionSpec:
        data = self.cleaned_data
        targets = []
        for template_field, field, kind in self.PARTS:
            template = data.get(template_field)
            for assessed in data.get(field) or []:
                subject = assessed.unit if kind == "unit" else assessed.cadre
                targets.append(TargetSpec(template, **{kind: subject}))
        return SessionSpec(
            name=data["name"],
            targets=targets,
            groups=data["groups"],
            excellent_limit=data.get("excellent_limit", ""),
            opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"),
            rehearsal=data.get("rehearsal", False),
            assessment_group=data.get("assessment_group"),
        )

    @classmethod
    def initial_for(cls, session: EvaluationSession) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": session.name,
            "rehearsal": session.rehearsal,
            "groups": ",".join(f"{g.name}={g.expected}" for g in selectors.session_groups(session)),
            "excellent_limit": session.excellent_limit,
            "opens_at": session.opens_at,
            "closes_at": session.closes_at,
            "assessment_group": session.assessment_group,
        }
        targets = selectors.session_targets(session)
        for template_field, field, kind in cls.PARTS:
            kinds = {
                "teams": "team",
                "cadres": "cadre",
                "selection_units": "selection",
                "promoted_cadres": "promoted",
                "service_units": "service",
            }
            chosen = [t for t in targets if t.template.kind == kinds[field]]
            if chosen:
                initial[template_field] = chosen[0].template
                model = AssessedUnit if kind == "unit" else AssessedCadre
                ids = [getattr(t, f"{kind}_id") for t in chosen]
                initial[field] = list(
                    model.objects.filter(cycle=session.cycle, **{f"{kind}_id__in": ids}).values_list(
                        "pk", flat=True
                    )
                )
        return initial


class CodesForm(forms.Form):
    """How many codes per rater group, and the file to download."""

    FORMATS = (
        ("pdf", gettext_lazy("A4 二维码测评卡（PDF）")),
        ("csv", gettext_lazy("清单（CSV：类别、测评码、网址）")),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("文件"),
        choices=FORMATS,
        initial="pdf",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, groups: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_names = []
        for index, group in enumerate(groups):
            name = f"count_{index}"
            self.group_names.append((name, group.name))
            self.fields[name] = forms.IntegerField(
                label=group.name,
                min_value=0,
                max_value=5000,
                initial=group.expected,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 0}),
                error_messages={
                    "invalid": f"{group.name}的数量须为整数",
                    "min_value": f"{group.name}的数量不能小于 0",
                    "max_value": f"{group.name}一次最多生成 5000 个",
                },
            )

    def counts(self) -> dict[str, int]:
        return {group: self.cleaned_data.get(name) or 0 for name, group in self.group_names}


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("作废原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": gettext_lazy("请填写作废原因")},
    )


def items_text(items: list[dict]) -> str:
    """A template's items as the organiser edits them: one a line, 名称：选项/选项…, * after a choice that
    needs a reason, （选填） after an optional item's name."""
    lines = []
    for item in items:
        choices = "/".join(c + ("*" if c in item.get("reason_for", []) else "") for c in item["choices"])
        optional = "（选填）" if not item.get("required", True) else ""
        lines.append(f"{item['name']}{optional}：{choices}")
    return "\n".join(lines)


def parse_items(text: str) -> list[dict]:
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = re.match(r"^(.*?)[:：](.*)$", line)
        if match is None:
            raise ValidationError(
                f"第 {number} 行「{line.strip()}」应写作 项目：选项/选项，如 德：好/较好/一般/差"
            )
        name, rest = match.groups()
        name = name.strip()
        required = True
        if name.endswith(("（选填）", "(选填)")):
            name, required = name[:-4].strip(), False
        choices, reason_for = [], []
        for choice in re.split(r"[/／、]", rest):
            choice = choice.strip()
            if choice.endswith("*"):
                choice = choice[:-1].strip()
                reason_for.append(choice)
            choices.append(choice)
        items.append({"name": name, "choices": choices, "reason_for": reason_for, "required": required})
    return items


class TemplateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    items = forms.CharField(
        label=gettext_lazy("测评项目"),
        required=False,
        help_text=gettext_lazy(
            "每行一项：项目：选项/选项/…；须填理由的选项后加 *（如 不认同*）；选填的项目名称后加（选填）。总体评价由类型决定，不必列出。"
        ),
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 8}),
    )

    def clean_items(self) -> list[dict]:
        return parse_items(self.cleaned_data.get("items", ""))


class TemplateCopyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("新测评表名称"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def template_choices() -> list[BallotTemplate]:
    return list(BallotTemplate.objects.order_by("kind", "-builtin", "name"))
