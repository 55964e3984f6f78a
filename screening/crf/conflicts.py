"""Optimistic locking of a section (docs/robustness.md): what changed since the
page was opened, by whom, merged with what the user typed."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import values as display
from ..models import ScreeningRecord
from .forms import MAX_ROW_ID, MAX_VERSION, VersionField
from .recording import history_of

#
# Each versioned form carries the `version` of the row it was built from. When a
# section is saved, `find_conflict` compares those versions with the stored rows
# (the caller holds the record's row lock, so the check and the writes are one
# atomic step). Anything changed since the page was opened refuses the save and
# returns the user's input merged with the saved data: the fields the user had
# changed keep the user's values, the others show the saved values, and every
# version is brought up to date, so saving again is a deliberate choice.


@dataclass
class FieldChange:
    label: str
    yours: str
    saved: str
    kept: bool  # the user had changed it too: the page keeps the user's value


@dataclass
class Change:
    """One item (the section, or one row) changed by someone else since the user's version."""

    item: str
    kind: str  # "changed", "added" or "deleted"
    saves: list = field(default_factory=list)  # [(user or None, datetime, reason)], oldest first
    fields: list = field(default_factory=list)
    note: str = ""


@dataclass
class Conflict:
    changes: list
    data: object  # QueryDict: the post to render again

    def summary(self):
        people = sorted({display.user_display_name(user, _("the system")) for change in self.changes
                         for user, _when, _why in change.saves})
        return ", ".join(people) or str(_("someone else"))


class EditConflict(Exception):
    def __init__(self, conflict):
        super().__init__(conflict.summary())
        self.conflict = conflict


def posted_int(data, key, maximum=MAX_VERSION):
    """The version (or row id) posted under `key`, read as the form reads it; None if absent or invalid."""
    try:
        return VersionField(required=False, min_value=0, max_value=maximum).clean(data.get(key))
    except ValidationError:
        return None


def _value(instance, name):
    return instance._meta.get_field(name).value_from_object(instance)


def _as_post(model_field, value):
    """A saved value as the browser posts it (None: an unticked checkbox, absent from a post)."""
    if model_field.get_internal_type() == "BooleanField":
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return display.number_text(value)
    return str(value)


def _history(model, pk, after_version=None):
    entries = history_of(model).filter(id=pk).select_related("history_user").order_by("history_date", "history_id")
    if after_version is not None:
        entries = entries.filter(version__gt=after_version)
    return [(h.history_user, h.history_date, h.history_change_reason or "") for h in entries]


def _version_of(model, pk, version, record):
    """The row as it was at `version` (0: not yet created), or None if unknown."""
    if version == 0:  # the page was opened before the row existed
        return model(record=record) if model is not ScreeningRecord else None
    entry = (history_of(model).filter(id=pk, version=version).exclude(history_type="-")
             .order_by("-history_date", "-history_id").first())
    return entry.instance if entry is not None else None


def _merge(form_class, prefix, data, values, record, base, stored, item):
    """Three-way merge of one form: base (what the user saw), the post, stored.

    Updates `values` (the form's posted values, by field name) and returns the
    Change, or None when no data field was changed by someone else."""
    kwargs = {"record": record, "prefix": prefix, "versioned": True}
    against_saved = form_class(data, instance=stored, **kwargs)
    differs = set(against_saved.changed_data)
    names = list(form_class._meta.fields)
    if base is not None:
        mine = set(form_class(data, instance=base, **kwargs).changed_data)
        theirs = {name for name in names if _value(base, name) != _value(stored, name)}
    else:  # the starting version is unknown: every difference counts as both sides' change
        mine = theirs = differs
    values["version"] = [str(stored.version)]
    if not theirs:
        return None
    changes = []
    for name in names:
        if name not in theirs:
            continue
        kept = name in mine and name in differs
        changes.append(FieldChange(
            str(against_saved.fields[name].label or name), display.posted_value_text(against_saved[name]),
            display.saved_value_text(stored, name), kept,
        ))
        if not kept:
            post = _as_post(stored._meta.get_field(name), _value(stored, name))
            if post is None:
                values.pop(name, None)
            else:
                values[name] = [post]
    since = base.version if base is not None and base.pk else None
    return Change(item, "changed", _history(type(stored), stored.pk, since), changes)


def _form_values(data, prefix, names):
    keys = {(f"{prefix}-{name}" if prefix else name): name for name in names}
    return {name: data.getlist(key) for key, name in keys.items() if key in data}


def find_conflict(record, section, form, formsets, data, lock=False):
    """The changes made by others since the page was opened, or None.

    `lock=True` (inside the saving transaction) reads the stored rows FOR UPDATE."""
    merged = data.copy()
    changes = []
    if form is not None:
        change = _form_conflict(record, section, form, data, merged, lock)
        if change is not None:
            changes.append(change)
    for rows, formset in formsets:
        changes += _formset_conflicts(record, rows, formset, data, merged, lock)
    return Conflict(changes, merged) if changes else None


def _form_conflict(record, section, form, data, merged, lock):
    model = form._meta.model
    stored = model.objects.select_for_update() if lock else model.objects.all()
    stored = stored.filter(pk=record.pk).first() if model is ScreeningRecord else stored.filter(record=record).first()
    if stored is None:
        return None
    posted = posted_int(data, form.add_prefix("version"))
    if posted is None:  # not posted by the section page: check against what this request read
        if form.add_prefix("version") in data:
            return None  # forged: the field's own error refuses the save
        posted = form.instance.version if form.instance.pk else 0
    if posted == stored.version:
        return None
    names = [*form._meta.fields, "version"]
    values = _form_values(data, form.prefix, names)
    change = _merge(type(form), form.prefix, data, values, record, _version_of(model, stored.pk, posted, record),
                    stored, section.title)
    for name in names:
        key = form.add_prefix(name)
        if name in values:
            merged.setlist(key, values[name])
        else:
            merged.pop(key, None)
    return change


