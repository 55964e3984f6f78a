"""Import screening records from the JSON exchange format, through the browser's forms.

A file is read whole before anything is saved: one that cannot be read (not
UTF-8, not JSON, too large, nested too deep, too many records) is refused as a
whole (`ImportRefused`) and nothing is saved. Otherwise each record is saved in
one transaction (all of its sections or none) and reported as created, updated
or refused with every error: the report has one line per record of the file.
"""

import json
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..checklist.evaluation import evaluate_records, track_statuses
from ..crf.forms import RecordForm
from ..crf.reasons import validate_reason
from ..crf.recording import delete_with_audit, save_with_audit
from ..crf.sections import BY_KEY, SECTION_RELATIONS
from ..models import ScreeningRecord, SdvMark, SiteMembership
from .format import RECORD_VALUE_FIELDS, ROW_MODELS, unwrap_units
from .loader import LoadError, LoadFailed, _form_data, load_sections

logger = logging.getLogger(__name__)

# The site code, a hyphen and the sequence (e.g. S01-0007); it must fit the
# column (16 characters) and the sequence an integer column.
SCREENING_NUMBER = re.compile(r"[A-Za-z0-9]{1,8}-[0-9]{1,9}")
# eligibility, signatures, queries and SDV marks are exported state: an import ignores them.
TOP_LEVEL = {"screening_number", "site", "record", "sections", *ROW_MODELS, "eligibility", "signatures", "queries", "sdv"}

# Limits of one file (docs/exchange-format.md). The web page also caps the upload at 20 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_RECORDS = 5000
# A record is five levels deep ({"records": [{"sections": {"organ": {"lvef": {"value": ...}}}}]}).
MAX_DEPTH = 20
# Characters of one number literal, checked before it is converted (int() of a
# 5,000-digit literal raises, and costs quadratic time before that).
MAX_NUMBER_CHARS = 40
# Text that cannot be stored or shown: C0 and C1 control characters (tab, line
# feed and carriage return are text) and unpaired surrogates (not encodable as UTF-8).
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class ImportRefused(Exception):
    """The file as a whole cannot be read: nothing of it is saved."""


class LongNumber:
    """Stands for a number literal longer than MAX_NUMBER_CHARS, never converted."""

    def __init__(self, literal):
        self.length = len(literal)

    def __repr__(self):
        return f"<number of {self.length} characters>"


@dataclass
class RecordReport:
    index: int
    screening_number: str = ""
    outcome: str = "refused"
    errors: list = field(default_factory=list)

    def lines(self):
        head = f"record {self.index} {self.screening_number or '(new)'}: {self.outcome}"
        return [head] + [f"  {e.section} / {e.field or '-'} / {e.message}" for e in self.errors]


def _number(convert):
    def parse_number(literal):
        return LongNumber(literal) if len(literal) > MAX_NUMBER_CHARS else convert(literal)
    return parse_number


def _too_deep(text):
    """Whether brackets outside strings nest deeper than MAX_DEPTH (checked before
    parsing: the parser recurses once per level and a deep file exhausts the stack)."""
    depth = 0
    for char in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


