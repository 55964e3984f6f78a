"""The plain, database-free picture of one screening record that the rules read.

Built from the database by `screening.checklist.snapshots.build_snapshot` (a fixed number of
queries); built by hand in tests. Normalised values:
- yes/no questions: True / False, and None when unanswered or "unknown";
- test results: the choice code ("positive", "negative", "detected", ...), None when blank
  ("not_done" is kept as given so the evidence can say so; rules treat it as missing);
- numbers: float (or int for grades), None when blank; dates: datetime.date or None.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

ROW_KEYS = ("medications", "labs", "pfts", "mrss", "bvas_items", "events", "pap_readings", "malignancies",
            "hbv_dna_tests", "cell_therapies")


@dataclass(frozen=True)
class Snapshot:
    # ScreeningRecord fields: screening_number, sex ("F"/"M"), date_of_birth, indication
    # ("SLE"/"AAV"/"IIM"/"DCSSC"), screening_date, consent_date, consent_version,
    # planned_ld_date, actual_ld_date; and, read by no rule but covered by the digest (so by a
    # signature), the subject's identity: initials and rescreen_of (the earlier screening number).
    record: Mapping[str, Any]
    # section key -> field name -> value; a section never saved is {}.
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    medications: tuple = ()
    labs: tuple = ()
    pfts: tuple = ()
    mrss: tuple = ()
    bvas_items: tuple = ()
    events: tuple = ()
    pap_readings: tuple = ()  # earlier pulmonary artery pressure readings (organ section)
    malignancies: tuple = ()  # history section: type, diagnosis and last treatment dates, status (EXC-08)
    hbv_dna_tests: tuple = ()  # infection section: result, value, unit, lower limit (EXC-12)
    cell_therapies: tuple = ()  # history section: kind, product, date (EXC-10a)
    # When a contested answer was given: "section.field" -> {"at": datetime (UTC), "reason": the
    # reason recorded with that change}. Read from the history, only for the answers of a
    # coordinator / investigator pair that disagree (criteria/infections.ANSWER_PAIRS); {} else.
    answered: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, key):
        return self.sections.get(key) or {}

    def as_data(self):
        data = {
            "record": dict(self.record),
            "sections": {k: dict(v) for k, v in sorted(self.sections.items())},
            **{key: [dict(row) for row in getattr(self, key)] for key in ROW_KEYS},
        }
        if self.answered:  # only when a pair disagrees: every other digest is unchanged
            data["answered"] = {path: dict(when) for path, when in sorted(self.answered.items())}
        return data

    def digest(self):
        """SHA-256 of the canonical JSON form: what a signature is bound to."""
        text = json.dumps(self.as_data(), sort_keys=True, default=_json_default, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
