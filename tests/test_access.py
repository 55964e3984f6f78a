"""The role x site access rule, as a matrix over every URL of the app."""

import pytest
from django.urls import reverse

from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .urlmatrix import (
    ALL_ROLES,
    EXPECTED_GET,
    POSTED_READS,
    QUERY_URLS,
    RECORD_URLS,
    RUN_URLS,
    SITE_URLS,
    USER_URLS,
    app_url_names,
    ask,
    url_for,
)


def test_every_url_is_in_the_matrix():
    assert app_url_names() == set(EXPECTED_GET)


@pytest.mark.parametrize("name", sorted(EXPECTED_GET))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_at_own_site(client, make_user, site_a, record_a, name, role):
    client.force_login(make_user(role, site_a))
    response = ask(client, name, record_a)
    assert response.status_code == EXPECTED_GET[name][role]


@pytest.mark.parametrize("name", sorted(RECORD_URLS | SITE_URLS | RUN_URLS | QUERY_URLS | USER_URLS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_at_other_site_gets_404(client, make_user, site_a, record_b, name, role):
    # A role refused the page anyway gets the same 403 whatever the record; a POST-only page its 405.
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
