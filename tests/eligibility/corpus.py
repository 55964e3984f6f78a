"""Snapshots whose English evaluation is kept in english_corpus.json (made on main before the
engine texts became messages): tests/eligibility/test_messages.py compares every text with it.

Each indication's complete snapshot, then one change at a time: a section dropped, each
field of a section blank or flipped, each lab removed, far out of range, in an unknown unit,
without its ULN or outside the screening window, and record fields blank or changed.
"""

from datetime import date, timedelta

from .builders import DEFAULT_LABS, IIM_LABS, INDICATIONS, SCR, build, months

SECTION_KEYS = {"SLE": "sle", "AAV": "aav", "IIM": "iim", "DCSSC": "ssc"}
COMMON = ("organ", "infection", "reproductive", "history", "judgement")


def _flipped(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 10 + 1
    if isinstance(value, date):
        return value - timedelta(days=400)
    if value == "negative":
        return "positive"
    if value == "positive":
        return "negative"
    if isinstance(value, str):
        return "unknown"
    return None  # a blank field: its "blank" case is the change


def cases():
    """(name, snapshot) pairs, in a fixed order."""
    for indication in INDICATIONS:
        base = build(indication)
        yield f"{indication}", base
        for key in (*COMMON, SECTION_KEYS[indication]):
            yield f"{indication} without {key}", build(indication, drop_sections=(key,))
            for field, value in sorted(base.section(key).items()):
                yield f"{indication} {key}.{field} blank", build(indication, **{key: {field: None}})
                if _flipped(value) is not None:
                    yield f"{indication} {key}.{field} changed", build(indication, **{key: {field: _flipped(value)}})
        analytes = sorted({**DEFAULT_LABS, **(IIM_LABS if indication == "IIM" else {})})
        for analyte in analytes:
            yield f"{indication} no {analyte}", build(indication, labs={analyte: None})
            row = {**DEFAULT_LABS, **IIM_LABS}[analyte]
            yield f"{indication} {analyte} high", build(indication, labs={analyte: {"value": row["value"] * 40}})
            yield f"{indication} {analyte} low", build(indication, labs={analyte: {"value": row["value"] / 40}})
            yield f"{indication} {analyte} bad unit", build(indication, labs={analyte: {"unit": "furlongs"}})
            yield f"{indication} {analyte} no ULN", build(indication, labs={analyte: {"uln": None}})
            yield f"{indication} {analyte} old", build(indication, labs={analyte: {"sample_date": months(-3)}})
        for field, value in (("sex", "M"), ("sex", None), ("date_of_birth", date(2010, 1, 1)),
                             ("date_of_birth", None), ("screening_date", None), ("consent_date", None),
                             ("consent_date", SCR + timedelta(days=3)), ("consent_version", None),
                             ("indication", None), ("actual_ld_date", SCR + timedelta(days=20)),
                             ("planned_ld_date", None)):
            yield f"{indication} record.{field}={value}", build(indication, record={field: value})
        yield f"{indication} no medications", build(indication, medications=[])
        yield f"{indication} no rows", build(indication, medications=[], pfts=[], mrss=[], bvas_items=[])
