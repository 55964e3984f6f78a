"""Glucocorticoid doses as prednisone-equivalent mg per day (reference §3.11).

All arithmetic is in Fractions, so 3 mg dexamethasone is exactly 20 mg prednisone
and a dose on a threshold compares as equal to it.

How a course becomes a dose per day (the schedules are `dosing.py`'s):
- Daily frequencies multiply: 5 mg twice daily is 10 mg/day.
- Pulses are given once daily, so methylprednisolone 500 mg once daily from D1 to D3 is
  625 mg/day on each of D1, D2 and D3 (a pulse when ≥ PULSE_THRESHOLD_MG).
- Intermittent frequencies (every other day, weekly, every 2 or 4 weeks, monthly) are
  spread as an average over every day of the course: 40 mg every other day is
  20 mg/day on each day. A weekly 1 g pulse therefore averages 178.6 mg/day and is not
  a pulse day; record each pulse as a `single_dose` on its date to score it on its day.
- `single_dose`: the whole dose on its date (the start date) only.
- The cumulative dose of a window counts the doses given in it, one by one (`cumulative_dose`).
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Iterable

from . import dosing
from .numbers import exact

PREDNISONE_REFERENCE_MG = 5
BETAMETHASONE_EQUIVALENT_MG = Fraction(3, 4)  # [R] some tables give 0.6 mg

# Dose of each agent equivalent to PREDNISONE_REFERENCE_MG (5 mg) of prednisone.
EQUIVALENT_DOSE_MG: dict[str, Fraction] = {
    "prednisone": Fraction(5),
    "prednisolone": Fraction(5),
    "methylprednisolone": Fraction(4),
    "triamcinolone": Fraction(4),
    "hydrocortisone": Fraction(20),
    "cortisone": Fraction(25),
    "dexamethasone": Fraction(3, 4),
    "betamethasone": BETAMETHASONE_EQUIVALENT_MG,
    "deflazacort": Fraction(6),
}

# prednisone-equivalent mg = dose mg × factor (dexamethasone: exactly 20/3).
PREDNISONE_EQUIVALENT: dict[str, Fraction] = {
    agent: PREDNISONE_REFERENCE_MG / mg for agent, mg in EQUIVALENT_DOSE_MG.items()
}

MG_PER_UNIT: dict[str, int] = {"mg": 1, "g": 1000}

SINGLE_DOSE = dosing.SINGLE_DOSE

# Administrations per day (dosing.ADMINISTRATIONS_PER_DAY); single_dose: one administration,
# on its date only (see daily_dose_on).
FREQUENCY_PER_DAY: dict[str, Fraction] = {**dosing.ADMINISTRATIONS_PER_DAY, SINGLE_DOSE: Fraction(1)}

PULSE_THRESHOLD_MG = 500  # prednisone-eq mg/day; a pulse is ≥ this (EXC-04, EXC-10b)
TAPER_LIMIT_MG = 20  # prednisone-eq mg/day allowed on each of the 7 days before LD (EXC-11)
REMISSION_GC_LIMIT_MG = Fraction(15, 2)  # AAV remission: ≤ 7.5 mg/day (INC-AAV-04)


@dataclass(frozen=True)
class Course:
    agent: str
    dose: float
    dose_unit: str
    frequency: str
    start: date
    stop: date | None
    ongoing: bool

    def __post_init__(self):
        if self.agent not in PREDNISONE_EQUIVALENT:
            raise ValueError(f"unknown glucocorticoid {self.agent!r}")
        if self.dose_unit not in MG_PER_UNIT:
            raise ValueError(f"dose unit must be 'mg' or 'g', got {self.dose_unit!r}")
        if self.frequency not in FREQUENCY_PER_DAY:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if exact(self.dose) < 0:
            raise ValueError(f"dose must not be negative, got {self.dose!r}")
        if self.stop is not None and self.stop < self.start:
            raise ValueError(f"course stops ({self.stop}) before it starts ({self.start})")
        if self.ongoing and self.stop is not None:
            raise ValueError("an ongoing course has no stop date")


def prednisone_equivalent_mg(agent: str, dose: float, dose_unit: str = "mg") -> Fraction:
    """One dose of an agent in prednisone-equivalent mg."""
    if agent not in PREDNISONE_EQUIVALENT:
        raise ValueError(f"unknown glucocorticoid {agent!r}")
    if dose_unit not in MG_PER_UNIT:
        raise ValueError(f"dose unit must be 'mg' or 'g', got {dose_unit!r}")
    mg = exact(dose) * MG_PER_UNIT[dose_unit]
    if mg < 0:
        raise ValueError(f"dose must not be negative, got {dose!r}")
    return mg * PREDNISONE_EQUIVALENT[agent]


def daily_dose_on(course: Course, day: date, *, open_end: date) -> Fraction:
    """Prednisone-eq mg a course gives on a day; a course without a stop date runs to open_end."""
    last_day = course.stop if course.stop is not None else open_end
    if not course.start <= day <= last_day:
        return Fraction(0)
    per_dose = prednisone_equivalent_mg(course.agent, course.dose, course.dose_unit)
    if course.frequency == SINGLE_DOSE:
        return per_dose if day == course.start else Fraction(0)
    return per_dose * dosing.administrations_per_day(course.frequency)


def course_last_day(course: Course, open_end: date) -> date:
    """The last day a course gives a dose: a single dose its date; an open course runs to open_end."""
    if course.frequency == SINGLE_DOSE:
        return course.start
    return course.stop if course.stop is not None else max(open_end, course.start)


def cumulative_dose(course: Course, window_start: date, window_end: date, *, open_end: date):
    """(prednisone-eq mg, dosing.Administrations): what the course gave in the inclusive window,
    dose by dose (a weekly course counts the weeks' doses that fall in it, not an average)."""
    per_dose = prednisone_equivalent_mg(course.agent, course.dose, course.dose_unit)
    given = dosing.administrations(course.frequency, course.start, course_last_day(course, open_end),
                                   window_start, window_end)
    return per_dose * given.count, given


def total_daily_dose_on(courses: Iterable[Course], day: date, *, open_end: date) -> Fraction:
    """Prednisone-eq mg all courses together give on a day."""
    return sum((daily_dose_on(c, day, open_end=open_end) for c in courses), Fraction(0))


def max_daily_dose(
    courses: Iterable[Course], window_start: date, window_end: date, *, open_end: date
) -> tuple[Fraction, date | None]:
    """The highest total daily dose in the inclusive window and the first day it occurs (None if no dose)."""
    if window_end < window_start:
        raise ValueError(f"window ends ({window_end}) before it starts ({window_start})")
    courses = list(courses)
    highest, highest_day = Fraction(0), None
    for day in sorted(_change_days(courses, window_start, window_end)):
        dose = total_daily_dose_on(courses, day, open_end=open_end)
        if dose > highest:
            highest, highest_day = dose, day
    return highest, highest_day


def _change_days(courses, window_start, window_end):
    """The window's first day and every course's first day in it. A total can only
    rise on a course's first day (after a course or a single dose it falls), so the
    highest dose first occurs on one of these days: a handful, not every day."""
    return {window_start} | {c.start for c in courses if window_start <= c.start <= window_end}
