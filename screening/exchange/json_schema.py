"""JSON Schema of the exchange format, generated from the models so it cannot drift."""

from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)

from ..crf.sections import BY_KEY, ROW_MODELS, SECTION_RELATIONS, data_fields
from ..models import ScreeningRecord
from .format import FORMAT, RECORD_VALUE_FIELDS, fixed_unit


def field_schema(field):
    kind = field.get_internal_type()
    if kind == "DateField":
        schema = {"type": ["string", "null"], "format": "date"}
    elif kind in ("DecimalField", "FloatField"):
        schema = {"type": ["number", "null"]}
    elif kind in ("PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField"):
        schema = {"type": ["integer", "null"], "minimum": 0}
    elif kind == "BooleanField":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string"}
        if field.max_length:
            schema["maxLength"] = field.max_length
    if field.choices:
        schema["enum"] = [code for code, _ in field.flatchoices] + ([""] if field.blank else [])
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            schema["minimum"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            schema["maximum"] = validator.limit_value
        elif isinstance(validator, MaxLengthValidator):
            schema["maxLength"] = validator.limit_value
    schema["title"] = str(field.verbose_name)
    if field.help_text:
        schema["description"] = str(field.help_text)
    unit = fixed_unit(field)
    if unit:
        wrapped = {
            "type": "object",
            "properties": {"value": {k: v for k, v in schema.items() if k not in ("title", "description")},
                           "unit": {"const": unit}},
            "required": ["value"],
            "additionalProperties": False,
        }
        schema = {"title": schema["title"], "oneOf": [wrapped, {k: v for k, v in schema.items() if k != "title"}]}
    return schema


def object_schema(fields):
    return {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "additionalProperties": False,
    }


def schema():
    record_fields = [ScreeningRecord._meta.get_field(n) for n in RECORD_VALUE_FIELDS]
    sections = {key: object_schema(data_fields(BY_KEY[key].model)) for key in SECTION_RELATIONS}
    rows = {key: {"type": "array", "items": object_schema(data_fields(model))} for key, model in ROW_MODELS.items()}
    record = {
        "type": "object",
        "properties": {
            "screening_number": {"type": "string", "pattern": "^[A-Za-z0-9]+-[0-9]{4,}$"},
            "site": {"type": "string"},
            "record": {**object_schema(record_fields), "required": ["initials", "sex", "date_of_birth", "indication", "screening_date"]},
            "sections": {"type": "object", "properties": sections, "additionalProperties": False},
            **rows,
            "eligibility": {"type": "object", "description": "Computed on export; ignored on import."},
            "signatures": {"type": "array", "description": "Exported state; ignored on import."},
            "queries": {"type": "array", "description": "Queries and their threads, exported; ignored on import."},
            "sdv": {"type": "array", "description": "Source data verification marks, exported; ignored on import."},
        },
        "required": ["record"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "trialsite screening records",
        "type": "object",
        "properties": {"format": {"const": FORMAT}, "records": {"type": "array", "items": record}},
        "required": ["records"],
    }
