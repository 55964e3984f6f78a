import os

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .factories import RecordFactory, SiteFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ALL_ROLES = (COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN)


@pytest.fixture
def site_a(db):
    return SiteFactory(code="A01", name="Site A")


@pytest.fixture
def site_b(db):
    return SiteFactory(code="B01", name="Site B")


@pytest.fixture
def make_user(db):
    def make(role, *sites, **kwargs):
        return UserFactory(role=role, sites=sites, **kwargs)

    return make


@pytest.fixture
def coordinator(make_user, site_a):
    return make_user(COORDINATOR, site_a, username="alice")


@pytest.fixture
def investigator(make_user, site_a):
    return make_user(INVESTIGATOR, site_a, username="ivan")


@pytest.fixture
def monitor(make_user, site_a):
    return make_user(MONITOR, site_a, username="mona")


@pytest.fixture
def second_coordinator(make_user, site_a):
    """A second coordinator of site A, for two people editing the same record."""
    return make_user(COORDINATOR, site_a, username="bob", first_name="Bob", last_name="Builder")


@pytest.fixture
def site_admin(make_user, site_a):
    return make_user(SITE_ADMIN, site_a, username="sam")


@pytest.fixture
def eligible(site_a, coordinator, investigator):
    """A complete SLE record of site A, every judgement answered: ELIGIBLE, ready to sign."""
    values, data = complete_record_data("SLE")
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


@pytest.fixture
def record_a(site_a, coordinator):
    return RecordFactory(site=site_a, created_by=coordinator)


@pytest.fixture
def record_b(site_b):
    return RecordFactory(site=site_b)


def pytest_collection_modifyitems(items):
    """Browser tests are slow by nature: `make test-fast` leaves them out with the rest of `slow`."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
