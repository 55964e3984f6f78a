"""Signature events in the audit trails (issue 15 finding 7; 21 CFR Part 11 §11.10(e),
§11.300(d)): signed, refused, invalidated and locked out while signing are rows of the
record audit trail and of the site audit log, and of their CSV exports, with an event
filter; another site's never appear; the pages' queries do not grow with them."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from screening.audit import trail
from screening.checklist.evaluation import evaluate_record, track_status
from screening.crf.recording import save_with_audit
from screening.exchange.demo import complete_record_data, create_record
from screening.models import AccessEvent, ScreeningRecord, Signature, SignatureAttempt
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR

from .factories import PASSWORD

KINDS = {trail.SIGNED, trail.SIGN_FAILED, trail.INVALIDATED, trail.LOCKED_OUT}
LABELS = {"Signed", "Signature refused", "Signature invalidated", "Locked out while signing"}


@pytest.fixture
def eligible(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


def sign(client, record, password=PASSWORD, meaning="eligible"):
    return client.post(reverse("sign_record", args=[record.pk]), {
        "meaning": meaning, "password": password, "snapshot_hash": evaluate_record(record).digest,
    })


def change_initials(record, user, initials, reason):
    record = ScreeningRecord.objects.get(pk=record.pk)
    record.initials = initials
    save_with_audit(record, user, reason)
    track_status(evaluate_record(record), user)  # what every save and page does: compares the hashes


@pytest.fixture
def signature_events(client, eligible, investigator, coordinator):
    """One of each: a refused signature, a signature, its invalidation by a change, a lockout."""
    client.force_login(investigator)
    assert sign(client, eligible, password="wrong").status_code == 200
    assert sign(client, eligible).status_code == 302
    change_initials(eligible, coordinator, "QX", "Initials misread from the referral letter")
    for _ in range(4):  # with the first wrong password: five, the lockout
        response = sign(client, eligible, password="wrong")
    assert response.status_code == 429
    return eligible


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def kinds_on(body):
    return {kind for kind in KINDS if f'data-kind="{kind}"' in body}


def test_each_signature_event_is_in_the_record_trail_and_its_csv(client, monitor, signature_events):
    record = signature_events
    signature = Signature.objects.get(record=record)
    client.force_login(monitor)
    body = client.get(reverse("record_audit", args=[record.pk])).content.decode()
    assert kinds_on(body) == KINDS
    rows = csv_rows(client.get(reverse("record_audit_csv", args=[record.pk])))
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row["Event"], []).append(row)
    assert LABELS <= set(by_kind)

    signed = {r["Field"]: r["New value"] for r in by_kind["Signed"]}
    assert signed["Meaning"] == "I confirm the participant meets all eligibility criteria"
    assert signed["Overall status signed"] == "Eligible"
    assert signed["Snapshot hash"] == signature.snapshot_hash
    assert {r["Row / detail"] for r in by_kind["Signed"]} == {"Screening eligibility"}
    assert {r["User"] for r in by_kind["Signed"]} == {"Test " + signature.signer.last_name + " (ivan)"}
    assert {r["Role"] for r in by_kind["Signed"]} == {"Investigator"}

    refused = [r["New value"] for r in by_kind["Signature refused"]]
    assert refused.count("wrong password") == 5

    invalidated = {r["Field"]: r for r in by_kind["Signature invalidated"]}
    assert invalidated["Invalidated by"]["New value"].startswith("Screening record changed by")
    assert "(alice)" in invalidated["Invalidated by"]["New value"]
    assert invalidated["Signature"]["Old value"] == signature.manifestation()
    assert invalidated["Signature"]["User"].endswith("(alice)")  # whose change it was
    assert invalidated["Signature"]["Reason"] == "Initials misread from the referral letter"

    locked = by_kind["Locked out while signing"]
    assert len(locked) == 1 and locked[0]["User"].endswith("(ivan)")
    assert f"/records/{record.pk}/sign/" in locked[0]["Row / detail"]


def test_each_signature_event_is_in_the_site_log_and_its_csv(client, monitor, signature_events, site_a):
    client.force_login(monitor)
    body = client.get(reverse("site_audit", args=[site_a.code])).content.decode()
    assert kinds_on(body) == KINDS
    rows = csv_rows(client.get(reverse("site_audit_csv", args=[site_a.code])))
    assert LABELS <= {r["Event"] for r in rows}
    assert {r["Record"] for r in rows if r["Event"] in LABELS} == {signature_events.screening_number}


def test_the_event_filter_chooses_signature_events(client, monitor, signature_events):
    client.force_login(monitor)
    url = reverse("record_audit", args=[signature_events.pk])
    body = client.get(url, {"kind": "signatures"}).content.decode()
    assert kinds_on(body) == KINDS
    assert 'data-kind="changed"' not in body and 'data-kind="viewed"' not in body
    for kind in KINDS:
        page = client.get(url, {"kind": kind})
        assert kinds_on(page.content.decode()) == {kind}
        assert {e.kind for e in page.context["page"].object_list} == {kind}
    rows = csv_rows(client.get(reverse("record_audit_csv", args=[signature_events.pk]), {"kind": "invalidated"}))
    assert rows and {r["Event"] for r in rows} == {"Signature invalidated"}
    assert "All signature events" in client.get(url).content.decode()  # offered in the filter


def test_another_sites_signature_events_never_appear(client, make_user, site_a, site_b, signature_events):
    coordinator_b = make_user(COORDINATOR, site_b)
    investigator_b = make_user(INVESTIGATOR, site_b)
    values, data = complete_record_data("SLE")
    record_b = create_record(site_b, coordinator_b, values, data, judged_by=investigator_b)
    client.force_login(investigator_b)
    sign(client, record_b, password="wrong")
    sign(client, record_b)
    change_initials(record_b, coordinator_b, "ZZ", "Other site's correction")
    signature_b = Signature.objects.get(record=record_b)
    assert not signature_b.valid

    client.force_login(make_user(MONITOR, site_a))
    for url in (reverse("site_audit", args=[site_a.code]), reverse("site_audit_csv", args=[site_a.code]),
                reverse("record_audit", args=[signature_events.pk])):
        text = client.get(url, {"kind": "signatures"}).content.decode()
        assert signature_b.snapshot_hash not in text and record_b.screening_number not in text
        assert "Other site's correction" not in text and investigator_b.username not in text
    assert client.get(reverse("record_audit", args=[record_b.pk])).status_code == 404


def test_the_user_filter_finds_who_broke_a_signature(client, monitor, coordinator, signature_events):
    client.force_login(monitor)
    page = client.get(reverse("record_audit", args=[signature_events.pk]),
                      {"kind": "signatures", "user": coordinator.pk})
    assert {e.kind for e in page.context["page"].object_list} == {trail.INVALIDATED}


def add_signature_events(record, investigator, count):
    """`count` invalidated signatures, refused attempts and lockouts of a record, as logged."""
    for i in range(count):
        now = timezone.now()  # interleaved: each page holds every kind
        Signature.objects.create(
            record=record, checkpoint="screening", signer=investigator, printed_name="Ivan Petrov", role="investigator",
            signed_at=now, local_time="2026-01-01 09:00:00 CET", meaning="eligible", overall="ELIGIBLE",
            snapshot_hash=f"{i:064x}", invalidated_at=now, invalidated_by="Lab result changed",
            invalidated_by_user=record.created_by, invalidation_reason=f"correction {i}",
        )
        SignatureAttempt.objects.create(record=record, user=investigator, checkpoint="screening", outcome="wrong password")
        AccessEvent.objects.create(kind=AccessEvent.LOCKED_OUT, user=investigator, username=investigator.username,
                                   record=record, detail="after 5 failed logins or re-authentications")


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    assert {e.kind for e in response.context["page"].object_list} == KINDS
    return len(captured)


def test_signature_events_cost_the_same_queries_however_many(client, monitor, investigator, eligible, site_a):
    add_signature_events(eligible, investigator, 1)
    client.force_login(monitor)
    urls = [reverse("record_audit", args=[eligible.pk]), reverse("site_audit", args=[site_a.code])]
    params = {"kind": "signatures"}
    few = [queries(client, url, params) for url in urls]
    add_signature_events(eligible, investigator, 60)
    many = [queries(client, url, params) for url in urls]
    assert many == few
    second_page = [queries(client, url, {**params, "page": 2}) for url in urls]
    assert second_page == few
