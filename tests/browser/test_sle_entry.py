"""One complete SLE record entered by clicking and typing only, section after
section with "Save and continue", then the investigator's answers: ELIGIBLE."""

import re

import pytest
from playwright.sync_api import expect

from screening.exchange.demo import complete_record_data
from screening.models import LabResult, Medication, ScreeningRecord
from screening.models.sites import COORDINATOR, INVESTIGATOR
from tests.factories import PASSWORD

from .conftest import log_in
from .crf import fill_fields, fill_rows, save, save_and_continue, type_into

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_a_coordinator_enters_a_whole_sle_record_by_keyboard_and_mouse(new_page, make_user, site_a):
    make_user(COORDINATOR, site_a, username="cora")
    make_user(INVESTIGATOR, site_a, username="ivy", first_name="Ivy", last_name="Chen")
    values, data = complete_record_data("SLE")
    assert len(data["labs"]) == 11 and len(data["medications"]) == 3
    page = new_page()
    log_in(page, "cora", PASSWORD)

    page.get_by_role("link", name="New screening record").click()
    fill_fields(page, {k: v for k, v in values.items() if k != "planned_ld_date"})
    page.get_by_role("button", name="Create record").click()
    record = ScreeningRecord.objects.get()
    assert heading(page).startswith(record.screening_number)

    # From the record page to the first section; then each section leads to the next.
    page.get_by_role("link", name="Organ function").first.click()
    organ = dict(data["sections"]["organ"], spo2_room_air=150)
    fill_fields(page, organ)
    save_and_continue(page)
    # Refused: the summary names the field and links to it; everything typed is still there.
    summary = page.get_by_test_id("error-summary")
    assert "SpO₂ on room air" in summary.inner_text() and "less than or equal to 100" in summary.inner_text()
    assert page.locator('[name="lvef"]').input_value() == "60"
    assert page.locator('input[name="pleural_effusion"][value="no"]').is_checked()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "spo2_room_air"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("97")
    save_and_continue(page)
    assert heading(page).startswith("Pulmonary artery pressure")
    assert "Organ function saved." in page.content()
    # The earlier readings with their dates: the engine applies the year's look-back.
    fill_rows(page, "pulmonarypressurereading", data["pap_readings"])
    save_and_continue(page)
    assert heading(page).startswith("Laboratory results")

    # Eleven labs: a wrong unit first, shown in its row beside the cell.
    labs = [dict(row) for row in data["labs"]]
    labs[0]["unit"] = "10^9/L"  # haemoglobin is not counted per litre
    fill_rows(page, "labresult", labs)
    save_and_continue(page)
    row = page.locator("#row-labresult-0")
    assert "This analyte is reported in" in row.inner_text()
    assert "Lab results, row 1 (Haemoglobin): Unit" in page.get_by_test_id("error-summary").inner_text()
    assert page.locator('[name="labresult-10-value"]').input_value() == "30"  # the eleventh row (APTT) is still there
    assert not LabResult.objects.exists()
    row.locator('select[name="labresult-0-unit"]').select_option("g/L")
    save_and_continue(page)
    assert heading(page).startswith("Infection screen")
    assert LabResult.objects.filter(record=record).count() == 11

    for key in ("infection", "reproductive"):
        fill_fields(page, data["sections"][key])
        save_and_continue(page)
    assert heading(page).startswith("Medication history")
    fill_rows(page, "medication", data["medications"])
    save_and_continue(page)
    assert Medication.objects.filter(record=record).count() == 3
    assert heading(page).startswith("Prior events")
    save_and_continue(page)  # none to enter: the medical history confirms the list is complete
    assert heading(page).startswith("Medical history")
    fill_fields(page, data["sections"]["history"])
    save_and_continue(page)
    assert heading(page).startswith("SLE")
    fill_fields(page, data["sections"]["sle"])
    save(page)
    assert "SLE saved." in page.content()
    for key in ("consent", "organ", "pap", "labs", "infection", "reproductive", "medications", "history", "sle"):
        assert page.get_by_test_id(f"state-{key}").inner_text() == "complete", key
    page.get_by_role("button", name="Log out").click()

    # The investigator answers the judgement items from the checklist.
    log_in(page, "ivy", PASSWORD)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("overall").inner_text() == "INCOMPLETE"
    page.get_by_role("link", name="Answer judgement items").click()
    fill_fields(page, data["sections"]["judgement"])
    save(page)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("overall").inner_text() == "ELIGIBLE"


def test_a_missing_link_lands_on_the_field(new_page, make_user, site_a):
    """From the record page's "still needed" list to the question, focused and highlighted."""
    from screening.exchange.demo import create_record

    coordinator = make_user(COORDINATOR, site_a, username="cora")
    values, data = complete_record_data("SLE")
    data["sections"]["sle"].update(ana_test=None, ana_titre=None, ana_lab_cutoff=None)
    data["labs"] = [row for row in data["labs"] if row["analyte"] != "plt"]
    record = create_record(site_a, coordinator, values, data)
    page = new_page()
    log_in(page, "cora", PASSWORD)
    page.goto(f"/records/{record.pk}/")
    needed = page.locator("[data-section='sle']")
    assert "sle.ana_test" not in needed.inner_text()
    needed.get_by_role("link", name="SLE: Highest ANA result on record").click()
    expect(page.locator('input[name="ana_test"]').first).to_be_focused()
    expect(page.locator("#field-ana_test")).to_have_class(re.compile("crf-highlight"))

    page.goto(f"/records/{record.pk}/")
    page.locator("[data-section='labs']").get_by_role("link", name="Lab result: Platelet count").click()
    page.wait_for_function("document.activeElement && (document.activeElement.name || '').endsWith('-value')")
    focused = page.evaluate("document.activeElement.name")
    assert focused.startswith("labresult-") and focused.endswith("-value")
    index = focused.split("-")[1]
    assert page.locator(f'[name="labresult-{index}-analyte"]').input_value() == "plt"
    type_into(page.locator(f'[name="{focused}"]'), "180")
