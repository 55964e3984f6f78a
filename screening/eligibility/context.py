"""Reference dates every rule counts from (checklist: Conventions, Two checkpoints)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from . import protocol


@dataclass(frozen=True)
class Context:
    indication: str | None
    scr: date | None  # screening visit date
    consent: date | None
    ld: date | None  # lymphodepletion reference: actual, else planned, else SCR
    ld_source: str  # "actual", "planned", "screening" or "" when there is no date at all

    @property
    def ld_provisional(self) -> bool:
        # Only the actual LD date makes the LD-relative criteria final.
        return self.ld_source != "actual"

    @property
    def ld_note(self) -> str:
        return {
            "actual": protocol.LD_ACTUAL_NOTE,
            "planned": protocol.LD_PLANNED_NOTE,
        }.get(self.ld_source, protocol.LD_SCREENING_NOTE)

    @property
    def window_end(self) -> date | None:
        """Last day a screening sample may be dated."""
        if self.scr is None:
            return None
        return self.scr + timedelta(days=protocol.SCREENING_WINDOW_DAYS)

    def in_screening_window(self, day: date | None) -> bool:
        return (
            day is not None and self.consent is not None and self.scr is not None
            and self.consent <= day <= self.window_end
        )


def _date(value):
    return value if isinstance(value, date) else None


def build_context(snapshot) -> Context:
    record = snapshot.record if isinstance(snapshot.record, Mapping) else {}
    scr = _date(record.get("screening_date"))
    actual, planned = _date(record.get("actual_ld_date")), _date(record.get("planned_ld_date"))
    if actual:
        ld, source = actual, "actual"
    elif planned:
        ld, source = planned, "planned"
    elif scr:
        ld, source = scr, "screening"
    else:
        ld, source = None, ""
    return Context(
        indication=record.get("indication") or None,
        scr=scr,
        consent=_date(record.get("consent_date")),
        ld=ld,
        ld_source=source,
    )
