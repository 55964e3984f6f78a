"""The data dictionary, generated from the models so it cannot drift.

REDCap-style columns: one row per CRF field.
"""

import csv
import datetime

from django.core.validators import MaxValueValidator, MinValueValidator

from ..eligibility.engine import evaluate
from ..eligibility.snapshot import Snapshot
from ..values import unit_of
from ..vocabulary import INDICATIONS
from .sections import ROW_MODELS, SECTION_RELATIONS, SECTIONS, data_fields, fieldset_of

COLUMNS = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Unit", "Indication", "Repeating", "Criteria",
]

TYPES = {
    "CharField": "text", "TextField": "notes", "DateField": "text", "DecimalField": "text",
    "PositiveSmallIntegerField": "text", "PositiveIntegerField": "text", "BooleanField": "yesno",
    "ForeignKey": "text",
}
VALIDATION = {"DateField": "date_ymd", "DecimalField": "number", "PositiveSmallIntegerField": "integer"}


def _bounds(field):
    low = high = ""
    for v in field.validators:
        if isinstance(v, MinValueValidator):
            low = v.limit_value
        if isinstance(v, MaxValueValidator):
            high = v.limit_value
    if field.get_internal_type() == "PositiveSmallIntegerField" and low == "":
        low = 0
    return low, high


def _unit(field):
    return unit_of(field)  # on the field, not read out of its help text


def criteria_by_field():
    """Which criteria name each field when it is missing: read off the engine itself,
    by evaluating an empty record of each indication, so the column cannot drift."""
    day = datetime.date(2026, 1, 1)
    uses = {}
    for indication in INDICATIONS:
        for sex in ("F", "M"):
            record = {"indication": indication, "sex": sex, "screening_date": day, "consent_date": day,
                      "date_of_birth": datetime.date(1980, 1, 1), "consent_version": "v1"}
            for snapshot in (Snapshot(record=record), Snapshot(record={"indication": indication})):
                for result in evaluate(snapshot).results:
                    for path in result.missing:
                        uses.setdefault(path, set()).add(result.id)
    by_model = {}
    relations = {**{k: k for k in SECTION_RELATIONS}, "record": "record"}
    for path, ids in uses.items():
        head, _, name = path.partition(".")
        by_model.setdefault((relations.get(head, head), name), set()).update(ids)
    return by_model


def _criteria(uses, section_key, repeating, field_name, model):

    if model._meta.model_name == "screeningrecord":
        key = "record"
    elif repeating:
        key = next((k for k, m in ROW_MODELS.items() if m is model), section_key)
    else:
        key = next((k for k, rel in SECTION_RELATIONS.items() if rel == model._meta.model_name), section_key)
    if repeating:  # rows are missed as a whole ("labs.hb", "medications")
        ids = set().union(*[v for (head, _), v in uses.items() if head == key])
    else:
        ids = uses.get((key, field_name), set())
    return " ".join(sorted(ids))


def rows():
    uses = criteria_by_field()
    seen = set()
    for section in SECTIONS:
        parts = [(section.model, False)] if section.model else []
        parts += [(r.model, True) for r in section.rows]
        for model, repeating in parts:
            if model in seen:
                continue
            seen.add(model)
            form_name = section.key if not repeating else f"{section.key}_{model._meta.model_name}"
            for field in data_fields(model):
                kind = field.get_internal_type()
                choices = " | ".join(f"{code}, {label}" for code, label in field.flatchoices) if field.choices else ""
                low, high = _bounds(field)
                yield {
                    "Variable / Field Name": f"{model._meta.model_name}.{field.name}",
                    "Form Name": form_name,
                    "Section Header": fieldset_of(section, field.name) or "",
                    "Field Type": "dropdown" if field.choices else TYPES.get(kind, "text"),
                    "Field Label": str(field.verbose_name),
                    "Choices, Calculations, OR Slider Labels": choices,
                    "Field Note": str(field.help_text or ""),
                    "Text Validation Type OR Show Slider Number": VALIDATION.get(kind, ""),
                    "Text Validation Min": low,
                    "Text Validation Max": high,
                    "Unit": _unit(field),
                    "Indication": INDICATIONS.get(section.indication, "All") if section.indication else "All",
                    "Repeating": "yes" if repeating else "no",
                    "Criteria": _criteria(uses, section.key, repeating, field.name, model),
                }


def write_csv(out):
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows():
        writer.writerow(row)
