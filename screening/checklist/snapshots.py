"""Build the eligibility snapshot of a record from the database, in a fixed
number of queries whatever the number of rows or history entries: one for the
record joined to its sections, one per row table its indication can hold, and, only
when a coordinator's answer and the investigator's judgement of it disagree
(eligibility/criteria/infections.ANSWER_PAIRS), one per section of the pair for the
times of the two answers (answer_times)."""

from datetime import timezone
from decimal import Decimal
from functools import cache

from ..crf.sections import (
    BY_KEY,
    ROW_MODELS,
    SECTION_RELATIONS,
    SNAPSHOT_KEYS,
    data_fields,
)
from ..eligibility.criteria.infections import ANSWER_PAIRS, contested_paths
from ..eligibility.snapshot import Snapshot
from ..models import (
    ScreeningRecord,
)
from ..models import fields as answers

UTC = timezone.utc
_PAIRED = tuple(dict.fromkeys(path for pair in ANSWER_PAIRS for path in pair))
RECORD_FIELDS = (
    "screening_number", "sex", "date_of_birth", "indication", "screening_date", "consent_date",
    "consent_version", "planned_ld_date", "actual_ld_date",
)
def normalise(field, value):
    return _normalised(_kind(field), value)


_ANSWERS = {answers.YES: True, answers.NO: False}


def _normalised(kind, value):
    if value is None:
        return None
    if kind == "answer":
        return _ANSWERS.get(value)
    if isinstance(value, Decimal):
        return float(value)
    if value == "" and kind == "coded":
        return None
    return value


@cache
def _readers(model):
    """(name, attname, kind) of each CRF field of a model: its kind found once, not per value
    (hashing a Field to look its kind up costs more than normalising the value)."""
    return tuple((f.name, f.attname, _kind(f)) for f in data_fields(model))


@cache
def _kind(field):
    """Yes / No / Unknown answers become True / False / None; a blank code is None."""
    choices = {c for c, _ in field.choices} if field.choices else set()
    if choices == {answers.YES, answers.NO, answers.UNKNOWN}:
        return "answer"
    if field.choices and field.get_internal_type() == "CharField":
        return "coded"
    return ""


def _values(instance, fields):
    return {f.name: normalise(f, getattr(instance, f.name)) for f in fields}


def _section_values(instance):
    return {name: _normalised(kind, getattr(instance, attname)) for name, attname, kind in _readers(type(instance))}


def _rows(model, pk):
    readers = _readers(model)
    # Tuples, not model instances: a record can have dozens of rows.
    found = model.objects.filter(record_id=pk).order_by("pk").values_list(*(a for _, a, _ in readers))
    return tuple({name: _normalised(kind, v) for (name, _, kind), v in zip(readers, row)} for row in found)


def _rows_of_many(model, pks):
    """{record pk: rows} of many records in one query, each record's rows in the order _rows gives."""
    readers = _readers(model)
    found = model.objects.filter(record_id__in=pks).order_by("record_id", "pk").values_list(
        "record_id", *(a for _, a, _ in readers))
    rows = {}
    for record_id, *values in found:
        rows.setdefault(record_id, []).append({name: _normalised(kind, v) for (name, _, kind), v in zip(readers, values)})
    return {pk: tuple(found) for pk, found in rows.items()}


def _of_indication(key, indication):
    """Whether snapshot key `key` can hold data for this indication: the forms and
    the import offer an indication's own sections and rows to no other, and the
    indication cannot change once recorded (RecordForm)."""
    own = BY_KEY[SNAPSHOT_KEYS[key]].indication
    return own is None or indication is None or own == indication


def build_snapshot(record_or_pk):
    pk = getattr(record_or_pk, "pk", record_or_pk)
    indication = getattr(record_or_pk, "indication", None)  # known without a query when given a record
    relations = [r for k, r in SECTION_RELATIONS.items() if _of_indication(k, indication)]
    record = ScreeningRecord.objects.select_related("rescreen_of", *relations).get(pk=pk)
    if indication is not None and record.indication != indication:
        return build_snapshot(pk)  # a stale instance: read everything
    return snapshot_of(record), record


def _sections_of(record):
    sections = {}
    for key, relation in SECTION_RELATIONS.items():
        if not _of_indication(key, record.indication):
            continue
        instance = getattr(record, relation, None)
        if instance is not None:
            sections[key] = _section_values(instance)
    return sections


