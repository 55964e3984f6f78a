"""Template filter for the experiment "criterion rows rendered in Python"
(bench/experiments.py, fast_eligibility_rows): one checklist row of
templates/screening/eligibility.html built with format_html, the same HTML as
the template's per-row markup, in one call instead of dozens of template nodes.
Benchmark use only; a sketch of the change suggested in docs/performance.md."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _evidence(e):
    return format_html(
        "<li>{}: {}{}{}{}</li>", e.label, localize(e.value),
        format_html(" {}", e.unit) if e.unit else "",
        format_html(" ({})", e.date.isoformat()) if e.date else "",
        format_html(" — <em>{}</em>", e.note) if e.note else "",
    )


@register.filter
def criterion_row(row, links):
    status = getattr(row.status, "value", None) or row.status
    evidence = (format_html('<ul class="small mb-0">{}</ul>', mark_safe("".join(_evidence(e) for e in row.evidence)))
                if row.evidence else "")
    note = format_html('<div class="small fst-italic">Note: {}</div>', row.note) if row.note else ""
    missing = ""
    if row.missing:
        missing = format_html(
            '<div class="small">Missing: {}\n        {}</div>', ", ".join(row.missing),
            format_html_join("", ' · <a href="{}">enter in {}</a>', ((url, key) for key, url in links.items())),
        )
    provisional = mark_safe(' <span class="badge bg-light text-dark border">provisional</span>') if row.provisional else ""
    return format_html(
        '<tr id="{}" data-criterion="{}">\n    <th scope="row">{}</th>\n    <td>{}</td>\n'
        '    <td><span class="badge status-{}" data-testid="status-{}">{}</span>{}</td>\n'
        "    <td>\n      <div>{}</div>\n      {}\n      {}\n      {}\n    </td>\n  </tr>",
        row.id, row.id, row.id, row.text, status, row.id, status, provisional, row.reason, evidence, note, missing,
    )
