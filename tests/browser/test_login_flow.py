import pytest

from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role,heading", [
    (COORDINATOR, "Screening records"),
    (INVESTIGATOR, "Review queue"),
    (MONITOR, "Screening records"),
    (SITE_ADMIN, "Screening records"),
])
def test_each_role_lands_on_its_page(page, login, make_user, site_a, role, heading):
    make_user(role, site_a, username=f"u-{role}")
    login(f"u-{role}", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert role.replace("_", " ") in page.get_by_test_id("current-user").inner_text().lower().replace("site administrator", "site admin")


def test_wrong_password_shows_an_error_and_no_session(page, login, make_user, site_a):
    make_user(COORDINATOR, site_a, username="carol")
    login("carol", "not-the-password")
    assert "correct username and password" in page.get_by_test_id("login-error").inner_text()
    page.goto("/records/")
    assert "/accounts/login/" in page.url
