"""Load CRF data held as plain data (the snapshot's shape) into a record,
through the same forms the browser uses: one validation path.

Used by the demo seed and the JSON import.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ..crf.forms import RecordForm, row_formset_class, section_form_class
from ..crf.recording import save_with_audit
from ..crf.sections import BY_KEY, ROW_MODELS, SECTION_RELATIONS, SECTIONS
from ..models import fields as answers
from .format import RETIRED_FIELDS

ROW_SECTIONS = {rows.model: (section, rows) for section in SECTIONS for rows in section.rows}


@dataclass
class LoadError:
    section: str
    field: str
    message: str

    def __str__(self):
        return f"{self.section}.{self.field}: {self.message}"


class LoadFailed(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def form_value(field, value):
    """Plain value -> what a browser would post for that field."""
    if value is None:
        return ""
    choices = {c for c, _ in field.choices} if field is not None and field.choices else set()
    if choices == {answers.YES, answers.NO, answers.UNKNOWN} and isinstance(value, bool):
        return answers.YES if value else answers.NO
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return str(value)


def _form_data(model, values, prefix=""):
    data = {}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except Exception:
            data[prefix + name] = value  # unknown: the form ignores it; callers check names
            continue
        if value is False and field.get_internal_type() == "BooleanField":
            continue  # an unticked checkbox is absent from a post
        data[prefix + name] = form_value(field, value)
    return data


def _unknown(section_key, name):
    """Why a field of a file is not read: a retired format 1 question says what replaced it."""
    retired = RETIRED_FIELDS.get((section_key, name))
    return _(retired) if retired else _("unknown field")


def _errors(section_key, form):
    return [LoadError(section_key, field, str(msg)) for field, msgs in form.errors.items() for msg in msgs]


def load_sections(record, data, user, reason, *, new_record=False):
    """Validate every section and row of `data`; save all or nothing.

    `data` has the snapshot's shape: {"sections": {key: {field: value}}, "labs": [...], ...}.
    `new_record`: the record was created in the caller's transaction, so it has no saved
    section to read. Raises LoadFailed with every error found.
    """
    errors, saves = [], []
    for key, values in (data.get("sections") or {}).items():
        relation = SECTION_RELATIONS.get(key)
        section = BY_KEY.get(key)
        if relation is None or section is None:
            errors.append(LoadError(key, "", _("unknown section")))
            continue
        if section.indication and section.indication != record.indication:
            errors.append(LoadError(key, "", _("section not offered for indication %(indication)s") % {"indication": record.indication}))
            continue
        instance = None if new_record else section.model.objects.filter(record=record).first()
        instance = instance or section.model(record=record)
        form = section_form_class(section)(_form_data(section.model, values), instance=instance, record=record)
        unknown = set(values) - set(form.fields)
        errors += [LoadError(key, name, _unknown(key, name)) for name in sorted(unknown)]
        if form.is_valid():
            saves.append(form.instance)
        else:
            errors += _errors(key, form)
    for key, model in ROW_MODELS.items():
        section, rows = ROW_SECTIONS[model]
        if section.indication and section.indication != record.indication and data.get(key):
            errors.append(LoadError(key, "", _("rows not offered for indication %(indication)s") % {"indication": record.indication}))
            continue
        form_class = row_formset_class(rows).form
        for i, values in enumerate(data.get(key) or ()):
            form = form_class(_form_data(model, values), instance=model(record=record), record=record)
            unknown = set(values) - set(form.fields)
            errors += [LoadError(f"{key}[{i}]", name, _("unknown field")) for name in sorted(unknown)]
            if form.is_valid():
                saves.append(form.instance)
            else:
                errors += _errors(f"{key}[{i}]", form)
    if errors:
        raise LoadFailed(errors)
    with transaction.atomic(savepoint=False):  # all or nothing, within the caller's record savepoint if any
        for instance in saves:
            save_with_audit(instance, user, reason)
    return saves


def record_form(values, sites, instance=None):
    data = _form_data(type(instance) if instance else RecordForm._meta.model, values)
    return RecordForm(data, instance=instance, sites=sites)
