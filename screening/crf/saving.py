"""Saving a section: the one owner of the lock, the version check, the audited
writes and what follows them (docs/robustness.md, docs/audit-trail.md)."""

from django.db import transaction
from django.utils.translation import gettext_noop

from ..models import ScreeningRecord
from ..values import field_label, field_value_text, row_description
from .conflicts import EditConflict, find_conflict
from .recording import delete_with_audit, save_with_audit
from .signals import RecordFrozen, SavedChange, crf_saved


def save_section(user, record, section, form, formsets, data, reason, had_data, confirm=False):
    """Save the section's form and rows in one transaction, after the version check.

    The record's row is locked first: saves of one record queue there, so no one
    else can save between the check and the writes. Raises EditConflict (nothing
    written) when anything in the section changed since the page was opened.
    `crf_saved` is sent inside the transaction: the checklist re-evaluates the
    record, and stale signatures are invalidated, in the same commit. Raises
    RecordFrozen (nothing written) when the record is frozen, read under the lock.
    `confirm`: save the section's form even unchanged (an investigator confirming the judgement:
    a history row with the same answers, the time and the reason)."""
    reason = reason if had_data else (reason or gettext_noop("Initial entry"))
    with transaction.atomic():
        locked = ScreeningRecord.objects.select_for_update().filter(pk=record.pk).values("frozen_at").first()
        if locked is not None and locked["frozen_at"] is not None:
            raise RecordFrozen(record.pk)
        conflict = find_conflict(record, section, form, formsets, data, lock=True)
        if conflict is not None:
            raise EditConflict(conflict)
        changes = []
        if form is not None and (form.has_changed() or form.instance.pk is None or confirm):
            kind = "+" if form.instance.pk is None else "~"
            changes.append(_change(form, "", kind, reason))
            save_with_audit(stored_bookkeeping(form.instance, form, record), user, reason)
        for _, formset in formsets:
            for row_form in formset.forms:
                name = row_form._meta.model._meta.model_name
                if row_form in formset.deleted_forms:
                    if row_form.instance.pk:
                        changes.append(SavedChange(name, row_form.instance.pk, "-", reason=reason,
                                                   label=row_description(row_form.instance)))
                        delete_with_audit(row_form.instance, user, reason)
                elif row_form.has_changed():
                    row = stored_bookkeeping(row_form.instance, row_form, record)
                    row.record = record
                    kind = "~" if row.pk else "+"
                    save_with_audit(row, user, reason if row.pk else (reason or gettext_noop("Row added")))
                    changes.append(_change(row_form, name, kind, reason, row.pk))
        crf_saved.send(sender=ScreeningRecord, record=record, user=user, section=section, changes=changes)


def _change(form, row_model, kind, reason, row_id=0):
    """What a form changed, in words (old, new), for the receivers of crf_saved."""
    model = form._meta.model
    fields, labels = {}, {}
    for name in form.changed_data:
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # a form-only field (the row's version)
            continue
        if not model_field.concrete or name == "version":
            continue
        old = field_value_text(model_field, form.initial.get(name)) if kind == "~" else ""
        fields[name] = (old, field_value_text(model_field, form.cleaned_data.get(name)))
        labels[name] = field_label(model_field)
    label = row_description(form.instance) if row_model else ""
    return SavedChange(row_model, row_id, kind, fields, reason, label, labels)


def stored_bookkeeping(instance, form, record):
    """Before saving under the lock: take the stored row's fields the form does
    not edit (version, status, ...), so the save increments the stored version
    and writes back nothing stale."""
    model = type(instance)
    if instance.pk:
        stored = model.objects.filter(pk=instance.pk).first()
    elif model is not ScreeningRecord and hasattr(model, "record") and model._meta.get_field("record").one_to_one:
        stored = model.objects.filter(record=record).first()
    else:
        stored = None
    if stored is None:
        return instance
    for model_field in model._meta.concrete_fields:
        if model_field.name not in form._meta.fields:
            setattr(instance, model_field.attname, getattr(stored, model_field.attname))
    instance._state.adding = False
    return instance