def parse(data):
    """The records of a file (bytes or text). Raises ImportRefused for a file that cannot be read."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(_("the file is larger than %(mb)d MB; split it") % {"mb": MAX_FILE_BYTES // 2**20})
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRefused(_("the file is not UTF-8 text (byte %(position)d)") % {"position": error.start})
    if _too_deep(data):
        raise ImportRefused(_("not valid JSON: nested more than %(depth)d levels deep") % {"depth": MAX_DEPTH})
    try:
        payload = json.loads(data, parse_int=_number(int), parse_float=_number(float))
    except json.JSONDecodeError as error:
        raise ImportRefused(_("not valid JSON: %(error)s") % {"error": error})
    if isinstance(payload, dict) and "records" in payload:
        payload = payload["records"]
    elif isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise ImportRefused(_("expected an object with a 'records' list, a list of records, or one record"))
    if len(payload) > MAX_RECORDS:
        raise ImportRefused(_("the file holds %(count)d records; at most %(cap)d are imported from one file: split it")
                            % {"count": len(payload), "cap": MAX_RECORDS})
    return payload


def shown(text, limit=60):
    """Text from a file, safe to put in a report: bad characters escaped, long text cut."""
    text = BAD_TEXT.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return text if len(text) <= limit else text[:limit] + "…"


# Records saved per transaction. Each record still has its own savepoint: it is
# saved whole or refused whole; the chunk's commit, its records' evaluation and
# the look-up of existing numbers are shared (docs/performance.md).
CHUNK_SIZE = 50


@dataclass
class _Import:
    """What every record of one file shares."""

    site: object
    user: object
    reason: str
    update: bool
    on_record: object = None  # called with each record's report inside its chunk's transaction
    may_judge: bool | None = None  # asked once, when a record first holds judgement answers
    existing: dict = field(default_factory=dict)  # screening number -> record, for the current chunk
    sequence: int = 0  # the highest sequence created in the chunk and not yet written to the site


def import_records(data, site, user, source, update=False, *, progress=None, on_record=None, chunk_size=CHUNK_SIZE):
    """One RecordReport per record of the file, in order; ImportRefused for a file that cannot be read."""
    return import_parsed(parse(data), site, user, source, update, progress=progress, on_record=on_record,
                         chunk_size=chunk_size)


def import_parsed(records, site, user, source, update=False, *, progress=None, on_record=None,
                  chunk_size=CHUNK_SIZE):
    """One RecordReport per record of `records` (as `parse` returns them).

    `on_record(report)`, when given, is called after each record inside the
    transaction that saves it (its chunk's): what it writes (a job's report line)
    commits with the record or not at all. `progress(reports, total)`, when given,
    is called after each committed chunk with the reports of every record so far."""
    reason = validate_reason(f"imported from {shown(source, 100)}")  # the file name without invisible characters
    run = _Import(site, user, reason, update, on_record)
    reports = []
    for start in range(0, len(records), chunk_size):
        reports += _import_chunk(run, list(enumerate(records[start:start + chunk_size], start + 1)))
        if progress is not None:
            progress(reports, len(records))
    return reports


def _import_chunk(run, items):
    """Save a chunk of records in one transaction, each in its own savepoint, then
    evaluate the saved ones together (the same state and status rows, and the same
    invalidation of stale signatures, as track_status after each record)."""
    try:
        with transaction.atomic():
            numbers = [item.get("screening_number") for _, item in items if isinstance(item, dict)]
            numbers = [n for n in numbers if isinstance(n, str) and len(n) <= 16 and SCREENING_NUMBER.fullmatch(n)]
            run.existing = {r.screening_number: r for r in ScreeningRecord.objects.filter(screening_number__in=numbers)}
            run.sequence = 0
            reports, saved = [], []
            for index, item in items:
                report, record = _import_one(run, index, item)
                reports.append(report)
                if run.on_record is not None:
                    run.on_record(report)
                if record is not None:
                    saved.append(record.pk)
            _advance_sequence(run)
            track_statuses(evaluate_records(saved), run.user)
    except (DataError, IntegrityError):
        if len(items) == 1:
            logger.exception("import: the database refused record %s of the file", items[0][0])
            return [RecordReport(items[0][0], _number_of(items[0][1]),
                                 errors=[LoadError("record", "", _(REFUSED_BY_DATABASE))])]
        # Nothing of the chunk was kept: each record again, in a transaction of its own.
        logger.warning("import: chunk of records %s-%s rolled back; importing them one by one", items[0][0], items[-1][0])
        return [report for item in items for report in _import_chunk(run, [item])]
    return reports


def _number_of(item):
    number = item.get("screening_number") if isinstance(item, dict) else None
    return number if isinstance(number, str) else ""


def _import_one(run, index, item):
    """(report, the record saved or None), the record saved whole or not at all."""
    site, user, reason, update = run.site, run.user, run.reason, run.update
    report = RecordReport(index)
    # Text that cannot be stored is refused first: no later message may echo it.
    errors = _text_errors(item) if isinstance(item, dict) else []
    errors = errors or _shape_errors(item)
    if errors:
        report.errors = errors
        return report, None
    number = item.get("screening_number") or ""
    report.screening_number = number
    problem = _number_problem(number, site) if number else None
    existing = run.existing.get(number) if number and not problem else None
    if existing and existing.site_id != site.pk:
        problem = _outside(site)  # the same words as for a number that does not exist
    if existing and not update and not problem:
        problem = _("already exists; use --update to change it")
    if existing and not problem and existing.frozen_at is not None:
        problem = _("the record is frozen (its last checkpoint is signed): unfreeze it before changing it")
    if problem:
        report.errors = [LoadError("record", "screening_number", problem)]
        return report, None
    if "judgement" in item.get("sections", {}):
        if run.may_judge is None:
            run.may_judge = _may_judge(user, site)
        if not run.may_judge:
            report.errors = [LoadError("judgement", "", _("judgement answers need an importing user with the investigator role at this site"))]
            return report, None
    if not number:
        _advance_sequence(run)  # the site numbers it next, after the numbers of the file already saved
    try:
        data = _section_data(item)
        with transaction.atomic():
            if existing:  # the lock section saves and signing take: no signature between reads and writes
                existing = ScreeningRecord.objects.select_for_update().get(pk=existing.pk)
                if existing.frozen_at is not None:  # frozen since the file was read
                    raise LoadFailed([LoadError("record", "screening_number", _(
                        "the record is frozen (its last checkpoint is signed): unfreeze it before changing it"))])
            record = _save_record(item, site, user, reason, existing, number)
            if existing:
                _delete_rows(record, data, user, reason)
            load_sections(record, data, user, reason, new_record=existing is None)
            if existing:
                _clear_sdv(record, user, reason)
    except LoadFailed as failed:
        report.errors += failed.errors
        return report, None
    except (DataError, IntegrityError):
        # A value the forms let through but the database refused (or a number
        # taken by a concurrent import): the record's savepoint rolled back whole.
        logger.exception("import: the database refused record %s of the file", index)
        report.errors = [LoadError("record", "", _(REFUSED_BY_DATABASE))]
        return report, None
    if not existing and number:
        run.sequence = max(run.sequence, int(number.rsplit("-", 1)[1]))
    run.existing[record.screening_number] = record  # a later record of the file with this number finds it
    report.screening_number = record.screening_number
    report.outcome = "updated" if existing else "created"
    return report, record


def _clear_sdv(record, user, reason):
    """An update by import may change any datum: every SDV mark of the record is cleared
    (once, as a save would: screening/datamanagement/sdv.py)."""
    from django.utils import timezone

    words = _("SDV cleared by an import updating the record, by %(who)s, reason: %(reason)s") % {
        "who": user.get_username(), "reason": reason}
    SdvMark.objects.filter(record=record, cleared_at__isnull=True).update(
        cleared_at=timezone.now(), cleared_by=words[:300], cleared_by_user=user)


REFUSED_BY_DATABASE = gettext_noop("the database refused this record; nothing of it was saved")


def _outside(site):
    return _("not a screening number of site %(site)s, whose numbers start with %(site)s-") % {"site": site.code}


def _number_problem(number, site):
    """Why `number` cannot be imported into `site`, or None. Says nothing of other sites' records."""
    prefix, sequence = number.rsplit("-", 1)
    if prefix != site.code:
        return _outside(site)
    canonical = f"{prefix}-{int(sequence):04d}"  # as the site numbers its records
    if number != canonical:
        return _("%(number)s is another way of writing %(canonical)s: write %(canonical)s") % {
            "number": number, "canonical": canonical}
    return None


