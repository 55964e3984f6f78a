"""User identity over time (issue 15 finding 5; 21 CFR Part 11 §11.100(a), §11.300(a),
§11.10(e); ICH E6(R3) 4.2.2(a)(i)): accounts have versions, a rename is in the user access
log with old → new, user names are never given to someone else, and every trail,
export and signature shows a person's name as it was at the time."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from screening.access.identity import Versions
from screening.checklist.evaluation import evaluate_record
from screening.crf.recording import save_with_audit
from screening.exchange.demo import complete_record_data, create_record
from screening.models import AccessEvent, AccountVersion, OrganFunction, ScreeningRecord, UsernameClaim

from .factories import PASSWORD

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
User = get_user_model()


def rename(user, username, first_name=None, last_name=None):
    user = User.objects.get(pk=user.pk)
    user.username = username
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    user.save()
    return user


def change_lvef(record, user, value, reason):
    organ = OrganFunction.objects.get(record=record)
    organ.lvef = value
    save_with_audit(organ, user, reason)


def trail_rows(client, record):
    response = client.get(reverse("record_audit_csv", args=[record.pk]))
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --------------------------------------------------------------------------
# Versions and the access log


def test_creation_and_each_change_of_identity_is_a_version(coordinator):
    renamed = rename(coordinator, "alice.b", last_name="Brown")
    renamed.last_login = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    renamed.save(update_fields=["last_login"])  # a login is no new version
    renamed.email = "alice@example.org"
    renamed.save()  # nor a change of what is not identity
    renamed.is_active = False
    renamed.save()
    versions = list(AccountVersion.objects.filter(user=coordinator).values_list(
        "kind", "username", "last_name", "is_active"))
    assert versions == [
        ("created", "alice", coordinator.last_name, True),
        ("changed", "alice.b", "Brown", True),
        ("changed", "alice.b", "Brown", False),
    ]


def test_a_rename_is_in_the_user_access_log_with_old_and_new(client, coordinator, monitor, site_a):
    old = coordinator.get_full_name()
    rename(coordinator, "alice.b", first_name="Alicia")
    event = AccessEvent.objects.get(kind=AccessEvent.RENAMED)
    assert event.user == coordinator and event.username == "alice.b"
    assert event.detail == "user name alice → alice.b; first name Test → Alicia"
    client.force_login(monitor)
    body = client.get(reverse("access_log", args=[site_a.code]), {"kind": "renamed"}).content.decode()
    assert "user name alice → alice.b; first name Test → Alicia" in body
    assert "Account renamed" in body
    assert old.replace("Test", "Alicia") in body


def test_a_rename_through_the_admin_names_the_admin(client, coordinator):
    root = User.objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(root)
    response = client.post(reverse("admin:auth_user_change", args=[coordinator.pk]), {
        "username": "alice.b", "first_name": coordinator.first_name, "last_name": coordinator.last_name,
        "email": "", "is_active": "on", "groups": list(coordinator.groups.values_list("pk", flat=True)),
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AccessEvent.objects.get(kind=AccessEvent.RENAMED)
    assert event.actor == root and event.detail == "user name alice → alice.b"
    assert AccountVersion.objects.filter(user=coordinator).last().actor_id == root.pk


def test_the_access_log_names_people_as_they_were(client, coordinator, monitor, site_a):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    before = coordinator.get_full_name()
    rename(coordinator, "alice.b", first_name="Alicia")
    client.force_login(monitor)
    page = client.get(reverse("access_log", args=[site_a.code]), {"kind": "login", "user": coordinator.pk})
    assert [e.subject_name for e in page.context["page"].object_list] == [f"{before} (alice)"]


# --------------------------------------------------------------------------
# User names never reused


def test_creating_a_user_with_a_renamed_users_old_name_is_refused(coordinator):
    rename(coordinator, "alice.b")
    for name in ("alice", "ALICE"):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user(name, password=PASSWORD)
    assert not User.objects.filter(username__iexact="alice").exists()


def test_renaming_someone_else_to_an_old_name_is_refused_but_one_may_take_back_ones_own(coordinator, monitor):
    rename(coordinator, "alice.b")
    with pytest.raises(IntegrityError), transaction.atomic():
        rename(monitor, "alice")
    assert User.objects.get(pk=monitor.pk).username == "mona"
    assert rename(coordinator, "alice").username == "alice"  # her own name: not someone else's


def test_a_deleted_users_name_is_never_given_again(make_user, site_a):
    gone = User.objects.create_user("temp", password=PASSWORD)
    gone.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("temp")
    assert UsernameClaim.objects.filter(name_key="temp").exists()


def test_the_admin_says_an_old_name_cannot_be_reused(client, coordinator, monitor):
    rename(coordinator, "alice.b")
    root = User.objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(root)
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "Alice", "password1": "a-long-Passphrase-42", "password2": "a-long-Passphrase-42",
        "usable_password": "true",
    })
    assert response.status_code == 200
    assert "has been used by another account before" in str(response.context["adminform"].form.errors)
    response = client.post(reverse("admin:auth_user_change", args=[monitor.pk]), {
        "username": "alice", "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
    })
    assert response.status_code == 200
    assert "has been used by another account before" in str(response.context["adminform"].form.errors)
    assert not User.objects.filter(username__iexact="alice").exists()
    assert client.post(reverse("admin:auth_user_add"), {
        "username": "newcomer", "password1": "a-long-Passphrase-42", "password2": "a-long-Passphrase-42",
        "usable_password": "true",
    }).status_code == 302


@on_postgresql
def test_postgresql_refuses_an_old_name_whatever_writes_it(coordinator, monitor):
    rename(coordinator, "alice.b")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {User._meta.db_table} SET username = 'Alice' WHERE id = %s", [monitor.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=monitor.pk).update(username="alice")  # no signal: the trigger holds it
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {UsernameClaim._meta.db_table} SET user_id = %s", [monitor.pk])  # append-only
    assert User.objects.get(pk=monitor.pk).username == "mona"


# --------------------------------------------------------------------------
# Names as they were: trails, exports, field history, signatures


def test_past_changes_keep_the_old_name_and_new_ones_get_the_new(client, coordinator, investigator, monitor, site_a):
    values, data = complete_record_data("IIM")
    record_a = create_record(site_a, coordinator, values, data, judged_by=investigator)
    change_lvef(record_a, coordinator, 55, "Echo report received")
    old = f"{coordinator.get_full_name()} (alice)"
    rename(coordinator, "alice.b", first_name="Alicia", last_name="Brown")
    change_lvef(record_a, User.objects.get(pk=coordinator.pk), 60, "Repeat echo")
    client.force_login(monitor)
    rows = [r for r in trail_rows(client, record_a) if r["Field"] == "LVEF" and r["Reason"] != "Demo data"]
    assert [(r["New value"], r["User"]) for r in rows] == [("60 %", "Alicia Brown (alice.b)"), ("55 %", old)]
    page = client.get(reverse("record_audit", args=[record_a.pk]), {"section": "organ"})
    names = {e.reason: e.user for e in page.context["page"].object_list}
    assert names["Echo report received"] == old and names["Repeat echo"] == "Alicia Brown (alice.b)"
    history = client.get(reverse("field_history", args=[record_a.pk, "organ", "organfunction.lvef"]))
    assert [e.user for e in history.context["page"].object_list][:2] == ["Alicia Brown (alice.b)", old]
    site_rows = client.get(reverse("site_audit_csv", args=[record_a.site.code])).content.decode()
    assert old in site_rows and "Alicia Brown (alice.b)" in site_rows


def test_the_signature_keeps_the_name_it_was_signed_with(client, site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    client.force_login(investigator)
    signed_as = investigator.get_full_name()
    assert client.post(reverse("sign_record", args=[record.pk]), {
        "meaning": "eligible", "password": PASSWORD, "snapshot_hash": evaluate_record(record).digest,
    }).status_code == 302
    rename(investigator, "ivan.p", first_name="Ivo", last_name="Novak")
    for url in (reverse("eligibility_print", args=[record.pk]), reverse("record_detail", args=[record.pk])):
        body = client.get(url).content.decode()
        assert f"Signed by {signed_as} (Investigator)" in body, url
        assert "Ivo Novak" not in body.split('data-testid="signatures"')[1].split("</ul>")[0]
    rows = [r for r in trail_rows(client, record) if r["Event"] == "Signed"]
    assert {r["User"] for r in rows} == {f"{signed_as} (ivan)"}


def test_an_invalidation_names_the_changer_as_they_were(client, site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    client.force_login(investigator)
    client.post(reverse("sign_record", args=[record.pk]), {
        "meaning": "eligible", "password": PASSWORD, "snapshot_hash": evaluate_record(record).digest})
    before = f"{coordinator.get_full_name()} (alice)"
    fresh = ScreeningRecord.objects.get(pk=record.pk)
    fresh.initials = "QX"
    save_with_audit(fresh, coordinator, "Initials misread")
    rename(coordinator, "alice.b", first_name="Alicia")
    client.get(reverse("eligibility", args=[record.pk]))  # the evaluation invalidates, after the rename
    rows = {r["Field"]: r for r in trail_rows(client, record) if r["Event"] == "Signature invalidated"}
    assert before in rows["Invalidated by"]["New value"]  # the change, as it was made
    assert rows["Invalidated by"]["User"] == "Alicia " + coordinator.last_name + " (alice.b)"  # at the invalidation


def test_versions_answer_the_name_at_any_moment(coordinator):
    created = AccountVersion.objects.get(user=coordinator).at
    rename(coordinator, "alice.b")
    renamed_at = AccountVersion.objects.filter(user=coordinator).last().at
    versions = Versions([coordinator.pk, None, 999999])
    assert versions.at(coordinator.pk, created - datetime.timedelta(days=1)).username == "alice"  # before: the first known
    assert versions.at(coordinator.pk, renamed_at - datetime.timedelta(microseconds=1)).username == "alice"
    assert versions.at(coordinator.pk, renamed_at).username == "alice.b"
    assert versions.at(999999, renamed_at) is None and versions.at(None, renamed_at) is None
