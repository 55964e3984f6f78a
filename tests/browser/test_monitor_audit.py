"""A monitor reconstructs a coordinator's edit from the audit trail."""

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models.sites import COORDINATOR, MONITOR
from tests.factories import PASSWORD

from .crf import fill_fields, save, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monitor_sees_the_change_and_its_reason(page, login, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora", first_name="Cora", last_name="Lee")
    make_user(MONITOR, site_a, username="mo")
    values, data = complete_record_data("SLE")
    data["sections"].pop("judgement")
    record = create_record(site_a, coordinator, values, data)

    login("cora", PASSWORD)
    page.goto(f"/records/{record.pk}/sections/organ/")
    fill_fields(page, {"lvef": "45"})
    page.get_by_label("Reason for change").select_option("other")
    type_into(page.get_by_label("Reason (free text)"), "echo re-read by cardiology")
    save(page)
    assert "Organ function saved." in page.content()
    page.get_by_role("button", name="Log out").click()

    login("mo", PASSWORD)
    page.goto(f"/records/{record.pk}/")
    page.get_by_role("link", name="Audit trail").click()
    trail = page.locator("main").inner_text()
    assert "LVEF" in trail and "echo re-read by cardiology" in trail
    assert "60" in trail and "45" in trail
    assert "Cora Lee" in trail or "cora" in trail
    # Read only: no form to change anything on the monitor's section page.
    page.goto(f"/records/{record.pk}/sections/organ/")
    assert page.get_by_role("button", name="Save section").count() == 0
