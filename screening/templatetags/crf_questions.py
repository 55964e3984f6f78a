"""One question of a CRF section page, written in Python.

A section page holds up to sixty questions; crispy's field template per
question was most of its rendering time, and it cannot give what a person
needs here: each question in one row, Yes / No / Unknown as radio buttons whose
group is named by the question (a <fieldset> with the question as <legend>),
an anchor per field that the "missing" links land on, and values as plain text
where the reader may not edit.
"""

from django import forms, template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..crf.markup import e

register = template.Library()


def anchor(bound_field):
    """The id of a question's wrapper: what links to the field point at."""
    return f"field-{bound_field.html_name}"


def _described_by(bound_field):
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    return " ".join(ids)


def _help_and_errors(bound_field):
    html = ""
    if bound_field.help_text:
        html += f'<div id="{e(bound_field.auto_id)}_help" class="form-text">{e(bound_field.help_text)}</div>'
    if bound_field.errors:
        html += f'<div id="{e(bound_field.auto_id)}_error" class="invalid-feedback d-block">'
        html += "".join(f"<p class=\"mb-0\">{e(error)}</p>" for error in bound_field.errors)
        html += "</div>"
    return html


def _radios(bound_field):
    current = bound_field.value()
    current = "" if current is None else str(current)
    invalid = " is-invalid" if bound_field.errors else ""
    disabled = " disabled" if bound_field.field.disabled else ""
    options = []
    for i, (value, label) in enumerate(bound_field.field.choices):
        ident = f"{bound_field.auto_id}_{i}"
        checked = " checked" if str(value) == current and current != "" else ""
        options.append(
            f'<div class="form-check form-check-inline">'
            f'<input class="form-check-input{invalid}" type="radio" name="{e(bound_field.html_name)}" '
            f'id="{e(ident)}" value="{e(value)}"{checked}{disabled}>'
            f'<label class="form-check-label" for="{e(ident)}">{e(label)}</label></div>'
        )
    described = _described_by(bound_field)
    described = f' aria-describedby="{described}"' if described else ""
    return (
        f'<fieldset class="crf-question crf-choice" id="{anchor(bound_field)}"{described}>'
        f'<legend class="crf-label">{e(bound_field.label)}</legend>'
        f'<div class="crf-control">{"".join(options)}{_help_and_errors(bound_field)}</div></fieldset>'
    )


def _checkbox(bound_field):
    attrs = {"class": "form-check-input" + (" is-invalid" if bound_field.errors else "")}
    described = _described_by(bound_field)
    if described:
        attrs["aria-describedby"] = described
    return (
        f'<div class="crf-question crf-check" id="{anchor(bound_field)}"><div class="crf-label"></div>'
        f'<div class="crf-control"><div class="form-check">{bound_field.as_widget(attrs=attrs)}'
        f'<label class="form-check-label" for="{e(bound_field.id_for_label)}">{e(bound_field.label)}</label></div>'
        f"{_help_and_errors(bound_field)}</div></div>"
    )


def _input(bound_field):
    widget = bound_field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    attrs = {"class": css + (" is-invalid" if bound_field.errors else "")}
    described = _described_by(bound_field)
    if described:
        attrs["aria-describedby"] = described
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return (
        f'<div class="crf-question" id="{anchor(bound_field)}">'
        f'<label class="crf-label" for="{e(bound_field.id_for_label)}">{e(bound_field.label)}</label>'
        f'<div class="crf-control">{bound_field.as_widget(attrs=attrs)}{_help_and_errors(bound_field)}</div></div>'
    )


@register.filter
def question(bound_field):
    """A question to answer: label (or legend), control, help text and errors, in one row."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):
        html = _radios(bound_field)
    elif isinstance(widget, forms.CheckboxInput):
        html = _checkbox(bound_field)
    else:
        html = _input(bound_field)
    return mark_safe(html)


def shown_value(bound_field):
    """What a saved answer reads as: the choice's label, Yes / No, the date, the number as entered."""
    field = bound_field.field
    value = bound_field.value()
    if isinstance(field.widget, forms.CheckboxInput):
        return _("Yes") if value else _("No")
    if value in (None, ""):
        return ""
    if hasattr(field, "choices"):
        for key, label in field.choices:
            if str(key) == str(value):
                return str(label)
    return str(field.prepare_value(value) if hasattr(field, "prepare_value") else value)


@register.filter
def answer_text(bound_field):
    """A question as read only: its label and the saved answer as text (no control)."""
    shown = shown_value(bound_field)
    text = e(shown) if shown else f'<span class="text-muted">{e(_("not answered"))}</span>'
    return mark_safe(
        f'<div class="crf-question crf-read" id="{anchor(bound_field)}">'
        f'<div class="crf-label">{e(bound_field.label)}</div><div class="crf-control crf-value">{text}</div></div>'
    )


@register.filter
def missing_links(paths, record):
    """The links, in words, to enter what the rules still miss (see screening.crf.field_paths)."""
    from ..crf.field_paths import links

    return links(record, paths)
