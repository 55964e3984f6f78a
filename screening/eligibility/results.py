"""What an evaluation returns: a status per criterion, its evidence, and the overall verdict.

Plain frozen dataclasses with `to_dict()` giving JSON-ready data (dates as ISO text,
statuses as their names), so the view, the JSON endpoint and the logs share one form.
"""

from dataclasses import dataclass, field
from datetime import date as Date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from .messages import messages_of


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    INCOMPLETE = "INCOMPLETE"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    AWAITING_INVESTIGATOR = "AWAITING_INVESTIGATOR"

    def __str__(self):  # templates and f-strings show the bare name
        return self.value


ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE = "ELIGIBLE", "NOT_ELIGIBLE", "INCOMPLETE"


def _plain(value: Any) -> Any:
    """A JSON-ready form of an evidence value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Date):
        return value.isoformat()
    if isinstance(value, (Fraction, Decimal)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)  # a Message as its English text; its structure goes in "i18n"
    return value


@dataclass(frozen=True)
class Evidence:
    label: str
    value: Any
    unit: str = ""
    date: Date | None = None
    note: str = ""

    def __post_init__(self):
        # Exact numbers (Fraction, Decimal) are shown and serialised as floats.
        if isinstance(self.value, (Fraction, Decimal)):
            object.__setattr__(self, "value", float(self.value))

    def to_dict(self):
        data = {
            "label": str(self.label),
            "value": _plain(self.value),
            "unit": str(self.unit),
            "date": self.date.isoformat() if self.date else None,
            "note": str(self.note),
        }
        i18n = messages_of(label=self.label, value=self.value, unit=self.unit, note=self.note)
        if i18n:  # the translatable form of the English texts above (screening.eligibility.messages)
            data["i18n"] = i18n
        return data


@dataclass(frozen=True)
class CriterionResult:
    id: str
    group: str  # "general", an indication code, or "exclusion"
    text: str
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()  # "section.field" paths the UI links to
    provisional: bool = False
    note: str = ""

    def to_dict(self):
        data = {
            "id": self.id,
            "group": self.group,
            "text": str(self.text),
            "status": self.status.value,
            "reason": str(self.reason),
            "evidence": [e.to_dict() for e in self.evidence],
            "missing": list(self.missing),
            "provisional": self.provisional,
            "note": str(self.note),
        }
        i18n = messages_of(text=self.text, reason=self.reason, note=self.note)
        if i18n:  # {"text"/"reason"/"note": {"id": msgid, "params": {...}}}: what the display translates
            data["i18n"] = i18n
        return data


def overall_status(results) -> str:
    """The checklist's rule: any FAIL → NOT_ELIGIBLE; else any INCOMPLETE or
    AWAITING_INVESTIGATOR → INCOMPLETE; else ELIGIBLE."""
    statuses = {r.status for r in results}
    if Status.FAIL in statuses:
        return NOT_ELIGIBLE
    if statuses & {Status.INCOMPLETE, Status.AWAITING_INVESTIGATOR}:
        return INCOMPLETE
    return ELIGIBLE


def count_statuses(results) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for r in results:
        counts[r.status.value] += 1
    return counts


@dataclass(frozen=True)
class Evaluation:
    results: tuple[CriterionResult, ...]
    overall: str
    counts: dict[str, int] = field(default_factory=dict)  # status name -> number of criteria

    @classmethod
    def of(cls, results):
        results = tuple(results)
        return cls(results, overall_status(results), count_statuses(results))

    def by_id(self, criterion_id: str) -> CriterionResult:
        for r in self.results:
            if r.id == criterion_id:
                return r
        raise KeyError(criterion_id)

    def to_dict(self):
        return {
            "overall": self.overall,
            "counts": dict(self.counts),
            "results": [r.to_dict() for r in self.results],
        }