def _places(item):
    """(section, field, value) of every part of a record, named as the report names them."""
    for key, value in item.items():
        if key == "record" and isinstance(value, dict):
            yield from (("record", name, inner) for name, inner in value.items())
        elif key == "sections" and isinstance(value, dict):
            for section, values in value.items():
                if isinstance(values, dict) and values:
                    yield from ((section, name, inner) for name, inner in values.items())
                else:
                    yield section, "", values
        elif key in ROW_MODELS and isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    yield from ((f"{key}[{i}]", name, inner) for name, inner in row.items())
                else:
                    yield f"{key}[{i}]", "", row
        else:
            yield "record", key, value


def _bad_value(value):
    """Why a value (at any depth) cannot be read, or None."""
    if isinstance(value, str):
        match = BAD_TEXT.search(value)
        if match:
            return _("contains the character U+%(code)04X (a control character or an unpaired surrogate), "
                     "which text cannot hold") % {"code": ord(match[0])}
    elif isinstance(value, LongNumber):
        return _("a number of %(length)d characters; at most %(limit)d") % {
            "length": value.length, "limit": MAX_NUMBER_CHARS}
    elif isinstance(value, dict):
        for key, inner in value.items():
            problem = _bad_value(key) or _bad_value(inner)
            if problem:
                return problem
    elif isinstance(value, list):
        for inner in value:
            problem = _bad_value(inner)
            if problem:
                return problem
    return None


def _text_errors(item):
    errors = []
    for section, name, value in _places(item):
        if BAD_TEXT.search(section) or BAD_TEXT.search(name):
            errors.append(LoadError(shown(section), shown(name), _("the name contains a control character or an unpaired surrogate")))
            continue
        problem = _bad_value(value)
        if problem:
            errors.append(LoadError(section, name, problem))
    return errors


