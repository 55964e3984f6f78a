"""Issue 19's Done-when, as people do it: a monitor raises a query on a lab value; the
coordinator sees it beside the field and corrects the value with a reason; the monitor
sees the answer and closes it, then marks the section verified; a later change clears
the mark; the investigator signs and the record freezes.

With DM_SCREENSHOTS=<dir>, the pages of docs/data-management.md are saved there
(1366 px and 390 px wide)."""

import os
from pathlib import Path

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models import LabResult, Query, SdvMark
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR
from tests.factories import PASSWORD

from .conftest import PHONE, log_in
from .crf import save, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("DM_SCREENSHOTS")


def shoot(page, name, locator=None):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = f"{SHOTS}/{name}-{width}.png"
    if locator is not None:
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def logout(page):
    if page.viewport_size["width"] < 768:
        page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("button", name="Log out").click()


def hb_row(page):
    """The haemoglobin row of the lab table, editable (its select) or read only (its text)."""
    rows = page.locator("[data-testid='formset-labresult'] tbody tr")
    editable = rows.filter(has=page.locator("select option[selected][value='hb']"))
    return editable if editable.count() else rows.filter(has_text="Haemoglobin")


def test_query_answer_close_verify_clear_sign_and_freeze(page, new_page, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora", first_name="Cora", last_name="Lee")
    make_user(INVESTIGATOR, site_a, username="ivy", first_name="Ivy", last_name="Chen")
    make_user(MONITOR, site_a, username="mona", first_name="Mona", last_name="Diaz")
    values, data = complete_record_data("SLE")
    investigator = type(coordinator).objects.get(username="ivy")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    hb = LabResult.objects.get(record=record, analyte="hb")
    labs = f"/records/{record.pk}/sections/labs/"

    # The monitor raises a query on the haemoglobin value.
    log_in(page, "mona", PASSWORD)
    page.goto(labs)
    assert page.get_by_text("Read only: your role cannot change this section.").is_visible()
    raising = page.get_by_test_id("raise-query")
    raising.get_by_label("About").select_option(label=f"Lab results: Haemoglobin {hb.sample_date.isoformat()} (row {hb.pk})")
    raising.get_by_label("Field of the row").select_option(label="Value")
    type_into(raising.get_by_label("Question"), "Source says 12.1 g/dL, not 121 g/L? Please check the unit.")
    raising.get_by_role("button", name="Raise query").click()
    assert "Query raised on Lab results: Haemoglobin" in page.content()
    assert hb_row(page).get_by_test_id("query-badge").inner_text() == "Query: Open"
    logout(page)

    # The coordinator sees it beside the field and corrects the value, with a reason.
    log_in(page, "cora", PASSWORD)
    page.goto(labs)
    badge = hb_row(page).get_by_test_id("query-badge")
    assert badge.is_visible()
    badge.click()
    thread = page.get_by_test_id("query").first
    assert "Please check the unit." in thread.inner_text()
    shoot(page, "coordinator-sees-the-query", thread)
    type_into(hb_row(page).locator("input[name$='-value']"), "125")
    page.get_by_label("Reason for change").select_option("Transcription correction")
    save(page)
    assert "Laboratory results saved." in page.content()
    assert Query.objects.get().state == Query.ANSWERED
    logout(page)

    # The monitor sees the answer (the change and its reason) and closes the query.
    log_in(page, "mona", PASSWORD)
    page.goto(labs)
    thread = page.get_by_test_id("query").first
    text = thread.inner_text()
    assert "Query answered by a change of the data" in text and "125" in text and "Transcription correction" in text
    shoot(page, "monitor-sees-the-answer")
    type_into(thread.get_by_label("Closing comment"), "Matches the lab report.")
    thread.get_by_role("button", name="Close query").click()
    assert "Query closed." in page.content()
    assert page.get_by_test_id("query-state").first.inner_text() == "Closed"

    # ... and marks the section verified against source.
    sdv = page.get_by_test_id("sdv")
    sdv.get_by_label("Verified against source").select_option(label="The whole section: Laboratory results")
    sdv.get_by_role("button", name="Mark as verified").click()
    assert "Marked as verified against source" in page.content()
    assert page.get_by_test_id("section-dm").get_by_test_id("sdv-badge").is_visible()
    shoot(page, "monitor-verified-the-section")
    page.goto(f"/records/{record.pk}/")
    assert "SDV: 1 of" in page.get_by_test_id("record-sdv").inner_text()
    assert page.get_by_test_id("sdv-labs").inner_text() == "verified"
    shoot(page, "record-page")
    logout(page)

    # A later change clears the mark: haemoglobin re-entered, now below the threshold.
    log_in(page, "cora", PASSWORD)
    page.goto(labs)
    type_into(hb_row(page).locator("input[name$='-value']"), "72")
    page.get_by_label("Reason for change").select_option("Data entry error")
    save(page)
    assert "Laboratory results saved." in page.content()
    mark = SdvMark.objects.get()
    assert mark.cleared_at is not None and mark.cleared_by.startswith("SDV cleared by change of Laboratory results — Lab result: Haemoglobin")
    logout(page)

    # The investigator sees the cleared mark in the trail, signs the screen failure, and the record freezes.
    log_in(page, "ivy", PASSWORD)
    page.goto(f"/records/{record.pk}/audit/")
    page.get_by_label("Event").select_option(label="SDV cleared")
    page.get_by_role("button", name="Filter").click()
    assert "SDV cleared by change of Laboratory results" in page.content()
    shoot(page, "trail-sdv-cleared")
    page.goto(f"/records/{record.pk}/sign/")
    page.get_by_label("I confirm screen failure").check()
    type_into(page.get_by_label("Your password"), PASSWORD)
    page.get_by_role("button", name="Sign").click()
    assert "Eligibility signed." in page.content()
    page.goto(f"/records/{record.pk}/")
    assert page.get_by_test_id("frozen").is_visible()
    assert "Record frozen by this signature" in page.get_by_test_id("signatures").inner_text()
    shoot(page, "record-frozen")
    page.goto(labs)
    assert page.get_by_test_id("frozen").is_visible()
    assert page.locator("input[name$='-value']").count() == 0  # read-only for everyone
    logout(page)

    # On a phone: the monitor's view of the section, its thread and the SDV form.
    phone = new_page(PHONE)
    log_in(phone, "mona", PASSWORD)
    phone.goto(labs)
    assert phone.get_by_test_id("query").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(phone, "monitor-sees-the-answer", phone.get_by_test_id("queries"))
    phone.goto(f"/records/{record.pk}/")
    shoot(phone, "record-frozen")
    # A query on a frozen record can be raised (it is answered once the record is unfrozen).
    phone.goto(f"/records/{record.pk}/sections/organ/")
    raising = phone.get_by_test_id("raise-query")
    if raising.get_attribute("open") is None:  # open already when the section has no query
        raising.locator("summary").click()
    raising.get_by_label("About").select_option(label="LVEF")
    type_into(raising.get_by_label("Question"), "Which echocardiogram gave 55 %?")
    raising.get_by_role("button", name="Raise query").click()
    assert "Query raised on Organ function: LVEF" in phone.content()
    phone.goto("/queries/")
    assert "Organ function: LVEF" in phone.get_by_test_id("my-queries").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(phone, "my-queries")
