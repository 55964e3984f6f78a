"""The rows of the eligibility checklist, built in Python.

57 criteria × a few dozen template nodes each were a third of the eligibility
page's time (docs/performance.md); the HTML is the same as the template markup
this replaces (tests/test_eligibility_view.py compares the two).
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def status_of(row):
    return getattr(row.status, "value", None) or row.status


def _evidence(e):
    return format_html(
        "<li>{}: {}{}{}{}</li>", e.label, localize(e.value),
        format_html(" {}", e.unit) if e.unit else "",
        format_html(" ({})", e.date.isoformat()) if e.date else "",
        format_html(" — <em>{}</em>", e.note) if e.note else "",
    )


def criterion_row(row, links):
    """One <tr>: id, text, status, reason, evidence, note, and links to enter what is missing."""
    status = status_of(row)
    evidence = format_html('<ul class="small mb-0">{}</ul>', mark_safe("".join(_evidence(e) for e in row.evidence))) if row.evidence else ""
    note = format_html('<div class="small fst-italic">Note: {}</div>', row.note) if row.note else ""
    missing = ""
    if row.missing:
        missing = format_html(
            '<div class="small">Missing: {} {}</div>', ", ".join(row.missing),
            format_html_join("", ' · <a href="{}">enter in {}</a>', ((url, key) for key, url in links.items())),
        )
    provisional = mark_safe(' <span class="badge bg-light text-dark border">provisional</span>') if row.provisional else ""
    return format_html(
        '<tr id="{}" data-criterion="{}"><th scope="row">{}</th><td>{}</td>'
        '<td><span class="badge status-{}" data-testid="status-{}">{}</span>{}</td>'
        "<td><div>{}</div>{}{}{}</td></tr>",
        row.id, row.id, row.id, row.text, status, row.id, status, provisional, row.reason, evidence, note, missing,
    )


@register.filter
def criterion_rows(rows):
    """The <tr>s of a group, from (row, links) pairs."""
    return mark_safe("\n".join(criterion_row(row, links) for row, links in rows))


@register.filter
def other_criteria(rows):
    """The list items of other indications' criteria (not applicable)."""
    return format_html_join("", "<li>{}: {}</li>", ((f"{row.id} {row.text}", status_of(row)) for row, _ in rows))
