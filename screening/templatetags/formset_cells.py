"""One cell of a formset table: the widget, a label for assistive technology
and the field's errors.

The column header shows the label, so crispy's whole field template (label,
help text, wrappers: most of a lab page's rendering time) is not repeated in
each of a hundred cells. The label stays, so every input has an accessible
name ("Value", not "column 4"): hidden where the column header shows it, shown
where the rows are stacked as cards (narrow screens, wide tables).
"""

from django import forms, template
from django.utils.html import format_html, format_html_join

from .crf_questions import shown_value

register = template.Library()

CLASSES = {  # Bootstrap's, as crispy-bootstrap5 sets them
    forms.CheckboxInput: "form-check-input",
    forms.Select: "form-select",
}


@register.filter
def cell(bound_field):
    widget = bound_field.field.widget
    css = next((c for kind, c in CLASSES.items() if isinstance(widget, kind)), "form-control")
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    error_id = f"{bound_field.auto_id}_error"
    described_by = [column_help_id(bound_field)] if bound_field.help_text else []
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(error_id)
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    errors = format_html_join("", "<p>{}</p>", ((e,) for e in bound_field.errors))
    return format_html(
        '<label class="cell-label" for="{}">{}</label>{}{}',
        bound_field.id_for_label, bound_field.label, bound_field.as_widget(attrs=attrs),
        format_html('<div id="{}" class="invalid-feedback d-block">{}</div>', error_id, errors) if bound_field.errors else "",
    )


@register.filter
def cell_text(bound_field):
    """A cell as read only: the saved value as text, its label for stacked rows."""
    shown = shown_value(bound_field)
    return format_html('<span class="cell-label">{}</span>{}', bound_field.label, shown)


@register.filter
def column_help_id(bound_field):
    """The id of the help text under the column header ("help-labresult-unit")."""
    formset_prefix = bound_field.form.prefix.rsplit("-", 1)[0]
    return f"help-{formset_prefix}-{bound_field.name}"
