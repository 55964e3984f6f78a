"""Marking the calculators' labels for translation without Django.

`gettext_noop(text)` returns `text` unchanged; its only use is that xgettext, and so
`manage.py makemessages` (which passes `--keyword=gettext_noop`), extracts the literal into the
catalogue. The engine passes such a label into its texts as a message
(`screening.eligibility.messages.Message(label)`), and the display translates it.
"""


def gettext_noop(text: str) -> str:
    return text
