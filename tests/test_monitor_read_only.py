"""A monitor can change nothing: every URL of the app, posted to, is refused and logged
(the reads that take a POST, the live scores, answer and change nothing)."""

import pytest

from screening.models import AccessEvent, ScreeningRecord
from screening.models.sites import MONITOR

from .urlmatrix import MONITOR_WRITES, OWN_ACCOUNT_WRITES, POSTED_READS, app_url_names, url_for


@pytest.mark.parametrize("name", sorted(app_url_names() - POSTED_READS - MONITOR_WRITES - OWN_ACCOUNT_WRITES))
def test_a_monitor_post_to_any_url_is_refused(client, make_user, site_a, record_a, name):
    monitor = make_user(MONITOR, site_a)
    client.force_login(monitor)
    before = ScreeningRecord.history.count()
    response = client.post(url_for(name, record_a), {"lvef": "10", "reason-reason_choice": "Data entry error"})
    # GET-only pages answer 405; every page that accepts a POST refuses the monitor.
    assert response.status_code in (403, 405)
    if response.status_code == 403:
        event = AccessEvent.objects.get(kind=AccessEvent.WRITE_REFUSED)
        assert event.user == monitor and "monitor" in event.detail
    assert ScreeningRecord.history.count() == before


@pytest.mark.parametrize("name", sorted(MONITOR_WRITES))
def test_a_monitor_write_of_queries_or_sdv_changes_no_crf_data(client, make_user, site_a, record_a, name):
    # A monitor raises queries and marks data verified: posted CRF fields are ignored, never saved.
    client.force_login(make_user(MONITOR, site_a))
    before = ScreeningRecord.history.count()
    response = client.post(url_for(name, record_a), {"lvef": "10", "reason-reason_choice": "Data entry error"})
    assert response.status_code == 302
    assert ScreeningRecord.history.count() == before and not AccessEvent.objects.filter(kind=AccessEvent.WRITE_REFUSED)


@pytest.mark.parametrize("name", sorted(OWN_ACCOUNT_WRITES))
def test_a_monitor_post_to_their_own_account_changes_no_crf_data(client, make_user, site_a, record_a, name):
    # A monitor changes their own password like anyone; posted CRF fields are not read.
    monitor = make_user(MONITOR, site_a)
    client.force_login(monitor)
    before = ScreeningRecord.history.count()
    response = client.post(url_for(name, record_a), {"lvef": "10", "reason-reason_choice": "Data entry error"})
    assert response.status_code == 200 and response.context["form"].errors  # no old password: nothing changed
    assert ScreeningRecord.history.count() == before and not AccessEvent.objects.filter(kind=AccessEvent.WRITE_REFUSED)


@pytest.mark.parametrize("name", sorted(POSTED_READS))
def test_a_monitor_post_to_a_read_answers_and_changes_nothing(client, make_user, site_a, record_a, name):
    # The live scores take the section form as posted, and only read.
    client.force_login(make_user(MONITOR, site_a))
    before = ScreeningRecord.history.count()
    response = client.post(url_for(name, record_a), {"lvef": "10", "reason-reason_choice": "Data entry error"})
    assert response.status_code == 200
    assert ScreeningRecord.history.count() == before and not AccessEvent.objects.filter(kind=AccessEvent.WRITE_REFUSED)


def test_the_state_changing_urls_are_among_those_refused(client, make_user, site_a, record_a):
    client.force_login(make_user(MONITOR, site_a))
    refused = {name for name in app_url_names() if client.post(url_for(name, record_a)).status_code == 403}
    assert {"record_create", "section_edit", "sign_record", "import_upload"} <= refused