ROW_KEY = re.compile(r"^(\d+)-(.+)$")


@dataclass
class RowsMerge:
    """The rows of one formset as they will be posted again: the rows the page
    showed (in order), then new rows, and the changes found on the way."""

    initial: list = field(default_factory=list)
    new: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    seen: set = field(default_factory=set)  # stored row ids the post listed
    versioned: bool = False  # the post came from the section page (it carries versions)
    forged: bool = False


def _formset_conflicts(record, rows, formset, data, merged, lock):
    """Parse the formset's rows out of the post, classify each against the stored
    rows, and rebuild the post when anything was changed by someone else."""
    if not formset.management_form.is_valid():
        return []  # forged management data: the formset's own error refuses the save
    stored = rows.model.objects.filter(record=record)
    if lock:
        stored = stored.select_for_update()
    stored = {row.pk: row for row in stored}
    result = _classify_rows(record, rows, formset, data, _posted_rows(data, formset.prefix), stored)
    if result.changes:
        _rebuild_rows(merged, formset.prefix, result)
    return result.changes


def _posted_rows(data, prefix):
    """{form index: {field name: posted values}} of the formset's row fields."""
    posted = {}
    for key in data:
        if key.startswith(prefix + "-"):
            match = ROW_KEY.match(key[len(prefix) + 1:])
            if match:
                posted.setdefault(int(match[1]), {})[match[2]] = data.getlist(key)
    return posted


def _classify_rows(record, rows, formset, data, posted_rows, stored):
    result = RowsMerge()
    item = f"{rows.title}: {{}}"
    for i, row_form in enumerate(formset.forms):
        values = posted_rows.get(i, {})
        if i >= formset.initial_form_count():
            result.versioned = result.versioned or "version" in values
            result.new.append(values)
            continue
        pk = posted_int(data, row_form.add_prefix("id"), MAX_ROW_ID)
        posted = posted_int(data, row_form.add_prefix("version"))
        if pk is None or (posted is None and "version" in values):
            result.initial.append(values)  # forged: validation refuses it
            result.forged = True
            continue
        result.seen.add(pk)
        result.versioned = result.versioned or posted is not None
        deleting = forms.CheckboxInput().value_from_datadict(data, None, row_form.add_prefix("DELETE"))
        row = stored.get(pk)
        if row is None:
            _row_deleted_by_others(result, record, rows.model, formset.form, data, row_form, pk, posted, values,
                                   deleting, item)
            continue
        if posted is None:  # not posted by the section page: check against what this request read
            posted = row_form.instance.version if row_form.instance.pk else row.version
        if posted != row.version:
            change = _merge(formset.form, row_form.prefix, data, values, record,
                            _version_of(rows.model, pk, posted, record), row, item.format(row))
            if change is not None:
                if deleting:
                    change.note = _("You ticked Delete: it is still ticked below.")
                result.changes.append(change)
        result.initial.append(values)
    if result.versioned and not result.forged:  # a post from the section page lists every row it showed
        _rows_added_by_others(result, record, rows.model, formset.form, stored, item)
    return result


def _row_deleted_by_others(result, record, model, form_class, data, row_form, pk, posted, values, deleting, item):
    gone = history_of(model).filter(id=pk, record_id=record.pk, history_type="-").order_by("-history_date").first()
    if gone is None:
        result.initial.append(values)  # not a row of this record: validation refuses it
        result.forged = True
        return
    base = _version_of(model, pk, posted, record) if posted is not None else None
    mine = base is None or form_class(data, instance=base, record=record, prefix=row_form.prefix).has_changed()
    change = Change(item.format(gone.instance), "deleted", _history(model, pk)[-1:])
    if deleting:
        change.note = _("You were deleting it too.")
    elif mine:
        change.note = _("Your values for it are kept below as a new row: untick nothing to add it again, "
                        "or tick Delete.")
        result.new.append({k: v for k, v in values.items() if k not in ("id", "version")})
    else:
        change.note = _("You had not changed it: it is no longer listed.")
    result.changes.append(change)


def _rows_added_by_others(result, record, model, form_class, stored, item):
    for pk, row in stored.items():
        if pk in result.seen:
            continue
        added = {"id": [str(pk)], "record": [str(record.pk)], "version": [str(row.version)]}
        for name in form_class._meta.fields:
            post = _as_post(model._meta.get_field(name), _value(row, name))
            if post is not None:
                added[name] = [post]
        result.initial.append(added)
        result.changes.append(Change(item.format(row), "added", _history(model, pk)[-1:]))


def _rebuild_rows(merged, prefix, result):
    """Replace the formset's rows in `merged` by the merged rows, renumbered."""
    for key in [k for k in merged if k.startswith(prefix + "-") and ROW_KEY.match(k[len(prefix) + 1:])]:
        del merged[key]
    for i, values in enumerate(result.initial + result.new):
        for name, value in values.items():
            merged.setlist(f"{prefix}-{i}-{name}", value)
    merged[f"{prefix}-TOTAL_FORMS"] = str(len(result.initial) + len(result.new))
    merged[f"{prefix}-INITIAL_FORMS"] = str(len(result.initial))
