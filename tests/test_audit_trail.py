"""The monitor's audit trail: a scripted series of coordinator edits through the
real section URLs, then what investigators, monitors and site administrators
see (and coordinators and other sites do not), its filters, pages, CSV export
and export log, and a page cost that does not grow with history."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalChanges

from screening.audit import trail
from screening.crf.recording import save_with_audit
from screening.crf.sections import SECTIONS
from screening.models import AuditExport, LabResult, OrganFunction, ScreeningRecord
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .factories import RecordFactory

TODAY = datetime.date.today()
LAB = {"analyte": "hb", "value": "120", "unit": "g/L", "lln": "115", "uln": "160"}


def section_url(record, key):
    return reverse("section_edit", args=[record.pk, key])


def formset(prefix, rows=(), initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def with_reason(data, choice, text=""):
    return {**data, "reason-reason_choice": choice, "reason-reason_text": text}


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def edited(client, coordinator, site_a):
    """A record created and edited by the coordinator through the real URLs:
    a section entered then corrected, and a lab row added, corrected, deleted."""
    client.force_login(coordinator)
    post(client, reverse("record_create"), {
        "site": site_a.pk, "initials": "JD", "sex": "F", "date_of_birth": "1980-05-17", "indication": "SLE",
        "screening_date": str(TODAY), "consent_date": str(TODAY), "consent_version": "v2.0",
    })
    record = ScreeningRecord.objects.get()
    organ = section_url(record, "organ")
    post(client, organ, {"lvef": "55", "weight": "70.5", "weight_unit": "kg", "ecg_abnormality": "no"})
    post(client, organ, with_reason(
        {"lvef": "45", "weight": "70.5", "weight_unit": "kg", "ecg_abnormality": "yes"}, "Data entry error", "echo report re-read"))
    labs = section_url(record, "labs")
    row = dict(LAB, sample_date=str(TODAY))
    post(client, labs, formset("labresult", [row]))
    lab = LabResult.objects.get()
    kept = dict(row, id=str(lab.pk), record=str(record.pk))
    post(client, labs, with_reason(
        formset("labresult", [dict(kept, value="12.5", unit="g/dL", lln="11.5", uln="16")], initial=1),
        "Transcription correction"))
    post(client, labs, with_reason(
        formset("labresult", [dict(kept, value="12.5", unit="g/dL", lln="11.5", uln="16", DELETE="on")], initial=1),
        "Data entry error", "result belonged to another patient"))
    client.logout()
    return record


def rows_of(response):
    """The table rows of an audit page, from the events it rendered."""
    return [
        {
            "kind": e.kind, "section": e.section_title, "detail": e.detail, "user": e.user, "role": e.role,
            "field": entry.change.label if entry.change else "", "old": entry.change.old if entry.change else "",
            "new": entry.change.new if entry.change else "", "reason": e.reason,
        }
        for e in response.context["page"]
        for entry in e.entries
    ]


def only(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def audit_get(client, viewer, name, *args, **params):
    client.force_login(viewer)
    return client.get(reverse(name, args=args), params)


# --------------------------------------------------------------------------
# What the trail shows


def test_trail_shows_old_and_new_values_with_labels_units_and_reasons(client, edited, monitor):
    response = audit_get(client, monitor, "record_audit", edited.pk)
    assert response.status_code == 200
    rows = rows_of(response)

    lvef = only(rows, section="Organ function", field="LVEF")
    assert [(r["kind"], r["old"], r["new"]) for r in lvef] == [("changed", "55 %", "45 %"), ("created", "", "55 %")]
    assert lvef[0]["reason"] == "Data entry error: echo report re-read"
    assert lvef[0]["user"].endswith("(alice)") and lvef[0]["role"] == "Coordinator"
    # The label, not the column name; choice labels, not codes.
    ecg = only(rows, field="Clinically significant ECG abnormality", kind="changed")
    assert [(r["old"], r["new"]) for r in ecg] == [("No", "Yes")]
    assert only(rows, field="Body weight", kind="created")[0]["new"] == "70.5 kg"
    assert not only(rows, field="Body weight", kind="changed")  # unchanged fields are not listed
    assert not any(r["field"] in ("lvef", "ecg_abnormality", "version", "updated_at") for r in rows)


def test_repeating_row_creation_correction_and_deletion(client, edited, monitor):
    rows = rows_of(audit_get(client, monitor, "record_audit", edited.pk))
    lab = only(rows, section="Laboratory results")
    value = only(lab, field="Value")
    assert [(r["kind"], r["old"], r["new"]) for r in value] == [
        ("deleted", "12.5 g/dL", ""), ("changed", "120 g/L", "12.5 g/dL"), ("created", "", "120 g/L")]
    assert only(lab, field="Unit", kind="changed")[0]["new"] == "g/dL"
    assert only(lab, field="Lower limit of normal", kind="changed")[0]["old"] == "115 g/L"
    deleted = only(lab, kind="deleted")
    assert {r["reason"] for r in deleted} == {"Data entry error: result belonged to another patient"}
    assert deleted[0]["detail"].startswith(f"Lab results: Haemoglobin {TODAY.isoformat()} (row ")
    assert only(lab, kind="changed")[0]["reason"] == "Transcription correction"
    assert only(lab, kind="created")[0]["reason"] == "Initial entry"


def test_record_creation_is_shown_as_such(client, edited, investigator):
    response = audit_get(client, investigator, "record_audit", edited.pk)
    created = only(rows_of(response), section="Demographics and consent", kind="created")
    assert {r["field"] for r in created} >= {"Subject initials", "Target indication", "Informed consent date"}
    assert only(created, field="Target indication")[0]["new"] == "Systemic lupus erythematosus (SLE)"
    assert created[0]["reason"] == "Record created"
    body = response.content.decode()
    assert "Record created" in body and "Systemic lupus erythematosus (SLE)" in body
    assert '<th scope="col">Old value</th>' in body and "<caption>" in body


def test_eligibility_views_and_status_changes_are_interleaved(client, edited, monitor):
    client.force_login(monitor)
    assert client.get(reverse("eligibility", args=[edited.pk])).status_code == 200
    events = list(audit_get(client, monitor, "record_audit", edited.pk).context["page"])
    viewed = [e for e in events if e.kind == trail.VIEWED]
    assert len(viewed) == 1 and viewed[0].user.endswith("(mona)") and viewed[0].role == "Monitor"
    assert viewed[0] is events[0]  # the newest event
    assert any(e.kind == trail.STATUS for e in events)
    times = [e.at for e in events]
    assert times == sorted(times, reverse=True)


def test_times_are_shown_in_utc_and_in_the_site_time_zone(client, edited, monitor):
    event = audit_get(client, monitor, "record_audit", edited.pk).context["page"][0]
    berlin = event.at.astimezone(datetime.timezone.utc).astimezone(trail.Scope(edited.site).tz)
    assert event.tz_name == "Europe/Berlin"
    assert event.at_local == berlin.strftime("%Y-%m-%d %H:%M:%S")
    assert event.at_utc == event.at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def test_every_crf_model_and_log_is_a_stream():
    crf = {s.model for s in SECTIONS if s.model} | {m for s in SECTIONS for m in s.row_models}
    assert {s.model for s in trail.STREAMS if s.is_history} == crf
    assert {s.kind for s in trail.STREAMS if not s.is_history} == {
        trail.VIEWED, trail.STATUS, trail.EXPORTED, trail.SIGNED, trail.SIGN_FAILED, trail.INVALIDATED, trail.LOCKED_OUT,
        trail.QUERY, trail.VERIFIED, trail.SDV_CLEARED, trail.FROZEN, trail.UNFROZEN,
    }


# --------------------------------------------------------------------------
# Filters and pages


def test_filter_by_section(client, edited, monitor):
    rows = rows_of(audit_get(client, monitor, "record_audit", edited.pk, section="labs"))
    assert rows and {r["section"] for r in rows} == {"Laboratory results"}


def test_filter_by_kind(client, edited, monitor):
    rows = rows_of(audit_get(client, monitor, "record_audit", edited.pk, kind="deleted"))
    assert rows and {r["kind"] for r in rows} == {"deleted"}
    assert {r["section"] for r in rows} == {"Laboratory results"}


def test_a_filter_matching_nothing_says_so(client, edited, monitor):
    response = audit_get(client, monitor, "record_audit", edited.pk, section="judgement")
    assert not rows_of(response) and "No events match." in response.content.decode()


def test_filter_by_user(client, edited, monitor, coordinator):
    client.force_login(monitor)
    client.get(reverse("eligibility", args=[edited.pk]))
    mine = rows_of(audit_get(client, monitor, "record_audit", edited.pk, user=monitor.pk))
    assert [r["kind"] for r in mine] == ["viewed"]
    theirs = rows_of(audit_get(client, monitor, "record_audit", edited.pk, user=coordinator.pk))
    assert theirs and all(r["user"].endswith("(alice)") for r in theirs)


def test_date_range_is_in_the_site_calendar(client, record_a, coordinator, monitor):
    organ = OrganFunction(record=record_a, lvef=50)
    # 23:30 UTC on the 10th is 00:30 on the 11th in Berlin (the site's time zone).
    organ._history_date = datetime.datetime(2026, 1, 10, 23, 30, tzinfo=datetime.timezone.utc)
    save_with_audit(organ, coordinator, "Initial entry")

    def lvef(**dates):
        rows = rows_of(audit_get(client, monitor, "record_audit", record_a.pk, section="organ", **dates))
        return [r["new"] for r in rows if r["field"] == "LVEF"]

    assert lvef(date_from="2026-01-11", date_to="2026-01-11") == ["50 %"]
    assert lvef(date_from="2026-01-01", date_to="2026-01-10") == []
    assert lvef(date_from="2026-01-12") == []


def test_an_inverted_date_range_is_reported_beside_the_field(client, edited, monitor):
    response = audit_get(client, monitor, "record_audit", edited.pk, date_from="2026-02-01", date_to="2026-01-01")
    body = response.content.decode()
    assert "The end date is before the start date." in body
    assert 'aria-invalid="true"' in body


def add_history(record, user, n, start=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)):
    """n changes of LVEF, written straight to the history table (as years of use would)."""
    organ = OrganFunction.objects.filter(record=record).first()
    if organ is None:
        organ = save_with_audit(OrganFunction(record=record, lvef=40), user, "")
    History = OrganFunction.history.model
    History.objects.bulk_create([
        History(
            id=organ.pk, record_id=record.pk, version=i + 2, updated_at=start, lvef=40 + i % 30,
            history_date=start + datetime.timedelta(minutes=i), history_type="~", history_user=user,
            history_change_reason=f"change {i}",
        )
        for i in range(n)
    ])
    return organ


def test_pages_split_the_timeline_without_gaps_or_overlaps(client, record_a, coordinator, monitor):
    add_history(record_a, coordinator, 120)
    client.force_login(monitor)
    seen = []
    for number in (1, 2, 3):
        page = client.get(reverse("record_audit", args=[record_a.pk]), {"page": number}).context["page"]
        assert page.paginator.num_pages == 3
        seen += [(e.at, e.reason) for e in page]
    assert len(seen) == page.paginator.count == len(set(seen))
    assert [at for at, _ in seen] == sorted((at for at, _ in seen), reverse=True)
    # Each change is diffed against its own predecessor, across page boundaries too.
    page2 = client.get(reverse("record_audit", args=[record_a.pk]), {"page": 2}).context["page"]
    for event in page2:
        if event.reason.startswith("change "):
            i = int(event.reason.split()[1])
            old = 40 + (i - 1) % 30 if i else 40
            if old != 40 + i % 30:
                assert [(c.old, c.new) for c in event.changes] == [(f"{old} %", f"{40 + i % 30} %")]


def test_pagination_links_keep_the_filters(client, record_a, coordinator, monitor):
    add_history(record_a, coordinator, 60)
    body = audit_get(client, monitor, "record_audit", record_a.pk, section="organ").content.decode()
    assert "section=organ&amp;page=2" in body


# --------------------------------------------------------------------------
# CSV exports and their log


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def all_page_cells(client, name, *args, **params):
    cells, number = [], 1
    while True:
        page = client.get(reverse(name, args=args), {**params, "page": number}).context["page"]
        cells += [entry.cells() for e in page for entry in e.entries]
        if not page.has_next():
            return cells
        number += 1


def test_record_csv_has_the_rows_of_every_page_and_is_logged(client, edited, coordinator, monitor):
    add_history(edited, coordinator, 70)
    client.force_login(monitor)
    shown = all_page_cells(client, "record_audit", edited.pk)
    response = client.get(reverse("record_audit_csv", args=[edited.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0] == trail.COLUMNS
    assert rows[1:] == shown

    export = AuditExport.objects.get()
    assert (export.user, export.role, export.kind, export.record, export.site) == (
        monitor, MONITOR, AuditExport.RECORD, edited, edited.site)
    assert export.row_count == len(shown)
    # The export is itself an event of the trail from then on.
    first = client.get(reverse("record_audit", args=[edited.pk])).context["page"][0]
    assert first.kind == trail.EXPORTED and first.user.endswith("(mona)")


def test_csv_applies_the_filters_and_logs_them(client, edited, investigator):
    client.force_login(investigator)
    shown = all_page_cells(client, "record_audit", edited.pk, section="labs", kind="changed")
    rows = csv_rows(client.get(reverse("record_audit_csv", args=[edited.pk]), {"section": "labs", "kind": "changed"}))
    assert rows[1:] == shown and shown
    export = AuditExport.objects.get()
    assert export.filters["section"] == "labs" and export.filters["kind"] == "changed"
    assert export.row_count == len(shown) and export.role == INVESTIGATOR


def test_site_log_spans_the_sites_records_only(client, edited, site_a, record_b, site_admin, coordinator):
    other = RecordFactory(site=site_a)
    save_with_audit(OrganFunction(record=other, lvef=60), coordinator, "")
    save_with_audit(OrganFunction(record=record_b, lvef=61), None, "")
    response = audit_get(client, site_admin, "site_audit", site_a.code)
    assert response.status_code == 200
    numbers = {e.record for e in response.context["page"]}
    assert numbers == {edited.screening_number, other.screening_number}
    assert f'href="{reverse("record_audit", args=[other.pk])}"' in response.content.decode()

    shown = all_page_cells(client, "site_audit", site_a.code)
    rows = csv_rows(client.get(reverse("site_audit_csv", args=[site_a.code])))
    assert rows[1:] == shown
    export = AuditExport.objects.get()
    assert (export.kind, export.record, export.site, export.role) == (AuditExport.SITE, None, site_a, SITE_ADMIN)


def test_csv_neutralises_spreadsheet_formulas(client, record_a, coordinator, monitor):
    save_with_audit(OrganFunction(record=record_a, lvef=50), coordinator, "=HYPERLINK(\"http://x\")")
    client.force_login(monitor)
    rows = csv_rows(client.get(reverse("record_audit_csv", args=[record_a.pk]), {"section": "organ"}))
    assert rows[1][-1] == "'=HYPERLINK(\"http://x\")"


# --------------------------------------------------------------------------
# Field history


@pytest.mark.parametrize("name", ["organfunction.lvef", "lvef"])  # the bare name is the form field's
def test_field_history_of_a_section_field(client, edited, monitor, name):
    response = audit_get(client, monitor, "field_history", edited.pk, "organ", name)
    assert response.status_code == 200
    rows = rows_of(response)
    assert [(r["kind"], r["old"], r["new"]) for r in rows] == [("changed", "55 %", "45 %"), ("created", "", "55 %")]
    assert "History of “LVEF”" in response.content.decode()


def test_field_history_of_a_repeating_row_field(client, edited, monitor):
    rows = rows_of(audit_get(client, monitor, "field_history", edited.pk, "labs", "labresult.value"))
    assert [(r["kind"], r["old"], r["new"]) for r in rows] == [
        ("deleted", "12.5 g/dL", ""), ("changed", "120 g/L", "12.5 g/dL"), ("created", "", "120 g/L")]


def test_field_history_links_from_the_trail(client, edited, monitor):
    body = audit_get(client, monitor, "record_audit", edited.pk).content.decode()
    assert reverse("field_history", args=[edited.pk, "organ", "organfunction.lvef"]) in body


@pytest.mark.parametrize("key,field", [("organ", "nope"), ("aav", "aavsection.diagnosis"), ("labs", "lvef"), ("zzz", "x")])
def test_field_history_of_an_unknown_field_is_404(client, edited, monitor, key, field):
    assert audit_get(client, monitor, "field_history", edited.pk, key, field).status_code == 404


# --------------------------------------------------------------------------
# Access


AUDIT_URLS = ["record_audit", "record_audit_csv", "field_history", "site_audit", "site_audit_csv"]


def audit_url(name, record):
    if name == "field_history":
        return reverse(name, args=[record.pk, "organ", "organfunction.lvef"])
    if name.startswith("site_"):
        return reverse(name, args=[record.site.code])
    return reverse(name, args=[record.pk])


@pytest.mark.parametrize("name", AUDIT_URLS)
@pytest.mark.parametrize("role,status", [(COORDINATOR, 403), (INVESTIGATOR, 200), (MONITOR, 200), (SITE_ADMIN, 200)])
def test_roles_at_own_site(client, make_user, site_a, record_a, name, role, status):
    client.force_login(make_user(role, site_a))
    assert client.get(audit_url(name, record_a)).status_code == status


@pytest.mark.parametrize("name", AUDIT_URLS)
@pytest.mark.parametrize("role,status", [(COORDINATOR, 403), (INVESTIGATOR, 404), (MONITOR, 404), (SITE_ADMIN, 404)])
def test_other_site_is_404_and_a_coordinator_is_refused_anyway(client, make_user, site_a, record_b, name, role, status):
    client.force_login(make_user(role, site_a))
    assert client.get(audit_url(name, record_b)).status_code == status


@pytest.mark.parametrize("name", AUDIT_URLS)
def test_anonymous_is_sent_to_login(client, record_a, name):
    response = client.get(audit_url(name, record_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_refused_exports_are_not_logged(client, coordinator, record_a, record_b, monitor):
    client.force_login(coordinator)
    assert client.get(reverse("record_audit_csv", args=[record_a.pk])).status_code == 403
    client.force_login(monitor)
    assert client.get(reverse("record_audit_csv", args=[record_b.pk])).status_code == 404
    assert not AuditExport.objects.exists()


# --------------------------------------------------------------------------
# Cost of a page


MAX_PAGE_QUERIES = 30


def page_queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_PAGE_QUERIES) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_per_page_do_not_grow_with_history(client, record_a, coordinator, monitor, django_assert_max_num_queries):
    add_history(record_a, coordinator, 10)
    client.force_login(monitor)
    url = reverse("record_audit", args=[record_a.pk])
    client.get(url)  # session and permission caches warm
    small = page_queries(client, url, django_assert_max_num_queries)
    add_history(record_a, coordinator, 2000, start=datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc))
    large = page_queries(client, url, django_assert_max_num_queries)
    last_page = page_queries(client, url + "?page=41", django_assert_max_num_queries)
    assert large <= small and last_page <= small


def test_field_history_queries_do_not_grow_with_history(client, record_a, coordinator, monitor, django_assert_max_num_queries):
    add_history(record_a, coordinator, 10)
    client.force_login(monitor)
    url = reverse("field_history", args=[record_a.pk, "organ", "organfunction.lvef"])
    small = page_queries(client, url, django_assert_max_num_queries)
    add_history(record_a, coordinator, 2000, start=datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc))
    assert page_queries(client, url, django_assert_max_num_queries) <= small


def test_a_change_of_unit_alone_is_a_change_of_the_value():
    """Unchanged stored values are skipped before formatting; the unit column counts."""
    from decimal import Decimal

    before = LabResult(analyte="hb", value=Decimal("12.0"), unit="g/dL")
    after = LabResult(analyte="hb", value=Decimal("12.000"), unit="g/L")
    changes = {c.name: (c.old, c.new) for c in trail.changes_between(LabResult, before, after, "~")}
    assert set(changes) == {"labresult.value", "labresult.unit"}
    assert changes["labresult.value"][0].startswith("12 ") and changes["labresult.value"][1].startswith("12 ")
    assert trail.changes_between(LabResult, after, LabResult(analyte="hb", value=Decimal("12"), unit="g/L"), "~") == []
    created = trail.changes_between(LabResult, None, after, "+")
    assert {"labresult.analyte", "labresult.value", "labresult.unit"} <= {c.name for c in created}
    assert "labresult.uln" not in {c.name for c in created}  # blank when created: nothing to show


def test_the_union_query_returns_keys_only(record_a, coordinator):
    """A page's key query selects three narrow columns, whatever the models' width."""
    add_history(record_a, coordinator, 5)
    timeline = trail.Timeline(trail.Scope(record_a.site, record_a))
    with CaptureQueriesContext(connection) as captured:
        timeline[0:10]
    union = next(q["sql"] for q in captured.captured_queries if "UNION" in q["sql"])
    assert "lvef" not in union and "history_change_reason" not in union


# --------------------------------------------------------------------------
# History cannot be rewritten through the application


def test_admin_shows_history_and_logs_read_only(superuser_request):
    models = [m for m in admin.site._registry if issubclass(m, HistoricalChanges)]
    assert {m.instance_type for m in models} >= {s.model for s in trail.STREAMS if s.is_history}
    for model in [*models, AuditExport, trail.EligibilityAccess, trail.EligibilityStatusChange]:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(superuser_request)
        assert not model_admin.has_change_permission(superuser_request)
        assert not model_admin.has_delete_permission(superuser_request)


@pytest.fixture
def superuser_request(django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)
    return request


def test_no_audit_url_accepts_a_write(client, edited, monitor):
    client.force_login(monitor)
    for name in AUDIT_URLS:
        assert client.post(audit_url(name, edited), {}).status_code == 405
    assert not AuditExport.objects.exists()


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")


@on_postgresql
@pytest.mark.parametrize("statement", ["UPDATE {table} SET history_change_reason = 'rewritten'", "DELETE FROM {table}"])
def test_postgresql_refuses_rewriting_history(edited, statement):
    table = LabResult.history.model._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))
    assert LabResult.history.filter(history_change_reason="rewritten").count() == 0


@on_postgresql
def test_postgresql_protects_every_history_and_log_table(db):
    from django.apps import apps

    from screening.models import AccessEvent, Signature, SignatureAttempt
    from screening.models.chain import is_append_only

    # Every history table of any app, the logs, signatures and attempts, and whatever else says it is append-only.
    tables = [m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges) or is_append_only(m)]
    tables += [m._meta.db_table for m in (AuditExport, trail.EligibilityAccess, trail.EligibilityStatusChange,
                                          AccessEvent, Signature, SignatureAttempt)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'trialsite_append_only' AND NOT t.tgisinternal"
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= protected



def test_every_history_table_has_the_lookup_index(db):
    from django.apps import apps

    for model in apps.get_app_config("screening").get_models():
        if issubclass(model, HistoricalChanges):
            with connection.cursor() as cursor:
                constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert any(c["index"] and c["columns"] == ["id", "history_date", "history_id"] for c in constraints.values()), model


@on_postgresql
def test_predecessors_are_found_through_indexes_not_a_table_scan(record_a, record_b, coordinator):
    """With seq scans priced out, a plan that still holds one can answer only by
    reading every record's history (what `id IN (…) OR id IN (sub-query)` did)."""
    add_history(record_b, coordinator, 300)
    add_history(record_a, coordinator, 30)
    History = OrganFunction.history.model
    ids = list(History.objects.filter(record_id=record_a.pk).values_list("history_id", flat=True)[:10])
    query = trail.predecessor_query(OrganFunction, ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {History._meta.db_table}")  # the planner's view of a table in use
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query.raw_query}", query.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "Sort" not in plan, plan  # the predecessor is the first row of an index range (0013), not a sort of all
    rows = trail.with_predecessors(OrganFunction, ids)
    assert {r.history_id for r in rows} >= set(ids) and {r.record_id for r in rows} == {record_a.pk}


