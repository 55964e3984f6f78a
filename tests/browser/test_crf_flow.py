"""A coordinator enters a whole record in the browser."""

import pytest

from screening.exchange.demo import complete_record_data
from screening.models import OrganFunction, ScreeningRecord
from screening.models.sites import COORDINATOR
from tests.factories import PASSWORD

from .crf import fill_fields, fill_rows, save, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROW_PREFIXES = {"labs": "labresult", "medications": "medication", "events": "priorevent",
                "pfts": "pulmonaryfunctiontest", "mrss": "mrssassessment", "bvas_items": "bvasitem"}
ROW_SECTION = {"labs": "labs", "medications": "medications", "events": "events",
               "pfts": "ssc", "mrss": "ssc", "bvas_items": "aav"}


def test_coordinator_fills_every_section_of_a_record(page, login, make_user, site_a):
    make_user(COORDINATOR, site_a, username="cora")
    values, data = complete_record_data("DCSSC")
    login("cora", PASSWORD)

    page.get_by_role("link", name="New screening record").click()
    fill_fields(page, {k: v for k, v in values.items() if k != "planned_ld_date"})
    page.get_by_role("button", name="Create record").click()
    record = ScreeningRecord.objects.get()
    assert page.get_by_role("heading", level=1).inner_text().startswith(record.screening_number)

    # A validation error keeps everything typed.
    page.goto(f"/records/{record.pk}/sections/organ/")
    organ = dict(data["sections"]["organ"], spo2_room_air=150)
    fill_fields(page, organ)
    save(page)
    assert "less than or equal to 100" in page.get_by_test_id("error-summary").inner_text()
    assert page.locator('[name="lvef"]').input_value() == "60"
    assert not OrganFunction.objects.exists()
    type_into(page.locator('[name="spo2_room_air"]'), "97")
    save(page)
    assert "Organ function saved." in page.content()

    for key in ("infection", "reproductive", "history"):
        page.goto(f"/records/{record.pk}/sections/{key}/")
        fill_fields(page, data["sections"][key])
        save(page)
        assert "saved." in page.content()

    for rows_key in ("labs", "medications"):
        page.goto(f"/records/{record.pk}/sections/{ROW_SECTION[rows_key]}/")
        fill_rows(page, ROW_PREFIXES[rows_key], data[rows_key])
        save(page)
        assert "saved." in page.content(), page.get_by_test_id("error-summary").all_inner_texts()

    page.goto(f"/records/{record.pk}/sections/ssc/")
    fill_fields(page, data["sections"]["ssc"])
    fill_rows(page, "pulmonaryfunctiontest", data["pfts"])
    fill_rows(page, "mrssassessment", data["mrss"])
    save(page)
    assert "dcSSc saved." in page.content()

    page.goto(f"/records/{record.pk}/")
    for key in ("consent", "organ", "labs", "infection", "reproductive", "medications", "history", "ssc"):
        assert page.get_by_test_id(f"state-{key}").inner_text() == "complete", key
    # Judgement items are the investigator's; the coordinator cannot fill them.
    assert page.get_by_test_id("state-judgement").inner_text() == "not started"
