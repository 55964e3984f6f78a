"""The role x site access rule, as a matrix over every URL of the app."""

import pytest
from django.urls import get_resolver, reverse

from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .conftest import ALL_ROLES

# url name -> status for a GET by each role at its own site (a POST for POSTED_READS).
EXPECTED_GET = {
    "home": {COORDINATOR: 302, INVESTIGATOR: 302, MONITOR: 302, SITE_ADMIN: 302},
    "record_list": dict.fromkeys(ALL_ROLES, 200),
    "record_create": {COORDINATOR: 200, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 403},
    "record_detail": dict.fromkeys(ALL_ROLES, 200),
    "section_edit": dict.fromkeys(ALL_ROLES, 200),
    "section_scores": dict.fromkeys(ALL_ROLES, 200),
    "review_queue": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "data_dictionary_csv": dict.fromkeys(ALL_ROLES, 200),
    "eligibility": dict.fromkeys(ALL_ROLES, 200),
    "eligibility_json": dict.fromkeys(ALL_ROLES, 200),
    "eligibility_print": dict.fromkeys(ALL_ROLES, 200),
    "import_upload": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_format": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_example": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "record_audit": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "record_audit_csv": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "field_history": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "site_audit": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "site_audit_csv": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "sign_record": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 403, SITE_ADMIN: 403},
    "access_log": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 200, SITE_ADMIN: 200},
}
# Reads that take a POST (the live scores post the form being filled in): the
# matrix posts to them, and a GET is refused.
POSTED_READS = {"section_scores"}
RECORD_URLS = {
    "record_detail", "section_edit", "eligibility", "eligibility_json", "eligibility_print", "sign_record",
    "record_audit", "record_audit_csv", "field_history", "section_scores",
}
SITE_URLS = {"site_audit", "site_audit_csv", "access_log"}


def app_url_names():
    return {
        p.name
        for p in get_resolver("screening.urls").url_patterns
        if getattr(p, "name", None)
    }


def url_for(name, record):
    if name == "section_edit":
        return reverse(name, args=[record.pk, "organ"])
    if name == "field_history":
        return reverse(name, args=[record.pk, "organ", "organfunction.lvef"])
    if name == "section_scores":
        return reverse(name, args=[record.pk, "labs"])  # every indication has labs
    if name == "import_example":
        return reverse(name, args=["sle"])
    if name in SITE_URLS:
        return reverse(name, args=[record.site.code])
    if name in RECORD_URLS:
        return reverse(name, args=[record.pk])
    return reverse(name)


def ask(client, name, record):
    """The matrix's request: a GET, or a POST for the reads that take one."""
    url = url_for(name, record)
    return client.post(url) if name in POSTED_READS else client.get(url)


def test_every_url_is_in_the_matrix():
    assert app_url_names() == set(EXPECTED_GET)


@pytest.mark.parametrize("name", sorted(EXPECTED_GET))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_at_own_site(client, make_user, site_a, record_a, name, role):
    client.force_login(make_user(role, site_a))
    response = ask(client, name, record_a)
    assert response.status_code == EXPECTED_GET[name][role]


@pytest.mark.parametrize("name", sorted(RECORD_URLS | SITE_URLS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_at_other_site_gets_404(client, make_user, site_a, record_b, name, role):
    # A role refused the page anyway gets the same 403 whatever the record.
    expected = 404 if EXPECTED_GET[name][role] == 200 else EXPECTED_GET[name][role]
    client.force_login(make_user(role, site_a))
    assert ask(client, name, record_b).status_code == expected


@pytest.mark.parametrize("name", sorted(EXPECTED_GET))
def test_anonymous_is_sent_to_login(client, record_a, name):
    response = ask(client, name, record_a)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(POSTED_READS))
def test_a_read_that_takes_a_post_refuses_a_get(client, coordinator, record_a, name):
    client.force_login(coordinator)
    assert client.get(url_for(name, record_a)).status_code == 405


def test_record_list_shows_only_own_site(client, coordinator, record_a, record_b):
    client.force_login(coordinator)
    body = client.get(reverse("record_list")).content.decode()
    assert record_a.screening_number in body
    assert record_b.screening_number not in body


def test_member_of_two_sites_sees_both(client, make_user, site_a, site_b, record_a, record_b):
    client.force_login(make_user(MONITOR, site_a, site_b))
    body = client.get(reverse("record_list")).content.decode()
    assert record_a.screening_number in body and record_b.screening_number in body


def test_user_without_site_sees_nothing(client, make_user, record_a):
    client.force_login(make_user(COORDINATOR))
    assert record_a.screening_number not in client.get(reverse("record_list")).content.decode()
    assert client.get(reverse("record_detail", args=[record_a.pk])).status_code == 404


@pytest.mark.parametrize("role", [INVESTIGATOR, MONITOR, SITE_ADMIN])
def test_non_coordinator_cannot_post_crf_data(client, make_user, site_a, record_a, role):
    client.force_login(make_user(role, site_a))
    url = reverse("section_edit", args=[record_a.pk, "organ"])
    assert client.post(url, {"lvef": "55"}).status_code == 403


def test_coordinator_cannot_answer_judgement_items(client, coordinator, record_a):
    client.force_login(coordinator)
    url = reverse("section_edit", args=[record_a.pk, "judgement"])
    assert client.post(url, {"survival_over_6_months": "yes"}).status_code == 403


@pytest.mark.parametrize("role,landing", [
    (COORDINATOR, "record_list"), (INVESTIGATOR, "review_queue"),
    (MONITOR, "record_list"), (SITE_ADMIN, "record_list"),
])
def test_home_lands_each_role_on_its_page(client, make_user, site_a, role, landing):
    client.force_login(make_user(role, site_a))
    assert client.get(reverse("home"))["Location"] == reverse(landing)
