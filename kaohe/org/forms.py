"""The roster's validation rules, and the forms the HTML views and the API share.

The rules are plain functions raising `ValidationError` with a Chinese message that names the value, so
the write functions in `actions/` (the roster import among them) can apply the same rules without a form.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.org.models import Cadre, Gender, Position, Unit, UnitCategory

# --- rules -------------------------------------------------------------------------------------------------

validate_code_format = RegexValidator(r"^\S+$", message=_("编码“%(value)s”不能包含空格"), code="code_format")


# Codes are unique across units and cadres together (the database holds it too: org migration 0002).


def validate_unit_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    if Unit.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError(_("单位编码 %(code)s 已存在"), code="duplicate", params={"code": code})
    if Cadre.objects.filter(code=code).exists():
        raise ValidationError(
            _("编码 %(code)s 已是一名干部的编码（单位和干部的编码不能相同）"),
            code="duplicate",
            params={"code": code},
        )


def validate_cadre_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    if Cadre.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError(_("干部编码 %(code)s 已存在"), code="duplicate", params={"code": code})
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(
            _("编码 %(code)s 已是一个单位的编码（单位和干部的编码不能相同）"),
            code="duplicate",
            params={"code": code},
        )


def validate_category_name_free(name: str, *, exclude_pk: int | None = None) -> None:
    if UnitCategory.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError(_("单位类别「%(name)s」已存在"), code="duplicate", params={"name": name})


def validate_unit_parent(*, unit: Unit | None, parent: Unit | None) -> None:
    """A unit cannot be its own parent nor the parent of one of its ancestors."""
    if unit is None or unit.pk is None or parent is None:
        return
    if parent.pk == unit.pk:
        raise ValidationError(_("上级单位不能是本单位（%(code)s）"), code="cycle", params={"code": unit.code})
    seen: set[int] = set()
    node_id: int | None = parent.pk
    # Walks up from the new parent; the depth of a roster is a handful of levels.
    while node_id is not None and node_id not in seen:
        if node_id == unit.pk:
            raise ValidationError(
                _("上级单位 %(parent)s 是 %(code)s 的下级单位，不能互为上下级"),
                code="cycle",
                params={"parent": parent.code, "code": unit.code},
            )
        seen.add(node_id)
        node_id = Unit.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()


def validate_move_start(*, current: Position | None, start: datetime.date) -> None:
    """A new position starts strictly after the current one, which it closes on that date."""
    if current is not None and current.start is not None and start <= current.start:
        raise ValidationError(
            _("新职务的任职时间 %(start)s 必须晚于现任职务的任职时间 %(current)s"),
            code="start_before_current",
            params={"start": start.isoformat(), "current": current.start.isoformat()},
        )


def validate_birth_month(value: datetime.date) -> None:
    today = timezone.localdate()
    if value.year < 1900 or value > today:
        raise ValidationError(
            _("出生年月 %(value)s 不在合理范围内"),
            code="birth_month",
            params={"value": value.strftime("%Y-%m")},
        )


_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:\d{1,2}\s*日?)?)?\s*$")


def parse_month(value: object) -> datetime.date:
    """'1980-05', '1980/5', '1980年5月', '1980-05-17' or a date → the first of that month."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = _MONTH.match(str(value))
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return datetime.date(year, month, 1)
    raise ValidationError(
        _("年月 %(value)s 格式不对，应为 YYYY-MM，例如 1980-05"), code="month", params={"value": value}
    )


# --- fields and widgets -----------------------------------------------------------------------------------


