"""Intervals against worked numbers, changes beyond noise, and the predecessor team on position histories
with gaps and overlaps. No database."""

import math
from datetime import date

import pytest

from kaohe.profiles.stats import (
    Span,
    change,
    current_term,
    fpc,
    mean_interval,
    predecessor_term,
    principal_on,
    share_interval,
    spread,
)

# --- intervals --------------------------------------------------------------------------------------------


def test_share_interval_with_half_the_population_voting_matches_the_worked_numbers():
    # p = 0.6 from n = 50 of N = 100: var = 0.24/50 · 50/99 = 0.00242424…, se = 0.0492366, ±1.96 se = 0.0965
    interval = share_interval(0.6, 50, 100)
    assert interval.se == pytest.approx(0.0492366, abs=1e-7)
    assert interval.half_width == pytest.approx(0.0965019, abs=1e-6)
    assert (interval.low, interval.high) == (
        pytest.approx(0.5034981, abs=1e-6),
        pytest.approx(0.6965019, abs=1e-6),
    )


def test_share_interval_without_a_known_population_is_the_wider_textbook_one():
    # se = sqrt(0.24/50) = 0.0692820
    interval = share_interval(0.6, 50)
    assert interval.se == pytest.approx(0.0692820, abs=1e-7)
    assert interval.half_width > share_interval(0.6, 50, 100).half_width


def test_when_everyone_expected_voted_there_is_no_sampling_error():
    interval = share_interval(0.37, 40, 40)
    assert interval.exact
    assert interval.low == interval.high == 0.37


def test_the_correction_of_a_nearly_complete_turnout():
    # 38 of 40: fpc = 2/39; se = sqrt(0.25/38 · 2/39) = sqrt(0.000337382) = 0.0183680
    assert fpc(38, 40) == pytest.approx(2 / 39)
    assert share_interval(0.5, 38, 40).se == pytest.approx(0.0183680, abs=1e-6)


def test_mean_interval_uses_the_same_correction():
    # mean 85, sd 10, n 25 of 100: se = 10/5 · sqrt(75/99) = 1.7407766
    assert mean_interval(85.0, 10.0, 25, 100).se == pytest.approx(1.7407766, abs=1e-7)


@pytest.mark.parametrize(
    ("p", "n", "population"),
    [(0.5, 0, 10), (1.2, 10, 20), (-0.1, 10, 20), (0.5, 11, 10)],
)
def test_impossible_figures_are_refused(p, n, population):
    with pytest.raises(ValueError):
        share_interval(p, n, population)


# --- changes ----------------------------------------------------------------------------------------------


def test_a_change_inside_the_combined_interval_is_noise():
    # 0.60 → 0.66 from 50 of 100 each year: se of the difference = sqrt(2)·… ≈ 0.0688 → ±0.1349
    result = change(share_interval(0.60, 50, 100), share_interval(0.66, 50, 100))
    assert result.difference == pytest.approx(0.06)
    assert result.half_width == pytest.approx(
        1.959964 * math.sqrt(0.00242424 + 0.66 * 0.34 / 50 * 50 / 99), abs=1e-5
    )
    assert not result.beyond_noise
    assert result.word == "变化在误差范围内"


def test_the_same_change_with_everyone_voting_is_a_real_change():
    result = change(share_interval(0.60, 100, 100), share_interval(0.66, 100, 100))
    assert result.beyond_noise
    assert result.word == "上升"


def test_a_large_fall_is_beyond_noise():
    result = change(share_interval(0.80, 60, 100), share_interval(0.40, 60, 100))
    assert result.beyond_noise
    assert result.word == "下降"


def test_no_change_is_never_beyond_noise_even_without_error():
    assert not change(share_interval(0.5, 10, 10), share_interval(0.5, 10, 10)).beyond_noise


def test_spread_of_a_pool():
    assert spread([]) is None
    assert spread([1.0, 2.0, 3.0, 4.0, 5.0]) == {"min": 1.0, "q1": 2.0, "median": 3.0, "q3": 4.0, "max": 5.0}
    assert spread([10.0, 20.0])["median"] == 15.0


# --- terms ------------------------------------------------------------------------------------------------

D = date


def span(holder, start, end=None, principal=False, title="副职"):
    return Span(holder, "书记" if principal else title, principal, start, end)


