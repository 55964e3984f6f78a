from datetime import date

import pytest

from screening.calculators.dates import (
    WEEK_DAYS,
    add_months,
    age_on,
    lasted_at_least_months,
    span_overlaps,
    within_days_before,
    within_months_before,
)


def test_adding_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2022, 8, 31), 6) == date(2023, 2, 28)


def test_subtracting_months_clamps_too():
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2023, 3, 31), -1) == date(2023, 2, 28)


def test_adding_months_crosses_years_both_ways():
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)
    assert add_months(date(2024, 5, 20), 0) == date(2024, 5, 20)


def test_age_counts_completed_years():
    dob = date(1990, 6, 15)
    assert age_on(dob, date(2008, 6, 14)) == 17
    assert age_on(dob, date(2008, 6, 15)) == 18


def test_a_29_february_birthday_falls_on_1_march_in_common_years():
    dob = date(2004, 2, 29)
    assert age_on(dob, date(2022, 2, 28)) == 17
    assert age_on(dob, date(2022, 3, 1)) == 18
    assert age_on(dob, date(2024, 2, 29)) == 20


def test_age_before_birth_raises():
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


def test_months_window_includes_both_ends_and_nothing_outside():
    ref = date(2024, 8, 31)
    assert within_months_before(date(2024, 2, 29), ref, 6)
    assert within_months_before(ref, ref, 6)
    assert not within_months_before(date(2024, 2, 28), ref, 6)
    assert not within_months_before(date(2024, 9, 1), ref, 6)


def test_days_window_includes_both_ends_and_nothing_outside():
    ref = date(2024, 5, 15)
    assert within_days_before(date(2024, 5, 8), ref, WEEK_DAYS)
    assert not within_days_before(date(2024, 5, 7), ref, WEEK_DAYS)
    assert within_days_before(ref, ref, WEEK_DAYS)
    assert not within_days_before(date(2024, 5, 16), ref, WEEK_DAYS)


def test_twelve_weeks_is_84_days():
    ref = date(2024, 5, 15)
    assert within_days_before(date(2024, 2, 21), ref, 12 * WEEK_DAYS)
    assert not within_days_before(date(2024, 2, 20), ref, 12 * WEEK_DAYS)


def test_negative_window_lengths_raise():
    with pytest.raises(ValueError):
        within_months_before(date(2024, 1, 1), date(2024, 1, 1), -1)
    with pytest.raises(ValueError):
        within_days_before(date(2024, 1, 1), date(2024, 1, 1), -1)


def test_a_course_overlaps_a_window_when_any_day_is_inside():
    window = (date(2024, 3, 1), date(2024, 3, 31))
    assert span_overlaps(date(2024, 1, 1), date(2024, 3, 1), *window)
    assert span_overlaps(date(2024, 3, 31), date(2024, 5, 1), *window)
    assert not span_overlaps(date(2024, 1, 1), date(2024, 2, 29), *window)
    assert not span_overlaps(date(2024, 4, 1), date(2024, 4, 2), *window)


def test_an_open_course_runs_up_to_the_window_end():
    window = (date(2024, 3, 1), date(2024, 3, 31))
    assert span_overlaps(date(2023, 1, 1), None, *window)
    assert span_overlaps(date(2024, 3, 31), None, *window)
    assert not span_overlaps(date(2024, 4, 1), None, *window)


def test_reversed_spans_raise():
    with pytest.raises(ValueError):
        span_overlaps(date(2024, 3, 2), date(2024, 3, 1), date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(ValueError):
        span_overlaps(date(2024, 3, 1), None, date(2024, 3, 31), date(2024, 3, 1))


def test_lasting_n_months_uses_calendar_months():
    assert lasted_at_least_months(date(2023, 8, 31), date(2024, 2, 29), 6)
    assert not lasted_at_least_months(date(2023, 8, 31), date(2024, 2, 28), 6)
    assert lasted_at_least_months(date(2024, 1, 15), date(2024, 3, 15), 2)
    assert not lasted_at_least_months(date(2024, 1, 15), date(2024, 3, 14), 2)
