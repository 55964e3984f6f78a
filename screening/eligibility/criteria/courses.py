"""Medication courses and prior events as date spans, and glucocorticoid doses.

A course's drug class comes from `screening.vocabulary`. An ongoing course (or one
without a stop date) ends at the reference date of the rule that reads it.
"""

from dataclasses import dataclass
from datetime import date

from screening.calculators.dates import (
    lasted_at_least_months,
    span_overlaps,
)
from screening.calculators.dosing import SCHEDULES, SINGLE_DOSE, cumulative_amount
from screening.calculators.glucocorticoids import (
    Course,
    course_last_day,
    cumulative_dose,
    daily_dose_on,
    max_daily_dose,
    prednisone_equivalent_mg,
)
from screening.vocabulary import DOSE_UNITS, DRUGS, EVENT_KINDS, FREQUENCIES, GLUCOCORTICOID, drug_classes

from ..messages import Message, _, join, styled
from ..results import Evidence
from .common import fmt
from .verdicts import MissingData


@dataclass(frozen=True)
class Span:
    row: dict
    start: date
    end: date  # stop date, or the reference date when ongoing (clipped to it)

    @property
    def drug(self):
        return self.row.get("drug")

    @property
    def name(self):
        return drug_name(self.row)

    def evidence(self, label=None, note=""):
        exposure = exposure_text(self.row, self.start, self.end)
        parts = [part for part in (note, exposure) if part]
        return Evidence(label or _("Course"), _("{name} {start} to {end}", name=self.name, start=fmt(self.start),
                                                end=fmt(self.end)),
                        date=self.start, note=join(parts, sep="; ") if parts else "")


def _exact(message, english):
    """The message when it reads exactly as the English text did, else that English (a free-text
    name with doubled spaces, which the English collapsed)."""
    return message if message == english else english


def exposure_text(row, start, end):
    """The course as charted and what it gave from start to end, dose by dose: "as charted: 750 mg
    every 4 weeks; 8 doses from 2025-05-01 to 2025-11-20, 6000 mg in all". Empty without a dose or
    with a schedule the arithmetic does not know (other, blank)."""
    dose, frequency = row.get("dose"), row.get("frequency")
    if dose is None or frequency not in SCHEDULES or not isinstance(row.get("start_date"), date):
        return ""
    try:
        total, given = cumulative_amount(dose, frequency, row["start_date"], max(end, row["start_date"]), start, end)
    except (ValueError, TypeError):
        return ""
    code = row.get("dose_unit")
    unit = Message(DOSE_UNITS[code]) if code in DOSE_UNITS else (code or "")
    doses = _("{count} dose(s) from {first} to {last}", count=given.count, first=fmt(given.first),
              last=fmt(given.last)) if given else _("no dose")
    course = _exact(_dose_text(row), _charted_english(row).removeprefix(drug_name(row) + " "))
    return _("as charted: {course}; {doses}, {total} {unit} in all", course=course, doses=doses, total=fmt(total),
             unit=unit)


def drug_name(row):
    code = row.get("drug")
    if code in ("other", "other_biologic", "other_immunosuppressant") and row.get("drug_other"):
        return row["drug_other"]
    if code in DRUGS:
        return Message(DRUGS[code][0])
    return code or _("unnamed drug")


def drug_identity(row):
    """Distinct drugs: the code, or the free-text name for the 'other' codes."""
    return (row.get("drug"), (row.get("drug_other") or "").strip().lower())


def rows_of_class(snapshot, *classes):
    wanted = set(classes)
    return [row for row in snapshot.medications if drug_classes(row.get("drug")) & wanted]


def _stop(row):
    """The stop date (None: ongoing). A single dose without a stop date is given on its date (the
    start date) only; one with a stop date or ticked ongoing (allowed before CRF version 2, refused
    by the form since) keeps its span, and its dose still counts on the start date only."""
    stop = row.get("stop_date")
    if row.get("frequency") == SINGLE_DOSE and stop is None and not row.get("ongoing"):
        return row.get("start_date")
    return None if row.get("ongoing") and stop is None else stop


def course_span(row, ref: date) -> Span | None:
    """The course up to `ref`: None when it starts after ref or has no start date."""
    start = row.get("start_date")
    if not isinstance(start, date) or start > ref:
        return None
    stop = _stop(row)
    end = ref if stop is None else min(stop, ref)
    return Span(row, start, max(end, start))


def lasting_courses(snapshot, classes, months, ref):
    """(qualifying, all) spans of the classes before ref; qualifying last ≥ months.
    With nothing qualifying, an undated course makes the answer unknown, not "no"."""
    rows = rows_of_class(snapshot, *classes)
    spans = [s for s in (course_span(r, ref) for r in rows) if s]
    qualifying = [s for s in spans if lasted_at_least_months(s.start, s.end, months)]
    undated = [r for r in rows if not isinstance(r.get("start_date"), date)]
    if undated and not qualifying:
        raise MissingData(_("{drug}: a course has no start date.", drug=drug_name(undated[0])), "medications")
    return qualifying, spans


def longest(spans):
    return max(spans, key=lambda s: (s.end - s.start, s.end), default=None)


def overlapping_rows(rows, window_start, window_end, open_end):
    """Rows whose span (ongoing: to open_end) has a day in the window."""
    hits = []
    for row in rows:
        start = row.get("start_date")
        if not isinstance(start, date):
            continue
        stop = _stop(row)
        end = open_end if stop is None else stop
        if end < start:
            continue
        if span_overlaps(start, end, window_start, window_end):
            hits.append(row)
    return hits


# --- glucocorticoid doses --------------------------------------------------------


