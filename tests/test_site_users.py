"""Site user administration (issue 21) and every user's own password: who may manage whom,
the roles offered, forged posts, the password history, the password that must be changed
first (set by an administrator, or expired), the access log's old → new, and two
administrators changing one user at once (two real connections on PostgreSQL)."""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.urls import reverse

from screening.access import passwords
from screening.access import users as site_users
from screening.access.roles import role_of
from screening.models import AccessEvent, PasswordRecord, SiteMembership
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .factories import PASSWORD, SiteFactory, UserFactory

NEW = "violet-harbour-lantern-42"


@pytest.fixture(autouse=True)
def quick_hasher(settings):
    """One fast hasher: the rules, not PBKDF2's iterations, are under test (the hash is still Django's)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def users_url(site):
    return reverse("site_users", args=[site.code])


def create_url(site):
    return reverse("site_user_create", args=[site.code])


def edit_url(site, user):
    return reverse("site_user_edit", args=[site.code, user.pk])


def new_user_post(**changes):
    data = {"username": "nina", "first_name": "Nina", "last_name": "Novak", "email": "nina@example.org",
            "role": COORDINATOR, "new_password1": "first-light-over-the-bay", "new_password2": "first-light-over-the-bay"}
    data.update(changes)
    return data


def state_of(client, site, user):
    """The state the user's page is built from (every form of the page carries it)."""
    return client.get(edit_url(site, user)).context["state"]


def post_change(client, site, user, action, **data):
    state = state_of(client, site, user)
    prefix = action if action in ("role", "reset") else ""
    payload = {"action": action, (f"{prefix}-state" if prefix else "state"): state}
    payload.update({(f"{prefix}-{k}" if prefix else k): v for k, v in data.items()})
    return client.post(edit_url(site, user), payload)


def events(user, *kinds):
    return list(AccessEvent.objects.filter(user=user, kind__in=kinds).order_by("id").values_list("kind", "detail"))


