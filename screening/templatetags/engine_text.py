"""``{% load engine_text %}``: the eligibility engine's texts in the reader's language.

    {{ row.text|engine_text }}      criterion title
    {{ row.reason|engine_text }}    reason (a Message, a stored message dict, or old plain English)

See screening/checklist/translation.py.
"""

from django import template

from ..checklist.translation import translate_message

register = template.Library()


@register.filter
def engine_text(text):
    return translate_message(text)
