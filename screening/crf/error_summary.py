"""Every error of a section page in one list at its top, each linking to its field.

A coordinator who saves a lab table of fifteen rows must learn from the top of
the page which row and which cell were refused, and jump there.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class PageError:
    text: str
    target: str  # the id of the element to focus ("" when none)


def _target(bound_field):
    if isinstance(bound_field.field.widget, forms.RadioSelect):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def _form_errors(form, where=""):
    errors = []
    for name, messages in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name]
        target = _target(bound) if not bound.is_hidden else ""
        for message in messages:
            errors.append(PageError(f"{where}{bound.label}: {message}", target))
    for message in form.non_field_errors():
        errors.append(PageError(f"{where}{message}", f"row-{form.prefix}" if where else ""))
    return errors


def _row_name(rows, index, form):
    """ "Lab results, row 3 (Haemoglobin)": the row's number and what it is, as the table shows it."""
    what = ""
    first = rows.fields[0] if rows.fields else None
    if first and first in form.fields:
        bound = form[first]
        value = bound.value()
        if value not in (None, ""):
            labels = {str(k): str(v) for k, v in getattr(bound.field, "choices", ())}
            what = labels.get(str(value), str(value))
    if what:
        return _("%(rows)s, row %(number)d (%(what)s): ") % {"rows": rows.title, "number": index + 1, "what": what}
    return _("%(rows)s, row %(number)d: ") % {"rows": rows.title, "number": index + 1}


def page_errors(form, formsets, reason):
    """The errors of the section's form, of every row of its tables and of the reason, in page order."""
    errors = []
    if form is not None and form.is_bound:
        errors += _form_errors(form)
    for rows, formset in formsets:
        if not formset.is_bound:
            continue
        for message in formset.non_form_errors():  # row counts altered, too many rows
            errors.append(PageError(f"{rows.title}: {message}", f"rows-{formset.prefix}"))
        for message in formset.management_form.non_field_errors():
            errors.append(PageError(f"{rows.title}: {message}", f"rows-{formset.prefix}"))
        for i, row_form in enumerate(formset.forms):
            deleting = getattr(row_form, "cleaned_data", {}).get("DELETE")  # the formset ignores its errors
            if row_form.errors and not deleting:
                errors += _form_errors(row_form, _row_name(rows, i, row_form))
    if reason is not None and reason.is_bound:
        errors += _form_errors(reason)
    return errors
