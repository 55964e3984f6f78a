"""Optimistic locking of CRF sections: two users saving the same section from the
same starting version. The second is refused with the differences; nothing is
silently overwritten (docs/robustness.md).

The sequential tests run on SQLite and PostgreSQL; the threaded ones need
PostgreSQL (two real connections racing for the record's row lock).
"""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from screening.models import LabResult, OrganFunction
from screening.models.sites import COORDINATOR

from .factories import RecordFactory, SiteFactory, UserFactory
from .pages import page_data, row_index

TODAY = datetime.date.today()
REASON = {"reason-reason_choice": "Data entry error"}


def section_url(record, key):
    return reverse("section_edit", args=[record.pk, key])


@pytest.fixture
def two_clients(coordinator, second_coordinator):
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(coordinator)
    bob_client.force_login(second_coordinator)
    return alice_client, bob_client


def test_second_save_from_the_same_version_is_refused_with_the_differences(two_clients, record_a):
    alice, second_coordinator = two_clients
    url = section_url(record_a, "organ")
    assert alice.post(url, {"lvef": "55", "weight": "70.0", "weight_unit": "kg", "version": "0"}).status_code == 302
    alice_data, bob_data = page_data(alice.get(url)), page_data(second_coordinator.get(url))
    assert alice_data["version"] == bob_data["version"] == "1"

    bob_data.update(REASON, lvef="50", height_cm="170.0")
    assert second_coordinator.post(url, bob_data).status_code == 302
    alice_data.update(REASON, lvef="45", weight="71.5")
    response = alice.post(url, alice_data)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="edit-conflict"' in body and "Bob Builder" in body
    [change] = response.context["conflict"].changes
    fields = {f.label: (f.yours, f.saved, f.kept) for f in change.fields}
    assert fields == {"LVEF": ("45", "50", True), "Height": ("(blank)", "170", False)}
    assert change.saves[-1][0].username == "bob"
    organ = OrganFunction.objects.get(record=record_a)
    assert (organ.lvef, organ.height_cm, organ.weight, organ.version) == (50, 170, 70, 2)
    # The page keeps what Alice typed, shows Bob's height, and carries the new version.
    again = page_data(response)
    assert (again["lvef"], again["weight"], again["height_cm"], again["version"]) == ("45", "71.5", "170", "2")
    assert again["reason-reason_choice"] == "Data entry error"

    # Saving again is a deliberate choice: it goes through and keeps Bob's height.
    assert alice.post(url, again).status_code == 302
    organ.refresh_from_db()
    assert (organ.lvef, organ.height_cm, organ.weight, organ.version) == (45, 170, 71.5, 3)
    assert [h.history_user.username for h in organ.history.order_by("history_date")] == ["alice", "bob", "alice"]


def test_two_first_entries_do_not_collide(two_clients, record_a):
    alice, second_coordinator = two_clients
    url = section_url(record_a, "organ")
    alice_data, bob_data = page_data(alice.get(url)), page_data(second_coordinator.get(url))
    assert alice_data["version"] == "0"
    assert second_coordinator.post(url, dict(bob_data, lvef="60")).status_code == 302
    response = alice.post(url, dict(alice_data, lvef="61"))
    assert response.status_code == 200 and response.context["conflict"]
    assert OrganFunction.objects.get(record=record_a).lvef == 60
    # Now the section holds data: a reason is asked for.
    assert response.context["reason_required"]


def test_an_unchanged_stale_page_reports_nothing_changed_only_if_it_matches(two_clients, record_a):
    alice, second_coordinator = two_clients
    url = section_url(record_a, "organ")
    alice.post(url, {"lvef": "55"})
    stale = page_data(alice.get(url))
    second_coordinator.post(url, dict(page_data(second_coordinator.get(url)), lvef="50", **REASON))
    # Alice posts her page untouched: it would put 55 back, so it is a conflict, not a save.
    response = alice.post(url, stale)
    assert response.status_code == 200 and response.context["conflict"]
    assert OrganFunction.objects.get(record=record_a).lvef == 50


