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
from ..messages import Message, _, join, styled
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
        notes = []
        if self.raw_unit != canonical:
            notes.append(_("reported as {value} {unit} (× {factor})", value=fmt(self.raw),
                           unit=UNIT_LABELS.get(self.raw_unit, self.raw_unit),
                           factor=fmt(float(factor_of(self.analyte, self.raw_unit)))))
        if note:
            notes.append(note)
        if self.uln is not None:
            limit = {"uln": fmt(self.uln), "unit": UNIT_LABELS.get(self.limit_unit, self.limit_unit)}
            uln = _("ULN {uln} {unit}", **limit)
            if self.limit_unit != canonical:
                try:
                    uln = _("ULN {uln} {unit} = {converted} {canonical}", **limit, canonical=self.unit,
                            converted=fmt(to_canonical(self.analyte, self.uln, self.limit_unit)))
                except (UnitError, ValueError):
                    pass
            notes.append(uln)
        note = join(notes, sep="; ") if len(notes) > 1 else notes[0] if notes else ""
        return Evidence(self.label, num(self.value), self.unit, self.day, note)

    def times_uln(self) -> float:
        """The reported value as a multiple of the ULN the lab reported with it."""
        if self.uln is None:
            raise MissingData(
                _("{label}{on_day} has no upper limit of normal.", label=self.label, on_day=on(self.day)),
                f"labs.{self.analyte}",
                evidence=[self.evidence()],
            )
        try:
            plausible = limit_plausible(self.analyte, self.uln, self.limit_unit, "uln")
            if not plausible:
                # Saved before limits were checked: never a ratio against a limit in the wrong unit.
                unit_text = UNIT_LABELS.get(self.limit_unit, self.limit_unit)
                guess = likely_units(self.analyte, self.uln, self.limit_unit, "uln")
                hint = _("; did you mean {unit}?", unit=UNIT_LABELS.get(guess[0], guess[0])) if guess else ""
                raise BadData(
                    _("{label}{on_day}: ULN {uln} {unit} is not a plausible upper limit{hint}", label=self.label,
                      on_day=on(self.day), uln=fmt(self.uln), unit=unit_text, hint=hint),
                    f"labs.{self.analyte}", evidence=[self.evidence()])
            return times_uln_of(self.analyte, self.raw, self.raw_unit, self.uln, self.uln_unit)
        except (UnitError, ValueError) as error:
            raise BadData(_("{label}{on_day}: {error}.", label=self.label, on_day=on(self.day), error=str(error)),
                          f"labs.{self.analyte}") from None

    def text(self):
        return _("{label} {value} {unit}{on_day}", label=self.label, value=fmt(self.value), unit=self.unit,
                 on_day=on(self.day))


def factor_of(analyte, unit):
    return to_canonical(analyte, 1, unit)


def label_of(analyte):
    return Message(ANALYTES[analyte].label)


def require_screening_window(ctx):
    """Screening samples need both the consent date and SCR."""
    gaps = []
    if ctx.consent is None:
        gaps.append("record.consent_date")
    if ctx.scr is None:
        gaps.append("record.screening_date")
    if gaps:
        raise MissingData(_("Screening samples cannot be identified without the consent and screening dates."), *gaps)


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
        hint = _(" ({others} result(s) outside the screening window or not done)", others=others) if others else ""
        raise MissingData(_("No screening {label} result{hint}.", label=label, hint=hint), f"labs.{analyte}")
    row = rows[-1]
    unit = row.get("unit") or ""
    try:
        canonical = to_canonical(analyte, row["value"], unit)
    except (UnitError, ValueError) as error:
        raise BadData(_("{label}{on_day} cannot be used: {error}.", label=label, on_day=on(row["sample_date"]),
                        error=str(error)), f"labs.{analyte}") from None
    entry = ANALYTES[analyte]
    return LabValue(
        analyte, label, canonical, UNIT_LABELS.get(entry.canonical_unit, entry.canonical_unit),
        row["value"], unit, row.get("uln"), row["sample_date"], row.get("uln_unit") or "",
    )


def lab_at_least(snapshot, ctx, analyte, minimum, unit_text):
    """Lab value ≥ minimum (canonical unit)."""
    lab = screening_lab(snapshot, ctx, analyte)
    ev = (lab.evidence(), Evidence(_("Threshold"), f"≥ {fmt(minimum)}", unit_text))
    words = {"text": lab.text(), "minimum": fmt(minimum), "unit": unit_text}
    if lab.value >= minimum:
        return passed(_("{text} is at least {minimum} {unit}.", **words), *ev)
    return failed(_("{text} is below {minimum} {unit}.", **words), *ev)


def lab_uln_at_most(snapshot, ctx, analyte, max_uln):
    """Lab value ≤ max_uln × the ULN reported with it."""
    lab = screening_lab(snapshot, ctx, analyte)
    ratio = lab.times_uln()
    ev = (lab.evidence(), Evidence(_("× ULN"), num(ratio)),
          Evidence(_("Threshold"), _("≤ {max_uln} × ULN", max_uln=fmt(max_uln))))
    words = {"text": lab.text(), "ratio": fmt(ratio, 2), "max_uln": fmt(max_uln)}
    if ratio <= max_uln:
        return passed(_("{text} is {ratio} × ULN, within {max_uln} × ULN.", **words), *ev)
    return failed(_("{text} is {ratio} × ULN, above {max_uln} × ULN.", **words), *ev)


def screening_window_evidence(ctx):
    end = ctx.window_end
    return Evidence(
        _("Screening window"),
        _("{start} to {end}", start=fmt(ctx.consent), end=fmt(end)) if ctx.consent and end else _("unknown"),
        note=_("consent date to SCR + {days} days", days=protocol.SCREENING_WINDOW_DAYS),
    )


def screening_dated(snapshot, ctx, key, field, what):
    """A section's assessment/sample date, which must lie in the screening window."""
    day = snapshot.section(key).get(field)
    if day is None:
        raise MissingData(_("The {what} date is not recorded.", what=what), f"{key}.{field}")
    require_screening_window(ctx)
    if not ctx.in_screening_window(day):
        raise MissingData(
            _("The {what} of {day} is not within the screening window.", what=what, day=fmt(day)), f"{key}.{field}",
            evidence=[screening_window_evidence(ctx)],
        )
    return day


def dated_in_screening(snapshot, ctx, key, field, what):
    """The same as a verdict, so a missing date and missing values are named together."""
    day = screening_dated(snapshot, ctx, key, field, what)
    # Evidence only: the reason line is left to the values assessed on that date.
    return passed("", Evidence(styled(what, "upper_first"), fmt(day), date=day))
