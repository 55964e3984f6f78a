"""Values and times as a person reads them: the one place that decides.

Every page, CSV export and message that shows a stored value or a moment calls
these helpers, so the eligibility evidence, the audit trail, the field history,
the conflict page and the signature block cannot disagree:

- numbers as entered: ``Decimal("118.000")`` → ``118``, ``Decimal("3.20")`` → ``3.2``,
  never an exponent (``Decimal("1E+2")`` → ``100``);
- dates as ``YYYY-MM-DD``, everywhere, whatever the language's date format;
- yes/no as words, choice codes as their labels, blanks as blank;
- a moment in the time zone of the site it belongs to, with the zone's name,
  and UTC alongside (``<time datetime=… title="… UTC">``).

Database-free and importing no model (models import it for their ``__str__``):
tested with plain unit tests in tests/test_display.py.
"""

import datetime
import html
import zoneinfo
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import lru_cache

from django import forms
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, pgettext

UTC = datetime.timezone.utc
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
CONFLICT_LIMIT = 120  # characters of a value shown on the conflict page

# The overall eligibility statuses, as words (the codes stay in JSON and logs).
OVERALL_LABELS = {
    "ELIGIBLE": lambda: gettext("Eligible"),
    "NOT_ELIGIBLE": lambda: gettext("Not eligible"),
    "INCOMPLETE": lambda: gettext("Incomplete"),
}


# --------------------------------------------------------------------------
# Values


