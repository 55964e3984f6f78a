"""A medication typed as charted — prednisone 5 mg twice daily — on the medications page, clicking
and typing: a dose without its frequency is refused beside the field, then the checklist shows the
glucocorticoid criteria computed at 10 mg/day prednisone equivalent."""

import datetime

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models import Medication
from screening.models.sites import COORDINATOR, INVESTIGATOR
from tests.factories import PASSWORD

from .conftest import log_in
from .crf import fill_fields, save, set_field

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prednisone_5_mg_twice_daily_typed_on_the_medications_page(new_page, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    investigator = make_user(INVESTIGATOR, site_a, username="ivy")
    values, data = complete_record_data("SLE")
    data["medications"] = [m for m in data["medications"] if m["drug"] != "prednisone"]
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    page = new_page()
    log_in(page, "cora", PASSWORD)
    page.goto(f"/records/{record.pk}/sections/medications/")
    index = len(data["medications"])  # the blank row after the saved ones
    prefix = f"medication-{index}-"
    started = values["screening_date"] - datetime.timedelta(days=90)
    fill_fields(page, {"drug": "prednisone", "dose": "5", "dose_unit": "mg", "route": "oral",
                       "start_date": started, "ongoing": True}, prefix=prefix)
    save(page)
    row = page.locator(f"#row-medication-{index}")
    assert "Choose how often this dose is given" in row.inner_text()
    assert page.locator(f'[name="{prefix}dose"]').input_value() == "5"  # what was typed is still there
    assert not Medication.objects.filter(record=record, drug="prednisone").exists()

    set_field(page, f"{prefix}frequency", "twice_daily")
    page.get_by_label("Reason for change").select_option("Source document updated")  # rows were saved before
    save(page)
    assert "Medication history saved." in page.content()
    saved = Medication.objects.get(record=record, drug="prednisone")
    assert (saved.dose, saved.frequency) == (5, "twice_daily")

    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("overall").inner_text() == "ELIGIBLE"
    for criterion in ("EXC-04", "EXC-10b", "EXC-11"):
        cell = page.locator(f"tr#{criterion}")
        assert page.get_by_test_id(f"status-{criterion}").inner_text() == "PASS"
        text = cell.inner_text()
        assert "Prednisone 5 mg twice daily = 10 mg/day prednisone equivalent" in text, criterion
        assert "Highest daily glucocorticoid: 10 mg prednisone-eq" in text, criterion
    taper = page.locator("tr#EXC-11").inner_text()
    assert "Cumulative glucocorticoid: 70 mg prednisone-eq" in taper  # 14 doses of 5 mg in the 7 days before LD
    assert "14 dose(s)" in taper
