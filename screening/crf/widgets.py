"""How the CRF's widgets are written out as HTML.

Django renders every widget through a template, and every <option> of a
<select> through one more include. A CRF page holds hundreds of them (15 lab
rows of 7 cells, 57 coded SLEDAI and classification items): that was most of a
section page's time (docs/performance.md). WidgetRenderer writes <input>s and
<select>s in Python, the same HTML as Django's templates (compared in
tests/test_widgets.py), and leaves everything else to the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from .markup import e

WIDGETS = "django/forms/widgets/"
# Templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(WIDGETS + name for name in (
    "input.html", "text.html", "number.html", "email.html", "url.html", "password.html", "hidden.html",
    "date.html", "datetime.html", "time.html", "checkbox.html", "search.html", "tel.html", "color.html",
))
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"


class WidgetRenderer(DjangoTemplates):
    """Django's default form renderer, with <input> and <select> written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUTS:
            return _input(widget)
        if template_name == SELECT and all(
            option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options
        ):
            return _select(widget)
        return super().render(template_name, context, request)


def _input(widget):
    value = "" if widget["value"] is None else f' value="{e(_text(widget["value"]))}"'
    return mark_safe(f'<input type="{e(widget["type"])}" name="{e(widget["name"])}"{value}{_attributes(widget["attrs"])}>')


def _select(widget):
    html = [f'<select name="{e(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group, options, _ in widget["optgroups"]:
        if group:
            html.append(f'\n  <optgroup label="{e(group)}">')
        for option in options:
            html.append(f'\n  <option value="{e(_text(option["value"]))}"{_attributes(option["attrs"])}>{e(option["label"])}</option>\n')
        if group:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return mark_safe("".join(html))


def _text(value):
    """The |stringformat:'s' filter."""
    return str(value)


def _attributes(attrs):
    """HTML attributes in the order given, as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {e(name)}" if value is True else f' {e(name)}="{e(_text(value))}"'
        for name, value in attrs.items() if value is not False
    )
