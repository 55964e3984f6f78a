"""A wrong password on the sign page is a failed authentication: it counts with failed
logins toward django-axes' lockout, is in the user access log with the page, and at the
limit locks the account and ends the session. A locked or deactivated account cannot sign
(21 CFR Part 11 §11.200(a), §11.300(d); issue 15 findings 1 and 2)."""

import pytest
from django.test import Client
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.models import AccessEvent, Signature, SignatureAttempt
from screening.signatures.signing import SigningRefused
from screening.signatures.signing import sign as sign_record

from .factories import PASSWORD


def sign(client, record, password=PASSWORD, digest=None):
    digest = digest or evaluate_record(record).digest
    return client.post(reverse("sign_record", args=[record.pk]),
                       {"meaning": "eligible", "password": password, "snapshot_hash": digest})


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_stale_snapshot_between_wrong_passwords_does_not_reset_the_count(client, investigator, eligible):
    """The attack of the issue: four wrong passwords, one post with a bogus hash, again and again."""
    client.force_login(investigator)
    wrong = 0
    for _ in range(3):
        for _ in range(4):
            response = sign(client, eligible, password="wrong")
            wrong += 1
            if response.status_code == 429:
                break
        if response.status_code == 429:
            break
        sign(client, eligible, password="wrong", digest="bogus")
        wrong += 1
        if "_auth_user_id" not in client.session:
            break
    assert wrong == 5 and "_auth_user_id" not in client.session
    assert login(client, "ivan", PASSWORD).status_code == 429  # the right password no longer lets in
    assert not Signature.objects.exists()


def test_wrong_passwords_on_the_sign_page_lock_the_login(client, investigator, eligible):
    client.force_login(investigator)
    for _ in range(5):
        sign(client, eligible, password="wrong")
    client.logout()
    assert login(client, "ivan", PASSWORD).status_code == 429


def test_failed_logins_count_toward_the_signing_lockout(client, investigator, eligible):
    client.force_login(investigator)  # before the failures: a login clears axes' count
    other = Client()
    for _ in range(4):
        login(other, "ivan", "wrong")
    assert sign(client, eligible, password="wrong").status_code == 429
    assert "_auth_user_id" not in client.session
    assert not Signature.objects.exists()


def test_a_locked_account_with_an_open_session_cannot_sign(client, investigator, eligible):
    """Finding 2: locked by failed logins elsewhere, the investigator's old session signed."""
    session = client
    session.force_login(investigator)

    other = Client()
    for _ in range(5):
        login(other, "ivan", "wrong")
    assert session.get(reverse("sign_record", args=[eligible.pk])).status_code == 429
    assert "_auth_user_id" not in session.session  # the session is ended
    assert not Signature.objects.exists()

    # (force_login would reset axes' count, like any login: a third session opened before the lock.)
    third = Client()
    third.force_login(investigator)
    for _ in range(5):
        login(other, "ivan", "wrong")
    assert sign(third, eligible).status_code == 429
    assert not Signature.objects.exists()
    assert SignatureAttempt.objects.get().outcome == "account locked after repeated failed authentications"


def test_a_deactivated_account_cannot_sign(investigator, eligible):
    investigator.is_active = False
    with pytest.raises(SigningRefused):
        sign_record(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    assert not Signature.objects.exists()
    assert SignatureAttempt.objects.get().outcome == "account deactivated"


def test_a_deactivated_account_loses_its_session(client, investigator, eligible):
    client.force_login(investigator)
    investigator.is_active = False
    investigator.save()
    assert sign(client, eligible).status_code == 302  # to the login page
    assert not Signature.objects.exists()


def test_failed_reauthentication_and_lockout_are_in_the_access_log(client, investigator, eligible):
    client.force_login(investigator)
    page = reverse("sign_record", args=[eligible.pk])
    for _ in range(5):
        sign(client, eligible, password="wrong")
    failures = AccessEvent.objects.filter(kind=AccessEvent.REAUTH_FAILED, user=investigator)
    assert failures.count() == 5
    assert {(e.username, e.detail, e.actor_id) for e in failures} == {("ivan", page, investigator.pk)}
    assert failures.first().ip_address == "127.0.0.1"
    lockout = AccessEvent.objects.get(kind=AccessEvent.LOCKED_OUT, user=investigator)
    assert lockout.detail == f"after 5 failed logins or re-authentications, the last on {page}"
    assert AccessEvent.objects.filter(kind=AccessEvent.LOGOUT, user=investigator).exists()


def test_the_right_password_with_a_stale_snapshot_counts_no_failure(client, investigator, eligible):
    client.force_login(investigator)
    for _ in range(6):
        response = sign(client, eligible, digest="bogus")
        assert response.status_code == 200 and 'data-testid="data-changed"' in response.content.decode()
    assert not AccessEvent.objects.filter(kind=AccessEvent.REAUTH_FAILED).exists()
    assert sign(client, eligible).status_code == 302
    assert Signature.objects.get().signer == investigator
