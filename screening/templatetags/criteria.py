"""The rows of the eligibility checklist, built in Python.

57 criteria × a few dozen template nodes each were a third of the eligibility
page's time (docs/performance.md); the HTML is the same as the template markup
this replaces (tests/test_eligibility_view.py compares the two).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..checklist.translation import translate_message as tr
from ..checklist.translation import translate_value
from ..crf.markup import e
from ..values import date_text

register = template.Library()


def status_of(row):
    return str(row.status)  # a Status prints as its name


def _evidence(item):
    return "<li>{}: {}{}{}{}</li>".format(
        e(tr(item.label)), e(translate_value(item.value)),  # as entered: 118, 3.2, never 118.0
        f" {e(tr(item.unit))}" if item.unit else "",
        f" ({date_text(item.date)})" if item.date else "",
        f" — <em>{e(tr(item.note))}</em>" if item.note else "",
    )


def criterion_row(row, links):
    """One <tr>: id, text, status, reason, evidence, note, and links to enter what is missing
    (`links`: a FieldLink per missing path)."""
    status = e(status_of(row))
    evidence = f'<ul class="small mb-0">{"".join(_evidence(item) for item in row.evidence)}</ul>' if row.evidence else ""
    # Words marked outside the f-strings: xgettext does not read inside them.
    note_word, missing_word, provisional_word = _("Note:"), _("Missing:"), _("provisional")
    note = f'<div class="small fst-italic">{e(note_word)} {e(tr(row.note))}</div>' if row.note else ""
    missing = ""
    if row.missing:  # each in words, linking to the field (screening.crf.field_paths)
        named = ", ".join(f'<a href="{e(link.url)}">{e(link.label)}</a>' if link.url else e(link.label) for link in links)
        missing = f'<div class="small">{e(missing_word)} {named}</div>'
    provisional = f' <span class="badge bg-light text-dark border">{e(provisional_word)}</span>' if row.provisional else ""
    ident = e(row.id)
    return (
        f'<tr id="{ident}" data-criterion="{ident}"><th scope="row">{ident}</th><td>{e(tr(row.text))}</td>'
        f'<td><span class="badge status-{status}" data-testid="status-{ident}">{status}</span>{provisional}</td>'
        f"<td><div>{e(tr(row.reason))}</div>{evidence}{note}{missing}</td></tr>"
    )


@register.filter
def criterion_rows(rows):
    """The <tr>s of a group, from (row, links) pairs."""
    return mark_safe("\n".join(criterion_row(row, links) for row, links in rows))


@register.filter
def other_criteria(rows):
    """The list items of other indications' criteria (not applicable)."""
    return mark_safe("".join(f"<li>{e(row.id)} {e(tr(row.text))}: {e(status_of(row))}</li>" for row, _ in rows))
