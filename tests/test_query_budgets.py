"""Every page's number of queries: within its budget, and not growing with the
records of the site, a record's rows, its history or the logs.

The pages come from the URL conf, like the access matrix (tests/test_access.py):
a page added without a budget here fails test_every_page_has_a_budget.
"""

import datetime
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.audit.trail import STREAMS
from screening.checklist.live_scores import scored
from screening.crf.sections import sections_for
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.jobs import create_run
from screening.models import (
    AccessEvent,
    BvasItem,
    ImportLine,
    ImportRun,
    LabResult,
    Medication,
    OrganFunction,
    PriorEvent,
    Query,
    QueryStep,
    SdvMark,
    Signature,
    SignatureAttempt,
)
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .factories import RecordFactory
from .pages import page_data
from .urlmatrix import (
    EXPECTED_GET,
    POSTED_READS,
    RUN_URLS,
    SITE_URLS,
    USER_URLS,
    app_url_names,
    import_run_of,
    member_of,
)

pytestmark = pytest.mark.slow  # every page of every role and section, before and after years of data

# The audit trail reads one query per stream shown (a model's history, a log),
# at most every stream, on top of the page's own: see docs/audit-trail.md.
AUDIT = 11 + len(STREAMS)
# Most queries a page may run, whatever the size of the data (section pages:
# each section of each indication; audit CSV exports: per chunk of events).
BUDGET = {
    "home": 7,  # the permission check loads the user's permissions (one query more than the role)
    "record_list": 12,  # + the user's sites (links to each site's pages)
    "record_create": 12,
    "record_detail": 21,  # + the queries by section, the SDV marks, the freezes of the signatures
    # + the section steps (one snapshot read), the live scores (body weight on labs), and its queries with
    # their steps and the steps' users and its SDV marks (3); the snapshot reads one query per row table
    # (dcSSc: 11, with the pulmonary pressure readings, malignancies, HBV DNA results and cell therapies)
    "section_edit": 24,
    "section_scores": 7,
    "review_queue": 11,
    "data_dictionary_csv": 6,
    "eligibility": 20,
    "eligibility_json": 18,
    "eligibility_print": 18,
    "eligibility_pdf": 18,
    "import_upload": 11,
    "import_format": 8,
    "import_example": 7,
    "import_runs": 10,
    "import_run": 11,
    "import_run_status": 9,
    "import_rerun": 9,
    "record_audit": AUDIT,
    "record_audit_csv": AUDIT,
    "field_history": 13,
    "site_audit": AUDIT,
    "site_audit_csv": AUDIT,
    "sign_record": 22,  # + its eligibility access row and django-axes' lockout check (one query per row table)
    "access_log": 13,
    "screening_log": 13,  # + the two count queries above the table
    "screening_log_csv": 12,
    "screening_log_xlsx": 12,
    "site_dashboard": 12,
    "dashboard": 12,
    "audit_chain": 10,
    "my_queries": 10,
    "sdv_worklist": 11,
    "record_unfreeze": 12,
    "site_users_home": 8,
    "site_users": 11,
    "site_user_create": 9,
    "site_user_edit": 14,
    "password_change": 9,  # + django-axes' lockout check
    # POST only: a GET is answered 405 by require_POST (the writes are measured in tests/test_data_management.py)
    "set_language": 7,  # POST only (its post is measured in tests/test_i18n.py)
    "query_raise": 7, "query_answer": 7, "query_close": 7, "query_reopen": 7, "sdv_mark": 7,  # the heads of every stream in one query, the last anchor's links in one (9 without an anchor)
}
CSV_CHUNK = 500  # screening.audit.trail.all_events
# Who asks for the page: a role that may see it, the richest view first.
ASKER = [COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN]


# The data management writes answer a GET with 405: their posts are measured in tests/test_data_management.py.
POST_ONLY = {"set_language", "query_raise", "query_answer", "query_close", "query_reopen", "sdv_mark"}


def test_every_page_has_a_budget():
    assert set(BUDGET) == app_url_names()