class MonthField(forms.Field):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "1980-05"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_month(value)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UnitByCodeField(forms.ModelChoiceField):
    """A unit typed by its code: a select of 5,000 units is no use to anyone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.all())
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "DW01", "autocomplete": "off"}))
        super().__init__(to_field_name="code", **kwargs)
        self.error_messages["invalid_choice"] = _("单位编码 %(value)s 不存在")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        return super().to_python(value)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so the templates render fields in one loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _strip(value: str) -> str:
    return value.strip() if isinstance(value, str) else value


# --- forms ------------------------------------------------------------------------------------------------


class CategoryForm(StyledForm):
    name = forms.CharField(label=_("类别名称"), max_length=50)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0, required=False)

    def __init__(self, *args, instance: UnitCategory | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": instance.name, "order": instance.order}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = _strip(self.cleaned_data["name"])
        validate_category_name_free(name, exclude_pk=self.instance.pk if self.instance else None)
        return name

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0


class UnitForm(StyledForm):
    code = forms.CharField(label=_("单位编码"), max_length=32, validators=[validate_code_format])
    name = forms.CharField(label=_("单位名称"), max_length=100)
    category = forms.ModelChoiceField(
        label=_("单位类别"),
        queryset=UnitCategory.objects.all(),
        error_messages={"invalid_choice": _("单位类别不存在")},
    )
    parent = UnitByCodeField(label=_("上级单位编码"), required=False, help_text=_("没有上级单位时留空。"))

    def __init__(self, *args, instance: Unit | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = unit_initial(instance)
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = _strip(self.cleaned_data["code"])
        validate_unit_code_free(code, exclude_pk=self.instance.pk if self.instance else None)
        return code

    def clean_name(self) -> str:
        return _strip(self.cleaned_data["name"])

    def clean_parent(self) -> Unit | None:
        parent = self.cleaned_data.get("parent")
        validate_unit_parent(unit=self.instance, parent=parent)
        return parent


def unit_initial(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "category": unit.category_id,
        "parent": unit.parent.code if unit.parent_id else "",
    }


class CadreForm(StyledForm):
    """A cadre's personal fields."""

    code = forms.CharField(label=_("干部编码"), max_length=32, validators=[validate_code_format])
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(
        label=_("性别"),
        choices=[("", "—"), *Gender.choices],
        required=False,
        error_messages={"invalid_choice": _("性别只能是“男”或“女”，不能是 %(value)s")},
    )
    birth_month = MonthField(label=_("出生年月"), required=False, validators=[validate_birth_month])

    def __init__(self, *args, instance: Cadre | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = cadre_initial(instance)
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = _strip(self.cleaned_data["code"])
        validate_cadre_code_free(code, exclude_pk=self.instance.pk if self.instance else None)
        return code

    def clean_name(self) -> str:
        return _strip(self.cleaned_data["name"])


def cadre_initial(cadre: Cadre) -> dict:
    return {"code": cadre.code, "name": cadre.name, "gender": cadre.gender, "birth_month": cadre.birth_month}


class PositionForm(StyledForm):
    """The title and principal flag of a cadre's current position."""

    title = forms.CharField(label=_("职务"), max_length=100)
    principal = forms.BooleanField(label=_("主要负责人"), required=False)

    def clean_title(self) -> str:
        return _strip(self.cleaned_data["title"])


class CadreCreateForm(CadreForm):
    """A new cadre with their first position."""

    unit = UnitByCodeField(label=_("单位编码"))
    title = forms.CharField(label=_("职务"), max_length=100)
    principal = forms.BooleanField(label=_("主要负责人"), required=False)
    start = forms.DateField(label=_("任职时间"), required=False, widget=DateInput())

    clean_title = PositionForm.clean_title


class CadreMoveForm(StyledForm):
    """A cadre takes up a new position; the current one ends on the new start date."""

    unit = UnitByCodeField(label=_("新单位编码"))
    title = forms.CharField(label=_("新职务"), max_length=100)
    principal = forms.BooleanField(label=_("主要负责人"), required=False)
    start = forms.DateField(label=_("任职时间"), widget=DateInput())

    clean_title = PositionForm.clean_title

    def __init__(self, *args, cadre: Cadre, **kwargs):
        self.cadre = cadre
        super().__init__(*args, **kwargs)

    def clean_start(self) -> datetime.date:
        start = self.cleaned_data["start"]
        validate_move_start(current=self.cadre.current_position, start=start)
        return start


class UnitFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    category = forms.ModelChoiceField(
        label=_("单位类别"), queryset=UnitCategory.objects.all(), required=False, empty_label=_("全部类别")
    )
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部上级单位")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units that have children are offered as parents; a handful even at province scale.
        parents = units.filter(children__isnull=False).distinct().select_related(None).only("pk", "name")
        self.fields["parent"].queryset = parents
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("名称、编码或拼音首字母"), "autocomplete": "off"}
        )


class CadreFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    category = forms.ModelChoiceField(
        label=_("单位类别"), queryset=UnitCategory.objects.all(), required=False, empty_label=_("全部类别")
    )
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )

    # Beyond this many units a select is no use; the unit filter then needs a category first.
    MAX_UNIT_OPTIONS = 300

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        self.fields["unit"].queryset = units
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("姓名、编码、拼音或首字母"), "autocomplete": "off"}
        )

    def limit_unit_options(self) -> None:
        """Call after validation: offer the units of the chosen category, or all when they are few."""
        data = getattr(self, "cleaned_data", {})
        options = self.units.select_related(None).order_by("code")
        if data.get("category"):
            options = options.filter(category=data["category"])
        rows = list(options.values_list("pk", "name")[: self.MAX_UNIT_OPTIONS + 1])
        if len(rows) > self.MAX_UNIT_OPTIONS:
            chosen = data.get("unit")
            rows = [(chosen.pk, chosen.name)] if chosen else []
            self.unit_hint = _("单位较多，请先选择单位类别再按单位筛选。")
        self.fields["unit"].choices = [("", self.fields["unit"].empty_label), *rows]
