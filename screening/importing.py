"""Import screening records from the JSON exchange format, through the browser's forms.

Each record is saved in one transaction (all of its sections or none) and
reported as created, updated or refused with every error.
"""

import json
import re
from dataclasses import dataclass, field

from django.db import transaction

from .audit import delete_with_audit, save_with_audit
from .evaluation import evaluate_record, track_status
from .exchange import RECORD_VALUE_FIELDS, ROW_MODELS, unwrap_units
from .forms import RecordForm
from .loader import LoadError, LoadFailed, _form_data, load_sections
from .models import ScreeningRecord, SiteMembership
from .models.sites import INVESTIGATOR
from .reasons import validate_reason
from .roles import role_of
from .sections import BY_KEY
from .snapshots import SECTION_RELATIONS

# The site code, a hyphen and the sequence (e.g. S01-0007); it must fit the
# column (16 characters) and the sequence an integer column.
SCREENING_NUMBER = re.compile(r"[A-Za-z0-9]{1,8}-[0-9]{1,9}")
TOP_LEVEL = {"screening_number", "site", "record", "sections", *ROW_MODELS, "eligibility", "signatures"}


class ImportRefused(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RecordReport:
    index: int
    screening_number: str = ""
    outcome: str = "refused"
    errors: list = field(default_factory=list)

    def lines(self):
        head = f"record {self.index} {self.screening_number or '(new)'}: {self.outcome}"
        return [head] + [f"  {e.section} / {e.field or '-'} / {e.message}" for e in self.errors]


def parse(text):
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportRefused(f"not valid JSON: {error}")
    if isinstance(payload, dict) and "records" in payload:
        payload = payload["records"]
    elif isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise ImportRefused("expected an object with a 'records' list, a list of records, or one record")
    return payload


def import_records(text, site, user, source, update=False):
    records = parse(text)
    reason = validate_reason(f"imported from {source}")  # the file name without invisible characters
    return [_import_one(i, item, site, user, reason, update) for i, item in enumerate(records, 1)]


def _import_one(index, item, site, user, reason, update):
    report = RecordReport(index)
    errors = _shape_errors(item)
    if errors:
        report.errors = errors
        return report
    number = item.get("screening_number") or ""
    report.screening_number = number
    existing = ScreeningRecord.objects.filter(screening_number=number).first() if number else None
    if existing and not update:
        report.errors = [LoadError("record", "screening_number", "already exists; use --update to change it")]
        return report
    if existing and existing.site_id != site.pk:
        report.errors = [LoadError("record", "screening_number", "belongs to another site")]
        return report
    if number and not existing and not number.startswith(f"{site.code}-"):
        report.errors = [LoadError("record", "screening_number", f"must start with the site code {site.code}-")]
        return report
    if "judgement" in item.get("sections", {}) and not _may_judge(user, site):
        report.errors = [LoadError("judgement", "", "judgement answers need an importing user with the investigator role at this site")]
        return report
    try:
        with transaction.atomic():
            if existing:  # the lock section saves and signing take: no signature between reads and writes
                existing = ScreeningRecord.objects.select_for_update().get(pk=existing.pk)
            record = _save_record(item, site, user, reason, existing, number)
            data = _section_data(item, report)
            if existing:
                _delete_rows(record, data, user, reason)
            load_sections(record, data, user, reason)
            track_status(evaluate_record(record), user)
    except LoadFailed as failed:
        report.errors += failed.errors
        return report
    report.screening_number = record.screening_number
    report.outcome = "updated" if existing else "created"
    return report


def _shape_errors(item):
    if not isinstance(item, dict):
        return [LoadError("record", "", f"expected an object, got {type(item).__name__}")]
    errors = [LoadError("record", key, "unknown field") for key in sorted(set(item) - TOP_LEVEL)]
    if not isinstance(item.get("record"), dict):
        errors.append(LoadError("record", "record", "expected an object of record fields"))
    else:
        errors += [LoadError("record", k, "unknown field") for k in sorted(set(item["record"]) - set(RECORD_VALUE_FIELDS))]
    sections = item.get("sections", {})
    if not isinstance(sections, dict):
        errors.append(LoadError("sections", "", "expected an object of sections"))
    else:
        for key, values in sections.items():
            if key not in SECTION_RELATIONS:
                errors.append(LoadError(key, "", "unknown section"))
            elif not isinstance(values, dict):
                errors.append(LoadError(key, "", "expected an object of fields"))
    for key in ROW_MODELS:
        rows = item.get(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            errors.append(LoadError(key, "", "expected a list of objects"))
    number = item.get("screening_number", "")
    if isinstance(number, str) is False:
        errors.append(LoadError("record", "screening_number", "expected text"))
    elif number and not (len(number) <= 16 and SCREENING_NUMBER.fullmatch(number)):
        errors.append(LoadError("record", "screening_number", "expected the site code, a hyphen and the sequence, e.g. S01-0007"))
    return errors


def _may_judge(user, site):
    return role_of(user) == INVESTIGATOR and SiteMembership.objects.filter(user=user, site=site).exists()


def _save_record(item, site, user, reason, existing, number):
    form = RecordForm(_form_data(ScreeningRecord, item["record"]), instance=existing)
    if not form.is_valid():
        raise LoadFailed([LoadError("record", f, str(m)) for f, ms in form.errors.items() for m in ms])
    record = form.instance
    if existing is None:
        record.site = site
        record.created_by = user
        if number:
            record.screening_number = number
            _advance_sequence(site, number)
    if existing is None or form.has_changed():
        save_with_audit(record, user, reason)
    return record


def _advance_sequence(site, number):
    try:
        sequence = int(number.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return
    if sequence >= site.next_screening_sequence:
        type(site).objects.filter(pk=site.pk).update(next_screening_sequence=sequence + 1)


def _section_data(item, report):
    data = {"sections": {}}
    errors = []
    for key, values in item.get("sections", {}).items():
        model = BY_KEY[key].model
        plain, unit_errors = unwrap_units(model, values)
        errors += [LoadError(key, name, message) for name, message in unit_errors]
        data["sections"][key] = plain
    for key, model in ROW_MODELS.items():
        data[key] = []
        for i, values in enumerate(item.get(key, [])):
            plain, unit_errors = unwrap_units(model, values)
            errors += [LoadError(f"{key}[{i}]", name, message) for name, message in unit_errors]
            data[key].append(plain)
    if errors:
        raise LoadFailed(errors)
    return data


def _delete_rows(record, data, user, reason):
    """On --update, the file's rows replace the record's rows (each deletion audited)."""
    for key, model in ROW_MODELS.items():
        if key in data and data[key] is not None:
            for row in model.objects.filter(record=record):
                delete_with_audit(row, user, reason)