def number_text(value):
    """A number as entered: no trailing zeros, no exponent, no "-0"."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        value = Decimal(repr(value))  # the shortest decimal that reads back as this float
    elif isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, int):
        return str(value)
    if not value.is_finite():
        return str(value)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def date_text(day):
    """A date (or the date part of a moment) as YYYY-MM-DD."""
    return day.strftime(DATE_FORMAT) if day else ""


def yes_no(value):
    return gettext("Yes") if value else gettext("No")


def value_text(value, blank=""):
    """Any stored or computed value as text; None and "" give `blank`."""
    if value is None or value == "":
        return blank
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (int, float, Decimal, Fraction)):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        return utc_text(value)  # a moment without a site: say it is UTC
    if isinstance(value, datetime.date):
        return date_text(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def field_value_text(model_field, value, blank=""):
    """A stored value of a model field: the choice label, not the code; Yes/No for a checkbox."""
    if value is None or value == "":
        return blank
    if model_field.choices:
        label = dict(model_field.flatchoices).get(value)
        if label is not None:
            return str(label)
    if model_field.get_internal_type() == "BooleanField":
        return yes_no(value)
    return value_text(value, blank)


def unit_of(model_field):
    """The fixed unit of a measurement field (set by models.fields.measurement), or ""."""
    return getattr(model_field, "unit", "") or ""


def with_unit(text, unit):
    return f"{text} {unit}" if text and unit else text


def field_label(model_field):
    """The question as a heading: the verbose name, capitalised ("LVEF", "Body weight")."""
    return capfirst(str(model_field.verbose_name))


def overall_text(code):
    """ELIGIBLE → Eligible; an unknown code is shown as it is."""
    label = OVERALL_LABELS.get(code)
    return label() if label else (code or "")


def row_description(row, title=None, fields=None):
    """Which repeating row, in words: its first coded field's label and its first date
    ("Lab result: Haemoglobin 2026-11-27"). `title` defaults to the model's verbose
    name; `fields` to the row's editable fields (sections.data_fields gives the CRF's)."""
    if fields is None:
        fields = [f for f in row._meta.concrete_fields if f.editable and not f.is_relation and not f.primary_key]
    coded = next((f for f in fields if f.choices), None)
    dated = next((f for f in fields if f.get_internal_type() == "DateField"), None)
    parts = [field_value_text(f, getattr(row, f.attname)) for f in (coded, dated) if f is not None]
    described = " ".join(p for p in parts if p)
    heading = str(title) if title else capfirst(str(row._meta.verbose_name))
    return f"{heading}: {described}" if described else heading


def user_display_name(user, nobody=None):
    """"Full Name (username)", or the user name alone; `nobody` (default "system") for None."""
    if user is None:
        return gettext("system") if nobody is None else nobody
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


# --------------------------------------------------------------------------
# The conflict page (called from screening/forms.py)


def shown_or_blank(text, limit=CONFLICT_LIMIT):
    """Text for a table cell that must never look empty: "(blank)" when there is none."""
    if text in (None, ""):
        return gettext("(blank)")
    return Truncator(str(text)).chars(limit)


def saved_value_text(instance, name):
    """A saved field of a model instance, as the conflict page shows it."""
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:  # the related object's name (a screening number), not its id
        related = getattr(instance, model_field.name, None)
        return shown_or_blank("" if related is None else str(related))
    return shown_or_blank(field_value_text(model_field, getattr(instance, model_field.attname)))


def posted_value_text(bound_field):
    """What the user posted in a form field, as the conflict page shows it: the choice
    label, Yes/No for a checkbox, and a number as entered ("118.000" → "118")."""
    raw = bound_field.data
    field = bound_field.field
    if isinstance(raw, bool):
        return yes_no(raw)
    choices = getattr(field, "choices", None)
    if choices is not None and raw not in (None, ""):
        try:
            labels = {str(k): str(v) for k, v in choices}
        except Exception:  # a forged key the queryset cannot read
            labels = {}
        return shown_or_blank(labels.get(str(raw), str(raw)))
    if raw not in (None, "") and isinstance(field, (forms.DecimalField, forms.FloatField)):
        try:
            return shown_or_blank(number_text(Decimal(str(raw).strip())))
        except (ArithmeticError, ValueError):
            pass  # not a number: shown as typed
    return shown_or_blank("" if raw is None else str(raw))


# --------------------------------------------------------------------------
# Times: one zone per page, the zone of the site the page is about


@lru_cache(maxsize=64)
def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC


def zone_of(where):
    """The tzinfo of a Site, a zone name or a tzinfo; UTC for None or an unknown name."""
    if where is None:
        return UTC
    if isinstance(where, datetime.tzinfo):
        return where
    if isinstance(where, str):
        return _zone(where)
    return _zone(getattr(where, "time_zone", "") or "UTC")


def zone_name(where):
    """The IANA name of the zone ("Asia/Shanghai"), "UTC" for UTC."""
    zone = zone_of(where)
    return "UTC" if zone is UTC else str(zone)


def local_text(moment, where):
    """A moment in the site's zone with the zone's abbreviation: "2026-12-02 08:45:22 CST"."""
    local = moment.astimezone(zone_of(where))
    return f"{local.strftime(TIME_FORMAT)} {local.tzname()}"


def site_time_text(moment, where):
    """For plain text (messages, stored descriptions): the site time with its zone spelt out,
    "2026-12-02 08:45:22 CST (Asia/Shanghai)"; for UTC, "2026-12-02 00:45:22 UTC"."""
    if moment is None:
        return ""
    name = zone_name(where)
    text = local_text(moment, where)
    return text if name == "UTC" else f"{text} ({name})"


def utc_text(moment):
    """"2026-12-02 00:45:22 UTC"."""
    return f"{moment.astimezone(UTC).strftime(TIME_FORMAT)} UTC" if moment else ""


def utc_iso(moment):
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def time_html(moment, where):
    """The <time> element of every page: the site time as text, UTC in `datetime` and on hover."""
    if moment is None:
        return ""
    title = pgettext("time on hover", "%(utc)s; site time zone %(zone)s") % {
        "utc": utc_text(moment), "zone": zone_name(where)}
    escape = html.escape  # not django's: this runs for every row of an audit page (markup.py)
    return mark_safe(
        f'<time datetime="{escape(utc_iso(moment))}" title="{escape(title)}">{escape(local_text(moment, where))}</time>'
    )


def csv_time_cells(moment, where):
    """The time columns of a CSV row: site time with its zone abbreviation, the zone, UTC."""
    return [local_text(moment, where), zone_name(where), moment.astimezone(UTC).strftime(TIME_FORMAT)]


def csv_cell(value):
    """A CSV or spreadsheet cell with spreadsheet formulas neutralised (CSV injection)."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True
