from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.calculators.glucocorticoids import (
    FREQUENCY_PER_DAY,
    PREDNISONE_EQUIVALENT,
    PULSE_THRESHOLD_MG,
    REMISSION_GC_LIMIT_MG,
    TAPER_LIMIT_MG,
    Course,
    daily_dose_on,
    max_daily_dose,
    prednisone_equivalent_mg,
    total_daily_dose_on,
)

D1, D3 = date(2024, 3, 1), date(2024, 3, 3)
OPEN_END = date(2024, 6, 30)


def course(agent="prednisone", dose=10, frequency="once_daily", start=D1, stop=None, unit="mg"):
    return Course(agent, dose, unit, frequency, start, stop, ongoing=stop is None)


def test_equivalents_follow_the_reference_table():
    assert prednisone_equivalent_mg("prednisolone", 5) == 5
    assert prednisone_equivalent_mg("methylprednisolone", 4) == 5
    assert prednisone_equivalent_mg("triamcinolone", 4) == 5
    assert prednisone_equivalent_mg("hydrocortisone", 20) == 5
    assert prednisone_equivalent_mg("cortisone", 25) == 5
    assert prednisone_equivalent_mg("deflazacort", 6) == 5
    assert prednisone_equivalent_mg("betamethasone", 0.75) == 5


def test_dexamethasone_is_exactly_twenty_thirds():
    assert PREDNISONE_EQUIVALENT["dexamethasone"] == Fraction(20, 3)
    assert prednisone_equivalent_mg("dexamethasone", 3) == 20


def test_grams_convert_to_milligrams():
    assert prednisone_equivalent_mg("methylprednisolone", 1, "g") == 1250


def test_unknown_agents_units_and_negative_doses_raise():
    with pytest.raises(ValueError):
        prednisone_equivalent_mg("fludrocortisone", 1)
    with pytest.raises(ValueError):
        prednisone_equivalent_mg("prednisone", 1, "mg/kg")
    with pytest.raises(ValueError):
        prednisone_equivalent_mg("prednisone", -1)


def test_invalid_courses_raise():
    with pytest.raises(ValueError):
        course(frequency="other")
    with pytest.raises(ValueError):
        course(stop=date(2024, 2, 1))
    with pytest.raises(ValueError):
        Course("prednisone", 10, "mg", "once_daily", D1, D3, ongoing=True)


def test_frequencies_multiply_the_dose_per_day():
    assert FREQUENCY_PER_DAY["weekly"] == Fraction(1, 7)
    assert daily_dose_on(course(dose=10, frequency="twice_daily"), D1, open_end=OPEN_END) == 20
    assert daily_dose_on(course(dose=40, frequency="every_other_day"), D3, open_end=OPEN_END) == 20
    assert daily_dose_on(course(dose=70, frequency="weekly"), D3, open_end=OPEN_END) == 10


def test_a_methylprednisolone_pulse_is_625_mg_on_each_day_of_the_course():
    pulse = course("methylprednisolone", 500, stop=D3)
    for day in (D1, date(2024, 3, 2), D3):
        assert daily_dose_on(pulse, day, open_end=OPEN_END) == 625
    assert daily_dose_on(pulse, date(2024, 3, 4), open_end=OPEN_END) == 0
    assert daily_dose_on(pulse, date(2024, 2, 29), open_end=OPEN_END) == 0


def test_a_single_dose_counts_whole_on_its_start_day_only():
    single = course("methylprednisolone", 1, frequency="single_dose", stop=D3, unit="g")
    assert daily_dose_on(single, D1, open_end=OPEN_END) == 1250
    assert daily_dose_on(single, date(2024, 3, 2), open_end=OPEN_END) == 0


def test_an_open_course_runs_to_the_open_end():
    ongoing = course(dose=10)
    assert daily_dose_on(ongoing, OPEN_END, open_end=OPEN_END) == 10
    assert daily_dose_on(ongoing, date(2024, 7, 1), open_end=OPEN_END) == 0


def test_courses_add_up_on_a_day():
    courses = [course(dose=10), course("hydrocortisone", 20, frequency="twice_daily")]
    assert total_daily_dose_on(courses, D1, open_end=OPEN_END) == 20


def test_max_daily_dose_finds_the_first_highest_day():
    courses = [course(dose=10), course("methylprednisolone", 500, start=date(2024, 3, 10), stop=date(2024, 3, 12))]
    dose, day = max_daily_dose(courses, D1, date(2024, 3, 31), open_end=OPEN_END)
    assert (dose, day) == (635, date(2024, 3, 10))


def test_max_daily_dose_without_courses_or_doses_is_zero_and_no_day():
    assert max_daily_dose([], D1, D3, open_end=OPEN_END) == (0, None)
    later = course(start=date(2024, 5, 1))
    assert max_daily_dose([later], D1, D3, open_end=OPEN_END) == (0, None)
    with pytest.raises(ValueError):
        max_daily_dose([], D3, D1, open_end=OPEN_END)


def day_by_day_max(courses, window_start, window_end, open_end):
    """The definition: every day of the window, the first highest kept."""
    highest, highest_day, day = Fraction(0), None, window_start
    while day <= window_end:
        dose = total_daily_dose_on(courses, day, open_end=open_end)
        if dose > highest:
            highest, highest_day = dose, day
        day += timedelta(days=1)
    return highest, highest_day


@st.composite
def courses_and_window(draw):
    base = date(2024, 1, 1)
    day = st.integers(0, 120).map(lambda n: base + timedelta(days=n))
    found = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(day)
        stop = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda n: start + timedelta(days=n))))
        found.append(Course(
            draw(st.sampled_from(sorted(PREDNISONE_EQUIVALENT))), draw(st.sampled_from([0, 1, 5, 7.5, 10, 40, 500])),
            draw(st.sampled_from(["mg", "g"])), draw(st.sampled_from(sorted(FREQUENCY_PER_DAY))), start, stop, stop is None,
        ))
    start, end, open_end = sorted([draw(day), draw(day), draw(day)])
    return found, start, end, open_end


@settings(max_examples=300, deadline=None, derandomize=True)
@given(courses_and_window())
def test_max_daily_dose_agrees_with_checking_every_day(case):
    courses, start, end, open_end = case
    assert max_daily_dose(courses, start, end, open_end=open_end) == day_by_day_max(courses, start, end, open_end)


def test_pulse_threshold_is_500_mg_inclusive():
    assert prednisone_equivalent_mg("methylprednisolone", 400) >= PULSE_THRESHOLD_MG
    assert prednisone_equivalent_mg("methylprednisolone", 399) < PULSE_THRESHOLD_MG


def test_taper_limit_is_20_mg_and_remission_limit_is_7_5_mg():
    assert prednisone_equivalent_mg("dexamethasone", 3) <= TAPER_LIMIT_MG
    assert prednisone_equivalent_mg("dexamethasone", 3.1) > TAPER_LIMIT_MG
    assert prednisone_equivalent_mg("prednisolone", 7.5) <= REMISSION_GC_LIMIT_MG
    assert prednisone_equivalent_mg("methylprednisolone", 6.1) > REMISSION_GC_LIMIT_MG