def pages(records):
    """(label, url name, url, role) of every page, every section of every indication."""
    record = records["IIM"]
    for name in sorted(set(BUDGET) - POST_ONLY):
        # home: a redirect for all; the header's "Users": a redirect for a site administrator
        role = next((r for r in ASKER if EXPECTED_GET[name][r] in (200, 302)), COORDINATOR)
        if name == "section_edit":
            for indication, each in records.items():
                for section in sections_for(each):
                    yield f"section_edit {indication} {section.key}", name, reverse(name, args=[each.pk, section.key]), role
        elif name == "section_scores":
            for indication, each in records.items():
                for section in sections_for(each):
                    if scored(section):
                        yield f"{name} {indication} {section.key}", name, reverse(name, args=[each.pk, section.key]), role
        elif name == "field_history":
            yield name, name, reverse(name, args=[record.pk, "organ", "organfunction.lvef"]), role
        elif name in SITE_URLS:
            yield name, name, reverse(name, args=[record.site.code]), role
        elif name in USER_URLS:
            yield name, name, reverse(name, args=[record.site.code, member_of(record.site).pk]), role
        elif name == "import_example":
            yield name, name, reverse(name, args=["sle"]), role
        elif name in RUN_URLS:
            yield name, name, reverse(name, args=[import_run_of(record.site).pk]), role
        elif name in ("home", "record_list", "record_create", "review_queue", "data_dictionary_csv", "import_upload",
                      "import_format", "dashboard", "import_runs", "audit_chain", "my_queries", "sdv_worklist", "site_users_home",
                      "password_change"):
            yield name, name, reverse(name), role
        else:
            yield name, name, reverse(name, args=[record.pk]), role


def page_post(client, url):
    """What a section page posts for its live scores: its form and rows as shown."""
    return page_data(client.get(url.removesuffix("scores/")))


