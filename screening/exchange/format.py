"""The JSON exchange format of screening records (documented in docs/exchange-format.md).

One record:
    {"screening_number": "S01-0007",
     "record": {"initials": ..., "sex": ..., ...},
     "sections": {"organ": {"lvef": {"value": 60, "unit": "%"}, "ecg_abnormality": "no", ...}, ...},
     "labs": [{"analyte": "hb", "value": 118, "unit": "g/L", ...}], "medications": [...], ...}

Field names are the data dictionary's; yes/no questions carry their codes
("yes", "no", "unknown"), so "unknown" survives a round trip; measurements with a
fixed unit are {"value": v, "unit": u} (a bare number is accepted on import).
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

from ..crf.sections import ROW_MODELS, SECTION_RELATIONS, data_fields
from ..values import unit_of

FORMAT = "trialsite-screening/2"

# Keys of format 1 (CRF version 1) whose question embedded a window or a threshold. Their
# answers cannot be read as CRF version 2 data, so each is refused with what to give instead
# (docs/exchange-format.md, "Format 1 files").
RETIRED_FIELDS = {
    ("organ", "pap_over_60_past_year"): gettext_noop(
        "CRF version 1 question 'PAP > 60 mmHg in the year before screening' is no longer asked: give each "
        "reading with its date (pap_readings, and the screening echo's echo_pap) and pap_readings_complete"),
    ("history", "myocardial_infarction"): gettext_noop(
        "CRF version 1 question 'acute myocardial infarction within 6 months before screening' is no longer "
        "asked: give myocardial_infarction_ever and myocardial_infarction_date"),
    ("sle", "ana_entry"): gettext_noop(
        "CRF version 1 question 'ANA ≥ 1:80 ever' is no longer asked: give the result as reported in "
        "ana_test, ana_titre, ana_date and ana_lab_cutoff"),
    ("organ", "weight_kg"): gettext_noop(
        "CRF version 2 records the body weight as printed: give weight and weight_unit (\"kg\" or \"lb\") "
        "instead of weight_kg"),
    ("sle", "lupus_crisis"): gettext_noop(
        "CRF version 1 question 'lupus crisis within 3 months before screening' is no longer asked: give "
        "lupus_crisis_ever and lupus_crisis_date"),
    # CRF version 2, repeating rows where the source has several (issue 17): one answer became a row list.
    ("history", "malignancy_exception"): gettext_noop(
        "CRF version 1 question 'malignancy exception' is no longer asked: give each malignancy as a row of "
        "malignancies (kind, description, diagnosis_date, last_treatment_date, status)"),
    ("history", "malignancy_recovered"): gettext_noop(
        "CRF version 1 question 'malignancy recovered, no recurrence and no treatment needed' is no longer "
        "asked: give each malignancy's status in its row of malignancies"),
    ("history", "malignancy_last_treatment"): gettext_noop(
        "CRF version 1 question 'last treatment of the malignancy' is no longer asked: give each "
        "malignancy's last_treatment_date in its row of malignancies"),
    ("infection", "hbv_dna"): gettext_noop(
        "CRF version 1 answer 'HBV DNA' (detected / not detected) is no longer asked: give each result as a "
        "row of hbv_dna_tests (sample_date, result, value, unit, lloq)"),
}
def _record_value_fields():
    from ..models import ScreeningRecord

    # The link to an earlier record is a database id: it does not travel between systems.
    return [f.name for f in data_fields(ScreeningRecord) if f.name != "rescreen_of"]


RECORD_VALUE_FIELDS = _record_value_fields()


def fixed_unit(field):
    """The unit of a measurement field (``field.unit``, set by models.fields.measurement), or ''."""
    return unit_of(field)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _values(instance, fields):
    out = {}
    for field in fields:
        value = getattr(instance, field.name)
        if value in (None, ""):
            continue
        unit = fixed_unit(field)
        out[field.name] = {"value": _plain(value), "unit": unit} if unit else _plain(value)
    return out


def record_data(record):
    """Everything entered for a record, in the exchange format."""
    data = {
        "screening_number": record.screening_number,
        "site": record.site.code,
        "record": {name: _plain(getattr(record, name)) for name in RECORD_VALUE_FIELDS},
        "sections": {},
    }
    for key, relation in SECTION_RELATIONS.items():
        instance = getattr(record, relation, None)
        if instance is not None:
            data["sections"][key] = _values(instance, data_fields(type(instance)))
    for key, model in ROW_MODELS.items():
        fields = data_fields(model)
        data[key] = [_values(row, fields) for row in getattr(record, f"{model._meta.model_name}_rows").all()]
    return data


def data_management(record):
    """The record's queries (each with its thread) and SDV marks, as exported; an import ignores
    them: they are the sending system's conversation about its data (docs/data-management.md)."""
    def when(moment):
        return moment.isoformat() if moment else None

    def target(row):
        return {"section": row.section, "row_model": row.row_model, "row_id": row.row_id or None,
                "field": row.field, "label": row.target_label}

    queries = [{
        **target(q), "state": q.state, "rule": q.rule, "raised_at": when(q.raised_at),
        "steps": [{"action": s.action, "at": when(s.at), "user": s.user.get_username() if s.user else None,
                   "role": s.role, "text": s.text, "change": s.change, "reason": s.reason, "state": s.state}
                  for s in q.steps.all()],
    } for q in record.queries.prefetch_related("steps__user").order_by("raised_at", "id")]
    sdv = [{**target(m), "verified_at": when(m.at), "by": m.user.get_username(), "cleared_at": when(m.cleared_at),
            "cleared_by": m.cleared_by}
           for m in record.sdv_marks.select_related("user").order_by("at", "id")]
    return queries, sdv


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def unwrap_units(model, values):
    """{"value": v, "unit": u} -> v, checking u is the field's unit. Returns (values, errors)."""
    plain, errors = {}, []
    for name, value in values.items():
        if isinstance(value, dict) and set(value) <= {"value", "unit"}:
            try:
                field = model._meta.get_field(name)
            except Exception:
                plain[name] = value
                continue
            unit = fixed_unit(field)
            if not unit and value.get("unit") is not None and _has_field(model, f"{name}_unit"):
                # A value whose unit is its own column (weight, VAS): {"value": v, "unit": u} gives both.
                plain[name], plain[f"{name}_unit"] = value.get("value"), value["unit"]
                continue
            if value.get("unit") not in (None, unit):
                errors.append((name, gettext("unit %(unit)s not accepted; this field is recorded in %(fixed)s") % {
                    "unit": repr(value.get("unit")), "fixed": unit or gettext("no unit")}))
                continue
            plain[name] = value.get("value")
        else:
            plain[name] = value
    return plain, errors
