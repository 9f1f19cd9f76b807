"""Validating cycles, the plan, participants, indicators, targets and groups, with Chinese messages.

The plan's settings are read by the workbook's own parsers (kaohe.workbook.layout.SETTINGS), so a value
the form accepts is a value `kaohe assess` accepts; `plan_problems` adds the checks that make a plan
workable (weights summing to 100, score lines in order, rater groups that ballots already use).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from kaohe.org.forms import DateInput, StyledForm
from kaohe.org.models import ScoringDepartment, Unit, UnitCategory
from kaohe.plans.models import AssessmentCycle, AssessmentGroup, Indicator
from kaohe.plans.selectors import assessor_accounts
from kaohe.rules.model import (
    CADRE_GRADES,
    TEAM_GRADES,
    CadrePool,
    PriorityMode,
    Rounding,
    RuleSettings,
    TeamPool,
    TieHandling,
    VetoEffect,
)
from kaohe.rules.validation import check_settings
from kaohe.workbook import layout
from kaohe.workbook.sheets import CellError

HUNDRED = Decimal(100)

# --- the plan ---------------------------------------------------------------------------------------------

# The plan form's sections; every setting but 年度 (the cycle's year) appears in exactly one.
PLAN_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "名额",
        (
            "干部优秀比例",
            "干部优秀比例(先进单位)",
            "班子优秀比例",
            "名额取整",
            "干部名额池",
            "班子名额池",
            "并列处理",
            "优先方式",
            "末位比例",
        ),
    ),
    ("测评", ("干部票值", "班子票值", "评价人权重", "每票优秀上限", "诫勉线", "不称职线", "最少有效票")),
    ("构成与权重", ("干部综合构成", "班子综合构成", "绩效构成", "加分上限")),
    ("等次线", ("干部基本称职线", "干部不称职线", "班子一般线", "班子较差线")),
    ("否决与处分", ("一票否决效果", "否决连带主要负责人")),
)
PLAN_SETTINGS = tuple(layout.SETTINGS_BY_NAME[name] for _title, names in PLAN_SECTIONS for name in names)
assert {s.name for s in PLAN_SETTINGS} == {s.name for s in layout.SETTINGS} - {"年度"}

# Settings chosen from a fixed list get a select; the rest are typed as in the 参数 sheet.
SETTING_OPTIONS: dict[str, tuple[str, ...]] = {
    "名额取整": tuple(Rounding),
    "干部名额池": tuple(CadrePool),
    "班子名额池": tuple(TeamPool),
    "并列处理": tuple(TieHandling),
    "优先方式": tuple(PriorityMode),
    "一票否决效果": tuple(VetoEffect),
    "否决连带主要负责人": ("是", "否"),
}
# Weights that must add up to exactly 100.
WEIGHT_SETTINGS = ("评价人权重", "干部综合构成", "班子综合构成", "绩效构成")


def _plain(value: Decimal) -> str:
    return layout.display_setting(value)


def plan_problems(
    values: dict[str, str], *, year: int, used_groups: Collection[str] = ()
) -> dict[str, list[str]]:
    """Every problem of a plan's text values ({field: text}), by field ("" for the plan as a whole)."""
    problems = _problems_by_name(values, year=year, used_groups=used_groups)
    return {name and layout.SETTINGS_BY_NAME[name].field: messages for name, messages in problems.items()}


