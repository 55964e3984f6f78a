"""A site administrator creates a coordinator, who logs in with the initial password, is
taken to the change page, chooses a new one and reaches the record list (issue 21)."""

import re

import pytest
from django.contrib.auth import get_user_model

from screening.access.roles import role_of
from screening.models import AccessEvent, PasswordRecord
from screening.models.sites import COORDINATOR, SITE_ADMIN
from tests.factories import PASSWORD

from .conftest import log_in
from .crf import type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INITIAL = "first-light-over-the-bay"
CHOSEN = "violet-harbour-lantern-42"


def test_site_admin_creates_a_coordinator_who_must_change_the_password(page, make_user, site_a):
    make_user(SITE_ADMIN, site_a, username="sam")
    log_in(page, "sam", PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Users", exact=True).click()
    page.wait_for_url("**/sites/A01/users/")
    page.get_by_role("link", name="New user").click()
    type_into(page.get_by_label("User name"), "nina")
    type_into(page.get_by_label("First name"), "Nina")
    type_into(page.get_by_label("Last name"), "Novak")
    type_into(page.get_by_label("E-mail"), "nina@example.org")
    page.get_by_label("Role").select_option(label="Coordinator")
    type_into(page.get_by_label("Password", exact=True), INITIAL)
    type_into(page.get_by_label("Password again"), INITIAL)
    page.get_by_role("button", name="Create user").click()
    assert "Nina Novak" in page.get_by_test_id("user-created").inner_text()
    nina = get_user_model().objects.get(username="nina")
    assert role_of(nina) == COORDINATOR
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")

    # The coordinator's first login goes to the change page, whatever page is asked for.
    log_in(page, "nina", INITIAL)
    page.wait_for_url("**/account/password/")
    assert "set by an administrator" in page.get_by_test_id("password-change-required").inner_text()
    page.goto("/records/")
    assert page.url.endswith("/account/password/")
    type_into(page.get_by_label("Old password"), INITIAL)
    type_into(page.get_by_label(re.compile(r"^\s*New password\W*$")), CHOSEN)
    type_into(page.get_by_label("New password confirmation"), CHOSEN)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/records/")
    assert page.get_by_role("heading", level=1).inner_text() == "Screening records"
    assert "Nina Novak" in page.get_by_test_id("current-user").inner_text()
    kinds = list(PasswordRecord.objects.filter(user_id=nina.pk).values_list("kind", flat=True))
    assert kinds == [PasswordRecord.INITIAL, PasswordRecord.CHANGED]
    assert AccessEvent.objects.filter(user=nina, kind=AccessEvent.PASSWORD_CHANGED, actor=nina).count() == 1
