"""Calendar arithmetic for the checklist's date windows (eligibility-checklist.md, Conventions).

"N months" are calendar months, with the day clamped to the end of a shorter month
(31 Aug + 6 months = 28/29 Feb); "N days" and "N weeks" are exact. Every window is
inclusive at both ends.
"""

import calendar
from datetime import date, timedelta

WEEK_DAYS = 7
MONTHS_PER_YEAR = 12


def add_months(d: date, n: int) -> date:
    """The date n calendar months after d (before it if n < 0), clamped to the end of the month."""
    months = d.year * MONTHS_PER_YEAR + (d.month - 1) + n
    year, month0 = divmod(months, MONTHS_PER_YEAR)
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def age_on(dob: date, on: date) -> int:
    """Completed years of age on a date; a 29 Feb birthday falls on 1 Mar in common years."""
    if on < dob:
        raise ValueError(f"date {on} is before the date of birth {dob}")
    years = on.year - dob.year
    if (on.month, on.day) < _birthday_in(dob, on.year):
        years -= 1
    return years


def _birthday_in(dob: date, year: int) -> tuple[int, int]:
    if (dob.month, dob.day) == (2, 29) and not calendar.isleap(year):
        return (3, 1)
    return (dob.month, dob.day)


def within_months_before(d: date, ref: date, months: int) -> bool:
    """Whether ref − months calendar months ≤ d ≤ ref."""
    _check_not_negative(months, "months")
    return add_months(ref, -months) <= d <= ref


def within_days_before(d: date, ref: date, days: int) -> bool:
    """Whether ref − days ≤ d ≤ ref."""
    _check_not_negative(days, "days")
    return ref - timedelta(days=days) <= d <= ref


def span_overlaps(start: date, end: date | None, window_start: date, window_end: date) -> bool:
    """Whether a course from start to end (None: still running at window_end) has a day in the inclusive window."""
    if window_end < window_start:
        raise ValueError(f"window ends ({window_end}) before it starts ({window_start})")
    if end is not None and end < start:
        raise ValueError(f"course ends ({end}) before it starts ({start})")
    last_day = window_end if end is None else end
    return start <= window_end and last_day >= window_start


def lasted_at_least_months(start: date, end: date, months: int) -> bool:
    """Whether a span from start to end covers at least the given calendar months (start + months ≤ end)."""
    _check_not_negative(months, "months")
    return add_months(start, months) <= end


def _check_not_negative(value: int, name: str) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
