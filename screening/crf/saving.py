"""Saving a section: the one owner of the lock, the version check, the audited
writes and what follows them (docs/robustness.md, docs/audit-trail.md)."""

from django.db import transaction

from ..models import ScreeningRecord
from .conflicts import EditConflict, find_conflict
from .recording import delete_with_audit, save_with_audit
from .signals import crf_saved


def save_section(user, record, section, form, formsets, data, reason, had_data):
    """Save the section's form and rows in one transaction, after the version check.

    The record's row is locked first: saves of one record queue there, so no one
    else can save between the check and the writes. Raises EditConflict (nothing
    written) when anything in the section changed since the page was opened.
    `crf_saved` is sent inside the transaction: the checklist re-evaluates the
    record, and stale signatures are invalidated, in the same commit."""
    reason = reason if had_data else (reason or "Initial entry")
    with transaction.atomic():
        ScreeningRecord.objects.select_for_update().filter(pk=record.pk).first()
        conflict = find_conflict(record, section, form, formsets, data, lock=True)
        if conflict is not None:
            raise EditConflict(conflict)
        if form is not None and (form.has_changed() or form.instance.pk is None):
            save_with_audit(stored_bookkeeping(form.instance, form, record), user, reason)
        for _, formset in formsets:
            for row_form in formset.forms:
                if row_form in formset.deleted_forms:
                    if row_form.instance.pk:
                        delete_with_audit(row_form.instance, user, reason)
                elif row_form.has_changed():
                    row = stored_bookkeeping(row_form.instance, row_form, record)
                    row.record = record
                    save_with_audit(row, user, reason if row.pk else (reason or "Row added"))
        crf_saved.send(sender=ScreeningRecord, record=record, user=user)


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
