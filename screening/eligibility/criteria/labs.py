"""The screening lab result of an analyte, converted to its canonical unit.

A screening sample is dated on/after the consent date and not after SCR + 28 days;
of several, the latest counts (the last entered on a tie). A row marked "not done"
or without a value is not a result.
"""

from dataclasses import dataclass
from datetime import date

from screening.calculators.units import (
    ANALYTES,
    UNIT_LABELS,
    UnitError,
    likely_units,
    limit_plausible,
    times_uln_of,
    to_canonical,
)

from .. import protocol
from ..results import Evidence
from .common import fmt, num, on
from .verdicts import BadData, MissingData, failed, passed


@dataclass(frozen=True)
class LabValue:
    analyte: str
    label: str
    value: float  # canonical unit
    unit: str  # canonical unit, display form
    raw: float  # as reported
    raw_unit: str  # as reported, code
    uln: float | None  # as reported, in uln_unit
    day: date
    uln_unit: str = ""  # as reported, code; blank: the value's unit

    @property
    def limit_unit(self):
        return self.uln_unit or self.raw_unit

    def evidence(self, note=""):
        """The value as reported and converted, and the ULN in its own unit (and converted when
        its unit is not the canonical one), so a reviewer can redo the arithmetic."""
        canonical = ANALYTES[self.analyte].canonical_unit
        shown = f"{fmt(self.raw)} {UNIT_LABELS.get(self.raw_unit, self.raw_unit)}"
        if self.raw_unit != canonical:
            note = f"reported as {shown} (× {fmt(float(factor_of(self.analyte, self.raw_unit)))})" + (
                f"; {note}" if note else "")
        if self.uln is not None:
            uln = f"ULN {fmt(self.uln)} {UNIT_LABELS.get(self.limit_unit, self.limit_unit)}"
            if self.limit_unit != canonical:
                try:
                    uln += f" = {fmt(to_canonical(self.analyte, self.uln, self.limit_unit))} {self.unit}"
                except (UnitError, ValueError):
                    pass
            note = (note + "; " if note else "") + uln
        return Evidence(self.label, num(self.value), self.unit, self.day, note)

    def times_uln(self) -> float:
        """The reported value as a multiple of the ULN the lab reported with it."""
        if self.uln is None:
            raise MissingData(
                f"{self.label}{on(self.day)} has no upper limit of normal.", f"labs.{self.analyte}",
                evidence=[self.evidence()],
            )
        try:
            plausible = limit_plausible(self.analyte, self.uln, self.limit_unit, "uln")
            if not plausible:
                # Saved before limits were checked: never a ratio against a limit in the wrong unit.
                unit_text = UNIT_LABELS.get(self.limit_unit, self.limit_unit)
                guess = likely_units(self.analyte, self.uln, self.limit_unit, "uln")
                hint = f"; did you mean {UNIT_LABELS.get(guess[0], guess[0])}?" if guess else ""
                raise BadData(
                    f"{self.label}{on(self.day)}: ULN {fmt(self.uln)} {unit_text} is not a plausible upper "
                    f"limit{hint}", f"labs.{self.analyte}", evidence=[self.evidence()])
            return times_uln_of(self.analyte, self.raw, self.raw_unit, self.uln, self.uln_unit)
        except (UnitError, ValueError) as error:
            raise BadData(f"{self.label}{on(self.day)}: {error}.", f"labs.{self.analyte}") from None

    def text(self):
        return f"{self.label} {fmt(self.value)} {self.unit}{on(self.day)}"


def factor_of(analyte, unit):
    return to_canonical(analyte, 1, unit)


def label_of(analyte):
    return ANALYTES[analyte].label


def require_screening_window(ctx):
    """Screening samples need both the consent date and SCR."""
    gaps = []
    if ctx.consent is None:
        gaps.append("record.consent_date")
    if ctx.scr is None:
        gaps.append("record.screening_date")
    if gaps:
        raise MissingData("Screening samples cannot be identified without the consent and screening dates.", *gaps)


