"""The rows of an audit trail table, built in Python.

A page holds 50 events of up to a dozen field changes, each row twelve cells:
rendered node by node that was a third of the page's time (docs/performance.md).
The HTML is that of the template markup this replaces
(tests/test_audit_trail.py compares the two).
"""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..crf.markup import e
from ..values import time_html

register = template.Library()

# Reasons the application writes itself, or offers to choose: stored in English (what the
# trail holds stays one language), shown in the reader's (the catalogue holds them).
KNOWN_REASONS = ("Initial entry", "Row added", "Record created", "Eligibility signature invalidated by a data change",
                 "Data entry error", "Source document updated", "Transcription correction", "Query resolution")


def reason_text(reason):
    """A stored reason in the reader's language: a known one, or a known choice before its detail."""
    if not reason:
        return ""
    head, sep, rest = reason.partition(": ")
    if reason in KNOWN_REASONS:
        return gettext(reason)
    if sep and head in KNOWN_REASONS:
        return f"{gettext(head)}: {rest}"
    return reason


def _blank():
    return f'<span aria-hidden="true">—</span><span class="visually-hidden">{e(gettext("blank"))}</span>'


def _field_cell(event, change, link_fields, words):
    if change is None:
        return ""
    if link_fields and change.name and event.section:
        url = reverse("field_history", args=[event.record_id, event.section.key, change.name])
        return f'<a href="{e(url)}" title="{words["history"]}">{e(change.label)}</a>'
    return e(change.label)


def _event_cells(event, show_record):
    """The cells before the field's: the same for every change of the event."""
    record = ""
    if show_record:
        link = f'<a href="{e(reverse("record_audit", args=[event.record_id]))}">{e(event.record)}</a>' if event.record else ""
        record = f"<td>{link}</td>"
    return (
        f'<td class="text-nowrap">{time_html(event.at, event.tz)}</td>'
        f'<td class="text-nowrap small text-muted">{e(event.at_utc)}</td><td>{e(event.user)}</td><td>{e(event.role)}</td>{record}'
        f"<td>{e(event.kind_label)}</td><td>{e(event.section_title)}</td><td>{e(event.detail)}</td>"
    )


def _rows(event, show_record, link_fields, words):
    start, kind, reason = _event_cells(event, show_record), e(event.kind), e(reason_text(event.reason))
    return "".join(
        f'<tr data-testid="audit-entry" data-kind="{kind}">{start}<td>{_field_cell(event, change, link_fields, words)}</td>'
        f"<td>{e(change.old) if change and change.old else words['blank']}</td>"
        f"<td>{e(change.new) if change and change.new else words['blank']}</td><td>{reason}</td></tr>"
        for change in (event.changes or [None])
    )


@register.simple_tag
def audit_rows(events, show_record, link_fields):
    """One <tbody> per event, one <tr> per field changed."""
    words = {"blank": _blank(), "history": e(gettext("History of this field"))}  # translated once a page
    return mark_safe("\n".join(
        f'<tbody class="border-top border-2">{_rows(event, show_record, link_fields, words)}</tbody>' for event in events
    ))
