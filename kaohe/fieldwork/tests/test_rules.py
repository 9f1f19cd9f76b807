"""The checklist's states and the 回避 rule, without a database."""

from datetime import date

from kaohe.fieldwork.checklist import Checklist, Item, State, turnout
from kaohe.fieldwork.recusal import Declaration, Post, recusal_reasons, years_before

TODAY = date(2025, 12, 10)


def test_an_item_past_its_due_date_and_not_done_is_late():
    assert Item("documents", date(2025, 12, 9), done=False).state(TODAY) is State.LATE


def test_an_item_due_today_is_not_yet_late():
    assert Item("documents", TODAY, done=False).state(TODAY) is State.PENDING


def test_a_done_item_is_never_late_and_an_undated_one_is_unscheduled():
    assert Item("documents", date(2025, 1, 1), done=True).state(TODAY) is State.DONE
    assert Item("documents", None, done=False).state(TODAY) is State.UNSCHEDULED


def test_the_checklist_is_complete_only_when_every_item_is_done():
    items = (Item("duty_report", None, True), Item("evaluation", date(2025, 12, 1), False))
    checklist = Checklist(items)
    assert not checklist.complete() and checklist.done_count() == 1
    assert [i.key for i in checklist.late(TODAY)] == ["evaluation"]
    assert Checklist((Item("duty_report", None, True),)).complete()


def test_turnout_shows_cast_over_expected_with_a_rounded_down_percentage():
    assert turnout(18, 20) == "18/20（90%）"
    assert turnout(2, 3) == "2/3（66%）"
    assert turnout(5, 0) == "5/—"


def post(end, start=date(2015, 1, 1), unit=1):
    return Post(unit, "东城街道", "副主任", start, end)


def reasons(posts=(), declarations=(), years=3, cutoff=TODAY, unit=1):
    return recusal_reasons(unit_id=unit, posts=posts, declarations=declarations, years=years, cutoff=cutoff)


def test_a_member_holding_a_post_in_the_unit_must_recuse():
    assert reasons([post(None)]) == ["现任「东城街道」副主任"]


def test_a_post_ended_within_the_window_flags_and_one_ended_before_does_not():
    assert reasons([post(date(2022, 12, 11))]) == ["2022年12月前曾任「东城街道」副主任（3年内）"]
    assert reasons([post(date(2022, 12, 10))]) == []  # exactly three years before: outside
    assert reasons([post(date(2022, 12, 11))], years=2) == []


def test_posts_in_other_units_or_starting_after_the_cutoff_do_not_flag():
    assert reasons([post(None, unit=2)]) == []
    assert reasons([post(None, start=date(2026, 1, 1))]) == []


def test_a_declared_conflict_with_the_unit_flags_with_its_detail():
    declared = [Declaration(1, "亲属关系", "配偶在该单位任职"), Declaration(2, "其他利害关系", "")]
    assert reasons(declarations=declared) == ["本人申报亲属关系：配偶在该单位任职"]


def test_zero_years_flags_only_current_posts():
    assert reasons([post(date(2025, 12, 1))], years=0) == []
    assert reasons([post(None)], years=0) == ["现任「东城街道」副主任"]


def test_years_before_a_leap_day_falls_back_to_the_28th():
    assert years_before(date(2024, 2, 29), 3) == date(2021, 2, 28)