def count_queries(client, url, data=None):
    """(queries, rounds): rounds is 1, or for an audit CSV export its chunks of
    500 events (screening.audit.trail.all_events reads a chunk at a time to keep
    memory bounded, and each chunk reads its events): the budget is per round."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code in (200, 302), (url, response.status_code)
    if "audit" not in url or not response["Content-Type"].startswith("text/csv"):
        return len(captured), 1
    events = response.content.count(b"\n") - 1  # an event is at least one line under the header
    return len(captured), max(1, math.ceil(events / CSV_CHUNK))


def signature_events(records, investigator, count):
    """Refused signings, invalidated signatures and lockouts while signing, as logged:
    the signature streams of the trails."""
    for record in records.values():
        for i in range(count):
            Signature.objects.create(
                record=record, checkpoint="screening", signer=investigator, printed_name="Ivan", role=INVESTIGATOR,
                signed_at=record.created_at, local_time="2026-01-01 09:00:00 CET", meaning="eligible",
                overall="ELIGIBLE", snapshot_hash=f"{i:064x}", invalidated_at=record.created_at,
                invalidated_by="Lab result changed", invalidated_by_user=record.created_by, invalidation_reason="fix",
            )
            SignatureAttempt.objects.create(record=record, user=investigator, checkpoint="screening",
                                            outcome="wrong password")
            AccessEvent.objects.create(kind=AccessEvent.LOCKED_OUT, user=investigator, username=investigator.username,
                                       record=record, detail="after 5 failed logins or re-authentications")


def data_management(records, monitor, count):
    """`count` queries with long threads and SDV marks on every record and section."""
    for record in records.values():
        labs = list(LabResult.objects.filter(record=record).values_list("pk", flat=True)[:count])
        for i, row in enumerate(labs):
            for section, extra in (("labs", {"row_model": "labresult", "row_id": row, "field": "value"}),
                                   ("organ", {"field": "lvef"})):
                query = Query.objects.create(record=record, section=section, target_label=f"target {i}",
                                             raised_by=monitor, state=Query.ANSWERED if i % 2 else Query.OPEN, **extra)
                QueryStep.objects.bulk_create([QueryStep(query=query, record=record, user=monitor, action="raised",
                                                         text=f"step {j}", state=query.state) for j in range(4)])
            SdvMark.objects.get_or_create(record=record, section="labs", row_model="labresult", row_id=row,
                                          defaults={"user": monitor, "target_label": f"row {i}"})
        for section in sections_for(record):
            SdvMark.objects.get_or_create(record=record, section=section.key, row_model="", row_id=0, field="",
                                          defaults={"user": monitor, "target_label": section.title})


def grow(records, coordinator, client, monitor):
    """Years of use: more records on the site, long row tables, long histories, logs."""
    site = records["IIM"].site
    for _ in range(40):
        RecordFactory(site=site)
    for record in records.values():
        day = record.screening_date
        for i in range(40):
            LabResult.objects.create(record=record, analyte="alt", sample_date=day, value=20 + i % 5, unit="U/L", uln=40)
        for i in range(25):
            Medication.objects.create(record=record, drug="hydroxychloroquine", dose=200, dose_unit="mg",
                                      frequency="once_daily", start_date=datetime.date(2019, 1, 1) + datetime.timedelta(days=i),
                                      stop_date=datetime.date(2019, 6, 1))
        for i in range(15):
            PriorEvent.objects.create(record=record, kind="infection", start_date=datetime.date(2018, 1, 1),
                                      description=f"event {i}")
        if record.indication == "AAV":
            for item in BvasItem._meta.get_field("item").choices[:15]:
                BvasItem.objects.create(record=record, item=item[0])
        organ = OrganFunction.objects.get(record=record)
        History = OrganFunction.history.model
        start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
        History.objects.bulk_create([
            History(id=organ.pk, record_id=record.pk, version=organ.version + i + 1, updated_at=start,
                    lvef=40 + i % 30, history_date=start + datetime.timedelta(minutes=i), history_type="~",
                    history_user=coordinator, history_change_reason=f"change {i}")
            for i in range(400)
        ])
    data_management(records, monitor, 20)
    client.force_login(monitor)
    for _ in range(30):
        client.get(reverse("eligibility", args=[records["IIM"].pk]))
    # Import runs: many of them, the shown one with a line per record of a long file.
    run = import_run_of(site)
    ImportLine.objects.bulk_create([ImportLine(run=run, index=i, screening_number=f"{site.code}-{i:04d}",
                                               outcome=ImportLine.REFUSED, errors=[["record", "", "refused"]])
                                    for i in range(1, 301)])
    ImportRun.objects.filter(pk=run.pk).update(total=300, done=300, refused=300)
    for i in range(60):
        create_run(f'{{"records": [], "n": {i}}}'.encode(), site, coordinator, f"batch-{i}.json")


def test_no_page_outgrows_its_budget(client, make_user, site_a):
    users = {role: make_user(role, site_a) for role in ASKER}
    records = {}
    for indication in ("SLE", "AAV", "IIM", "DCSSC"):
        values, data = complete_record_data(indication)
        records[indication] = create_record(site_a, users[COORDINATOR], values, data, judged_by=users[INVESTIGATOR])

    def measure():
        counts = {}
        for label, name, url, role in pages(records):
            client.force_login(users[role])
            data = page_post(client, url) if name in POSTED_READS else None
            client.get(url) if data is None else client.post(url, data)  # first views settle status rows and caches
            counts[label] = (name, *count_queries(client, url, data))
        return counts

    signature_events(records, users[INVESTIGATOR], 1)
    data_management(records, users[MONITOR], 1)  # one of each: the pages read them, whatever their number
    small = measure()
    grow(records, users[COORDINATOR], client, users[MONITOR])
    signature_events(records, users[INVESTIGATOR], 60)
    large = measure()
    over_budget = {(label, state): n for state, counts in (("small", small), ("large", large))
                   for label, (name, n, rounds) in counts.items() if n > BUDGET[name] * rounds}
    grew = {label: (small[label][1:], (n, rounds)) for label, (name, n, rounds) in large.items()
            if n / rounds > small[label][1] / small[label][2]}
    assert not over_budget, over_budget
    assert not grew, grew
    assert len(large) > len(BUDGET)  # every section page of every indication was asked for
    assert large["site_audit_csv"][2] > 1  # the export outgrew one chunk: per-chunk budgets were tested
