"""The screening log of a site: its rows and columns, filters, counts, and the CSV and XLSX
exports that read the same query and are logged."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from screening.checklist.evaluation import evaluate_record, track_status
from screening.crf.recording import save_with_audit
from screening.exchange.demo import complete_record_data, create_record
from screening.models import AuditExport, LabResult, ScreeningRecord
from screening.models.sites import MONITOR
from screening.signatures import signing

from .factories import PASSWORD, RecordFactory


def log_url(site, name="screening_log", **query):
    url = reverse(name, args=[site.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def change(record, user, **values):
    for name, value in values.items():
        setattr(record, name, value)
    save_with_audit(record, user, "Correction of a transcription error")
    track_status(evaluate_record(record), user)


@pytest.fixture
def failing(site_a, coordinator, investigator):
    """An SLE record screened a day after `eligible`, failing haemoglobin (INC-04a)."""
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    record.screening_date += datetime.timedelta(days=1)
    save_with_audit(record, coordinator, "Screening visit date corrected")
    hb = LabResult.objects.get(record=record, analyte="hb")
    hb.value = 70
    save_with_audit(hb, coordinator, "Value re-read from the lab report")
    track_status(evaluate_record(record), coordinator)
    return record


def rows(response):
    return response.context["rows"]


def test_the_log_lists_every_screening_of_the_site_in_order_with_failing_criteria(
        client, monitor, eligible, failing, record_b):
    client.force_login(monitor)
    response = client.get(log_url(eligible.site))
    assert [row["record"] for row in rows(response)] == [eligible, failing]  # screening order; not site B's
    ok, failed = rows(response)
    assert ok["overall"] == "ELIGIBLE" and ok["failing"] == []
    assert failed["overall"] == "NOT_ELIGIBLE"
    assert [(c.id, c.text) for c in failed["failing"]] == [("INC-04a", "Haemoglobin ≥ 80 g/L")]
    body = response.content.decode()
    assert "INC-04a" in body and "Haemoglobin ≥ 80 g/L" in body and record_b.screening_number not in body


def test_counts_per_status_and_eligibility_follow_the_filters(client, monitor, eligible, failing):
    client.force_login(monitor)
    by_overall = {code: n for code, _label, n in client.get(log_url(eligible.site)).context["by_overall"]}
    assert by_overall == {"ELIGIBLE": 1, "NOT_ELIGIBLE": 1, "INCOMPLETE": 0}
    response = client.get(log_url(eligible.site, failing="INC-04a"))
    assert [row["record"] for row in rows(response)] == [failing]
    assert {c: n for c, _label, n in response.context["by_status"]}[ScreeningRecord.SCREENING] == 1


@pytest.mark.parametrize("query, expected", [
    ({"eligibility": "ELIGIBLE"}, ["eligible"]),
    ({"eligibility": "NOT_ELIGIBLE"}, ["failing"]),
    ({"failing": "EXC-01"}, []),
    ({"indication": "SLE"}, ["eligible", "failing"]),
    ({"indication": "AAV"}, []),
])
def test_filters(client, monitor, eligible, failing, query, expected):
    client.force_login(monitor)
    records = {"eligible": eligible, "failing": failing}
    got = [row["record"] for row in rows(client.get(log_url(eligible.site, **query)))]
    assert got == [records[name] for name in expected]


def test_date_range_filter_and_its_error(client, monitor, eligible, failing):
    client.force_login(monitor)
    day = failing.screening_date.isoformat()
    assert [r["record"] for r in rows(client.get(log_url(eligible.site, screened_from=day)))] == [failing]
    assert [r["record"] for r in rows(client.get(log_url(eligible.site, screened_to=day)))] == [eligible, failing]
    before = (eligible.screening_date - datetime.timedelta(days=1)).isoformat()
    response = client.get(log_url(eligible.site, screened_from=day, screened_to=before))
    assert response.status_code == 200
    assert "The end of the range is before its start." in response.content.decode()
    assert [r["record"] for r in rows(response)] == [failing]  # the invalid end is not applied; the valid start is
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("query", [{"status": "nonsense"}, {"failing": "<script>"}, {"screened_from": "2026-02-31"},
                                   {"page": "99999"}, {"eligibility": "x" * 5000}])
def test_hostile_filters_are_refused_beside_the_field_never_a_500(client, monitor, eligible, query):
    client.force_login(monitor)
    response = client.get(log_url(eligible.site, **query))
    assert response.status_code == 200 and len(rows(response)) == 1


def test_signature_states_rescreening_and_enrolled_date(client, monitor, coordinator, investigator, eligible):
    signing.sign(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    again = RecordFactory(site=eligible.site, rescreen_of=eligible, screening_date=eligible.screening_date
                          + datetime.timedelta(days=30))
    change(eligible, coordinator, status=ScreeningRecord.ENROLLED)
    client.force_login(monitor)
    first, second = rows(client.get(log_url(eligible.site)))
    assert first["screening_signature"] == "signed" and first["pre_ld_signature"] == "unsigned"
    assert first["enrolled"] is not None and second["enrolled"] is None
    assert second["record"] == again and second["record"].rescreen_of == eligible
    change(eligible, coordinator, initials="ZZ")  # covered by the signature: it is invalidated
    first, _second = rows(client.get(log_url(eligible.site)))
    assert first["screening_signature"] == "invalidated"


def test_csv_export_is_the_filtered_log_neutralised_and_logged(client, monitor, coordinator, eligible, failing):
    change(failing, coordinator, consent_version="=HYPERLINK(\"http://x\")")
    client.force_login(monitor)
    response = client.get(log_url(eligible.site, "screening_log_csv", eligibility="NOT_ELIGIBLE"))
    assert response["Content-Disposition"] == f'attachment; filename="screening-log-{eligible.site.code}.csv"'
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["screening_number"] for row in table] == [failing.screening_number]
    row = table[0]
    assert row["failing_criteria"] == "INC-04a Haemoglobin ≥ 80 g/L"
    assert row["consent_version"].startswith("'=")  # no formula reaches a spreadsheet
    assert row["eligibility"] == "NOT_ELIGIBLE" and row["indication"] == "SLE"
    export = AuditExport.objects.get()
    assert (export.kind, export.user, export.site, export.row_count) == ("log", monitor, eligible.site, 1)
    assert export.filters["eligibility"] == "NOT_ELIGIBLE" and export.filters["format"] == "csv"


def test_xlsx_export_holds_the_same_rows_and_is_logged(client, monitor, eligible, failing):
    client.force_login(monitor)
    response = client.get(log_url(eligible.site, "screening_log_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    values = list(sheet.values)
    assert values[0][0] == "screening_number"
    assert [row[0] for row in values[1:]] == [eligible.screening_number, failing.screening_number]
    csv_rows = list(csv.reader(io.StringIO(client.get(log_url(eligible.site, "screening_log_csv")).content.decode())))
    assert [list(map(lambda v: "" if v is None else str(v), row)) for row in values] == csv_rows
    assert list(AuditExport.objects.order_by("id").values_list("filters__format", "row_count")) == [
        ("xlsx", 2), ("csv", 2)]


def test_another_sites_log_is_not_found(client, make_user, site_b, eligible):
    client.force_login(make_user(MONITOR, site_b))
    for name in ("screening_log", "screening_log_csv", "screening_log_xlsx"):
        assert client.get(log_url(eligible.site, name)).status_code == 404
    assert not AuditExport.objects.exists()


def test_the_records_page_links_each_sites_log(client, coordinator, site_a):
    client.force_login(coordinator)
    body = client.get(reverse("record_list")).content.decode()
    assert reverse("screening_log", args=[site_a.code]) in body
    assert reverse("site_audit", args=[site_a.code]) not in body  # a coordinator has no audit trail
