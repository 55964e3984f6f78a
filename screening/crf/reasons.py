"""Reasons for change (ICH E6(R3) 4.2.2(a)(ii)): one rule for every reason a person gives,
in the section forms (changes, deletions of rows, judgement answers) and for imports.

A reason is cleaned of Unicode format characters (category Cf: zero-width spaces and
joiners, direction marks, the byte-order mark) and surrounding whitespace, and must then
hold at least three letters or digits: "\u200b", "." or "ok" say nothing."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_ALPHANUMERIC = 3
TOO_SHORT = _("A reason needs at least three letters or digits; spaces, punctuation and invisible "
              "characters do not count.")


def visible_text(text):
    """The text without format characters, stripped (line breaks inside kept: query threads)."""
    return "".join(c for c in str(text or "") if unicodedata.category(c) != "Cf").strip()


def clean_reason(text):
    """The reason without format characters, with whitespace collapsed and stripped."""
    return " ".join(visible_text(text).split())


def validate_reason(text):
    """The cleaned reason, or ValidationError(code="reason_too_short")."""
    cleaned = clean_reason(text)
    if sum(c.isalnum() for c in cleaned) < MIN_ALPHANUMERIC:
        raise ValidationError(TOO_SHORT, code="reason_too_short")
    return cleaned
