"""Build the eligibility snapshot of a record from the database, in a fixed
number of queries whatever the number of rows or history entries: one for the
record joined to its sections, one per row table its indication can hold."""

from decimal import Decimal

from .eligibility.snapshot import Snapshot
from .models import fields as answers
from .models import (
    BvasItem, LabResult, Medication, MrssAssessment, PriorEvent, PulmonaryFunctionTest, ScreeningRecord,
)
from .sections import BY_KEY, SNAPSHOT_KEYS, data_fields

RECORD_FIELDS = (
    "screening_number", "sex", "date_of_birth", "indication", "screening_date", "consent_date",
    "consent_version", "planned_ld_date", "actual_ld_date",
)
SECTION_RELATIONS = {  # snapshot key -> reverse one-to-one accessor
    "organ": "organfunction",
    "infection": "infectionscreen",
    "reproductive": "reproductive",
    "history": "medicalhistory",
    "sle": "slesection",
    "aav": "aavsection",
    "iim": "iimsection",
    "ssc": "sscsection",
    "judgement": "judgement",
}
ROW_MODELS = {
    "medications": Medication,
    "labs": LabResult,
    "pfts": PulmonaryFunctionTest,
    "mrss": MrssAssessment,
    "bvas_items": BvasItem,
    "events": PriorEvent,
}


def normalise(field, value):
    if value is None:
        return None
    choices = {c for c, _ in field.choices} if field.choices else set()
    if choices == {answers.YES, answers.NO, answers.UNKNOWN}:
        return {answers.YES: True, answers.NO: False}.get(value)
    if isinstance(value, Decimal):
        return float(value)
    if value == "" and field.get_internal_type() == "CharField" and field.choices:
        return None
    return value


def _values(instance, fields):
    return {f.name: normalise(f, getattr(instance, f.name)) for f in fields}


def _of_indication(key, indication):
    """Whether snapshot key `key` can hold data for this indication: the forms and
    the import offer an indication's own sections and rows to no other, and the
    indication cannot change once recorded (RecordForm)."""
    own = BY_KEY[SNAPSHOT_KEYS[key]].indication
    return own is None or indication is None or own == indication


def build_snapshot(record_or_pk):
    pk = getattr(record_or_pk, "pk", record_or_pk)
    indication = getattr(record_or_pk, "indication", None)  # known without a query when given a record
    relations = {k: r for k, r in SECTION_RELATIONS.items() if _of_indication(k, indication)}
    record = ScreeningRecord.objects.select_related(*relations.values()).get(pk=pk)
    if indication is not None and record.indication != indication:
        return build_snapshot(pk)  # a stale instance: read everything
    sections = {}
    for key, relation in relations.items():
        instance = getattr(record, relation, None)
        if instance is not None:
            sections[key] = _values(instance, data_fields(type(instance)))
    rows = {}
    for key, model in ROW_MODELS.items():
        if not _of_indication(key, record.indication):
            rows[key] = ()
            continue
        fields = data_fields(model)
        rows[key] = tuple(_values(row, fields) for row in model.objects.filter(record_id=pk).order_by("pk"))
    return Snapshot(
        record={name: getattr(record, name) for name in RECORD_FIELDS},
        sections=sections,
        **rows,
    ), record


def section_instance(record, section):
    """The saved instance of a one-per-record section, or None."""
    if section.model is None:
        return None
    if section.model is ScreeningRecord:
        return record
    return section.model.objects.filter(record=record).first()


__all__ = ["build_snapshot", "section_instance", "BY_KEY"]