def test_the_predecessor_team_is_who_served_under_the_previous_principal():
    old = span("P1", D(2018, 3, 1), D(2022, 6, 30), principal=True)
    new = span("P2", D(2022, 7, 1), principal=True)
    deputy_both = span("D1", D(2019, 1, 1))  # served under both
    deputy_old = span("D2", D(2017, 1, 1), D(2020, 12, 31))  # left under the old principal
    deputy_new = span("D3", D(2023, 1, 1))  # arrived under the new
    term = predecessor_term([old, new, deputy_both, deputy_old, deputy_new], D(2025, 12, 31))
    assert term is not None
    assert term.principal is old
    assert (term.first, term.last) == (D(2018, 3, 1), D(2022, 6, 30))
    assert [m.holder for m in term.members] == ["P1", "D2", "D1"]
    assert term.years(2025) == [2018, 2019, 2020, 2021]
    now = current_term([old, new, deputy_both, deputy_old, deputy_new], D(2025, 12, 31))
    assert now is not None and now.principal is new
    assert [m.holder for m in now.members] == ["P2", "D1", "D3"]
    assert now.years(2025) == [2022, 2023, 2024, 2025]


def test_a_gap_without_a_principal_ends_the_previous_term_at_its_principals_departure():
    old = span("P1", D(2016, 1, 1), D(2020, 5, 31), principal=True)
    new = span("P2", D(2021, 3, 1), principal=True)
    acting_in_gap = span("D1", D(2020, 9, 1))  # arrived in the gap: not of the previous term
    term = predecessor_term([old, new, acting_in_gap], D(2025, 1, 1))
    assert term is not None
    assert term.last == D(2020, 5, 31)
    assert [m.holder for m in term.members] == ["P1"]
    assert term.years(2025) == [2016, 2017, 2018, 2019]


def test_an_overlapping_handover_is_cut_at_the_successors_start():
    old = span("P1", D(2017, 1, 1), D(2021, 8, 31), principal=True)  # stayed two months as handover
    new = span("P2", D(2021, 7, 1), principal=True)
    deputy_from_handover = span("D1", D(2021, 7, 15))
    spans = [old, new, deputy_from_handover]
    assert principal_on(spans, D(2021, 8, 1)) is new  # during the overlap the newer holder leads
    term = predecessor_term(spans, D(2025, 1, 1))
    assert term is not None
    assert term.last == D(2021, 6, 30)
    assert [m.holder for m in term.members] == ["P1"]


def test_the_latest_earlier_principal_is_the_predecessor():
    first = span("P0", D(2010, 1, 1), D(2015, 12, 31), principal=True)
    second = span("P1", D(2016, 1, 1), D(2020, 12, 31), principal=True)
    current = span("P2", D(2021, 1, 1), principal=True)
    term = predecessor_term([current, first, second], D(2024, 1, 1))
    assert term is not None and term.principal is second


def test_a_principal_changing_title_is_not_their_own_predecessor():
    first = span("P1", D(2015, 1, 1), D(2019, 12, 31), principal=True)
    retitled = span("P2", D(2018, 1, 1), D(2020, 12, 31), principal=True)
    same_holder_again = span("P2", D(2021, 1, 1), principal=True, title="书记")
    term = predecessor_term([first, retitled, same_holder_again], D(2024, 1, 1))
    assert term is not None and term.principal is first
    assert term.last == D(2019, 12, 31)


def test_no_predecessor_without_a_current_principal_or_a_recorded_start_or_an_earlier_one():
    assert predecessor_term([span("D1", D(2020, 1, 1))], D(2024, 1, 1)) is None
    assert predecessor_term([span("P1", None, principal=True)], D(2024, 1, 1)) is None
    assert predecessor_term([span("P1", D(2020, 1, 1), principal=True)], D(2024, 1, 1)) is None


def test_a_predecessor_from_before_the_records_reaches_back_to_the_start():
    old = span("P1", None, D(2019, 12, 31), principal=True)
    new = span("P2", D(2020, 1, 1), principal=True)
    old_deputy = span("D1", None, D(2012, 1, 1))
    term = predecessor_term([old, new, old_deputy], D(2024, 1, 1))
    assert term is not None and term.first is None
    assert [m.holder for m in term.members] == ["P1", "D1"]
    assert term.years(2024)[-1] == 2019
