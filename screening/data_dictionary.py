"""The data dictionary, generated from the models so it cannot drift.

REDCap-style columns: one row per CRF field.
"""

import csv

from django.core.validators import MaxValueValidator, MinValueValidator

from .sections import SECTIONS, data_fields, fieldset_of
from .vocabulary import INDICATIONS

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
    text = str(field.help_text or "")
    if ";" in text and "–" in text:
        return text.split("(")[-1].split(";")[0].strip()
    return ""


def rows():
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
                    "Criteria": "",
                }


def write_csv(out):
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows():
        writer.writerow(row)
