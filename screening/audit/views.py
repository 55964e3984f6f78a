"""Audit trail pages for investigators, monitors and site administrators: the
trail of one record, the log of a site, the history of one field, and CSV
exports of the first two (each export logged in AuditExport).

Access, with the helpers of permissions.py only: a role without
`view_audit_trail` (coordinators, the authors of the data) gets a 403 whatever
the record, as everywhere in the app; the others reach only their sites'
records and sites, anything else is a 404 (its existence is not disclosed).
"""

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from ..access.permissions import (
    get_record_for_user,
    get_site_for_user,
    permission_required,
)
from ..access.roles import role_of
from ..crf.sections import BY_KEY, SECTIONS, sections_for
from ..models import AuditExport
from ..values import csv_cell, zone_name
from . import trail
from .forms import AUDIT_PERMISSION, PER_PAGE, TrailFilterForm


def _filter_form(request, site, sections):
    data = request.GET if any(k in request.GET for k in TrailFilterForm.base_fields) else None
    return TrailFilterForm(data, site=site, sections=sections)


def _filter_query(request):
    """The filters of the page, without its page number: what the export link carries."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request, events):
    return Paginator(events, PER_PAGE).get_page(request.GET.get("page"))


@permission_required(AUDIT_PERMISSION)
@require_GET  # the trail is read, never written, through the application
def record_audit(request, pk):
    record = get_record_for_user(request, pk)
    form = _filter_form(request, record.site, sections_for(record))
    timeline = trail.Timeline(trail.Scope(record.site, record), form.filters())
    return render(request, "screening/audit/record_audit.html", {
        "record": record,
        "form": form,
        "page": _page(request, timeline),
        "tz_name": zone_name(record.site),
        "filter_query": _filter_query(request),
    })


@permission_required(AUDIT_PERMISSION)
@require_GET
def site_audit(request, code):
    site = get_site_for_user(request, code)
    form = _filter_form(request, site, SECTIONS)
    timeline = trail.Timeline(trail.Scope(site), form.filters())
    return render(request, "screening/audit/site_audit.html", {
        "site": site,
        "form": form,
        "page": _page(request, timeline),
        "tz_name": zone_name(site),
        "filter_query": _filter_query(request),
    })


@permission_required(AUDIT_PERMISSION)
@require_GET
def field_history(request, pk, key, field):
    record = get_record_for_user(request, pk)
    section = BY_KEY.get(key)
    if section is None or section not in sections_for(record):
        raise Http404("No such section for this record.")
    found = trail.find_field(section, field)
    if found is None:
        raise Http404("No such field in this section.")
    _, model_field, stream = found
    scope = trail.Scope(record.site, record)
    page = _page(request, trail.field_history(scope, stream, model_field))
    trail.decorate(scope, page.object_list)  # only the page's events need users and times
    return render(request, "screening/audit/field_history.html", {
        "record": record,
        "section": section,
        "field_label": trail.field_label(model_field),
        "is_row": stream.rows is not None,
        "page": page,
        "tz_name": zone_name(scope.tz),
    })


# --------------------------------------------------------------------------
# CSV exports: the rows of the page, every page, and a log row per export


def write_trail_csv(out, events):
    writer = csv.writer(out)
    with translation.override("en"):  # the header is the same in every language; the cells are the reader's
        writer.writerow([str(c) for c in trail.COLUMNS])
    count = 0
    for event in events:
        for entry in event.entries:
            writer.writerow([csv_cell(c) for c in entry.cells()])
            count += 1
    return count


def _export(request, scope, form, kind, filename):
    # Fixed at the start, so rows saved while the file is written neither
    # appear in it nor shift its chunks.
    as_of = timezone.now()
    timeline = trail.Timeline(scope, form.filters(), until=as_of)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    count = write_trail_csv(response, trail.all_events(timeline))
    AuditExport.objects.create(
        user=request.user,
        role=role_of(request.user) or "",
        kind=kind,
        record=scope.record,
        site=scope.site,
        filters={**timeline.filters.as_json(), "as_of": as_of.isoformat()},
        row_count=count,
    )
    return response


@permission_required(AUDIT_PERMISSION)
@require_GET
def record_audit_csv(request, pk):
    record = get_record_for_user(request, pk)
    form = _filter_form(request, record.site, sections_for(record))
    scope = trail.Scope(record.site, record)
    return _export(request, scope, form, AuditExport.RECORD, f"audit-trail-{record.screening_number}.csv")


@permission_required(AUDIT_PERMISSION)
@require_GET
def site_audit_csv(request, code):
    site = get_site_for_user(request, code)
    form = _filter_form(request, site, SECTIONS)
    return _export(request, trail.Scope(site), form, AuditExport.SITE, f"audit-log-{site.code}.csv")