def _shape_errors(item):
    if not isinstance(item, dict):
        return [LoadError("record", "", _("expected an object, got %(type)s") % {"type": _json_type(item)})]
    errors = [LoadError("record", key, _("unknown field")) for key in sorted(set(item) - TOP_LEVEL)]
    if not isinstance(item.get("record"), dict):
        errors.append(LoadError("record", "record", _("expected an object of record fields")))
    else:
        errors += [LoadError("record", k, _("unknown field")) for k in sorted(set(item["record"]) - set(RECORD_VALUE_FIELDS))]
        errors += _type_errors("record", ScreeningRecord, item["record"])
    sections = item.get("sections", {})
    if not isinstance(sections, dict):
        errors.append(LoadError("sections", "", _("expected an object of sections")))
    else:
        for key, values in sections.items():
            if key not in SECTION_RELATIONS:
                errors.append(LoadError(key, "", _("unknown section")))
            elif not isinstance(values, dict):
                errors.append(LoadError(key, "", _("expected an object of fields")))
    for key in ROW_MODELS:
        rows = item.get(key, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            errors.append(LoadError(key, "", _("expected a list of objects")))
    number = item.get("screening_number", "")
    if isinstance(number, str) is False:
        errors.append(LoadError("record", "screening_number", _("expected text, got %(type)s") % {"type": _json_type(number)}))
    elif number and not (len(number) <= 16 and SCREENING_NUMBER.fullmatch(number)):
        errors.append(LoadError("record", "screening_number", _("expected the site code, a hyphen and the sequence, e.g. S01-0007")))
    return errors


NUMBER_KINDS = {"DecimalField", "FloatField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "SmallIntegerField", "BigIntegerField"}


def _json_type(value):
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, (int, float, LongNumber)):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    return _("null")


def _type_error(model, name, value):
    """Why `value` (units already unwrapped) is the wrong JSON type for the field, or None.

    Without this a form would read str(value): {"a": [1, 2]} stored as its text."""
    try:
        kind = model._meta.get_field(name).get_internal_type()
    except FieldDoesNotExist:
        return None  # reported as an unknown field
    if value is None:
        return None
    if kind == "BooleanField":
        ok, expected = isinstance(value, bool), _("true or false")
    elif kind in NUMBER_KINDS:  # a number as text is read like a typed number: the form says what is wrong
        ok, expected = isinstance(value, (int, float, str)) and not isinstance(value, bool), _("a number")
    elif kind == "DateField":
        ok, expected = isinstance(value, str), _("a date as text (YYYY-MM-DD)")
    else:
        ok, expected = isinstance(value, str), _("text")
    if ok:
        return None
    return _("expected %(expected)s, got %(got)s") % {"expected": expected, "got": _json_type(value)}


def _type_errors(where, model, values):
    errors = []
    for name, value in values.items():
        problem = _type_error(model, name, value)
        if problem:
            errors.append(LoadError(where, name, problem))
    return errors


def _may_judge(user, site):
    return user.has_perm("screening.record_judgement") and SiteMembership.objects.filter(user=user, site=site).exists()


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
    if existing is None or form.has_changed():
        save_with_audit(record, user, reason)
    return record


def _advance_sequence(run):
    """The site's next screening sequence past the numbers the chunk created (never lowered)."""
    if run.sequence:
        type(run.site).objects.filter(pk=run.site.pk, next_screening_sequence__lte=run.sequence).update(
            next_screening_sequence=run.sequence + 1)
        run.sequence = 0


def _section_data(item):
    """The sections and rows as plain values: units unwrapped and JSON types checked.
    Raises LoadFailed with every unit and type error."""
    data = {"sections": {}}
    errors = []
    for key, values in item.get("sections", {}).items():
        model = BY_KEY[key].model
        plain, unit_errors = unwrap_units(model, values)
        errors += [LoadError(key, name, message) for name, message in unit_errors]
        errors += _type_errors(key, model, plain)
        data["sections"][key] = plain
    for key, model in ROW_MODELS.items():
        data[key] = []
        for i, values in enumerate(item.get(key, [])):
            plain, unit_errors = unwrap_units(model, values)
            errors += [LoadError(f"{key}[{i}]", name, message) for name, message in unit_errors]
            errors += _type_errors(f"{key}[{i}]", model, plain)
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
