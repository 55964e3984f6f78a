"""Translatable engine texts without Django: a `Message` is the English text (it *is* a `str`)
that remembers the template it was made from and its parameters.

    _("Age {years} on {scr} is within {low}–{high}.", years=41, scr="2026-11-02", low=18, high=70)

- `str(message)` (and every string operation) is exactly the English text an f-string gave,
  so stored states, digests, JSON, the CSV exports and the tests read the same English;
- `message.to_dict()` is `{"id": template, "params": {...}}`: the template is the gettext msgid
  (xgettext, so `manage.py makemessages`, extracts `_("…")` calls from Python files by default,
  flagged `python-brace-format`), params are JSON values or nested message dicts;
- `join(parts)` keeps a sentence list ("A. B.") as `{"join": " ", "parts": [...]}`; the
  separator may be a message too (`join(names, _(" and "))`).

Placeholders are `{name}` (str.format), not `%(name)s`: the texts are full of "%" signs
("SpO₂ 97 % on room air") that xgettext would take for printf directives. A parameter that is
itself a label is passed as a Message, so the display glue (screening/checklist/translation.py)
translates it too; numbers and dates are passed already worded (`fmt()`, ISO dates), which is
how every page shows them whatever the language.
"""

from enum import Enum

_PLAIN = (str, int, float, bool, type(None))
_FAST = frozenset(_PLAIN)  # exact types kept as they are without a closer look
STYLES = ("", "lower_first", "upper_first")


def _param(value):
    """A parameter as kept: a Message or a JSON value; anything else worded as an f-string would."""
    if isinstance(value, Message) or (isinstance(value, _PLAIN) and not isinstance(value, Enum)):
        return value
    return format(value, "")


def _styled(text, style):
    if not text or not style:
        return text
    return text[0].lower() + text[1:] if style == "lower_first" else text[0].upper() + text[1:]


class Message(str):
    """English text plus (template, params), immutable like the str it is."""

    # Defaults read through the class: most messages set only template and params (the engine
    # makes tens of them per criterion, so construction is kept lean).
    style, parts, sep = "", None, " "

    def __new__(cls, template, params=None, *, style="", parts=None, sep=" "):
        if parts is not None:
            parts = tuple(p if isinstance(p, Message) else str(p) for p in parts)
            text = sep.join(parts)
        elif params:
            for value in params.values():
                if type(value) not in _FAST and not isinstance(value, Message):
                    params = {k: _param(v) for k, v in params.items()}
                    break
            text = template.format(**params)
        else:
            text = template
            params = {}
        if style:
            if style not in STYLES:
                raise ValueError(f"unknown style {style!r}")
            text = _styled(text, style)
        self = super().__new__(cls, text)
        attributes = self.__dict__
        attributes["template"], attributes["params"] = template, params
        if style or parts is not None:
            attributes.update(style=style, parts=parts, sep=sep)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("a Message is immutable")

    __delattr__ = __setattr__

    def __reduce__(self):
        return (_rebuild, (self.template, self.params, self.style, self.parts, self.sep))

    def __repr__(self):
        return f"Message({str.__repr__(self)})"

    def styled(self, style) -> "Message":
        """The same message with its first letter lowered ("lower_first") or raised ("upper_first")."""
        return Message(self.template, self.params, style=style, parts=self.parts, sep=self.sep)

    def to_dict(self) -> dict:
        if self.parts is not None:
            data = {"join": as_data(self.sep), "parts": [as_data(p) for p in self.parts]}
        else:
            data = {"id": self.template, "params": {k: as_data(v) for k, v in self.params.items()}}
        if self.style:
            data["style"] = self.style
        return data


def _rebuild(template, params, style, parts, sep):
    return Message(template, params, style=style, parts=parts, sep=sep)


_CONSTANT = {}  # template -> its Message, for the texts without parameters (labels, fixed reasons)


def _(template, **params) -> Message:
    """Mark an engine text for translation; `params` fill its `{name}` placeholders."""
    if params:
        return Message(template, params)
    message = _CONSTANT.get(template)
    if message is None:
        message = _CONSTANT[template] = Message(template)
    return message


def join(parts, sep=" ") -> Message:
    """`sep.join(parts)` that keeps each part's message."""
    return Message("", parts=list(parts), sep=sep)


def styled(text, style):
    """`text` with its first letter lowered or raised; a Message stays a Message."""
    return text.styled(style) if isinstance(text, Message) else _styled(text, style)


def as_data(value):
    """The JSON form of a text: a message dict for a Message, the value itself otherwise."""
    return value.to_dict() if isinstance(value, Message) else value


def messages_of(**fields) -> dict:
    """{field: message dict} for the fields that are Messages (the "i18n" key of a to_dict)."""
    return {name: value.to_dict() for name, value in fields.items() if isinstance(value, Message)}


__all__ = ["Message", "_", "join", "styled", "as_data", "messages_of"]
