"""A malignancy row and an HBV DNA row entered by clicking and typing: a cured basal cell carcinoma
is the allowed exception of EXC-08, and an HBV DNA value is compared with its own lower limit (EXC-12)."""

import datetime

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models import HbvDnaTest, Malignancy
from screening.models.sites import COORDINATOR, INVESTIGATOR
from tests.factories import PASSWORD

from .conftest import log_in
from .crf import choose, fill_fields, fill_rows, save

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def give_reason(page):
    page.locator('select[name="reason-reason_choice"]').select_option("Source document updated")


def criterion(page, ident):
    row = page.locator(f'tr[data-criterion="{ident}"]')
    return row.get_by_test_id(f"status-{ident}").inner_text(), row.inner_text()


def test_a_coordinator_enters_a_cured_basal_cell_carcinoma_and_an_hbv_dna_result(new_page, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    investigator = make_user(INVESTIGATOR, site_a, username="ivy")
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    scr = record.screening_date
    page = new_page()
    log_in(page, "cora", PASSWORD)

    # Medical history: "malignancy: yes", then the malignancy as the source gives it.
    page.goto(f"/records/{record.pk}/sections/history/")
    choose(page, "malignancy", "yes")
    fill_rows(page, "malignancy", [{
        "kind": "nmsc", "description": "Basal cell carcinoma, left cheek", "diagnosis_date": datetime.date(2025, 3, 10),
        "last_treatment_date": datetime.date(2025, 4, 2), "disease_status": "resected_cured",
    }])
    give_reason(page)
    save(page)
    assert "Medical history saved." in page.content()
    row = Malignancy.objects.get(record=record)
    assert (row.kind, row.disease_status, row.last_treatment_date) == ("nmsc", "resected_cured", datetime.date(2025, 4, 2))

    # Infection screen: anti-HBc positive, HBV DNA quantified in copies/mL with the lab's lower limit.
    page.goto(f"/records/{record.pk}/sections/infection/")
    choose(page, "anti_hbc", "positive")
    fill_rows(page, "hbvdnatest", [{"sample_date": scr, "result": "quantified", "value": "200", "unit": "copies/mL"}])
    give_reason(page)
    save(page)
    # Refused beside the field? No: the lower limit is optional; the engine says what it lacks.
    assert "Infection screen saved." in page.content()
    assert HbvDnaTest.objects.get(record=record).lloq is None

    page.goto(f"/records/{record.pk}/eligibility/")
    status, text = criterion(page, "EXC-08")
    assert status == "PASS" and "resected and cured: an allowed exception" in text
    assert "Basal cell carcinoma, left cheek" in text and "2025-03-10" in text and "2025-04-02" in text
    status, text = criterion(page, "EXC-12")
    assert status == "INCOMPLETE" and "no lower limit of quantification" in text

    # The lower limit, typed in: 200 copies/mL above 116 copies/mL excludes.
    page.goto(f"/records/{record.pk}/sections/infection/")
    fill_fields(page, {"hbvdnatest-0-lloq": "116"})
    give_reason(page)
    save(page)
    assert "Infection screen saved." in page.content()
    page.goto(f"/records/{record.pk}/eligibility/")
    status, text = criterion(page, "EXC-12")
    assert status == "FAIL" and "200 copies/mL, lower limit 116" in text
    assert page.get_by_test_id("overall").inner_text() == "NOT_ELIGIBLE"