def test_a_bookkeeping_change_is_not_a_conflict(two_clients, record_a):
    """The record's status can change without any CRF field (e.g. a signature invalidated)."""
    alice, _ = two_clients
    url = section_url(record_a, "consent")
    data = dict(page_data(alice.get(url)), comment="checked", **REASON)
    record_a.status = record_a.WITHDRAWN
    from screening.crf.recording import save_with_audit

    save_with_audit(record_a, None, "status")
    assert alice.post(url, data).status_code == 302
    record_a.refresh_from_db()
    assert (record_a.comment, record_a.status, record_a.version) == ("checked", record_a.WITHDRAWN, 3)


LAB = {"analyte": "hb", "value": "120", "unit": "g/L", "lln": "115", "uln": "160"}


def _labs(record, *values):
    return [LabResult.objects.create(record=record, sample_date=record.screening_date, **dict(LAB, value=v)) for v in values]


def test_rows_changed_deleted_and_added_by_someone_else(two_clients, record_a):
    alice, second_coordinator = two_clients
    url = section_url(record_a, "labs")
    first, second, third = _labs(record_a, "120", "121", "122")
    alice_data, bob_data = page_data(alice.get(url)), page_data(second_coordinator.get(url))

    # Bob: changes the first row, deletes the second, adds a fourth.
    bob_data[f"labresult-{row_index(bob_data, 'labresult', first.pk)}-value"] = "130"
    bob_data[f"labresult-{row_index(bob_data, 'labresult', second.pk)}-DELETE"] = "on"
    extra = bob_data["labresult-TOTAL_FORMS"]
    bob_data.update({f"labresult-{extra}-{k}": v for k, v in dict(LAB, value="140", sample_date=str(record_a.screening_date)).items()})
    bob_data["labresult-TOTAL_FORMS"] = str(int(extra) + 1)
    assert second_coordinator.post(url, dict(bob_data, **REASON)).status_code == 302
    fourth = LabResult.objects.get(value=140)

    # Alice: changes the first and second rows, leaves the third alone.
    alice_data[f"labresult-{row_index(alice_data, 'labresult', first.pk)}-value"] = "125"
    alice_data[f"labresult-{row_index(alice_data, 'labresult', second.pk)}-value"] = "126"
    response = alice.post(url, dict(alice_data, **REASON))

    assert response.status_code == 200
    changes = {c.kind: c for c in response.context["conflict"].changes}
    assert set(changes) == {"changed", "deleted", "added"}
    assert [(f.label, f.yours, f.saved, f.kept) for f in changes["changed"].fields] == [("Value", "125", "130", True)]
    assert "new row" in changes["deleted"].note
    assert sorted(LabResult.objects.values_list("value", flat=True)) == [122, 130, 140]

    # The page now lists the stored rows (Alice's value kept on the first) and her deleted row as a new one.
    again = page_data(response)
    assert again["labresult-INITIAL_FORMS"] == "3" and again["labresult-TOTAL_FORMS"] == "5"
    rows = [(again.get(f"labresult-{i}-id"), again[f"labresult-{i}-value"]) for i in range(5)]
    assert rows == [(str(first.pk), "125"), (str(third.pk), "122"), (str(fourth.pk), "140"),
                    ("", "126"), ("", "")]  # Alice's deleted row as a new one, then the page's blank row
    assert alice.post(url, again).status_code == 302
    assert sorted(LabResult.objects.values_list("value", flat=True)) == [122, 125, 126, 140]