def snapshot_of(record, rows=None, answered=None):
    """The snapshot of a record read with its indication's sections (select_related).
    `rows`: {snapshot key: rows} already read (build_snapshots); else read here.
    `answered`: the times of its contested answers already read (build_snapshots); else read
    here, only when a coordinator / investigator pair disagrees (one query per section)."""
    sections = _sections_of(record)
    if rows is None:
        rows = {key: _rows(model, record.pk) if _of_indication(key, record.indication) else ()
                for key, model in ROW_MODELS.items()}
    if answered is None:
        paths = contested_paths(sections)
        answered = answer_times({record.pk: paths}).get(record.pk, {}) if paths else {}
    return Snapshot(record=record_values(record), sections=sections, answered=answered, **rows)


def _contested(record):
    """contested_paths of a record read with its sections, reading only the paired answers."""
    sections = {}
    for path in _PAIRED:
        key, _, name = path.partition(".")
        instance = getattr(record, SECTION_RELATIONS[key], None) if _of_indication(key, record.indication) else None
        if instance is not None:
            sections.setdefault(key, {})[name] = _ANSWERS.get(getattr(instance, name))
    return contested_paths(sections)


def answer_times(paths_by_pk):
    """{record pk: {"section.field": {"at": ..., "reason": ...}}} from the history, one query per
    section named, whatever the number of records or history rows. For a CRF answer, when its
    current value was entered (UTC) and the reason given with that change; for an investigator's
    judgement, the last save of the judgement page while it held its current value (saving the page,
    even unchanged with a reason, confirms every answer on it: crf/views.section_edit), and that
    save's reason."""
    by_section = {}
    for pk, paths in paths_by_pk.items():
        for path in paths:
            key, _, name = path.partition(".")
            by_section.setdefault(key, {}).setdefault(name, set()).add(pk)
    found = {}
    for key, names in by_section.items():
        section = BY_KEY[SNAPSHOT_KEYS[key]]
        history, judgement = section.model.history.model, section.judgement
        pks = set().union(*names.values())
        fields = sorted(names)
        entries = history.objects.filter(record_id__in=pks).order_by("record_id", "history_date", "history_id")
        last = {}
        for record_id, when, kind, reason, *values in entries.values_list(
                "record_id", "history_date", "history_type", "history_change_reason", *fields):
            if kind == "-":
                continue
            for name, value in zip(fields, values):
                if record_id not in names[name]:
                    continue
                seen = last.get((record_id, name))
                if seen is None or seen[0] != value or judgement:
                    last[(record_id, name)] = (value, when, reason or "")
        for (record_id, name), (_value, when, reason) in last.items():
            found.setdefault(record_id, {})[f"{key}.{name}"] = {"at": when.astimezone(UTC), "reason": reason}
    return found


def build_snapshots(pks):
    """[(snapshot, record)] of many records, in pk order, each exactly as build_snapshot
    gives it, in a fixed number of queries per call (one per indication present and
    one per row table), whatever the number of records: for bulk re-evaluation."""
    pks = list(pks)
    indications = ScreeningRecord.objects.filter(pk__in=pks).order_by().values_list("indication", flat=True).distinct()
    records = []
    for indication in sorted(set(indications), key=str):
        relations = [r for k, r in SECTION_RELATIONS.items() if _of_indication(k, indication)]
        records += ScreeningRecord.objects.select_related("rescreen_of", *relations).filter(
            pk__in=pks, indication=indication)
    records.sort(key=lambda r: r.pk)
    rows = {}
    for key, model in ROW_MODELS.items():
        wanted = [r.pk for r in records if _of_indication(key, r.indication)]
        rows[key] = _rows_of_many(model, wanted) if wanted else {}
    contested = {r.pk: paths for r in records if (paths := _contested(r))}
    answered = answer_times(contested) if contested else {}
    return [(snapshot_of(r, {key: rows[key].get(r.pk, ()) for key in ROW_MODELS}, answered.get(r.pk, {})), r)
            for r in records]


def record_values(record):
    """The record's fields in the snapshot: those the rules read, and the subject's identity.
    The rules read no initials nor re-screening link, but a signature covers them: changing
    them invalidates it (docs/signatures.md). Sex, date of birth and indication are rule
    fields already; the earlier record of a re-screening is named by its screening number."""
    values = {name: getattr(record, name) for name in RECORD_FIELDS}
    values["initials"] = record.initials
    values["rescreen_of"] = record.rescreen_of.screening_number if record.rescreen_of_id else None
    return values


def section_instance(record, section):
    """The saved instance of a one-per-record section, or None."""
    if section.model is None:
        return None
    if section.model is ScreeningRecord:
        return record
    return section.model.objects.filter(record=record).first()


__all__ = ["build_snapshot", "build_snapshots", "section_instance", "BY_KEY"]
