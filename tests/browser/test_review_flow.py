"""From a completed record to a signature, its invalidation by a lab change, and re-signing."""

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models.sites import COORDINATOR, INVESTIGATOR
from tests.factories import PASSWORD

from .crf import fill_fields, save, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.get_by_role("button", name="Log out").click()


def test_investigator_signs_a_lab_change_invalidates_and_they_sign_again(page, login, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    make_user(INVESTIGATOR, site_a, username="ivy", first_name="Ivy", last_name="Chen")
    values, data = complete_record_data("AAV")
    judgement = data["sections"].pop("judgement")
    record = create_record(site_a, coordinator, values, data)

    # The investigator answers the judgement items: the record becomes ELIGIBLE.
    login("ivy", PASSWORD)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("overall").inner_text() == "INCOMPLETE"
    assert page.get_by_test_id("status-INC-03").inner_text() == "AWAITING_INVESTIGATOR"
    page.get_by_role("link", name="Answer judgement items").click()
    fill_fields(page, judgement)
    save(page)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("overall").inner_text() == "ELIGIBLE"

    # Signing: the wrong password first, then the right one.
    page.get_by_role("link", name="Sign eligibility").click()
    page.get_by_label("I confirm the participant meets all eligibility criteria").check()
    type_into(page.get_by_label("Your password"), "not-my-password")
    page.get_by_role("button", name="Sign").click()
    assert "Not signed: the password is not correct." in page.content()
    page.get_by_label("I confirm the participant meets all eligibility criteria").check()
    type_into(page.get_by_label("Your password"), PASSWORD)
    page.get_by_role("button", name="Sign").click()
    assert "Eligibility signed." in page.content()
    assert "Signed by Ivy Chen" in page.get_by_test_id("signatures").inner_text()
    logout(page)

    # The coordinator corrects haemoglobin, with a reason: INC-04a fails.
    login("cora", PASSWORD)
    page.goto(f"/records/{record.pk}/sections/labs/")
    hb_row = page.locator("[data-testid='formset-labresult'] tbody tr").filter(
        has=page.locator("select option[selected][value='hb']"))
    type_into(hb_row.locator("input[name$='-value']"), "72")
    page.get_by_label("Reason for change").select_option("Transcription correction")
    save(page)
    assert "Laboratory results saved." in page.content()
    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("status-INC-04a").inner_text() == "FAIL"
    assert page.get_by_test_id("overall").inner_text() == "NOT_ELIGIBLE"
    logout(page)

    # The investigator finds the invalidated signature in the queue and signs the screen failure.
    login("ivy", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Review queue"
    assert page.get_by_test_id("invalidated").is_visible()
    page.get_by_role("link", name="Sign").first.click()
    assert "INC-04a" in page.content()
    page.get_by_label("I confirm screen failure").check()
    type_into(page.get_by_label("Your password"), PASSWORD)
    page.get_by_role("button", name="Sign").click()
    signatures = page.get_by_test_id("signatures").inner_text()
    assert "invalidated" in signatures and "I confirm screen failure" in signatures
