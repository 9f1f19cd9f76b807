from kaohe.audit.diff import MISSING, Change, changed_fields


def test_a_creation_lists_every_field_of_after():
    assert changed_fields(None, {"name": "东城街道", "code": "DW01"}) == [
        Change("name", MISSING, "东城街道"),
        Change("code", MISSING, "DW01"),
    ]


def test_a_deletion_lists_every_field_of_before():
    assert changed_fields({"name": "东城街道"}, None) == [Change("name", "东城街道", MISSING)]


def test_an_update_lists_only_what_changed():
    before = {"name": "东城街道", "code": "DW01", "groups": ["一组"]}
    after = {"name": "东城街道", "code": "DW09", "groups": ["一组", "二组"]}
    assert changed_fields(before, after) == [
        Change("code", "DW01", "DW09"),
        Change("groups", ["一组"], ["一组", "二组"]),
    ]


def test_a_field_dropped_by_the_update_is_listed_last():
    assert changed_fields({"a": 1, "b": 2}, {"a": 1}) == [Change("b", 2, MISSING)]


def test_a_field_set_to_null_is_a_change():
    assert changed_fields({"unit": "东城街道"}, {"unit": None}) == [Change("unit", "东城街道", None)]


def test_nothing_recorded_is_no_change():
    assert changed_fields(None, None) == []


def test_values_that_are_not_objects_compare_whole():
    assert changed_fields(1, 2) == [Change("", 1, 2)]
    assert changed_fields([1], [1]) == []
