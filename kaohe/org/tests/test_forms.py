"""The roster's validation rules as plain functions, as the importer and the write functions use them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from conftest import make_unit
from kaohe.org.forms import (
    UnitForm,
    parse_month,
    validate_cadre_code_free,
    validate_category_name_free,
    validate_code_format,
    validate_move_start,
    validate_unit_code_free,
    validate_unit_parent,
)
from kaohe.org.models import Position


@pytest.mark.parametrize("text", ["1980-05", "1980/5", "1980.05", "1980年5月", "1980-05-17", " 1980-5 "])
def test_months_are_read_in_the_usual_spellings(text):
    assert parse_month(text) == date(1980, 5, 1)


@pytest.mark.parametrize("text", ["1980-13", "80-05", "五月", "1980", ""])
def test_a_month_that_is_not_one_is_refused_naming_the_value(text):
    with pytest.raises(ValidationError) as refused:
        parse_month(text)
    assert f"年月 {text} 格式不对" in refused.value.messages[0]


def test_codes_with_spaces_are_refused():
    with pytest.raises(ValidationError) as refused:
        validate_code_format("DW 01")
    assert refused.value.messages == ["编码“DW 01”不能包含空格"]
    validate_code_format("DW-01_a")


def test_duplicate_codes_and_names_are_refused_except_for_the_object_itself(roster):
    a, c1 = roster["units"]["a"], roster["cadres"]["c1"]
    with pytest.raises(ValidationError, match="单位编码 DW01 已存在"):
        validate_unit_code_free("DW01")
    validate_unit_code_free("DW01", exclude_pk=a.pk)
    with pytest.raises(ValidationError, match="干部编码 GB004 已存在"):
        validate_cadre_code_free("GB004")
    validate_cadre_code_free("GB004", exclude_pk=c1.pk)
    with pytest.raises(ValidationError, match="单位类别「政府部门」已存在"):
        validate_category_name_free("政府部门")


def test_parent_cycles_are_found_at_any_depth(roster):
    towns = roster["categories"]["towns"]
    top = roster["units"]["a"]
    node = top
    for level in range(5):
        node = make_unit(f"L{level}", f"第{level}级", towns, node)
    with pytest.raises(ValidationError, match="上级单位 L4 是 DW01 的下级单位"):
        validate_unit_parent(unit=top, parent=node)
    validate_unit_parent(unit=node, parent=top)  # a deeper unit may hang from the top
    validate_unit_parent(unit=None, parent=node)  # a new unit cannot close a cycle


def test_a_move_must_start_after_the_current_position(roster):
    current = Position(start=date(2021, 3, 1))
    with pytest.raises(ValidationError):
        validate_move_start(current=current, start=date(2021, 3, 1))
    validate_move_start(current=current, start=date(2021, 3, 2))
    validate_move_start(current=Position(start=None), start=date(2000, 1, 1))
    validate_move_start(current=None, start=date(2000, 1, 1))


def test_unit_form_strips_and_resolves_codes(roster):
    form = UnitForm(
        {
            "code": " DW09 ",
            "name": " 南湖街道 ",
            "category": roster["categories"]["towns"].pk,
            "parent": " DW01 ",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "DW09" and form.cleaned_data["name"] == "南湖街道"
    assert form.cleaned_data["parent"] == roster["units"]["a"]
