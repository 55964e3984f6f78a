"""How the CRF's widgets are written out as HTML.

Django renders every widget through a template, and every <option> of a
<select> through one more include. A CRF page holds hundreds of them (15 lab
rows of 7 cells, 57 coded SLEDAI and classification items): that was most of a
section page's time (docs/performance.md). WidgetRenderer writes <input>s and
<select>s in Python, the same HTML as Django's templates (compared in
tests/test_widgets.py), and leaves everything else to the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"],
        "" if value is None else format_html(' value="{}"', _text(value)), _attributes(widget["attrs"]),
    )


def _select(widget):
    html = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
    for group, options, _ in widget["optgroups"]:
        if group:
            html.append(format_html('\n  <optgroup label="{}">', group))
        for option in options:
            html.append(format_html(
                '\n  <option value="{}"{}>{}</option>\n', _text(option["value"]), _attributes(option["attrs"]),
                option["label"],
            ))
        if group:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return mark_safe("".join(html))


def _text(value):
    """The |stringformat:'s' filter."""
    return str(value)


def _attributes(attrs):
    """HTML attributes in the order given, as django/forms/widgets/attrs.html writes them."""
    return mark_safe("".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _text(value))
        for name, value in attrs.items() if value is not False
    ))
