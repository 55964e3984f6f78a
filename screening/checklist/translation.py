"""The eligibility engine's texts in the reader's language.

The engine (pure, no Django) returns its criterion titles, reasons, evidence labels and notes as
`screening.eligibility.messages.Message`: English text that keeps its msgid and parameters. Here
the msgid goes through gettext and the parameters are filled in, each parameter that is itself a
message translated first. What the pages, the print view and the PDF show comes through
`translate_message`; stored data (`CriterionResult.to_dict()`, kept in EligibilityStatusChange.results)
through `translate_field`, which falls back to the English text when a row was stored before the
engine kept its messages ("i18n" absent).

A catalogue entry that does not fit its parameters (a placeholder misspelt in a translation)
never breaks a page: the English text is shown instead.
"""

from django.utils.translation import gettext

from ..eligibility.messages import Message, styled
from ..values import value_text


def translate_message(text):
    """A Message, a message dict ({"id", "params"} or {"join", "parts"}) or plain text, in the active language."""
    if isinstance(text, Message):
        if text.parts is not None:
            return _joined(text.parts, text.sep, text.style)
        return _filled(text.template, text.params, text.style, english=str(text))
    if isinstance(text, dict):
        if "parts" in text:
            return _joined(text.get("parts") or (), text.get("join", " "), text.get("style", ""))
        if "id" in text:
            return _filled(str(text["id"]), text.get("params") or {}, text.get("style", ""))
        return ""
    if text is None:
        return ""
    return text if isinstance(text, str) else value_text(text)


def translate_field(data, field):
    """`data[field]` of a stored result or evidence dict, translated when its message was kept."""
    message = (data.get("i18n") or {}).get(field)
    if isinstance(message, dict):
        return translate_message(message)
    value = data.get(field, "")
    return value if isinstance(value, str) else value_text(value)


def translate_value(value):
    """An evidence value: a worded one ("not answered", "yes") translated, a number or date as every page shows it."""
    if isinstance(value, (Message, dict)):
        return translate_message(value)
    return value_text(value)


def _joined(parts, sep, style):
    text = translate_message(sep).join(translate_message(p) for p in parts)
    return styled(text, style)


def _filled(template, params, style, english=None):
    if not template:
        return ""
    translated = gettext(template)
    if params:
        values = {name: translate_message(value) if isinstance(value, (Message, dict)) else value
                  for name, value in params.items()}
        try:
            translated = translated.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            translated = english if english is not None else _english(template, params)
    return styled(translated, style)


def _english(template, params):
    try:
        return template.format(**{name: translate_message(v) if isinstance(v, dict) else v
                                  for name, v in params.items()})
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return template
