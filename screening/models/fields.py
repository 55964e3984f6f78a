"""Field helpers for CRF questions.

Every question distinguishes "not answered" (blank) from an explicit "Unknown /
not done", so a missing datum is never mistaken for a "No".
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWER_CHOICES = [(YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Unknown / not assessed"))]

POSITIVE, NEGATIVE, NOT_DONE = "positive", "negative", "not_done"
RESULT_CHOICES = [(POSITIVE, _("Positive")), (NEGATIVE, _("Negative")), (NOT_DONE, _("Not done"))]


def answer(verbose_name, help_text=""):
    return models.CharField(
        verbose_name, max_length=8, choices=ANSWER_CHOICES, blank=True, help_text=help_text
    )


def result(verbose_name, help_text="", choices=RESULT_CHOICES):
    return models.CharField(
        verbose_name, max_length=16, choices=choices, blank=True, help_text=help_text
    )


def measurement(verbose_name, low, high, unit, decimals=1, help_text=""):
    """A nullable decimal with its range and unit in the help text, and its unit
    on the field (``field.unit``), where the audit trail, the data dictionary and
    the exchange format read it (screening.values.unit_of): help text is prose."""
    digits = len(str(int(high))) + decimals
    # The unit stays as given on the field (stored, exported); the help text shows it translated.
    text = format_lazy("{}; {}–{}.", _(unit), low, high)
    if help_text:
        text = format_lazy("{} ({})", help_text, text)
    field = models.DecimalField(
        verbose_name,
        max_digits=digits,
        decimal_places=decimals,
        null=True,
        blank=True,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=text,
    )
    # An attribute, not a constructor argument: it is not part of the schema, so
    # it stays out of migrations (copied with the field to subclasses and history).
    field.unit = unit
    return field


def grade(verbose_name, high, help_text=""):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(high)],
        help_text=help_text or f"0–{high}",
    )


def event_date(verbose_name, help_text=""):
    return models.DateField(verbose_name, null=True, blank=True, help_text=help_text)
