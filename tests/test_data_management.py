"""Data management (issue 19): queries on the data, source data verification, freezing
and the edit checks, through the pages and on PostgreSQL with two connections."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.datamanagement import queries as dm_queries
from screening.datamanagement.freezing import freezes
from screening.exchange.demo import complete_record_data, create_record
from screening.models import (
    AccessEvent,
    FreezeEvent,
    LabResult,
    OrganFunction,
    Query,
    QueryStep,
    ScreeningRecord,
    SdvMark,
)
from screening.models.datamanagement import QUERY_TEXT_MAX
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN
from screening.signatures import signing

from .factories import PASSWORD, SiteFactory, UserFactory
from .pages import page_data

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def section_post(client, record, key, fields=None, rows=None, reason="Data entry error"):
    """What a section page posts back, its form fields changed by `fields` and the
    fields of its rows by `rows` ({(prefix, index): {name: value}})."""
    data = page_data(client.get(reverse("section_edit", args=[record.pk, key])))
    data.update(fields or {})
    for (prefix, index), values in (rows or {}).items():
        data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    data["reason-reason_choice"] = reason
    return data


def save_section(client, record, key, **kwargs):
    return client.post(reverse("section_edit", args=[record.pk, key]), section_post(client, record, key, **kwargs))


def lab_index(record, row):
    """The index of a lab row in the labs formset (the page orders them as the model does)."""
    return list(LabResult.objects.filter(record=record).values_list("pk", flat=True)).index(row.pk)


@pytest.fixture
def people(site_a, coordinator, investigator, monitor, site_admin):
    return {COORDINATOR: coordinator, INVESTIGATOR: investigator, MONITOR: monitor, SITE_ADMIN: site_admin}


def raise_on(client, record, key, target, text, row_field=""):
    return client.post(reverse("query_raise", args=[record.pk, key]),
                       {"target": target, "row_field": row_field, "text": text})


# ---------------------------------------------------------------- queries


def test_a_monitor_raises_a_query_on_a_lab_value_the_coordinator_corrects_it_and_the_monitor_closes_it(
        client, eligible, people):
    monitor, coordinator = people[MONITOR], people[COORDINATOR]
    lab = LabResult.objects.filter(record=eligible, analyte="hb").first()
    client.force_login(monitor)
    response = raise_on(client, eligible, "labs", f"labresult:{lab.pk}", "Haemoglobin 7 on the source?", "value")
    query = Query.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#query-{query.pk}")
    assert (query.row_model, query.row_id, query.field, query.state) == ("labresult", lab.pk, "value", Query.OPEN)
    assert query.raised_by == monitor and "Haemoglobin" in query.target_label
    assert ScreeningRecord.history.filter(id=eligible.pk).count() == 1  # raising changed no CRF data

    client.force_login(coordinator)
    page = client.get(reverse("section_edit", args=[eligible.pk, "labs"])).content.decode()
    assert 'data-testid="query-badge"' in page and "Haemoglobin 7 on the source?" in page
    assert f'action="{reverse("query_answer", args=[query.pk])}"' in page
    index = lab_index(eligible, lab)
    response = save_section(client, eligible, "labs", rows={("labresult", index): {"value": "121"}})
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.state == Query.ANSWERED
    step = query.steps.last()
    assert step.action == QueryStep.CHANGED and step.user == coordinator
    assert "121" in step.change and step.reason == "Data entry error"

    client.force_login(monitor)
    page = client.get(reverse("section_edit", args=[eligible.pk, "labs"])).content.decode()
    assert "121" in page and f'action="{reverse("query_close", args=[query.pk])}"' in page
    assert client.post(reverse("query_close", args=[query.pk]), {"text": "Matches the source."}).status_code == 302
    query.refresh_from_db()
    assert query.state == Query.CLOSED
    assert list(query.steps.values_list("action", flat=True)) == ["raised", "changed", "closed"]
    client.post(reverse("query_reopen", args=[query.pk]), {"text": "Unit still wrong"})
    query.refresh_from_db()
    assert query.state == Query.OPEN and query.steps.last().text == "Unit still wrong"


def test_an_answer_with_an_explanation(client, eligible, people):
    client.force_login(people[MONITOR])
    raise_on(client, eligible, "organ", "lvef", "LVEF 55 %: which echo?")
    query = Query.objects.get()
    client.force_login(people[COORDINATOR])
    assert client.post(reverse("query_answer", args=[query.pk]), {"text": "Echo of 3 March."}).status_code == 302
    query.refresh_from_db()
    assert query.state == Query.ANSWERED and query.steps.last().text == "Echo of 3 March."
    # A second answer finds it answered: refused, nothing written.
    client.post(reverse("query_answer", args=[query.pk]), {"text": "again"})
    assert query.steps.count() == 2


def test_query_text_is_escaped_and_length_limited(client, eligible, people):
    client.force_login(people[MONITOR])
    raise_on(client, eligible, "organ", "lvef", "<script>alert(1)</script>")
    page = client.get(reverse("section_edit", args=[eligible.pk, "organ"])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    raise_on(client, eligible, "organ", "lvef", "x" * (QUERY_TEXT_MAX + 1))
    raise_on(client, eligible, "organ", "lvef", "   ")
    raise_on(client, eligible, "organ", "lvef", "\u200b\u200d")  # invisible characters are no question
    assert Query.objects.count() == 1


@pytest.mark.parametrize("target,row_field", [
    ("nonsense", ""), ("labresult:999999", ""), ("lvef", "value"), ("organfunction:1", ""),
])
def test_a_target_not_of_the_section_is_refused(client, eligible, people, target, row_field):
    client.force_login(people[MONITOR])
    assert raise_on(client, eligible, "organ", target, "?", row_field).status_code == 302
    assert not Query.objects.exists()


def test_a_row_of_another_record_is_not_a_target(client, eligible, people, site_a, coordinator):
    values, data = complete_record_data("SLE")
    other = create_record(site_a, coordinator, values, data)
    row = LabResult.objects.filter(record=other).first()
    client.force_login(people[MONITOR])
    raise_on(client, eligible, "labs", f"labresult:{row.pk}", "?")
    assert not Query.objects.exists()


@pytest.mark.parametrize("name,role", [
    ("query_raise", COORDINATOR), ("query_raise", SITE_ADMIN), ("query_answer", MONITOR),
    ("query_answer", INVESTIGATOR), ("query_close", COORDINATOR), ("query_reopen", COORDINATOR),
    ("sdv_mark", COORDINATOR), ("sdv_mark", INVESTIGATOR), ("record_unfreeze", COORDINATOR),
    ("record_unfreeze", MONITOR),
])
def test_posts_of_roles_without_the_permission_are_refused_and_logged(client, eligible, people, name, role):
    query = Query.objects.create(record=eligible, section="organ", field="lvef", target_label="LVEF")
    args = {"query_raise": [eligible.pk, "organ"], "sdv_mark": [eligible.pk, "organ"],
            "record_unfreeze": [eligible.pk]}.get(name, [query.pk])
    client.force_login(people[role])
    response = client.post(reverse(name, args=args), {"text": "x", "target": "", "reason": "x"})
    assert response.status_code == 403
    assert AccessEvent.objects.filter(kind=AccessEvent.WRITE_REFUSED, user=people[role]).exists()
    assert Query.objects.get().state == Query.OPEN and not SdvMark.objects.exists()


@pytest.mark.parametrize("name,role", [
    ("query_raise", MONITOR), ("query_answer", COORDINATOR), ("query_close", MONITOR), ("sdv_mark", MONITOR),
    ("record_unfreeze", INVESTIGATOR),
])
def test_posts_about_another_sites_records_are_404(client, people, record_b, name, role):
    query = Query.objects.create(record=record_b, section="organ", field="lvef", target_label="LVEF")
    args = {"query_raise": [record_b.pk, "organ"], "sdv_mark": [record_b.pk, "organ"],
            "record_unfreeze": [record_b.pk]}.get(name, [query.pk])
    client.force_login(people[role])
    assert client.post(reverse(name, args=args), {"text": "x", "target": "", "reason": "x"}).status_code == 404
    assert Query.objects.get().steps.count() == 0 and not SdvMark.objects.exists()


def test_my_open_queries_per_role(client, eligible, people):
    client.force_login(people[MONITOR])
    raise_on(client, eligible, "organ", "lvef", "Which echo?")
    raise_on(client, eligible, "organ", "weight", "Weight?")
    first, second = Query.objects.order_by("pk")
    dm_queries.answer_query(second, people[COORDINATOR], "72 kg on the source")

    def listed(role, query=""):
        client.force_login(people[role])
        page = client.get(reverse("my_queries") + query).content.decode()
        return page[page.index('data-testid="my-queries"'):]

    coordinator_page, monitor_page = listed(COORDINATOR), listed(MONITOR)
    assert "Organ function: LVEF" in coordinator_page and "Body weight" not in coordinator_page
    assert "Organ function: LVEF" in monitor_page and "Body weight" in monitor_page  # raised by the monitor
    assert "Body weight" in listed(SITE_ADMIN)
    assert "Body weight" in listed(COORDINATOR, "?all=1")


def test_the_record_page_counts_queries_and_sdv_per_section(client, eligible, people):
    client.force_login(people[MONITOR])
    raise_on(client, eligible, "organ", "lvef", "Which echo?")
    client.post(reverse("sdv_mark", args=[eligible.pk, "infection"]), {"target": ""})
    response = client.get(reverse("record_detail", args=[eligible.pk]))
    page = response.content.decode()
    assert "Queries: 1 open, 0 answered" in page
    assert "SDV: 1 of" in page
    assert 'data-testid="queries-organ"><a' in page and "1 open" in page


# ---------------------------------------------------------------- a race between two connections


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_one_wins_and_the_other_is_refused():
    site = SiteFactory(code="A01")
    alice = UserFactory(role=COORDINATOR, sites=[site], username="alice")
    bob = UserFactory(role=COORDINATOR, sites=[site], username="bob")
    mona = UserFactory(role=MONITOR, sites=[site], username="mona")
    values, data = complete_record_data("SLE")
    record = create_record(site, alice, values, data)
    query = Query.objects.create(record=record, section="organ", field="lvef", target_label="LVEF", raised_by=mona)
    QueryStep.objects.create(query=query, record=record, user=mona, action="raised", text="?", state="open")
    barrier, results = threading.Barrier(3), {}

    def act(key, function, user, text):
        try:
            barrier.wait(10)
            function(Query.objects.get(pk=query.pk), user, text)
            results[key] = "done"
        except dm_queries.QueryRefused as refused:
            results[key] = str(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=("alice", dm_queries.answer_query, alice, "from alice")),
               threading.Thread(target=act, args=("bob", dm_queries.answer_query, bob, "from bob")),
               threading.Thread(target=act, args=("mona", dm_queries.close_query, mona, "withdrawn"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    query.refresh_from_db()
    steps = list(query.steps.values_list("action", "state"))
    # Every step saw the state the one before left: never two answers, never an answer after the close.
    assert steps[0] == ("raised", "open")
    assert [a for a, _ in steps].count("answered") <= 1
    assert [r == "done" for r in results.values()].count(True) == len(steps) - 1
    if steps[-1][0] == "closed":
        assert query.state == Query.CLOSED
    else:
        assert steps[1:] == [("answered", "answered")] and query.state == Query.ANSWERED
    raised = threading.Barrier(2)

    def raise_one(text):
        from screening.crf.sections import BY_KEY
        from screening.datamanagement.targets import resolve

        try:
            raised.wait(10)
            dm_queries.raise_query(record, resolve(record, BY_KEY["organ"], "lvef"), mona, text)
        finally:
            connection.close()

    pair = [threading.Thread(target=raise_one, args=(t,)) for t in ("one", "two")]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join(30)
    assert Query.objects.filter(record=record).count() == 3  # two raised at once: two queries, each its step
    assert QueryStep.objects.filter(action="raised").count() == 3


# ---------------------------------------------------------------- source data verification


def test_sdv_marks_a_section_and_a_later_change_clears_it(client, eligible, people):
    client.force_login(people[MONITOR])
    assert client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": ""}).status_code == 302
    assert client.post(reverse("sdv_mark", args=[eligible.pk, "infection"]), {"target": ""}).status_code == 302
    mark = SdvMark.objects.get(section="organ")
    assert mark.user == people[MONITOR] and mark.valid
    client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": ""})  # twice: refused
    assert SdvMark.objects.count() == 2
    client.force_login(people[COORDINATOR])
    assert save_section(client, eligible, "organ", fields={"lvef": "47"}).status_code == 302
    mark.refresh_from_db()
    assert not mark.valid and mark.cleared_by_user == people[COORDINATOR]
    assert mark.cleared_by.startswith("SDV cleared by change of Organ function") and "47" in mark.cleared_by
    assert SdvMark.objects.get(section="infection").valid  # another section: untouched
    client.force_login(people[MONITOR])
    trail = client.get(reverse("record_audit", args=[eligible.pk]) + "?kind=sdv_cleared").content.decode()
    assert "SDV cleared by change of Organ function" in trail


def test_a_field_mark_is_cleared_only_by_a_change_of_that_field(client, eligible, people):
    client.force_login(people[MONITOR])
    client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": "lvef"})
    client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": "weight"})
    client.force_login(people[COORDINATOR])
    save_section(client, eligible, "organ", fields={"lvef": "48"})
    assert list(SdvMark.objects.filter(cleared_at__isnull=True).values_list("field", flat=True)) == ["weight"]


def test_the_worklist_lists_unverified_sections_of_the_monitors_sites(client, eligible, people, record_b):
    client.force_login(people[MONITOR])
    client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": ""})
    page = client.get(reverse("sdv_worklist")).content.decode()
    assert eligible.screening_number in page and record_b.screening_number not in page
    assert "Laboratory results" in page
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sdv_worklist"))
    for _ in range(5):
        create_record(eligible.site, people[COORDINATOR], *complete_record_data("SLE"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("sdv_worklist"))
    assert len(many) == len(few)


# ---------------------------------------------------------------- freezing


@pytest.fixture
def screen_failure(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    data["labs"][0]["value"] = 72  # haemoglobin below 80 g/L
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


def test_a_screen_failure_signature_freezes_and_an_unfreeze_needs_a_reason(client, screen_failure, people):
    record = screen_failure
    signing.sign(record, people[INVESTIGATOR], PASSWORD, "screen_failure", evaluate_record(record).digest)
    record.refresh_from_db()
    assert record.frozen_at is not None
    assert FreezeEvent.objects.get().signature == record.signatures.get()
    client.force_login(people[COORDINATOR])
    page = client.get(reverse("section_edit", args=[record.pk, "organ"])).content.decode()
    assert 'data-testid="frozen"' in page and 'name="lvef"' not in page  # read-only
    before = OrganFunction.history.count()
    response = client.post(reverse("section_edit", args=[record.pk, "organ"]),
                           {"lvef": "30", "reason-reason_choice": "Data entry error"})
    assert response.status_code == 302 and OrganFunction.history.count() == before

    query = Query.objects.create(record=record, section="organ", field="lvef", target_label="LVEF")
    page = client.get(reverse("section_edit", args=[record.pk, "organ"])).content.decode()
    assert "must be unfrozen before this query can be answered" in page
    client.post(reverse("query_answer", args=[query.pk]), {"text": "fine"})
    assert Query.objects.get().state == Query.OPEN

    client.force_login(people[INVESTIGATOR])
    for says_nothing in ("", "\u200b", " . "):  # the rule for every reason (crf/reasons.py)
        client.post(reverse("record_unfreeze", args=[record.pk]), {"reason": says_nothing})
        record.refresh_from_db()
        assert record.frozen_at is not None
    assert client.post(reverse("record_unfreeze", args=[record.pk]),
                       {"reason": "Lab value to correct"}).status_code == 302
    record.refresh_from_db()
    assert record.frozen_at is None
    unfrozen = FreezeEvent.objects.get(action=FreezeEvent.UNFROZEN)
    assert unfrozen.reason == "Lab value to correct" and unfrozen.user == people[INVESTIGATOR]
    detail = client.get(reverse("record_detail", args=[record.pk])).content.decode()
    assert "Record unfrozen on" in detail and "Lab value to correct" in detail
    trail = client.get(reverse("record_audit", args=[record.pk])).content.decode()
    assert "Record unfrozen" in trail and "Record frozen" in trail
    client.force_login(people[COORDINATOR])
    assert save_section(client, record, "organ", fields={"lvef": "49"}).status_code == 302
    assert OrganFunction.objects.get(record=record).lvef == 49


def test_an_eligible_screening_signature_does_not_freeze(eligible, people):
    signing.sign(eligible, people[INVESTIGATOR], PASSWORD, "eligible", evaluate_record(eligible).digest)
    eligible.refresh_from_db()
    assert eligible.frozen_at is None


def test_the_pre_ld_signature_freezes():
    class Signed:
        meaning, checkpoint = "eligible", "pre_ld"

    assert freezes(Signed())
    Signed.checkpoint = "screening"
    assert not freezes(Signed())


def test_a_stale_record_instance_never_writes_frozen_at_back(eligible, people):
    stale = ScreeningRecord.objects.get(pk=eligible.pk)
    ScreeningRecord.objects.filter(pk=eligible.pk).update(frozen_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    stale.comment = "x"
    stale.save()
    assert ScreeningRecord.objects.get(pk=eligible.pk).frozen_at is not None


# ---------------------------------------------------------------- edit checks


def test_a_lab_sampled_before_the_window_opens_a_query_that_closes_itself(client, eligible, people):
    # The labs were sampled at screening; lymphodepletion planned 60 days later: outside the 28-day window.
    planned = eligible.planned_ld_date
    later = (eligible.screening_date + datetime.timedelta(days=60)).isoformat()
    client.force_login(people[COORDINATOR])
    assert save_section(client, eligible, "consent", fields={"planned_ld_date": later}).status_code == 302
    query = Query.objects.get(rule="lab_before_ld_window")
    first = LabResult.objects.filter(record=eligible).order_by("sample_date", "pk").first()
    assert query.state == Query.OPEN and query.raised_by is None and query.row_id == first.pk
    assert query.section == "labs" and query.steps.get().action == QueryStep.AUTO_RAISED
    save_section(client, eligible, "consent", fields={"planned_ld_date": planned.isoformat()})
    query.refresh_from_db()
    assert query.state == Query.CLOSED and query.steps.last().action == QueryStep.AUTO_CLOSED


def test_a_weight_change_over_ten_percent_opens_a_query(client, eligible, people):
    weight = OrganFunction.objects.get(record=eligible).weight
    client.force_login(people[COORDINATOR])
    save_section(client, eligible, "organ", fields={"weight": str(round(weight * Decimal("1.05"), 1))})
    assert not Query.objects.exists()
    save_section(client, eligible, "organ", fields={"weight": str(round(weight * Decimal("1.2"), 1))})
    assert Query.objects.get(rule="weight_change").field == "weight"


def test_chest_imaging_before_consent_opens_a_query(client, eligible, people):
    client.force_login(people[COORDINATOR])
    before = (eligible.consent_date - datetime.timedelta(days=10)).isoformat()
    assert save_section(client, eligible, "infection", fields={"chest_imaging_date": before}).status_code == 302
    query = Query.objects.get(rule="research_before_consent")
    assert query.field == "chest_imaging_date" and "before informed consent" in query.steps.get().text
    # A monitor who accepts the explanation closes it; the unchanged data do not raise it again.
    dm_queries.close_query(query, people[MONITOR], "Standard of care")
    save_section(client, eligible, "infection", fields={"chest_imaging_date": before, "comment": "x"})
    assert Query.objects.filter(rule="research_before_consent").count() == 1


# ---------------------------------------------------------------- speed


def test_the_section_page_reads_queries_and_marks_in_constant_queries(client, eligible, people):
    client.force_login(people[MONITOR])
    url = reverse("section_edit", args=[eligible.pk, "labs"])
    raise_on(client, eligible, "labs", "", "one query on the section")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for row in LabResult.objects.filter(record=eligible):
        raise_on(client, eligible, "labs", f"labresult:{row.pk}", "check", "value")
        client.post(reverse("sdv_mark", args=[eligible.pk, "labs"]), {"target": f"labresult:{row.pk}"})
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count('data-testid="query-badge"') == LabResult.objects.filter(record=eligible).count() + 1 > 3
    assert len(many) == len(few)


# ---------------------------------------------------------------- the screening log (issue 21)


def test_the_screening_log_counts_queries_and_filters_on_them(client, eligible, people, site_a, coordinator):
    values, data = complete_record_data("SLE")
    quiet = create_record(site_a, coordinator, values, data)
    client.force_login(people[MONITOR])
    raise_on(client, eligible, "organ", "lvef", "Which echo?")
    raise_on(client, eligible, "organ", "weight", "Weight?")
    client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": ""})
    url = reverse("screening_log", args=[site_a.code])
    page = client.get(url).content.decode()
    row = page[page.index(f'data-number="{eligible.screening_number}"'):]
    assert 'data-testid="open-queries"><a' in row[:row.index("</tr>")] and ">2</a>" in row[:row.index("</tr>")]
    with_open = client.get(url + "?queries=open").content.decode()
    assert eligible.screening_number in with_open and f'data-number="{quiet.screening_number}"' not in with_open
    without = client.get(url + "?queries=none").content.decode()
    assert f'data-number="{eligible.screening_number}"' not in without and quiet.screening_number in without
    csv_text = client.get(reverse("screening_log_csv", args=[site_a.code])).content.decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    assert header.endswith("open_queries,sdv_sections_verified") and first.endswith(",2,1")


# ---------------------------------------------------------------- the exchange format


def test_the_export_carries_queries_and_sdv_marks_and_the_import_ignores_them(
        tmp_path, client, eligible, people, site_b, make_user):
    import json
    from io import StringIO

    from django.core.management import call_command

    client.force_login(people[MONITOR])
    raise_on(client, eligible, "organ", "lvef", "Which echo?")
    client.post(reverse("sdv_mark", args=[eligible.pk, "organ"]), {"target": ""})
    out = StringIO()
    call_command("export_screenings", "--site", eligible.site.code, stdout=out)
    exported = json.loads(out.getvalue())
    item = exported["records"][0]
    assert item["queries"][0]["field"] == "lvef" and item["queries"][0]["steps"][0]["text"] == "Which echo?"
    assert item["sdv"][0]["section"] == "organ" and item["sdv"][0]["by"] == people[MONITOR].username
    item["screening_number"] = item["screening_number"].replace("A01-", "B01-")
    make_user(INVESTIGATOR, site_b, username="imp")
    path = tmp_path / "records.json"
    path.write_text(json.dumps(exported))
    call_command("import_screenings", str(path), "--site", "B01", "--user", "imp", stdout=StringIO())
    imported = ScreeningRecord.objects.get(site=site_b)
    assert not imported.queries.exists() and not imported.sdv_marks.exists()


def test_an_import_update_clears_sdv_marks_and_is_refused_on_a_frozen_record(tmp_path, make_user, site_a, people):
    import json
    from io import StringIO

    from django.core.management import call_command

    from screening.crf.sections import BY_KEY
    from screening.datamanagement.targets import Target

    from .factories import minimal_import

    make_user(INVESTIGATOR, site_a, username="imp")
    item = {**minimal_import("A01-0042"), "sections": {"organ": {"lvef": 50}}}
    path = tmp_path / "records.json"

    def run(*args):
        path.write_text(json.dumps({"records": [item]}))
        out = StringIO()
        try:
            call_command("import_screenings", str(path), "--site", "A01", "--user", "imp", *args, stdout=out)
        except Exception:
            pass
        return out.getvalue()

    run()
    record = ScreeningRecord.objects.get(screening_number="A01-0042")
    from screening.datamanagement.sdv import mark_verified

    mark_verified(record, Target(BY_KEY["organ"], label="Organ function"), people[MONITOR])
    item["sections"]["organ"]["lvef"] = 45
    run("--update")
    mark = SdvMark.objects.get()
    assert mark.cleared_at is not None and "import" in mark.cleared_by
    ScreeningRecord.objects.filter(pk=record.pk).update(frozen_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    item["sections"]["organ"]["lvef"] = 40
    assert "frozen" in run("--update")
    assert OrganFunction.objects.get(record=record).lvef == 45