def _problems_by_name(
    values: dict[str, str], *, year: int, used_groups: Collection[str]
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    for setting in PLAN_SETTINGS:
        raw = (values.get(setting.field) or "").strip()
        if not raw:
            continue
        try:
            parsed[setting.field] = setting.parse(raw)
        except CellError as error:
            problems.setdefault(setting.name, []).append(str(error))
    if problems:
        return problems
    rules = RuleSettings(year=year, **parsed)

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    for name in WEIGHT_SETTINGS:
        weights = getattr(rules, layout.SETTINGS_BY_NAME[name].field)
        total = sum(weights.values(), Decimal(0))
        if total != HUNDRED:
            add(name, f"{name}的权重合计为 {_plain(total)}，应为 100")
    for group in sorted(set(used_groups) - set(rules.rater_group_weights)):
        add("评价人权重", f"评价人类别「{group}」已有测评票，须保留其权重")
    for name, scale, values_ in (
        ("干部票值", CADRE_GRADES, rules.cadre_choice_values),
        ("班子票值", TEAM_GRADES, rules.team_choice_values),
    ):
        for grade in scale:
            if values_[grade] > HUNDRED:
                add(name, f"{grade}的分值 {_plain(values_[grade])} 超过100")
        for higher, lower in zip(scale, scale[1:], strict=False):
            if values_[lower] > values_[higher]:
                add(
                    name,
                    f"{lower}的分值 {_plain(values_[lower])} 高于{higher}的分值 {_plain(values_[higher])}，"
                    f"应从{scale[0]}到{scale[-1]}依次递减",
                )
    for upper_name, upper, lower_name, lower in (
        ("干部基本称职线", rules.cadre_basic_line, "干部不称职线", rules.cadre_unfit_line),
        ("班子一般线", rules.team_fair_line, "班子较差线", rules.team_poor_line),
    ):
        if upper is not None and lower is not None and upper < lower:
            add(upper_name, f"{upper_name}（{_plain(upper)}）不能低于{lower_name}（{_plain(lower)}）")
    if not problems:
        for message in check_settings(rules):  # the engine's own safety net
            add("", message)
    return problems


class PlanForm(StyledForm):
    """Every setting as typed in the 参数 sheet; blank keeps the default, which each field shows."""

    notes = forms.CharField(
        label=_("方案说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("考核工作方案的文字说明，如依据的文件、适用范围。"),
    )

    def __init__(self, *args: Any, cycle: AssessmentCycle, used_groups: set[str], **kwargs: Any) -> None:
        self.cycle = cycle
        self.used_groups = used_groups
        super().__init__(*args, **kwargs)
        for setting in PLAN_SETTINGS:
            default = layout.display_default(setting)
            help_text = f"{setting.help}。默认：{default or '空白（不用）'}"
            options = SETTING_OPTIONS.get(setting.name)
            if options is not None:
                blank = f"默认（{default}）"
                field: forms.Field = forms.ChoiceField(
                    choices=[("", blank), *((o, o) for o in options)], required=False
                )
            else:
                field = forms.CharField(
                    required=False, max_length=500, widget=forms.TextInput(attrs={"placeholder": default})
                )
            field.label = setting.name
            field.help_text = help_text
            self.fields[setting.field] = field
        # StyledForm styled the fields present when it ran; style the settings too.
        for name in self.setting_fields:
            widget = self.fields[name].widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css
        self.fields["notes"].widget.attrs["class"] = "form-control"

    @property
    def setting_fields(self) -> list[str]:
        return [s.field for s in PLAN_SETTINGS]

    @classmethod
    def initial_for(cls, settings: dict[str, str], notes: str) -> dict[str, str]:
        initial = {"notes": notes}
        for setting in PLAN_SETTINGS:
            raw = str(settings.get(setting.field, "") or "").strip()
            if raw and setting.name in SETTING_OPTIONS:
                try:  # a select shows 是 for a stored Y
                    raw = layout.display_setting(setting.parse(raw))
                except CellError:
                    pass
            initial[setting.field] = raw
        return initial

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[layout.SETTINGS_BY_NAME[name].field] for name in names])
            for title, names in PLAN_SECTIONS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        values = self.settings_values(data)
        for field, messages in plan_problems(
            values, year=self.cycle.year, used_groups=self.used_groups
        ).items():
            for message in messages:
                self.add_error(field or None, message)
        return data

    @staticmethod
    def settings_values(data: dict[str, Any]) -> dict[str, str]:
        """The typed settings, by field, blanks left out: as the plan stores them."""
        values = {}
        for setting in PLAN_SETTINGS:
            raw = (data.get(setting.field) or "").strip()
            if raw:
                values[setting.field] = raw
        return values


# --- cycles -----------------------------------------------------------------------------------------------


class CycleCreateForm(StyledForm):
    year = forms.IntegerField(
        label=_("年度"), validators=[MinValueValidator(1900), MaxValueValidator(2200)], help_text=_("如 2026")
    )
    name = forms.CharField(
        label=_("名称"), max_length=100, required=False, help_text=_("空白为「2026年度考核」")
    )
    copy_plan = forms.BooleanField(label=_("复制上一年度的考核工作方案（参数）"), required=False)
    copy_indicators = forms.BooleanField(
        label=_("复制上一年度的考核指标（按单位类别，含归口部门和权重）"), required=False
    )
    copy_groups = forms.BooleanField(label=_("复制上一年度的考核组（名称、成员和考核单位）"), required=False)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if AssessmentCycle.objects.filter(year=year).exists():
            raise ValidationError(_("%(year)s 年度的考核已存在"), code="duplicate", params={"year": year})
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        year = data.get("year")
        if year and not data.get("name"):
            data["name"] = f"{year}年度考核"
        copying = data.get("copy_plan") or data.get("copy_indicators") or data.get("copy_groups")
        if year and copying and not AssessmentCycle.objects.filter(year__lt=year).exists():
            raise ValidationError(
                _("没有早于 %(year)s 年度的考核，无可复制"), code="nothing_to_copy", params={"year": year}
            )
        return data


