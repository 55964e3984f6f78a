"""Snapshots whose English evaluation is kept in english_corpus.json: tests/eligibility/test_messages.py
compares every text with it, so a change of the engine's wording or of a message's rendering shows as a
failing case. Made on main before the engine texts became messages; after a deliberate change of a rule
or its wording, write it anew and read its diff before committing it:

    .venv/bin/python -m tests.eligibility.corpus

Each indication's complete snapshot, then one change at a time: a section dropped, each
field of a section blank or flipped, each lab removed, far out of range, in an unknown unit,
without its ULN or outside the screening window, and record fields blank or changed.
"""

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

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


CORPUS = Path(__file__).with_name("english_corpus.json")


def english(result):
    """A result's JSON form without its message structure: the English as stored."""
    data = result.to_dict()
    data.pop("i18n", None)
    data["evidence"] = [{k: v for k, v in e.items() if k != "i18n"} for e in data["evidence"]]
    return data


def result_hash(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def golden():
    """The corpus as english_corpus.json keeps it: each indication's base case in full, every other
    case as the hashes of the results that differ from its base, with the snapshot digest."""
    from screening.eligibility.engine import evaluate

    out = {"cases": {}, "base": {}}
    for name, snapshot in cases():
        evaluation = evaluate(snapshot)
        results = [english(r) for r in evaluation.results]
        indication = name.split(" ")[0]
        if name == indication:
            out["base"][indication] = results
        base = {r["id"]: result_hash(r) for r in out["base"][indication]}
        out["cases"][name] = {"digest": snapshot.digest(), "overall": evaluation.overall, "changed": {
            r["id"]: result_hash(r) for r in results if base[r["id"]] != result_hash(r)}}
    return out


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trialsite.settings")
    django.setup()
    CORPUS.write_text(json.dumps(golden(), ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    print(f"wrote {CORPUS}")