@dataclass(frozen=True)
class DoseSummary:
    highest: object  # Fraction, prednisone-equivalent mg/day
    day: date | None
    unconvertible: tuple  # rows in the window whose dose cannot be converted
    charted: tuple = ()  # Evidence: each course of the window as charted and its prednisone equivalent
    cumulative: tuple = ()  # Evidence: the glucocorticoid given over the window, with its dates

    def evidence(self):
        return (*self.charted, *self.cumulative)


def to_course(row) -> Course:
    """A glucocorticoid row as a calculator Course; ValueError when not convertible."""
    stop = _stop(row)
    return Course(
        agent=row.get("drug"), dose=row.get("dose"), dose_unit=row.get("dose_unit"),
        frequency=row.get("frequency"), start=row.get("start_date"), stop=stop, ongoing=stop is None,
    )


def _charted_english(row):
    frequency = FREQUENCIES.get(row.get("frequency"), row.get("frequency") or "(no frequency)")
    dose = fmt(row["dose"]) if row.get("dose") is not None else "(no dose)"
    return f"{drug_name(row)} {dose} {row.get('dose_unit') or ''} {frequency.lower()}".replace("  ", " ")


def _dose_text(row):
    """'5 mg twice daily': the dose, its unit code and the frequency, lower case."""
    code = row.get("frequency")
    if code in FREQUENCIES:
        frequency = styled(Message(FREQUENCIES[code]), "lower_first")
    else:
        frequency = code.lower() if code else _("(no frequency)")
    dose = fmt(row["dose"]) if row.get("dose") is not None else _("(no dose)")
    unit = row.get("dose_unit") or ""
    if unit:
        return _("{dose} {unit} {frequency}", dose=dose, unit=unit, frequency=frequency)
    return _("{dose} {frequency}", dose=dose, frequency=frequency)


def charted_text(row):
    """A course as charted: 'Prednisone 5 mg twice daily'."""
    return _exact(_("{drug} {course}", drug=drug_name(row), course=_dose_text(row)), _charted_english(row))


def charted_evidence(row, course, open_end):
    """'Prednisone 5 mg twice daily = 10 mg/day prednisone equivalent', dated by the course."""
    last = course_last_day(course, open_end)
    if course.frequency == SINGLE_DOSE:
        mg = prednisone_equivalent_mg(course.agent, course.dose, course.dose_unit)
        return Evidence(_("Glucocorticoid as charted"),
                        _("{course} on {day} = {mg} mg prednisone equivalent", course=charted_text(row),
                          day=fmt(course.start), mg=fmt(mg, 2)),
                        date=course.start, note=_("a single dose: its day only"))
    per_day = daily_dose_on(course, course.start, open_end=open_end)
    span = {"start": fmt(course.start), "end": fmt(last)}
    return Evidence(_("Glucocorticoid as charted"),
                    _("{course} = {mg} mg/day prednisone equivalent", course=charted_text(row), mg=fmt(per_day, 2)),
                    date=course.start,
                    note=_("{start} to {end} (ongoing)", **span) if course.stop is None else _("{start} to {end}", **span))


def cumulative_evidence(courses, window_start, window_end, open_end):
    """The prednisone-equivalent mg given over the window, dose by dose, and the days it was given."""
    total, count, first, last = 0, 0, None, None
    for course in courses:
        mg, given = cumulative_dose(course, window_start, window_end, open_end=open_end)
        if given:
            total += mg
            count += given.count
            first = given.first if first is None else min(first, given.first)
            last = given.last if last is None else max(last, given.last)
    given = _("{count} dose(s) from {first} to {last}", count=count, first=fmt(first), last=fmt(last)) if count \
        else _("no dose")
    return (Evidence(_("Cumulative glucocorticoid"), fmt(total, 2), _("mg prednisone-eq"), first,
                     note=_("{start} to {end}: {given}", start=fmt(window_start), end=fmt(window_end), given=given)),)


def glucocorticoid_doses(snapshot, window_start, window_end, open_end) -> DoseSummary:
    """Highest total daily prednisone-eq dose in the window, from the courses that touch it, with
    each course as charted and the cumulative dose of the window as evidence."""
    rows = overlapping_rows(rows_of_class(snapshot, GLUCOCORTICOID), window_start, window_end, open_end)
    pairs, bad = [], []
    for row in rows:
        try:
            pairs.append((row, to_course(row)))
        except (ValueError, TypeError):
            bad.append(row)
    courses = [course for _row, course in pairs]
    highest, day = max_daily_dose(courses, window_start, window_end, open_end=open_end)
    charted = tuple(charted_evidence(row, course, open_end) for row, course in pairs
                    if course.frequency != SINGLE_DOSE or window_start <= course.start <= window_end)
    cumulative = cumulative_evidence(courses, window_start, window_end, open_end) if courses else ()
    return DoseSummary(highest, day, tuple(bad), charted, cumulative)


def unconvertible_evidence(rows):
    return tuple(
        Evidence(
            _("Dose not convertible"), charted_text(r), date=r.get("start_date"),
            note=_("needs a dose in mg or g and a frequency from the list (not other)"),
        )
        for r in rows
    )


# --- prior events -----------------------------------------------------------------


def event_label(row):
    kind = row.get("kind")
    label = Message(EVENT_KINDS[kind]) if kind in EVENT_KINDS else (kind or _("event"))
    return _("{label} ({description})", label=label, description=row["description"]) if row.get("description") \
        else label


def events_in(snapshot, kinds, window_start, window_end):
    """Events of the kinds with a day in the window (no end date: a one-day event)."""
    hits = []
    for row in snapshot.events:
        start = row.get("start_date")
        if row.get("kind") not in kinds or not isinstance(start, date):
            continue
        end = row.get("end_date") or start
        if end >= start and span_overlaps(start, end, window_start, window_end):
            hits.append(row)
    return hits