# The markup the audit_rows tag replaced (kept here as its definition).
ROWS_TEMPLATE = """{% load display %}{% for event in page %}
  <tbody class="border-top border-2">
  {% for entry in event.entries %}
  <tr data-testid="audit-entry" data-kind="{{ event.kind }}">
    <td class="text-nowrap">{{ event.at|site_time:event.tz }}</td>
    <td class="text-nowrap small text-muted">{{ event.at_utc }}</td>
    <td>{{ event.user }}</td>
    <td>{{ event.role }}</td>
    {% if show_record %}<td>{% if event.record %}<a href="{% url 'record_audit' event.record_id %}">{{ event.record }}</a>{% endif %}</td>{% endif %}
    <td>{{ event.kind_label }}</td>
    <td>{{ event.section_title }}</td>
    <td>{{ event.detail }}</td>
    <td>{% if entry.change %}{% if link_fields and entry.change.name and event.section %}<a href="{% url 'field_history' event.record_id event.section.key entry.change.name %}" title="History of this field">{{ entry.change.label }}</a>{% else %}{{ entry.change.label }}{% endif %}{% endif %}</td>
    <td>{% if entry.change.old %}{{ entry.change.old }}{% else %}<span aria-hidden="true">—</span><span class="visually-hidden">blank</span>{% endif %}</td>
    <td>{% if entry.change.new %}{{ entry.change.new }}{% else %}<span aria-hidden="true">—</span><span class="visually-hidden">blank</span>{% endif %}</td>
    <td>{{ event.reason }}</td>
  </tr>
  {% endfor %}
  </tbody>
  {% endfor %}"""


def squeeze(html):
    return " ".join(html.replace(">", "> ").replace("<", " <").split()).replace("> ", ">").replace(" <", "<")


@pytest.mark.parametrize("show_record, link_fields", [(False, True), (True, False)])
def test_audit_rows_are_the_html_of_the_template_they_replace(client, edited, monitor, show_record, link_fields):
    from django.template import Context, Template

    from screening.templatetags.audit_rows import audit_rows

    save_with_audit(OrganFunction.objects.get(record=edited), monitor, '<script>alert("x")</script> & more')
    client.force_login(monitor)
    client.get(reverse("eligibility", args=[edited.pk]))
    events = list(trail.Timeline(trail.Scope(edited.site, edited))[0:100])
    assert {e.kind for e in events} >= {trail.CREATED, trail.CHANGED, trail.DELETED, trail.VIEWED, trail.STATUS}
    context = Context({"page": events, "show_record": show_record, "link_fields": link_fields})
    expected = Template(ROWS_TEMPLATE).render(context)
    ours = audit_rows(events, show_record, link_fields)
    assert squeeze(ours) == squeeze(expected)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
