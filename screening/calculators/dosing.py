"""A medication as charted — dose, frequency, start and stop — as doses per day and as the
doses given over a window. Pure and exact: every number is a Fraction.

The frequency codes are those of `screening.vocabulary.FREQUENCIES`. Each regular one has its
administrations per day (ADMINISTRATIONS_PER_DAY): 5 mg twice daily is 10 mg/day.

- Daily schedules (once … four times daily) give that many doses on every day of the course.
- Intermittent schedules give one dose on the start date and then every interval after it:
  every other day (2 days), weekly (7), every 2 weeks (14), every 4 weeks (28); monthly is the
  same day of each calendar month (31 Jan, 28/29 Feb, 31 Mar …, as `dates.add_months`).
  Their daily average is one dose over the interval.
- Monthly averages 12/365 doses a day: twelve doses in a 365-day year, a calendar month being
  365/12 = 30.42 days on average. 1/30 would count 12.17 doses a year and 1/28 is every 4
  weeks (13.04 a year), which has its own code. (Before CRF version 2 monthly was read as
  1/28; migration 0011 kept those rows' daily dose by recording them as every 4 weeks.)
- `single_dose` (a single dose or infusion, e.g. a methylprednisolone pulse): one administration
  on its date, the course's start date. It has no average per day: only the dose of its day and
  the cumulative dose of a window that holds it.
- `other` (a schedule the list does not hold) has no arithmetic: a rule that needs the dose of
  such a course says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .dates import add_months
from .numbers import exact

SINGLE_DOSE = "single_dose"
OTHER = "other"

DAYS_PER_YEAR = 365
MONTHS_PER_YEAR = 12

# Doses given on each day of a daily schedule.
DOSES_EACH_DAY: dict[str, int] = {
    "once_daily": 1,
    "twice_daily": 2,
    "three_times_daily": 3,
    "four_times_daily": 4,
}
# Days from one dose to the next of an intermittent schedule; monthly counts calendar months.
INTERVAL_DAYS: dict[str, int] = {"every_other_day": 2, "weekly": 7, "every_2_weeks": 14, "every_4_weeks": 28}
INTERVAL_MONTHS: dict[str, int] = {"monthly": 1}

# Administrations per day, averaged over the course.
ADMINISTRATIONS_PER_DAY: dict[str, Fraction] = {
    **{code: Fraction(n) for code, n in DOSES_EACH_DAY.items()},
    **{code: Fraction(1, days) for code, days in INTERVAL_DAYS.items()},
    "monthly": Fraction(MONTHS_PER_YEAR, DAYS_PER_YEAR),
}

# Every code the arithmetic knows: the regular schedules and the single dose.
SCHEDULES = frozenset(ADMINISTRATIONS_PER_DAY) | {SINGLE_DOSE}


def administrations_per_day(frequency: str) -> Fraction:
    """Average administrations per day of a regular schedule; ValueError for a single dose,
    'other' or an unknown code."""
    if frequency == SINGLE_DOSE:
        raise ValueError("a single dose has no average per day, only its date")
    if frequency not in ADMINISTRATIONS_PER_DAY:
        raise ValueError(f"no administrations per day for frequency {frequency!r}")
    return ADMINISTRATIONS_PER_DAY[frequency]


def daily_amount(dose, frequency: str) -> Fraction:
    """The average amount per day of a regular schedule: dose × administrations per day."""
    amount = exact(dose)
    if amount < 0:
        raise ValueError(f"dose must not be negative, got {dose!r}")
    return amount * administrations_per_day(frequency)


@dataclass(frozen=True)
class Administrations:
    """The doses a course gives in a window: how many, on how many days, the first and last day."""

    count: int
    first: date | None
    last: date | None

    def __bool__(self):
        return self.count > 0


NONE = Administrations(0, None, None)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def administrations(frequency: str, start: date, stop: date, window_start: date, window_end: date) -> Administrations:
    """The administrations of a course from `start` to `stop` (inclusive; a single dose: `start`
    only) that fall in the inclusive window."""
    if frequency not in SCHEDULES:
        raise ValueError(f"no schedule for frequency {frequency!r}")
    if stop < start:
        raise ValueError(f"course stops ({stop}) before it starts ({start})")
    if frequency == SINGLE_DOSE:
        return Administrations(1, start, start) if window_start <= start <= window_end else NONE
    lo, hi = max(start, window_start), min(stop, window_end)
    if hi < lo:
        return NONE
    if frequency in DOSES_EACH_DAY:
        return Administrations(((hi - lo).days + 1) * DOSES_EACH_DAY[frequency], lo, hi)
    if frequency in INTERVAL_DAYS:
        step = INTERVAL_DAYS[frequency]
        first_k, last_k = _ceil_div((lo - start).days, step), (hi - start).days // step
        if last_k < first_k:
            return NONE
        return Administrations(last_k - first_k + 1, start + timedelta(days=first_k * step),
                               start + timedelta(days=last_k * step))
    step = INTERVAL_MONTHS[frequency]
    days = []
    k = 0
    while (day := add_months(start, k * step)) <= hi:
        if day >= lo:
            days.append(day)
        k += 1
    return Administrations(len(days), days[0], days[-1]) if days else NONE


def cumulative_amount(dose, frequency: str, start: date, stop: date, window_start: date, window_end: date):
    """(amount, Administrations): the dose given over the window, counted dose by dose."""
    amount = exact(dose)
    if amount < 0:
        raise ValueError(f"dose must not be negative, got {dose!r}")
    given = administrations(frequency, start, stop, window_start, window_end)
    return amount * given.count, given