def screening_rows(snapshot, ctx, analyte):
    """Rows of the analyte with a value, dated within the screening window, oldest first."""
    require_screening_window(ctx)
    rows = [
        (row.get("sample_date"), index, row)
        for index, row in enumerate(snapshot.labs)
        if row.get("analyte") == analyte and not row.get("not_done") and row.get("value") is not None
        and ctx.in_screening_window(row.get("sample_date"))
    ]
    return [row for _day, _index, row in sorted(rows, key=lambda t: (t[0], t[1]))]


def screening_lab(snapshot, ctx, analyte) -> LabValue:
    """The latest screening result of the analyte, or MissingData/BadData naming labs.<analyte>."""
    label = label_of(analyte)
    rows = screening_rows(snapshot, ctx, analyte)
    if not rows:
        others = sum(1 for row in snapshot.labs if row.get("analyte") == analyte)
        hint = f" ({others} result(s) outside the screening window or not done)" if others else ""
        raise MissingData(f"No screening {label} result{hint}.", f"labs.{analyte}")
    row = rows[-1]
    unit = row.get("unit") or ""
    try:
        canonical = to_canonical(analyte, row["value"], unit)
    except (UnitError, ValueError) as error:
        raise BadData(f"{label}{on(row['sample_date'])} cannot be used: {error}.", f"labs.{analyte}") from None
    entry = ANALYTES[analyte]
    return LabValue(
        analyte, label, canonical, UNIT_LABELS.get(entry.canonical_unit, entry.canonical_unit),
        row["value"], unit, row.get("uln"), row["sample_date"], row.get("uln_unit") or "",
    )


def lab_at_least(snapshot, ctx, analyte, minimum, unit_text):
    """Lab value ≥ minimum (canonical unit)."""
    lab = screening_lab(snapshot, ctx, analyte)
    ev = (lab.evidence(), Evidence("Threshold", f"≥ {fmt(minimum)}", unit_text))
    if lab.value >= minimum:
        return passed(f"{lab.text()} is at least {fmt(minimum)} {unit_text}.", *ev)
    return failed(f"{lab.text()} is below {fmt(minimum)} {unit_text}.", *ev)


def lab_uln_at_most(snapshot, ctx, analyte, max_uln):
    """Lab value ≤ max_uln × the ULN reported with it."""
    lab = screening_lab(snapshot, ctx, analyte)
    ratio = lab.times_uln()
    ev = (lab.evidence(), Evidence("× ULN", num(ratio)), Evidence("Threshold", f"≤ {fmt(max_uln)} × ULN"))
    if ratio <= max_uln:
        return passed(f"{lab.text()} is {fmt(ratio, 2)} × ULN, within {fmt(max_uln)} × ULN.", *ev)
    return failed(f"{lab.text()} is {fmt(ratio, 2)} × ULN, above {fmt(max_uln)} × ULN.", *ev)


def screening_window_evidence(ctx):
    end = ctx.window_end
    return Evidence(
        "Screening window", f"{fmt(ctx.consent)} to {fmt(end)}" if ctx.consent and end else "unknown",
        note=f"consent date to SCR + {protocol.SCREENING_WINDOW_DAYS} days",
    )


def screening_dated(snapshot, ctx, key, field, what):
    """A section's assessment/sample date, which must lie in the screening window."""
    day = snapshot.section(key).get(field)
    if day is None:
        raise MissingData(f"The {what} date is not recorded.", f"{key}.{field}")
    require_screening_window(ctx)
    if not ctx.in_screening_window(day):
        raise MissingData(
            f"The {what} of {fmt(day)} is not within the screening window.", f"{key}.{field}",
            evidence=[screening_window_evidence(ctx)],
        )
    return day


def dated_in_screening(snapshot, ctx, key, field, what):
    """The same as a verdict, so a missing date and missing values are named together."""
    day = screening_dated(snapshot, ctx, key, field, what)
    # Evidence only: the reason line is left to the values assessed on that date.
    return passed("", Evidence(what[0].upper() + what[1:], fmt(day), date=day))
