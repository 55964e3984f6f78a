"""Lab results typed as the report prints them: Hb in mmol/L, ALT in µkat/L, and the bilirubin
ULN copied from a µmol/L report beside a mg/dL value, refused beside the cell until its unit is chosen."""

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models import LabResult
from screening.models.sites import COORDINATOR, INVESTIGATOR
from tests.factories import PASSWORD

from .conftest import log_in
from .crf import fill_fields, save_and_continue

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AS_PRINTED = ("hb", "alt", "tbil")


def add_rows(page, prefix, start, rows):
    """Type each row into the next free row of the table, clicking "Add a row" when there is none."""
    for offset, row in enumerate(rows):
        index = start + offset
        if page.locator(f'[name="{prefix}-{index}-analyte"]').count() == 0:
            page.locator(f'[data-add-row="{prefix}"]').click()
        fill_fields(page, row, prefix=f"{prefix}-{index}-")


def give_reason(page):
    """The section already holds results: adding more needs a reason for change."""
    page.locator('select[name="reason-reason_choice"]').select_option("Source document updated")


def test_values_as_printed_are_entered_and_the_bilirubin_trap_is_refused(new_page, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    investigator = make_user(INVESTIGATOR, site_a, username="ivy")
    values, data = complete_record_data("SLE")
    data["labs"] = [row for row in data["labs"] if row["analyte"] not in AS_PRINTED]
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    kept = len(data["labs"])
    day = values["screening_date"]

    page = new_page()
    log_in(page, "cora", PASSWORD)
    page.goto(f"/records/{record.pk}/sections/labs/")
    add_rows(page, "labresult", kept, [
        {"analyte": "hb", "sample_date": day, "value": "7.0", "unit": "mmol/L", "lln": "7.4", "uln": "9.9"},
        {"analyte": "alt", "sample_date": day, "value": "0.9", "unit": "ukat/L", "uln": "0.58"},
        {"analyte": "tbil", "sample_date": day, "value": "0.5", "unit": "mg/dL", "uln": "21"},
    ])
    give_reason(page)
    save_and_continue(page)

    # Refused beside the ULN of the bilirubin row, naming the unit the report used; nothing saved.
    trap = page.locator(f"#field-labresult-{kept + 2}-uln")
    assert "ULN 21 mg/dL is not a plausible upper limit of total bilirubin; did you mean µmol/L?" in trap.inner_text()
    assert "Total bilirubin" in page.get_by_test_id("error-summary").inner_text()
    assert not LabResult.objects.filter(record=record, analyte__in=AS_PRINTED).exists()
    assert page.locator(f'[name="labresult-{kept}-value"]').input_value() == "7.0"  # what was typed stays

    # The ULN's own unit, chosen as a person does: the row is accepted as printed.
    page.locator(f'select[name="labresult-{kept + 2}-uln_unit"]').select_option(label="µmol/L")
    give_reason(page)
    save_and_continue(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Infection screen"), page.get_by_test_id("error-summary").inner_text()
    saved = {lab.analyte: lab for lab in LabResult.objects.filter(record=record, analyte__in=AS_PRINTED)}
    assert (saved["hb"].unit, str(saved["hb"].value)) == ("mmol/L", "7.000")
    assert (saved["alt"].unit, saved["alt"].uln_unit) == ("ukat/L", "")
    assert (saved["tbil"].unit, saved["tbil"].uln_unit) == ("mg/dL", "umol/L")

    # Each decides as the checklist says, the evidence showing the conversion.
    page.goto(f"/records/{record.pk}/eligibility/")
    for criterion in ("INC-04a", "INC-06a", "INC-06c"):
        assert page.get_by_test_id(f"status-{criterion}").inner_text() == "PASS", criterion
    assert "7 mmol/L (× 16.11)" in page.locator("#INC-04a").inner_text()
    assert "ULN 0.58 µkat/L = 34.8 U/L" in page.locator("#INC-06a").inner_text()
    assert "ULN 21 µmol/L" in page.locator("#INC-06c").inner_text()


def test_an_unusual_value_is_saved_once_confirmed(new_page, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    values, data = complete_record_data("SLE")
    data["labs"] = [row for row in data["labs"] if row["analyte"] != "hb"]
    record = create_record(site_a, coordinator, values, data)
    kept = len(data["labs"])
    page = new_page()
    log_in(page, "cora", PASSWORD)
    page.goto(f"/records/{record.pk}/sections/labs/")
    add_rows(page, "labresult", kept, [
        {"analyte": "hb", "sample_date": values["screening_date"], "value": "2.8", "unit": "mmol/L"},
    ])
    give_reason(page)
    save_and_continue(page)
    cell = page.locator(f"#field-labresult-{kept}-value")
    assert "outside the usual range of haemoglobin" in cell.inner_text()
    assert not LabResult.objects.filter(record=record, analyte="hb").exists()
    fill_fields(page, {"value_confirmed": True}, prefix=f"labresult-{kept}-")
    give_reason(page)
    save_and_continue(page)
    assert LabResult.objects.get(record=record, analyte="hb").value_confirmed is True
