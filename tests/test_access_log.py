"""The user access log: logins, logouts, failed logins, lockouts and changes of
roles, site access and active state, each with subject and actor, as the site's
monitors and site administrators see them (and nobody else does)."""

import datetime
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalRecords

from screening.models import AccessEvent, SiteMembership
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR

from .factories import PASSWORD

ROW = re.compile(
    r'data-kind="(\w+)">.*?<td data-testid="subject">(.*?)</td>\s*<td data-testid="actor">(.*?)</td>', re.S
)


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def log_url(site):
    return reverse("access_log", args=[site.code])


def rows(client, site, **params):
    """(kind, subject, actor) of each row of the page, as rendered."""
    response = client.get(log_url(site), params)
    assert response.status_code == 200
    return ROW.findall(response.content.decode())


def has_row(found, kind, subject, actor=None):
    """A row of that kind naming those user names (actor None: shown as "—")."""

    def names(cell, username):
        return f"({username})" in cell or cell.strip() == username

    return any(
        k == kind and names(s, subject) and ("—" in a if actor is None else names(a, actor)) for k, s, a in found
    )


@contextmanager
def acting_as(user):
    """What HistoryRequestMiddleware does during a request by `user`."""
    request = RequestFactory().get("/admin/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


# --------------------------------------------------------------------------
# What is recorded, and shown with subject and actor


def test_login_and_logout(client, coordinator, monitor):
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    event = AccessEvent.objects.get(kind=AccessEvent.LOGIN, user=coordinator)
    assert (event.actor, event.username, event.ip_address) == (coordinator, "alice", "127.0.0.1")
    assert AccessEvent.objects.get(kind=AccessEvent.LOGOUT, user=coordinator).actor == coordinator

    client.force_login(monitor)
    found = rows(client, monitor.memberships.get().site)
    assert has_row(found, "login", "alice", "alice")
    assert has_row(found, "logout", "alice", "alice")


def test_failed_login_of_a_known_and_an_unknown_user_name(client, coordinator, monitor, site_a):
    login(client, "alice", "wrong-password")
    login(client, "mallory", "guess-guess-guess")
    known = AccessEvent.objects.get(kind=AccessEvent.LOGIN_FAILED, username="alice")
    assert (known.user, known.actor, known.ip_address) == (coordinator, None, "127.0.0.1")
    unknown = AccessEvent.objects.get(kind=AccessEvent.LOGIN_FAILED, username="mallory")
    assert unknown.user is None  # the name is kept, though nobody has it

    client.force_login(monitor)
    found = rows(client, site_a)
    assert has_row(found, "login_failed", "alice")
    assert not any("mallory" in s for _, s, _ in found)  # belongs to no site


def test_five_failures_lock_out(client, coordinator, monitor, site_a):
    for _ in range(5):
        login(client, "alice", "wrong-password")
    assert login(client, "alice", PASSWORD).status_code == 429
    assert AccessEvent.objects.filter(kind=AccessEvent.LOGIN_FAILED, user=coordinator).count() >= 5
    lockout = AccessEvent.objects.filter(kind=AccessEvent.LOCKED_OUT, user=coordinator).earliest("id")
    assert lockout.username == "alice" and lockout.detail == "after 5 failed logins"
    assert not AccessEvent.objects.filter(kind=AccessEvent.LOGIN, user=coordinator).exists()

    client.force_login(monitor)
    assert has_row(rows(client, site_a), "locked_out", "alice")


def test_role_granted_and_revoked_with_the_actor(client, second_coordinator, site_admin, monitor, site_a):
    investigator_group = Group.objects.get(name=INVESTIGATOR)
    with acting_as(site_admin):
        second_coordinator.groups.add(investigator_group)
        second_coordinator.groups.add(investigator_group)  # already held: nothing new
        second_coordinator.groups.remove(Group.objects.get(name=COORDINATOR))
        second_coordinator.groups.remove(Group.objects.get(name=MONITOR))  # never held: nothing revoked
    granted = AccessEvent.objects.filter(kind=AccessEvent.ROLE_GRANTED, user=second_coordinator, actor=site_admin)
    revoked = AccessEvent.objects.filter(kind=AccessEvent.ROLE_REVOKED, user=second_coordinator, actor=site_admin)
    assert [e.detail for e in granted] == ["Investigator"]
    assert [e.detail for e in revoked] == ["Coordinator"]

    # From the group's side, and clearing: the same events.
    with acting_as(site_admin):
        investigator_group.user_set.remove(second_coordinator)
        second_coordinator.groups.add(Group.objects.get(name=COORDINATOR))
        second_coordinator.groups.clear()
    assert AccessEvent.objects.filter(kind=AccessEvent.ROLE_REVOKED, user=second_coordinator).count() == 3

    client.force_login(monitor)
    found = rows(client, site_a, kind="role_granted", user=second_coordinator.pk)
    assert has_row(found, "role_granted", "bob", "sam")
    assert all(k == "role_granted" for k, _, _ in found)


def test_site_access_granted_and_revoked(client, make_user, site_admin, monitor, site_a, site_b):
    carol = make_user(MONITOR, site_b, username="carol")
    with acting_as(site_admin):
        membership = SiteMembership.objects.create(user=carol, site=site_a)
        membership.delete()
    granted = AccessEvent.objects.get(kind=AccessEvent.SITE_GRANTED, user=carol, site=site_a)
    revoked = AccessEvent.objects.get(kind=AccessEvent.SITE_REVOKED, user=carol, site=site_a)
    assert granted.actor == revoked.actor == site_admin and granted.detail == "A01"

    client.force_login(monitor)
    found = rows(client, site_a)
    assert has_row(found, "site_granted", "carol", "sam")
    assert has_row(found, "site_revoked", "carol", "sam")
    # Her access to site B is site B's business, though she was a member of A.
    assert AccessEvent.objects.filter(kind=AccessEvent.SITE_GRANTED, user=carol, site=site_b).exists()
    assert len([r for r in found if r[0] == "site_granted" and "(carol)" in r[1]]) == 1


def test_deactivation_and_reactivation(client, second_coordinator, site_admin, monitor, site_a):
    with acting_as(site_admin):
        second_coordinator.is_active = False
        second_coordinator.save()
    second_coordinator.first_name = "Robert"
    second_coordinator.save()  # not a change of active state; and from a command: no actor
    second_coordinator.is_active = True
    second_coordinator.save(update_fields=["is_active"])
    assert list(AccessEvent.objects.filter(user=second_coordinator, kind__in=["activated", "deactivated"])
                .order_by("id").values_list("kind", "actor")) == [("deactivated", site_admin.pk), ("activated", None)]

    client.force_login(monitor)
    found = rows(client, site_a)
    assert has_row(found, "deactivated", "bob", "sam")
    assert has_row(found, "activated", "bob")


def test_changes_through_the_admin_name_the_admin(client, django_user_model, second_coordinator):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(root)
    first, last = second_coordinator.first_name, second_coordinator.last_name
    response = client.post(reverse("admin:auth_user_change", args=[second_coordinator.pk]), {
        "username": "bob", "first_name": "Robert", "last_name": "B", "email": "",
        "is_staff": "", "is_superuser": "",  # is_active left out: unticked
        "groups": [Group.objects.get(name=MONITOR).pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    events = AccessEvent.objects.filter(user=second_coordinator, actor=root)
    assert sorted(events.values_list("kind", "detail")) == [
        ("deactivated", ""), ("renamed", f"first name {first} → Robert; last name {last} → B"),
        ("role_granted", "Monitor"), ("role_revoked", "Coordinator"),
    ]


def test_filters_by_site_calendar_day(client, coordinator, monitor, site_a):
    # 23:30 UTC on 10 January is 00:30 on 11 January in Berlin (the site's time zone).
    at = datetime.datetime(2026, 1, 10, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=at):
        AccessEvent.objects.create(kind=AccessEvent.LOGIN, user=coordinator, username="alice", actor=coordinator)
    client.force_login(monitor)
    day = rows(client, site_a, kind="login", date_from="2026-01-11", date_to="2026-01-11")
    assert len(day) == 1 and has_row(day, "login", "alice", "alice")
    assert rows(client, site_a, kind="login", date_from="2026-01-10", date_to="2026-01-10") == []
    body = client.get(log_url(site_a), {"date_from": "2026-01-11", "date_to": "2026-01-11"}).content.decode()
    assert "2026-01-11 00:30:00" in body and "2026-01-10 23:30:00" in body  # site time and UTC


def test_a_date_range_backwards_is_reported(client, monitor, site_a):
    client.force_login(monitor)
    response = client.get(log_url(site_a), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "The end date is before the start date." in response.content.decode()


# --------------------------------------------------------------------------
# Who sees it


def test_other_sites_users_are_not_shown(client, make_user, monitor, site_a, site_b):
    make_user(COORDINATOR, site_b, username="zed")
    login(client, "zed", PASSWORD)
    client.force_login(monitor)
    assert not any("(zed)" in s for _, s, _ in rows(client, site_a))


def test_site_admin_sees_it_and_nobody_writes_it(client, site_admin, site_a):
    client.force_login(site_admin)
    assert client.get(log_url(site_a)).status_code == 200
    count = AccessEvent.objects.count()
    assert client.post(log_url(site_a)).status_code == 405
    assert AccessEvent.objects.count() == count


# --------------------------------------------------------------------------
# Cost


def test_page_queries_do_not_grow_with_events(client, django_assert_max_num_queries, coordinator, monitor, site_a):
    client.force_login(monitor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(log_url(site_a)).status_code == 200
    AccessEvent.objects.bulk_create([
        AccessEvent(kind=AccessEvent.LOGIN, user=coordinator, username="alice", actor=monitor if i % 2 else coordinator)
        for i in range(300)
    ])
    with django_assert_max_num_queries(len(few)):
        body = client.get(log_url(site_a)).content.decode()
    assert body.count('data-testid="access-event"') == 50
    with django_assert_max_num_queries(len(few)):
        client.get(log_url(site_a), {"page": "last"})


# --------------------------------------------------------------------------
# The database refuses rewriting it (PostgreSQL)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
@pytest.mark.parametrize("statement", ["UPDATE {table} SET detail = 'rewritten'", "DELETE FROM {table}"])
def test_postgresql_refuses_rewriting_the_access_log(coordinator, statement):
    assert AccessEvent.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=AccessEvent._meta.db_table))
    assert not AccessEvent.objects.filter(detail="rewritten").exists()


def test_the_site_audit_log_links_to_it_for_those_who_may_see_it(client, make_user, monitor, site_a):
    client.force_login(monitor)
    assert log_url(site_a) in client.get(reverse("site_audit", args=[site_a.code])).content.decode()
    client.force_login(make_user(INVESTIGATOR, site_a))
    assert log_url(site_a) not in client.get(reverse("site_audit", args=[site_a.code])).content.decode()
