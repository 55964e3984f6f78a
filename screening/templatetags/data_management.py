"""The query badge and the SDV mark beside a field, a row or a section (the section page)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..crf.markup import e

register = template.Library()


@register.simple_tag
def dm_badges(dm, *parts):
    """Badges of one target: `{% dm_badges dm field.name %}`, `{% dm_badges dm prefix row.pk %}`
    (a row), `{% dm_badges dm prefix row.pk field.name %}` (a field of a row)."""
    if dm is None:
        return ""
    if len(parts) == 1:
        key = parts[0] or ""
    else:
        if not parts[1]:
            return ""  # a row not yet saved
        key = f"{parts[0]}:{parts[1]}" + (f".{parts[2]}" if len(parts) > 2 and parts[2] else "")
    html = []
    for query in dm.by_target.get(key, ()):
        label = query.get_state_display()
        css = "bg-warning text-dark" if query.state == query.OPEN else "bg-info text-dark"
        html.append(f'<a class="badge {css} dm-query-badge" href="#query-{query.pk}" data-testid="query-badge">'
                    f'{e(_("Query"))}: {e(label)}</a>')
    mark = dm.marked.get(key)
    sdv_word = _("SDV ✓")  # marked outside the f-string: xgettext does not read inside one
    if mark is not None:
        html.append(f'<span class="badge bg-success dm-sdv-badge" data-testid="sdv-badge" title="{e(mark.at)}">'
                    f'{e(sdv_word)}</span>')
    if not html:
        return ""
    return mark_safe(f'<span class="dm-badges">{" ".join(html)}</span>')


@register.filter
def query_summary(counts):
    """"2 open, 1 answered" of {"open": n, "answered": n}."""
    parts = []
    if counts.get("open"):
        parts.append(ngettext("%(n)s open", "%(n)s open", counts["open"]) % {"n": counts["open"]})
    if counts.get("answered"):
        parts.append(ngettext("%(n)s answered", "%(n)s answered", counts["answered"]) % {"n": counts["answered"]})
    return ", ".join(parts)
