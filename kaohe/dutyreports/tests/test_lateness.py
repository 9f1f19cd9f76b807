"""On time, late, awaited: the deadline rule without a database."""

from datetime import date

from kaohe.dutyreports.lateness import Status, days_late, status

DEADLINE = date(2025, 12, 20)


def test_handed_in_on_the_deadline_day_is_on_time():
    assert status(date(2025, 12, 20), DEADLINE, date(2026, 1, 5)) is Status.ON_TIME


def test_handed_in_after_the_deadline_is_late_and_counts_its_days():
    assert status(date(2025, 12, 23), DEADLINE, date(2026, 1, 5)) is Status.LATE
    assert days_late(date(2025, 12, 23), DEADLINE, date(2026, 1, 5)) == 3


def test_awaited_before_the_deadline_has_passed_is_not_late():
    assert status(None, DEADLINE, date(2025, 12, 20)) is Status.MISSING
    assert days_late(None, DEADLINE, date(2025, 12, 20)) == 0


def test_awaited_after_the_deadline_is_overdue_and_grows_each_day():
    assert status(None, DEADLINE, date(2025, 12, 21)) is Status.OVERDUE
    assert days_late(None, DEADLINE, date(2025, 12, 25)) == 5


def test_without_a_deadline_nothing_is_late():
    assert status(None, None, date(2030, 1, 1)) is Status.MISSING
    assert status(date(2030, 1, 1), None, date(2030, 1, 1)) is Status.ON_TIME
    assert days_late(None, None, date(2030, 1, 1)) == 0