def test_a_row_deleted_by_both_or_untouched_is_only_reported(two_clients, record_a):
    alice, second_coordinator = two_clients
    url = section_url(record_a, "labs")
    first, second = _labs(record_a, "120", "121")
    alice_data, bob_data = page_data(alice.get(url)), page_data(second_coordinator.get(url))
    for pk in (first.pk, second.pk):
        bob_data[f"labresult-{row_index(bob_data, 'labresult', pk)}-DELETE"] = "on"
    assert second_coordinator.post(url, dict(bob_data, **REASON)).status_code == 302
    alice_data[f"labresult-{row_index(alice_data, 'labresult', first.pk)}-DELETE"] = "on"
    response = alice.post(url, dict(alice_data, **REASON))
    changes = response.context["conflict"].changes
    assert [c.kind for c in changes] == ["deleted", "deleted"]
    again = page_data(response)
    assert again["labresult-INITIAL_FORMS"] == "0"
    assert alice.post(url, again).status_code == 302  # nothing left to change
    assert not LabResult.objects.exists()


def test_a_post_without_versions_is_checked_against_what_the_request_read(two_clients, record_a):
    """Clients other than the section page (no hidden versions) still cannot collide on a first entry."""
    alice, _ = two_clients
    OrganFunction.objects.create(record=record_a, lvef=50)
    response = alice.post(section_url(record_a, "organ"), {"lvef": "40", **REASON})
    assert response.status_code == 302
    assert OrganFunction.objects.get(record=record_a).version == 2


def test_a_forged_version_is_a_field_error(two_clients, record_a):
    alice, _ = two_clients
    response = alice.post(section_url(record_a, "organ"), {"lvef": "40", "version": "abc"})
    assert response.status_code == 200 and "version" in response.context["form"].errors
    assert not OrganFunction.objects.exists()


# ---------------------------------------------------------------- two real connections (PostgreSQL)

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def _race(monkeypatch, posts, hold=0.6):
    """Run the posts in threads started together; the first save to take the record's
    lock keeps it `hold` seconds, so the other one queues behind it."""
    from screening.checklist import evaluation

    evaluate = evaluation.evaluate_record
    first = threading.Lock()

    def slow_evaluate(record):
        if first.acquire(blocking=False):
            time.sleep(hold)
        return evaluate(record)

    monkeypatch.setattr(evaluation, "evaluate_record", slow_evaluate)  # what a save's re-evaluation calls
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def run(i, client, url, data):
        try:
            barrier.wait()
            started = time.monotonic()
            response = client.post(url, data)
            results[i] = (response, time.monotonic() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _users_and_record():
    site = SiteFactory(code="A01")
    alice = UserFactory(role=COORDINATOR, sites=[site], username="alice")
    second_coordinator = UserFactory(role=COORDINATOR, sites=[site], username="bob")
    record = RecordFactory(site=site, created_by=alice)
    clients = []
    for user in (alice, second_coordinator):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return record, clients


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_the_same_version_on_two_connections(monkeypatch):
    record, (alice, second_coordinator) = _users_and_record()
    url = section_url(record, "organ")
    assert alice.post(url, {"lvef": "55"}).status_code == 302
    start = page_data(alice.get(url))
    results = _race(monkeypatch, [
        (alice, url, dict(start, lvef="45", **REASON)),
        (second_coordinator, url, dict(start, lvef="50", **REASON)),
    ])
    codes = sorted(r.status_code for r, _ in results)
    assert codes == [200, 302], codes
    [(refused, waited)] = [(r, t) for r, t in results if r.status_code == 200]
    assert refused.context["conflict"] and waited >= 0.5  # it queued on the lock, then saw the new version
    organ = OrganFunction.objects.get(record=record)
    winner = "45" if refused.context["form"]["lvef"].value() == "50" else "50"
    assert (str(organ.lvef), organ.version, organ.history.count()) == (winner, 2, 2)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_entries_on_two_connections(monkeypatch):
    record, (alice, second_coordinator) = _users_and_record()
    url = section_url(record, "organ")
    start = page_data(alice.get(url))
    results = _race(monkeypatch, [(alice, url, dict(start, lvef="45")), (second_coordinator, url, dict(start, lvef="50"))])
    assert sorted(r.status_code for r, _ in results) == [200, 302]
    assert OrganFunction.objects.filter(record=record).count() == 1
    assert OrganFunction.objects.get(record=record).history.count() == 1
