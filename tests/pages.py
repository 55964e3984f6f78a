"""What a browser posts back from a section page, read off the page's forms (for client tests)."""

import datetime

from django.forms import CheckboxInput


def _post_value(bound):
    value = bound.value()
    if isinstance(bound.field.widget, CheckboxInput):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def form_data(form, data):
    for bound in form:
        value = _post_value(bound)
        if value is not None:
            data[bound.html_name] = value
    return data


def page_data(response):
    """What the browser posts back from a section page, unchanged."""
    context = response.context
    data = {}
    if context["form"] is not None:
        form_data(context["form"], data)
    for _, formset in context["formsets"]:
        form_data(formset.management_form, data)
        for row in formset.forms:
            form_data(row, data)
    if context.get("editable"):
        form_data(context["reason"], data)
    return data


def row_index(data, prefix, pk):
    return next(k.split("-")[1] for k, v in data.items() if k.startswith(prefix) and k.endswith("-id") and v == str(pk))
