"""The screening log of a site (the page, its CSV and XLSX exports, each logged) and the recruitment dashboards."""

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.permissions import get_site_for_user, records_for, sites_for
from ..access.roles import role_of
from ..models import AuditExport, ScreeningRecord
from ..models.signatures import PRE_LD, SCREENING
from ..values import csv_cell, zone_of
from . import recruitment
from . import screening_log as log

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request, code):
    site = get_site_for_user(request, code)
    form = log.LogFilters(request.GET or None)
    return site, form, form.filters()


def screening_log(request, code):
    site, form, filters = _filtered(request, code)
    records = log.log_records(site, filters)
    by_status, by_overall = log.counts(records)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{
        "record": record,
        "overall": log.overall_of(record),
        "failing": log.failing_criteria(record),
        "screening_signature": log.SIGNATURE_STATES[log.signature_state(record, SCREENING)],
        "pre_ld_signature": log.SIGNATURE_STATES[log.signature_state(record, PRE_LD)],
        "enrolled": log.enrolled_date(record),
    } for record in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "screening/reports/screening_log.html", {
        "site": site, "form": form, "page": page, "rows": rows, "by_status": by_status,
        "by_overall": by_overall, "query": query.urlencode(),
    })


def _log_export(request, site, form, count, fmt):
    AuditExport.objects.create(
        user=request.user, role=role_of(request.user) or "", kind=AuditExport.SCREENING_LOG, site=site,
        filters={**form.as_json(), "format": fmt, "as_of": timezone.now().isoformat()}, row_count=count,
    )


def screening_log_csv(request, code):
    site, form, filters = _filtered(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screening-log-{site.code}.csv"'
    writer = csv.writer(response)
    writer.writerow(log.COLUMNS)
    count = 0
    for record in log.log_records(site, filters).iterator(chunk_size=500):
        writer.writerow([csv_cell(cell) for cell in log.export_row(record)])
        count += 1
    _log_export(request, site, form, count, "csv")
    return response


def screening_log_xlsx(request, code):
    from openpyxl import Workbook  # a large import, needed by this download only

    site, form, filters = _filtered(request, code)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Screening log"))
    sheet.append(log.COLUMNS)
    count = 0
    for record in log.log_records(site, filters).iterator(chunk_size=500):
        sheet.append([csv_cell(cell) for cell in log.export_row(record)])  # no cell starts a formula
        count += 1
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="screening-log-{site.code}.xlsx"'
    _log_export(request, site, form, count, "xlsx")
    return response


# --------------------------------------------------------------------------
# Recruitment dashboards


def site_dashboard(request, code):
    site = get_site_for_user(request, code)
    today = timezone.now().astimezone(zone_of(site)).date()
    return _dashboard(request, ScreeningRecord.objects.filter(site=site), today, site=site)


def dashboard(request):
    """Every site the user sees, side by side (a monitor's or sponsor's view)."""
    return _dashboard(request, records_for(request.user), timezone.now().date())


def _dashboard(request, records, today, site=None):
    steps, aside = recruitment.flow(records)
    criteria = recruitment.failing_criteria(records)
    criteria_bars, criteria_height = recruitment.bars([(f"{cid}", n) for cid, _text, n in criteria])
    mondays, by_site = recruitment.weekly(records, today)
    weekly = []
    for code, counts in by_site.items():
        columns, width = recruitment.columns(counts)
        weekly.append({"code": code, "counts": counts, "columns": columns, "width": width})
    flow_bars, flow_height = recruitment.bars([(step.label, step.count) for step in steps])
    return render(request, "screening/reports/dashboard.html", {
        "site": site, "sites": sites_for(request.user).order_by("code") if site is None else [site],
        "steps": steps, "aside": aside, "flow_bars": flow_bars, "flow_height": flow_height,
        "criteria": criteria, "criteria_bars": criteria_bars, "criteria_height": criteria_height,
        "mondays": mondays, "weekly": weekly, "today": today,
    })
