"""Signing under the record's row lock (issue 15 findings 3 and 4): a save and a
signature of one record cannot interleave, and one checkpoint has at most one valid
signature. The threaded tests need PostgreSQL: two real connections racing for the lock."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms import CheckboxInput
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening.checklist import evaluation
from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import EligibilityState, OrganFunction, Signature, SignatureAttempt
from screening.models.sites import COORDINATOR, INVESTIGATOR
from screening.signatures import signing

from .factories import PASSWORD, SiteFactory, UserFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def test_a_second_valid_signature_of_a_checkpoint_is_refused_by_the_database(eligible, investigator):
    signing.sign(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    first = Signature.objects.get()
    duplicate = dict(record=eligible, checkpoint="screening", signer=investigator, printed_name="x",
                     role="investigator", signed_at=timezone.now(), local_time="x", meaning="eligible",
                     overall="ELIGIBLE", snapshot_hash=first.snapshot_hash)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(**duplicate)
    first.invalidated_at = timezone.now()
    first.save()
    Signature.objects.create(**duplicate)  # an invalidated signature does not count


# ---------------------------------------------------------------- two real connections (PostgreSQL)


def _section_post(client, record, **changes):
    """What the organ section page posts back, with `changes` and a reason."""
    response = client.get(reverse("section_edit", args=[record.pk, "organ"]))
    data = {}
    for bound in response.context["form"]:
        value = bound.value()
        if isinstance(bound.field.widget, CheckboxInput):
            value = "on" if value else None
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value is not None:
            data[bound.html_name] = str(value)
    data.update(changes, **{"reason-reason_choice": "Data entry error"})
    return data


def _people_and_record():
    site = SiteFactory(code="A01")
    alice = UserFactory(role=COORDINATOR, sites=[site], username="alice")
    ivan = UserFactory(role=INVESTIGATOR, sites=[site], username="ivan", first_name="Ivan", last_name="Petrov")
    values, data = complete_record_data("SLE")
    record = create_record(site, alice, values, data, judged_by=ivan)
    clients = {}
    for user in (alice, ivan):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    return record, clients


def _in_thread(results, key, client, url, data):
    def run():
        try:
            results[key] = client.post(url, data)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _hold_the_lock_in(monkeypatch, module, held, hold=0.8):
    """The first evaluate_record of `module` (called under the record's lock) sets `held`
    and keeps the lock `hold` seconds."""
    evaluate = module.evaluate_record
    first = threading.Lock()

    def slow_evaluate(record):
        result = evaluate(record)
        if first.acquire(blocking=False):
            held.set()
            time.sleep(hold)
        return result

    monkeypatch.setattr(module, "evaluate_record", slow_evaluate)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_save_during_the_signature_waits_and_then_invalidates_it(monkeypatch):
    record, clients = _people_and_record()
    digest = evaluate_record(record).digest
    save = _section_post(clients["alice"], record, lvef="41")
    held, results = threading.Event(), {}
    _hold_the_lock_in(monkeypatch, signing, held)
    signer = _in_thread(results, "sign", clients["ivan"], reverse("sign_record", args=[record.pk]),
                        {"meaning": "eligible", "password": PASSWORD, "snapshot_hash": digest})
    assert held.wait(10)
    started = time.monotonic()
    saver = _in_thread(results, "save", clients["alice"], reverse("section_edit", args=[record.pk, "organ"]), save)
    signer.join(30)
    saver.join(30)
    assert results["sign"].status_code == 302 and results["save"].status_code == 302
    assert time.monotonic() - started >= 0.3  # the save queued behind the signature
    signature = Signature.objects.get()
    assert not signature.valid
    assert signature.invalidated_by.startswith("Organ function changed by") and "(alice)" in signature.invalidated_by
    assert "Data entry error" in signature.invalidated_by
    state = EligibilityState.objects.get(record=record)
    assert state.snapshot_hash == evaluate_record(record).digest != signature.snapshot_hash
    review = clients["ivan"].get(reverse("review_queue")).content.decode()
    assert record.screening_number in review


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_signature_during_a_save_waits_and_is_refused(monkeypatch):
    record, clients = _people_and_record()
    digest = evaluate_record(record).digest
    save = _section_post(clients["alice"], record, lvef="41")
    held, results = threading.Event(), {}
    _hold_the_lock_in(monkeypatch, evaluation, held)  # a save re-evaluates there (crf_saved)
    saver = _in_thread(results, "save", clients["alice"], reverse("section_edit", args=[record.pk, "organ"]), save)
    assert held.wait(10)
    signer = _in_thread(results, "sign", clients["ivan"], reverse("sign_record", args=[record.pk]),
                        {"meaning": "eligible", "password": PASSWORD, "snapshot_hash": digest})
    saver.join(30)
    signer.join(30)
    assert results["save"].status_code == 302
    assert results["sign"].status_code == 200
    assert 'data-testid="data-changed"' in results["sign"].content.decode()
    assert not Signature.objects.exists()
    assert SignatureAttempt.objects.get().outcome.startswith("the data changed while you were signing")
    assert OrganFunction.objects.get(record=record).lvef == 41


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_signatures_of_one_checkpoint_leave_one_valid(monkeypatch):
    record, clients = _people_and_record()
    digest = evaluate_record(record).digest
    ivan = clients["ivan"]
    sessions = [ivan] + [Client() for _ in range(3)]
    for session in sessions[1:]:
        session.cookies = ivan.cookies  # the same session, posted from four tabs
    barrier, results = threading.Barrier(len(sessions)), {}

    def run(i, session):
        try:
            barrier.wait()
            results[i] = session.post(reverse("sign_record", args=[record.pk]),
                                      {"meaning": "eligible", "password": PASSWORD, "snapshot_hash": digest})
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.status_code for r in results.values()) == [200, 200, 200, 302]
    assert Signature.objects.filter(invalidated_at__isnull=True).count() == 1
    refused = SignatureAttempt.objects.filter(success=False)
    assert refused.count() == 3 and {a.outcome for a in refused} == {
        "nothing to sign: signatures are complete and valid, or lymphodepletion has not started"}
