"""The template side of screening/display.py: ``{% load display %}``.

    {{ signature.signed_at|site_time:record.site }}
        <time datetime="2026-12-02T00:45:22+00:00" title="2026-12-02 00:45:22 UTC; site time zone Asia/Shanghai">2026-12-02 08:45:22 CST</time>
    {{ record.site|zone_name }}        Asia/Shanghai
    {% site_now record.site %}         the same element for the present moment
    {{ evidence.value|value_text }}    118, 3.2, 2026-11-27, Yes
    {{ state.overall|overall_text }}   Not eligible
    {{ run.user|person }}              Bob Builder (bob); {{ who|person:nobody }} names None `nobody`

The argument of ``site_time`` is a Site, a zone name or a tzinfo; every time on a
page about a site is shown in that site's zone (the time zone Django activates
is not used: it is UTC for every request).
"""

from django import template
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext as _

from .. import values as display

register = template.Library()


@register.filter
def site_time(moment, where):
    return display.time_html(moment, where) if moment else ""


@register.filter
def zone_name(where):
    return display.zone_name(where)


@register.filter
def person(user, nobody=None):
    return display.user_display_name(user, nobody)


@register.filter
def value_text(value):
    return display.value_text(value)


@register.filter
def overall_text(code):
    return display.overall_text(code)


# The status codes of the checklist as shown: the code itself in English (as before, and as
# the JSON and logs hold it), its words in another language (docs/i18n.md).
STATUS_WORDS = {
    "ELIGIBLE": pgettext_lazy("eligibility status", "ELIGIBLE"),
    "NOT_ELIGIBLE": pgettext_lazy("eligibility status", "NOT_ELIGIBLE"),
    "INCOMPLETE": pgettext_lazy("eligibility status", "INCOMPLETE"),
    "PASS": pgettext_lazy("criterion status", "PASS"),
    "FAIL": pgettext_lazy("criterion status", "FAIL"),
    "NOT_APPLICABLE": pgettext_lazy("criterion status", "NOT_APPLICABLE"),
    "AWAITING_INVESTIGATOR": pgettext_lazy("criterion status", "AWAITING_INVESTIGATOR"),
}


@register.filter
def status_text(code):
    """A status code (ELIGIBLE, PASS, …) in the reader's language; another value as it is."""
    code = getattr(code, "value", code)
    word = STATUS_WORDS.get(str(code)) if code is not None else None
    return str(word) if word is not None else (code or "")


@register.filter
def stored_words(text):
    """Words the application stored in English (a role's name on the access log): in the reader's
    language when the catalogue has them, else as stored."""
    return gettext(text) if text else ""


@register.simple_tag
def site_now(where):
    return display.time_html(timezone.now(), where)


@register.filter
def role_name(code):
    """"site_admin" -> "Site administrator"; none -> "no role"."""
    from ..models.sites import role_label

    return role_label(code) if code else _("no role")
