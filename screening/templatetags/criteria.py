"""The rows of the eligibility checklist, built in Python.

57 criteria × a few dozen template nodes each were a third of the eligibility
page's time (docs/performance.md); the HTML is the same as the template markup
this replaces (tests/test_eligibility_view.py compares the two).
"""

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from ..markup import e

register = template.Library()


def status_of(row):
    return getattr(row.status, "value", None) or row.status


def _evidence(item):
    return "<li>{}: {}{}{}{}</li>".format(
        e(item.label), e(localize(item.value)),
        f" {e(item.unit)}" if item.unit else "",
        f" ({item.date.isoformat()})" if item.date else "",
        f" — <em>{e(item.note)}</em>" if item.note else "",
    )


def criterion_row(row, links):
    """One <tr>: id, text, status, reason, evidence, note, and links to enter what is missing."""
    status = e(status_of(row))
    evidence = f'<ul class="small mb-0">{"".join(_evidence(item) for item in row.evidence)}</ul>' if row.evidence else ""
    note = f'<div class="small fst-italic">Note: {e(row.note)}</div>' if row.note else ""
    missing = ""
    if row.missing:
        enter = "".join(f' · <a href="{e(url)}">enter in {e(key)}</a>' for key, url in links.items())
        missing = f'<div class="small">Missing: {e(", ".join(row.missing))} {enter}</div>'
    provisional = ' <span class="badge bg-light text-dark border">provisional</span>' if row.provisional else ""
    ident = e(row.id)
    return (
        f'<tr id="{ident}" data-criterion="{ident}"><th scope="row">{ident}</th><td>{e(row.text)}</td>'
        f'<td><span class="badge status-{status}" data-testid="status-{ident}">{status}</span>{provisional}</td>'
        f"<td><div>{e(row.reason)}</div>{evidence}{note}{missing}</td></tr>"
    )


@register.filter
def criterion_rows(rows):
    """The <tr>s of a group, from (row, links) pairs."""
    return mark_safe("\n".join(criterion_row(row, links) for row, links in rows))


@register.filter
def other_criteria(rows):
    """The list items of other indications' criteria (not applicable)."""
    return mark_safe("".join(f"<li>{e(row.id)} {e(row.text)}: {e(status_of(row))}</li>" for row, _ in rows))