TIMELINE_FIELDS = ("implementation_date", "evaluation_date", "public_notice_date", "completion_date")


class TimelineForm(forms.ModelForm):
    class Meta:
        model = AssessmentCycle
        fields = ("name", *TIMELINE_FIELDS)
        widgets = {name: DateInput() for name in TIMELINE_FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        previous = None
        for name in TIMELINE_FIELDS:
            day = data.get(name)
            if day is None:
                continue
            if previous is not None and day < data[previous]:
                self.add_error(
                    name,
                    _("%(this)s（%(day)s）不能早于%(prev)s（%(prev_day)s）")
                    % {
                        "this": self.fields[name].label,
                        "day": day.isoformat(),
                        "prev": self.fields[previous].label,
                        "prev_day": data[previous].isoformat(),
                    },
                )
            else:
                previous = name
        return data


# --- participants -----------------------------------------------------------------------------------------


class EnrolForm(StyledForm):
    category = forms.ModelChoiceField(
        label=_("单位类别"),
        queryset=UnitCategory.objects.order_by("order", "name"),
        required=False,
        empty_label=_("全部类别"),
    )
    unit_code = forms.CharField(
        label=_("或单个单位编码"), max_length=32, required=False, help_text=_("只加入这一个单位（及其干部）")
    )
    with_cadres = forms.BooleanField(label=_("同时加入这些单位的现任干部"), required=False, initial=True)

    def clean_unit_code(self) -> Unit | None:
        code = self.cleaned_data["unit_code"].strip()
        if not code:
            return None
        unit = Unit.objects.select_related("category").filter(code=code).first()
        if unit is None:
            raise ValidationError(_("单位编码 %(code)s 不存在"), code="unknown", params={"code": code})
        return unit

    def units(self):
        unit = self.cleaned_data.get("unit_code")
        if unit is not None:
            return Unit.objects.filter(pk=unit.pk)
        units = Unit.objects.all()
        if self.cleaned_data.get("category"):
            units = units.filter(category=self.cleaned_data["category"])
        return units


class AssessedUnitForm(StyledForm):
    advanced = forms.BooleanField(label=_("先进单位"), required=False)


class AssessedCadreForm(StyledForm):
    regular = forms.DecimalField(
        label=_("平时考核"),
        required=False,
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        help_text=_("0–100，空白为无"),
    )
    probation = forms.BooleanField(label=_("试用期"), required=False, help_text=_("试用期干部不定等次"))
    investigation = forms.BooleanField(
        label=_("立案未结"), required=False, help_text=_("年底立案未结的不定等次")
    )
    priority = forms.CharField(
        label=_("表现突出"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("表现突出的事由（优先评优）；空白为未标记"),
    )


# --- indicators and targets -------------------------------------------------------------------------------


class IndicatorForm(StyledForm):
    category = forms.ModelChoiceField(
        label=_("单位类别"), queryset=UnitCategory.objects.order_by("order", "name")
    )
    code = forms.CharField(label=_("指标编码"), max_length=32, help_text=_("同一类别内唯一"))
    name = forms.CharField(label=_("指标名称"), max_length=200)
    weight = forms.DecimalField(
        label=_("权重"), max_digits=7, decimal_places=4, help_text=_("大于0；同一类别合计须为100")
    )
    method = forms.CharField(label=_("评分方法"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(
        label=_("归口部门"),
        queryset=ScoringDepartment.objects.order_by("code"),
        required=False,
        empty_label=_("（无）"),
        help_text=_("负责评分的职能部门"),
    )

    def __init__(self, *args: Any, cycle: AssessmentCycle, indicator: Indicator | None = None, **kwargs: Any):
        self.cycle = cycle
        self.indicator = indicator
        if indicator is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "category": indicator.category_id,
                "code": indicator.code,
                "name": indicator.name,
                "weight": _plain(indicator.weight),
                "method": indicator.method,
                "department": indicator.department_id,
            }
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code or re.search(r"\s", code):
            raise ValidationError(
                _("指标编码“%(value)s”不能包含空格"), code="code_format", params={"value": code}
            )
        return code

    def clean_weight(self) -> Decimal:
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise ValidationError(
                _("权重 %(value)s 应大于0"), code="weight", params={"value": _plain(weight)}
            )
        return weight

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        category, code = data.get("category"), data.get("code")
        if category and code:
            taken = Indicator.objects.filter(cycle=self.cycle, category=category, code=code)
            if self.indicator is not None:
                taken = taken.exclude(pk=self.indicator.pk)
            if taken.exists():
                self.add_error(
                    "code",
                    _("指标编码「%(code)s」在「%(category)s」中已存在")
                    % {"code": code, "category": category.name},
                )
        return data


class TargetForm(StyledForm):
    content = forms.CharField(
        label=_("目标内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("清空目标内容即删除该目标"),
    )
    amount = forms.CharField(
        label=_("目标值"), max_length=100, required=False, help_text=_("如 5000万元、95%")
    )
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("content") or "").strip() and (data.get("amount") or data.get("deadline")):
            self.add_error("content", _("填写了目标值或完成时限，目标内容不能为空"))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx、.xls 或 .ods）"),
        error_messages={
            "required": _("请选择要上传的 Excel 文件（.xlsx、.xls 或 .ods）"),
            "empty": _("上传的文件是空的，请选择要上传的 Excel 文件（.xlsx、.xls 或 .ods）"),
        },
    )


# --- groups -----------------------------------------------------------------------------------------------

_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


class GroupForm(StyledForm):
    name = forms.CharField(label=_("考核组名称"), max_length=100)
    members = forms.ModelMultipleChoiceField(
        label=_("成员"),
        queryset=assessor_accounts(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("考核组成员账号（角色为考核组成员）"),
    )
    units = forms.CharField(
        label=_("考核单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "DW01 DW02"}),
        help_text=_("单位编码，用空格、逗号或换行分隔；一个单位在本年度只能属于一个考核组"),
    )

    def __init__(
        self, *args: Any, cycle: AssessmentCycle, group: AssessmentGroup | None = None, **kwargs: Any
    ):
        self.cycle = cycle
        self.group = group
        if group is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": group.name,
                "members": list(group.members.all()),
                "units": " ".join(group.units.order_by("code").values_list("code", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["members"].widget.attrs.pop("class", None)  # a list of checkboxes, not one control

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = AssessmentGroup.objects.filter(cycle=self.cycle, name=name)
        if self.group is not None:
            taken = taken.exclude(pk=self.group.pk)
        if taken.exists():
            raise ValidationError(_("考核组「%(name)s」已存在"), code="duplicate", params={"name": name})
        return name

    def clean_units(self) -> list[Unit]:
        codes = [c for c in _CODE_SEPARATORS.split(self.cleaned_data["units"]) if c]
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        unknown = [c for c in dict.fromkeys(codes) if c not in found]
        if unknown:
            raise ValidationError(
                _("单位编码 %(codes)s 不存在"), code="unknown", params={"codes": "、".join(unknown)}
            )
        units = [found[c] for c in dict.fromkeys(codes)]
        errors = group_unit_conflicts(self.cycle, units, exclude=self.group)
        if errors:
            raise ValidationError(errors)
        return units


def group_unit_conflicts(
    cycle: AssessmentCycle, units: list[Unit], *, exclude: AssessmentGroup | None = None
) -> list[str]:
    """「东城街道」已在「第一考核组」中: a unit may be in only one group of a cycle."""
    taken = AssessmentGroup.units.through.objects.filter(
        assessmentgroup__cycle=cycle, unit__in=[u.pk for u in units]
    ).select_related("assessmentgroup", "unit")
    if exclude is not None:
        taken = taken.exclude(assessmentgroup=exclude)
    return [
        f"单位「{row.unit.name}」（{row.unit.code}）已在「{row.assessmentgroup.name}」中"
        for row in taken.order_by("unit__code")
    ]


# --- the working-day calendar -----------------------------------------------------------------------------


class CalendarDayForm(StyledForm):
    day = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写日期"), "invalid": _("日期格式应为 2026-01-01")},
    )
    working = forms.TypedChoiceField(
        label=_("类型"),
        choices=((False, _("放假")), (True, _("上班"))),
        coerce=lambda value: value in (True, "True"),
        error_messages={"required": _("请选择放假或上班")},
    )
    note = forms.CharField(label=_("说明"), max_length=100, required=False)
