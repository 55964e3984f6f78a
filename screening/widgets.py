"""Widgets of the CRF forms."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """Django's <select>, with its options built in Python.

    Django renders each <option> through its own template include: on a page of
    lab rows (17 analytes and 12 units a row) that is most of the page's time
    (docs/performance.md). Same HTML; grouped choices keep Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], attributes(option["attrs"]), option["label"])
            for _, group, _ in widget["optgroups"] for option in group
        ))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], attributes(widget["attrs"]), options)


def attributes(attrs):
    """HTML attributes in the order given, as django/forms/widgets/attrs.html writes them."""
    return mark_safe("".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False
    ))
