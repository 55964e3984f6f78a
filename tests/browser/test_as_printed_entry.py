"""Issue 17, done when: a coordinator enters, clicking and typing, a whole SLE record whose every value is
as the source prints it — Hb 7.0 mmol/L, ALT 0.9 µkat/L against a ULN of 35 U/L, ANA 1:160, prednisone
5 mg twice daily, an acute MI 15 months before SCR, a cured basal cell carcinoma. The bilirubin ULN
copied from a µmol/L report beside a mg/dL value is refused beside the field; then every criterion
decides as the checklist says, the judgement items waiting for the investigator until she answers them."""

import pytest

from screening.calculators.dates import add_months
from screening.exchange.demo import complete_record_data
from screening.models import LabResult, Malignancy, MedicalHistory, Medication, ScreeningRecord
from screening.models.sites import COORDINATOR, INVESTIGATOR
from tests.as_printed import ALT, BCC, EXPECTED, HB, JUDGED, TBIL_TRAP
from tests.factories import PASSWORD

from .conftest import log_in
from .crf import fill_fields, fill_rows, save, save_and_continue

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def typed(row):
    """A row as a person types it: numbers as the report prints them."""
    return {k: (f"{v:g}" if isinstance(v, float) else str(v) if isinstance(v, int) else v) for k, v in row.items()}


def statuses(page):
    """Every criterion's status as the page shows it: the record's indication in the table, the other
    indications' criteria in the list behind "Other indications' criteria" (opened as a person does)."""
    shown = {ident: page.get_by_test_id(f"status-{ident}").inner_text()
             for ident, status in EXPECTED.items() if status != "NOT_APPLICABLE"}
    others = page.locator("details", has_text="Other indications' criteria")
    others.locator("summary").click()
    for item in others.locator("li").all_inner_texts():
        ident, status = item.split(" ", 1)[0], item.rsplit(": ", 1)[1]
        assert ident not in shown, ident
        shown[ident] = status
    return shown


def test_a_record_as_printed_is_entered_and_decides_as_the_checklist_says(new_page, make_user, site_a):
    make_user(COORDINATOR, site_a, username="cora")
    make_user(INVESTIGATOR, site_a, username="ivy", first_name="Ivy", last_name="Chen")
    values, data = complete_record_data("SLE")
    scr = values["screening_date"]
    mi = add_months(scr, -15)
    printed = {"hb": HB, "alt": ALT, "tbil": TBIL_TRAP}
    labs = [typed({"sample_date": row["sample_date"], **printed.get(row["analyte"], row)}) for row in data["labs"]]
    trap = next(i for i, row in enumerate(labs) if row["analyte"] == "tbil")
    page = new_page()
    log_in(page, "cora", PASSWORD)

    page.get_by_role("link", name="New screening record").click()
    fill_fields(page, {k: v for k, v in values.items() if k != "planned_ld_date"})
    page.get_by_role("button", name="Create record").click()
    record = ScreeningRecord.objects.get()
    page.get_by_role("link", name="Organ function").first.click()
    fill_fields(page, data["sections"]["organ"])
    save_and_continue(page)
    assert heading(page).startswith("Pulmonary artery pressure")
    fill_rows(page, "pulmonarypressurereading", data["pap_readings"])
    save_and_continue(page)
    assert heading(page).startswith("Laboratory results")

    # The labs as printed; the bilirubin ULN 21 copied beside its mg/dL value: refused beside the field.
    fill_rows(page, "labresult", labs)
    save_and_continue(page)
    cell = page.locator(f"#field-labresult-{trap}-uln")
    assert "ULN 21 mg/dL is not a plausible upper limit of total bilirubin; did you mean µmol/L?" in cell.inner_text()
    assert "Total bilirubin" in page.get_by_test_id("error-summary").inner_text()
    assert not LabResult.objects.filter(record=record).exists()
    hb = next(i for i, row in enumerate(labs) if row["analyte"] == "hb")
    assert page.locator(f'[name="labresult-{hb}-value"]').input_value() == "7"  # what was typed stays
    # The report's own unit for the limit, chosen as a person does.
    page.locator(f'select[name="labresult-{trap}-uln_unit"]').select_option(label="µmol/L")
    save_and_continue(page)
    assert heading(page).startswith("Infection screen"), page.get_by_test_id("error-summary").inner_text()
    saved = {lab.analyte: lab for lab in LabResult.objects.filter(record=record)}
    assert len(saved) == len(labs)
    assert (str(saved["hb"].value), saved["hb"].unit) == ("7.000", "mmol/L")
    assert (saved["alt"].unit, saved["alt"].uln_unit) == ("ukat/L", "U/L")
    assert (saved["tbil"].unit, saved["tbil"].uln_unit) == ("mg/dL", "umol/L")

    for key in ("infection", "reproductive"):
        fill_fields(page, data["sections"][key])
        save_and_continue(page)
    assert heading(page).startswith("Medication history")
    medications = [dict(m, dose=5, frequency="twice_daily") if m["drug"] == "prednisone" else m
                   for m in data["medications"]]
    fill_rows(page, "medication", medications)
    save_and_continue(page)
    assert Medication.objects.get(record=record, drug="prednisone").frequency == "twice_daily"
    assert heading(page).startswith("Prior events")
    save_and_continue(page)
    assert heading(page).startswith("Medical history")
    history = dict(data["sections"]["history"], myocardial_infarction_ever=True, malignancy=True)
    fill_fields(page, history)
    fill_fields(page, {"myocardial_infarction_date": mi})
    fill_rows(page, "malignancy", [BCC])
    save_and_continue(page)
    assert heading(page).startswith("SLE"), page.get_by_test_id("error-summary").inner_text()
    assert MedicalHistory.objects.get(record=record).myocardial_infarction_date == mi
    assert Malignancy.objects.get(record=record).disease_status == "resected_cured"
    fill_fields(page, dict(data["sections"]["sle"], ana_test="titre", ana_titre=160, ana_lab_cutoff=80))
    save(page)
    assert "SLE saved." in page.content()
    page.get_by_role("button", name="Log out").click()

    # The investigator: every computed criterion decided, her judgement items awaiting her.
    log_in(page, "ivy", PASSWORD)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert statuses(page) == {**EXPECTED, **{ident: "AWAITING_INVESTIGATOR" for ident in JUDGED}}
    assert page.get_by_test_id("overall").inner_text() == "INCOMPLETE"
    page.get_by_role("link", name="Answer judgement items").click()
    fill_fields(page, data["sections"]["judgement"])
    save(page)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert statuses(page) == EXPECTED
    assert page.get_by_test_id("overall").inner_text() == "ELIGIBLE"

    # The evidence shows what was printed and what the server computed from it.
    assert "reported as 7 mmol/L (× 16.11)" in page.locator("#INC-04a").inner_text()
    assert "ULN 35 U/L" in page.locator("#INC-06a").inner_text()
    assert "ULN 21 µmol/L" in page.locator("#INC-06c").inner_text()
    assert "1:160" in page.locator("#INC-SLE-01").inner_text()
    assert "Prednisone 5 mg twice daily = 10 mg/day prednisone equivalent" in page.locator("#EXC-11").inner_text()
    mi_text = page.locator("#EXC-05").inner_text()
    assert mi.isoformat() in mi_text
    assert f"is more than 6 calendar months before SCR {scr.isoformat()}" in mi_text
    assert "Basal cell carcinoma, left cheek" in page.locator("#EXC-08").inner_text()