def log_in(client, username, password):
    """Through the login page, as a person does (django-axes wants the request): True when it let them in."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def must_change_redirect(client, path="/records/"):
    response = client.get(path)
    return response.status_code == 302 and response["Location"] == reverse("password_change")


# ---------------------------------------------------------------- who sees whom


def test_the_list_shows_the_members_of_the_site_only(admin_client, site_a, site_b, coordinator, make_user):
    make_user(COORDINATOR, site_b, username="bert")
    body = admin_client.get(users_url(site_a)).content.decode()
    assert "alice" in body and "sam" in body and "bert" not in body
    assert "Coordinator" in body and "Site administrator" in body


def test_another_site_and_another_sites_user_are_404(admin_client, site_a, site_b, make_user):
    bert = make_user(COORDINATOR, site_b, username="bert")
    assert admin_client.get(users_url(site_b)).status_code == 404
    assert admin_client.get(create_url(site_b)).status_code == 404
    assert admin_client.post(create_url(site_b), new_user_post()).status_code == 404
    assert admin_client.get(edit_url(site_a, bert)).status_code == 404
    assert admin_client.get(edit_url(site_b, bert)).status_code == 404
    assert admin_client.post(edit_url(site_a, bert), {"action": "deactivate", "state": "x"}).status_code == 404
    bert.refresh_from_db()
    assert bert.is_active
    assert not get_user_model().objects.filter(username="nina").exists()


def test_a_huge_or_unknown_user_id_is_404(admin_client, site_a):
    for pk in (0, 999999, 10**30):
        assert admin_client.get(f"/sites/A01/users/{pk}/").status_code == 404
    assert admin_client.get("/sites/NOPE/users/").status_code == 404


def test_the_same_user_name_taken_at_the_last_moment_is_refused_not_a_500(admin_client, site_a, make_user):
    from screening.access import forms as access_forms

    def taken_meanwhile(self):  # the form found the name free; another administrator took it just then
        make_user(COORDINATOR, site_a, username=self.cleaned_data["username"])
        return self.cleaned_data["username"]

    with mock.patch.object(access_forms.NewSiteUserForm, "clean_username", taken_meanwhile):
        response = admin_client.post(create_url(site_a), new_user_post())
    assert response.status_code == 200 and response.context["form"].has_error("username")
    assert get_user_model().objects.filter(username="nina").count() == 1
    assert not PasswordRecord.objects.filter(kind=PasswordRecord.INITIAL).exists()


def test_superuser_and_staff_members_are_not_managed_here(admin_client, site_a):
    root = UserFactory(username="root", is_superuser=True, sites=[site_a])
    staff = UserFactory(username="staffer", is_staff=True, sites=[site_a])
    for user in (root, staff):
        assert admin_client.get(edit_url(site_a, user)).status_code == 404
    assert "root" not in admin_client.get(users_url(site_a)).content.decode()


def test_header_links(client, site_admin, coordinator):
    client.force_login(site_admin)
    body = client.get(reverse("record_list")).content.decode()
    assert f'href="{reverse("site_users_home")}"' in body and f'href="{reverse("password_change")}"' in body
    assert client.get(reverse("site_users_home"))["Location"] == users_url(site_admin.memberships.get().site)
    client.force_login(coordinator)
    body = client.get(reverse("record_list")).content.decode()
    assert f'href="{reverse("site_users_home")}"' not in body and f'href="{reverse("password_change")}"' in body


def test_an_administrator_of_two_sites_chooses_one(client, make_user, site_a, site_b):
    client.force_login(make_user(SITE_ADMIN, site_a, site_b))
    body = client.get(reverse("site_users_home")).content.decode()
    assert users_url(site_a) in body and users_url(site_b) in body


# ---------------------------------------------------------------- creating a user


def test_create_a_coordinator_with_a_chosen_password(admin_client, site_a, site_admin):
    response = admin_client.post(create_url(site_a), new_user_post())
    assert response.status_code == 200 and 'data-testid="user-created"' in response.content.decode()
    assert 'data-testid="generated-password"' not in response.content.decode()
    nina = get_user_model().objects.get(username="nina")
    assert (nina.first_name, nina.last_name, nina.email, nina.is_active) == ("Nina", "Novak", "nina@example.org", True)
    assert not nina.is_superuser and not nina.is_staff
    assert role_of(nina) == COORDINATOR and list(nina.memberships.values_list("site__code", flat=True)) == ["A01"]
    assert nina.check_password("first-light-over-the-bay")
    [record] = PasswordRecord.objects.filter(user_id=nina.pk)
    assert (record.kind, record.password, record.set_by_id) == (PasswordRecord.INITIAL, nina.password, site_admin.pk)
    assert "first-light" not in record.password  # the hash, never the password
    assert passwords.change_required(nina) == passwords.TEMPORARY
    created = AccessEvent.objects.get(user=nina, kind=AccessEvent.USER_CREATED)
    assert created.actor == site_admin and created.site == site_a
    assert created.detail == "Coordinator at A01; must change the password at first login"
    assert events(nina, AccessEvent.SITE_GRANTED) == [("site_granted", "A01")]
    assert events(nina, AccessEvent.ROLE_GRANTED) == []  # said by the creation event


def test_a_generated_password_is_shown_once_and_works(admin_client, site_a):
    response = admin_client.post(create_url(site_a), new_user_post(new_password1="", new_password2=""))
    body = response.content.decode()
    assert 'data-testid="generated-password"' in body
    nina = get_user_model().objects.get(username="nina")
    generated = next(p for p in body.split("<code>")[1:2]).split("</code>")[0]
    assert len(generated) == 16 and nina.check_password(generated)
    assert generated not in admin_client.get(edit_url(site_a, nina)).content.decode()


@pytest.mark.parametrize("role", ["superuser", "admin", "staff", "", "site_admin ", "Site administrator"])
def test_only_the_four_roles_are_accepted(admin_client, site_a, role):
    response = admin_client.post(create_url(site_a), new_user_post(role=role))
    assert response.status_code == 200 and response.context["form"].has_error("role")
    assert not get_user_model().objects.filter(username="nina").exists()


def test_each_of_the_four_roles_can_be_given(admin_client, site_a):
    for i, role in enumerate((COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN)):
        assert admin_client.post(create_url(site_a), new_user_post(username=f"u{i}", role=role)).status_code == 200
        assert role_of(get_user_model().objects.get(username=f"u{i}")) == role


@pytest.mark.parametrize("forged", [{"is_superuser": "on"}, {"is_staff": "on"}, {"groups": "1"},
                                    {"user_permissions": "1"}, {"password": "pbkdf2_sha256$1$x$y"}])
def test_a_forged_flag_is_refused_and_nothing_saved(admin_client, site_a, forged):
    response = admin_client.post(create_url(site_a), new_user_post(**forged))
    assert response.status_code == 200
    assert "Refused: this page does not set" in response.content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()


@pytest.mark.parametrize("changes,field", [
    ({"username": "ALICE"}, "username"),  # taken, whatever the case
    ({"username": "x" * 151}, "username"),
    ({"username": "bad name!"}, "username"),
    ({"email": "not-an-address"}, "email"),
    ({"first_name": "N" * 151}, "first_name"),
    ({"new_password1": "short1", "new_password2": "short1"}, "new_password1"),
    ({"new_password1": "12345678901234", "new_password2": "12345678901234"}, "new_password1"),
    ({"new_password1": "first-light-over-the-bay", "new_password2": "first-light-over-the-sea"}, "new_password2"),
    ({"new_password1": "p" * 200, "new_password2": "p" * 200}, "new_password1"),
    ({"last_name": "a\x00b"}, "last_name"),
])
def test_bad_input_is_refused_beside_its_field(admin_client, site_a, coordinator, changes, field):
    response = admin_client.post(create_url(site_a), new_user_post(**changes))
    assert response.status_code == 200 and response.context["form"].has_error(field), response.context["form"].errors
    assert get_user_model().objects.count() == 2


def test_a_user_name_once_held_is_never_given_again(admin_client, site_a, coordinator):
    coordinator.username = "alice-renamed"
    coordinator.save()
    response = admin_client.post(create_url(site_a), new_user_post(username="Alice"))
    assert response.context["form"].has_error("username", "username_reused")


# ---------------------------------------------------------------- changing a user


def test_change_role_logs_old_and_new(admin_client, site_a, coordinator, site_admin):
    response = post_change(admin_client, site_a, coordinator, "role", role=INVESTIGATOR)
    assert response.status_code == 302
    coordinator = get_user_model().objects.get(pk=coordinator.pk)
    assert role_of(coordinator) == INVESTIGATOR
    assert coordinator.groups.count() == 1
    [event] = AccessEvent.objects.filter(user=coordinator, kind=AccessEvent.ROLE_CHANGED)
    assert (event.actor, event.detail) == (site_admin, "Coordinator → Investigator")
    assert not AccessEvent.objects.filter(user=coordinator, actor=site_admin,
                                          kind__in=[AccessEvent.ROLE_GRANTED, AccessEvent.ROLE_REVOKED]).exists()


@pytest.mark.parametrize("role", ["superuser", "staff", "1", "", "admin"])
def test_a_forged_role_is_refused(admin_client, site_a, coordinator, role):
    response = post_change(admin_client, site_a, coordinator, "role", role=role)
    assert response.status_code == 200 and response.context["role_form"].has_error("role")
    assert role_of(get_user_model().objects.get(pk=coordinator.pk)) == COORDINATOR


@pytest.mark.parametrize("forged", ["is_superuser", "is_staff", "groups"])
def test_a_forged_flag_on_a_change_is_refused(admin_client, site_a, coordinator, forged):
    state = state_of(admin_client, site_a, coordinator)
    response = admin_client.post(edit_url(site_a, coordinator),
                                 {"action": "role", "role-state": state, "role-role": SITE_ADMIN, forged: "on"})
    assert response.status_code == 200 and "Refused: this page does not set" in response.content.decode()
    coordinator = get_user_model().objects.get(pk=coordinator.pk)
    assert role_of(coordinator) == COORDINATOR and not coordinator.is_superuser and not coordinator.is_staff


def test_an_unknown_action_is_a_bad_request(admin_client, site_a, coordinator):
    assert admin_client.post(edit_url(site_a, coordinator), {"action": "promote"}).status_code == 400


def test_an_administrator_does_not_change_their_own_role_or_account(admin_client, site_a, site_admin):
    page = admin_client.get(edit_url(site_a, site_admin)).content.decode()
    assert 'data-testid="role-form"' not in page and 'data-testid="active-form"' not in page
    for action, data in (("role", {"role": COORDINATOR}), ("deactivate", {}), ("reset", {"new_password1": NEW,
                                                                                        "new_password2": NEW})):
        response = post_change(admin_client, site_a, site_admin, action, **data)
        assert response.status_code == 200 and 'data-testid="refusal"' in response.content.decode(), action
    site_admin = get_user_model().objects.get(pk=site_admin.pk)
    assert role_of(site_admin) == SITE_ADMIN and site_admin.is_active and site_admin.check_password(PASSWORD)


def test_deactivate_and_reactivate(admin_client, client, site_a, coordinator, site_admin):
    assert post_change(admin_client, site_a, coordinator, "deactivate").status_code == 302
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert not log_in(Client(), "alice", PASSWORD)
    assert post_change(admin_client, site_a, coordinator, "deactivate").status_code == 200  # already
    assert post_change(admin_client, site_a, coordinator, "reactivate").status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert events(coordinator, AccessEvent.DEACTIVATED, AccessEvent.ACTIVATED) == [
        ("deactivated", "active → inactive"), ("activated", "inactive → active")]
    assert set(AccessEvent.objects.filter(user=coordinator, kind__in=["activated", "deactivated"])
               .values_list("actor", flat=True)) == {site_admin.pk}


def test_reset_password_must_be_changed_at_next_login(admin_client, site_a, coordinator, site_admin):
    alice = Client()
    assert log_in(alice, "alice", PASSWORD)
    response = post_change(admin_client, site_a, coordinator, "reset", new_password1=NEW, new_password2=NEW)
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW)
    latest = passwords.latest(coordinator)
    assert (latest.kind, latest.set_by_id) == (PasswordRecord.RESET, site_admin.pk)
    assert events(coordinator, AccessEvent.PASSWORD_RESET) == [
        ("password_reset", "password set by an administrator → to be changed at the next login")]
    # The open session ended with the old password; the next login must change it first.
    assert alice.get("/records/")["Location"].startswith(reverse("login"))
    assert log_in(alice, "alice", NEW)
    assert must_change_redirect(alice)


def test_a_generated_reset_is_shown_once(admin_client, site_a, coordinator):
    response = post_change(admin_client, site_a, coordinator, "reset")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="generated-password"' in body
    generated = body.split("<code>")[1].split("</code>")[0]
    coordinator.refresh_from_db()
    assert coordinator.check_password(generated)


def test_a_reset_to_a_recent_password_is_refused(admin_client, site_a, coordinator):
    response = post_change(admin_client, site_a, coordinator, "reset", new_password1=PASSWORD, new_password2=PASSWORD)
    assert response.status_code == 200 and response.context["reset_form"].has_error("new_password1",
                                                                                      "password_recently_used")
    coordinator.refresh_from_db()
    assert passwords.latest(coordinator).kind == PasswordRecord.SET


# ---------------------------------------------------------------- a member of several sites


def test_a_member_of_another_site_keeps_role_and_account(admin_client, site_a, site_b, make_user):
    both = make_user(COORDINATOR, site_a, site_b, username="bea")
    page = admin_client.get(edit_url(site_a, both)).content.decode()
    assert 'data-testid="elsewhere"' in page and 'data-testid="role-form"' not in page
    for action, data in (("role", {"role": MONITOR}), ("deactivate", {}), ("reset", {"new_password1": NEW,
                                                                                     "new_password2": NEW})):
        response = post_change(admin_client, site_a, both, action, **data)
        assert 'data-testid="refusal"' in response.content.decode(), action
    both = get_user_model().objects.get(pk=both.pk)
    assert role_of(both) == COORDINATOR and both.is_active and both.check_password(PASSWORD)
    # Their access to the administrator's own site is theirs to remove.
    assert post_change(admin_client, site_a, both, "remove").status_code == 302
    assert list(both.memberships.values_list("site__code", flat=True)) == ["B01"]
    assert events(both, AccessEvent.SITE_REVOKED) == [("site_revoked", "A01")]
    assert admin_client.get(edit_url(site_a, both)).status_code == 404


def test_an_administrator_of_all_their_sites_manages_them(client, make_user, site_a, site_b):
    both = make_user(COORDINATOR, site_a, site_b, username="bea")
    client.force_login(make_user(SITE_ADMIN, site_a, site_b))
    assert post_change(client, site_b, both, "role", role=MONITOR).status_code == 302
    assert role_of(get_user_model().objects.get(pk=both.pk)) == MONITOR


def test_the_only_site_is_not_removed(admin_client, site_a, coordinator):
    response = post_change(admin_client, site_a, coordinator, "remove")
    assert 'data-testid="refusal"' in response.content.decode()
    assert SiteMembership.objects.filter(user=coordinator, site=site_a).exists()


# ---------------------------------------------------------------- two administrators at once


def test_a_page_opened_before_another_change_is_refused(client, site_a, coordinator, site_admin, make_user):
    other = Client()
    other.force_login(make_user(SITE_ADMIN, site_a, username="sue"))
    client.force_login(site_admin)
    stale = state_of(client, site_a, coordinator)
    assert post_change(other, site_a, coordinator, "role", role=MONITOR).status_code == 302
    response = client.post(edit_url(site_a, coordinator), {"action": "role", "role-state": stale,
                                                           "role-role": INVESTIGATOR})
    assert response.status_code == 200 and "Someone else changed this user" in response.content.decode()
    assert role_of(get_user_model().objects.get(pk=coordinator.pk)) == MONITOR
    assert response.context["role_form"]["state"].value() != stale  # the page now carries the new state
    again = {"action": "role", "role-state": response.context["role_form"]["state"].value(),
             "role-role": response.context["role_form"]["role"].value()}
    assert again["role-role"] == INVESTIGATOR  # what the administrator chose is kept
    assert client.post(edit_url(site_a, coordinator), again).status_code == 302
    assert role_of(get_user_model().objects.get(pk=coordinator.pk)) == INVESTIGATOR


def test_a_forged_state_is_refused(admin_client, site_a, coordinator):
    response = admin_client.post(edit_url(site_a, coordinator), {"action": "deactivate", "state": "0" * 32})
    assert "Someone else changed this user" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.is_active


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_administrators_on_two_connections(monkeypatch):
    site = SiteFactory(code="A01")
    target = UserFactory(role=COORDINATOR, sites=[site], username="alice")
    clients = []
    for name in ("sam", "sue"):
        c = Client()
        c.force_login(UserFactory(role=SITE_ADMIN, sites=[site], username=name))
        clients.append(c)
    state = state_of(clients[0], site, target)
    first = threading.Lock()
    set_role = site_users._set_role

    def slow_set_role(user, role):  # inside the lock: the other post queues behind it
        set_role(user, role)
        if first.acquire(blocking=False):
            time.sleep(0.6)

    monkeypatch.setattr(site_users, "_set_role", slow_set_role)
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i, role):
        try:
            barrier.wait()
            started = time.monotonic()
            response = clients[i].post(edit_url(site, target), {"action": "role", "role-state": state,
                                                                "role-role": role})
            results[i] = (response, time.monotonic() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(0, INVESTIGATOR)), threading.Thread(target=run, args=(1, MONITOR))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r, _ in results)
    assert codes == [200, 302], codes
    [(refused, waited)] = [(r, t) for r, t in results if r.status_code == 200]
    assert "Someone else changed this user" in refused.content.decode() and waited >= 0.5
    winner = INVESTIGATOR if results[0][0].status_code == 302 else MONITOR
    assert role_of(get_user_model().objects.get(pk=target.pk)) == winner
    assert AccessEvent.objects.filter(user=target, kind=AccessEvent.ROLE_CHANGED).count() == 1


# ---------------------------------------------------------------- one's own password


def change_own(client, old, new, again=None):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new,
                                                   "new_password2": again if again is not None else new})


def test_change_own_password_keeps_the_session_and_logs_it(client, coordinator):
    client.force_login(coordinator)
    response = change_own(client, PASSWORD, NEW)
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW)
    assert client.get("/records/").status_code == 200  # still logged in
    assert passwords.latest(coordinator).kind == PasswordRecord.CHANGED
    [event] = AccessEvent.objects.filter(user=coordinator, kind=AccessEvent.PASSWORD_CHANGED)
    assert event.actor == coordinator and "→" in event.detail


@pytest.mark.parametrize("old,new,again,field", [
    ("wrong-password-here", NEW, None, "old_password"),
    (PASSWORD, "short", None, "new_password2"),
    (PASSWORD, "password1234", None, "new_password2"),  # a common one
    (PASSWORD, NEW, NEW + "x", "new_password2"),
    (PASSWORD, PASSWORD, None, "new_password2"),
    (PASSWORD, "q" * 500, None, "new_password1"),
])
def test_own_password_refusals(client, coordinator, old, new, again, field):
    client.force_login(coordinator)
    response = change_own(client, old, new, again)
    form = response.context["form"]
    assert response.status_code == 200 and form.errors, form.errors
    assert field in form.errors or (field == "new_password2" and "new_password1" in form.errors), form.errors
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_a_wrong_old_password_counts_toward_the_lockout(client, coordinator, settings):
    client.force_login(coordinator)
    change_own(client, "wrong-password-here", NEW)
    assert AccessEvent.objects.filter(user=coordinator, kind=AccessEvent.REAUTH_FAILED,
                                      detail=reverse("password_change")).count() == 1
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change_own(client, "wrong-password-here", NEW)
    assert response.status_code in (403, 429) or "locked" in response.content.decode().lower()
    assert client.get("/records/").status_code == 302  # logged out


def test_none_of_the_last_five_passwords(client, coordinator):
    client.force_login(coordinator)
    chosen = [PASSWORD] + [f"river-stone-meadow-{i}x" for i in range(5)]
    for old, new in zip(chosen, chosen[1:]):
        assert change_own(client, old, new).status_code == 302, new
    current = chosen[-1]
    for earlier in chosen[-5:]:  # the current one and the four before it
        response = change_own(client, current, earlier)
        assert response.context["form"].has_error("new_password2", "password_recently_used"), earlier
    # The sixth back is allowed again.
    assert change_own(client, current, chosen[0]).status_code == 302


def test_the_history_keeps_hashes_only(client, coordinator):
    client.force_login(coordinator)
    change_own(client, PASSWORD, NEW)
    for record in PasswordRecord.objects.filter(user_id=coordinator.pk):
        assert NEW not in record.password and PASSWORD not in record.password
        assert record.password.startswith("md5$")
    assert check_password(NEW, passwords.latest(coordinator).password)


# ---------------------------------------------------------------- must change first


@pytest.fixture
def new_coordinator(admin_client, site_a):
    admin_client.post(create_url(site_a), new_user_post())
    return get_user_model().objects.get(username="nina")


def test_a_new_user_must_change_the_password_before_anything_else(new_coordinator, site_a):
    nina = Client()
    assert log_in(nina, "nina", "first-light-over-the-bay")
    for path in ("/records/", "/", reverse("my_queries"), reverse("dashboard"), "/records/new/"):
        assert must_change_redirect(nina, path), path
    assert nina.post("/records/new/", {"initials": "AB"}).status_code == 302
    page = nina.get(reverse("password_change"))
    assert page.status_code == 200 and 'data-testid="password-change-required"' in page.content.decode()
    assert nina.get("/static/css/trialsite.css").status_code in (200, 404)  # never a redirect
    # The one password it may not keep is the one it was given.
    response = change_own(nina, "first-light-over-the-bay", "first-light-over-the-bay")
    assert response.context["form"].has_error("new_password2", "password_recently_used")
    assert change_own(nina, "first-light-over-the-bay", NEW).status_code == 302
    assert nina.get("/records/").status_code == 200
    # And at the next login too.
    again = Client()
    assert log_in(again, "nina", NEW) and again.get("/records/").status_code == 200


def test_logout_is_allowed_while_a_change_is_due(new_coordinator):
    nina = Client()
    log_in(nina, "nina", "first-light-over-the-bay")
    response = nina.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.parametrize("age_days,expired", [(89, False), (90, True), (91, True)])
def test_an_expired_password_must_be_changed(settings, coordinator, age_days, expired):
    settings.TRIALSITE_PASSWORD_MAX_AGE_DAYS = 90
    set_at = passwords.latest(coordinator).at
    now = set_at + datetime.timedelta(days=age_days) - datetime.timedelta(seconds=0 if expired else 1)
    assert (passwords.change_required(coordinator, now) == passwords.EXPIRED) is expired
    with mock.patch("django.utils.timezone.now", return_value=now):
        c = Client()
        assert log_in(c, "alice", PASSWORD)
        assert must_change_redirect(c) is expired


def test_no_expiry_by_default(coordinator):
    far = passwords.latest(coordinator).at + datetime.timedelta(days=3650)
    assert passwords.change_required(coordinator, far) is None


def test_an_expired_password_is_changed_and_the_demand_ends(settings, client, coordinator):
    settings.TRIALSITE_PASSWORD_MAX_AGE_DAYS = 1
    later = passwords.latest(coordinator).at + datetime.timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert log_in(client, "alice", PASSWORD)
        assert must_change_redirect(client)
        assert "older than the site allows" in client.get(reverse("password_change")).content.decode()
        assert change_own(client, PASSWORD, NEW).status_code == 302
        assert client.get("/records/").status_code == 200


def test_a_password_set_elsewhere_is_recorded_and_a_rehash_is_not(coordinator):
    coordinator.set_password(NEW)
    coordinator.save()
    kinds = list(PasswordRecord.objects.filter(user_id=coordinator.pk).values_list("kind", flat=True))
    assert kinds == [PasswordRecord.SET, PasswordRecord.SET]
    coordinator.set_password(NEW)  # the same password hashed again (a login upgrading the hasher does this)
    coordinator.save()
    assert PasswordRecord.objects.filter(user_id=coordinator.pk).count() == 2
