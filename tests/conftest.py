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


# Modules whose tests build complete records through the forms, sign, walk the URL conf or
# generate files: about a second a test or more (pytest --durations=0, 2026-12-02). `make test`
# runs them; `make test-fast` leaves them out so the pure engine, the calculators and the quick
# integration tests run in under a minute.
SLOW_MODULES = {
    "test_access", "test_import_hostile_files", "test_audit_trail", "test_signature_trail", "test_signatures",
    "test_monitor_read_only", "test_signature_lockout", "test_live_scores", "test_screening_log",
    "test_eligibility_view", "test_exchange", "test_import_limits", "test_import_jobs", "test_sign_page",
    "test_crf", "test_concurrency", "test_user_identity", "test_display", "test_deploy", "test_checklist_pdf",
    "test_data_management", "test_access_log", "test_login", "test_import_chunks", "test_signature_races",
    "test_crf_version_2", "test_reevaluate", "test_engine_texts", "test_i18n", "test_as_printed", "test_site_users",
    "test_data_dictionary_criteria", "test_history_rows", "test_lab_units", "test_contradictions", "test_messages",
    "test_crf_pages", "test_widgets",
}


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates its language in the thread (LocaleMiddleware) and nothing undoes it: a
    page asked for in Chinese would leave a later test's management command speaking Chinese."""
    from django.utils import translation

    yield
    translation.deactivate()


def pytest_configure(config):
    """The Chinese catalogue compiled when the .po is newer than the .mo (`make` builds it; a
    bare `pytest` gets it here, once, before any xdist worker starts)."""
    import subprocess
    from pathlib import Path

    if hasattr(config, "workerinput"):
        return
    po = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


def pytest_collection_modifyitems(items):
    """Browser tests are slow by nature, and SLOW_MODULES measured so: `make test-fast` leaves
    them out with the rest of `slow`."""
    for item in items:
        if item.get_closest_marker("browser") is not None or item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
