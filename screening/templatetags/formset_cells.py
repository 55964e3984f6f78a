"""One cell of a formset table: the widget, a label for assistive technology
and the field's errors.

The column header shows the label, so crispy's whole field template (label,
help text, wrappers: most of a lab page's rendering time) is not repeated in
each of a hundred cells. The label stays, visually hidden, so every input has
an accessible name ("Value", not "column 4").
"""

from django import forms, template
from django.utils.html import format_html, format_html_join

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
        '<label class="visually-hidden" for="{}">{}</label>{}{}',
        bound_field.id_for_label, bound_field.label, bound_field.as_widget(attrs=attrs),
        format_html('<div id="{}" class="invalid-feedback d-block">{}</div>', error_id, errors) if bound_field.errors else "",
    )


@register.filter
def column_help_id(bound_field):
    """The id of the help text under the column header ("help-labresult-unit")."""
    formset_prefix = bound_field.form.prefix.rsplit("-", 1)[0]
    return f"help-{formset_prefix}-{bound_field.name}"
