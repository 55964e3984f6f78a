"""The sign page a person can trust: who signs, what is signed, the meaning that applies
(21 CFR Part 11 §11.50, §11.200(a)(2); issue 15 finding 9's unlogged view)."""

import re

from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import EligibilityAccess, LabResult, Signature

from .factories import PASSWORD


def page(client, record):
    return client.get(reverse("sign_record", args=[record.pk]))


def test_it_says_who_is_signing(client, investigator, eligible):
    client.force_login(investigator)
    body = page(client, eligible).content.decode()
    assert f"You are signing as {investigator.get_full_name()} (ivan)." in body


def test_it_shows_the_summary_signed(client, investigator, eligible):
    client.force_login(investigator)
    response = page(client, eligible)
    body = response.content.decode()
    assert re.search(r'data-testid="sign-overall">ELIGIBLE<', body)
    counts = evaluate_record(eligible).evaluation.counts
    assert f'<span class="badge status-PASS">PASS</span> {counts["PASS"]}' in body
    assert "No criterion fails and none awaits the investigator." in body


def test_every_failing_row_is_listed(client, investigator, eligible):
    LabResult.objects.filter(record=eligible, analyte="hb").update(value=70)
    client.force_login(investigator)
    response = page(client, eligible)
    result = response.context["result"]
    assert result.overall == "NOT_ELIGIBLE"
    failing = [r.id for r in result.evaluation.results if r.status == "FAIL"]
    assert failing and [r.id for r in response.context["shown_rows"]] == failing
    body = response.content.decode()
    assert all(f"<td>{criterion}</td>" in body for criterion in failing)


def test_awaiting_rows_are_listed(client, investigator, site_a, coordinator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data)  # no judgement answers
    client.force_login(investigator)
    response = page(client, record)
    awaiting = [r.id for r in response.context["result"].evaluation.results if r.status == "AWAITING_INVESTIGATOR"]
    assert awaiting and {r.id for r in response.context["shown_rows"]} >= set(awaiting)


def test_the_only_meaning_that_applies_is_preselected(client, investigator, eligible):
    client.force_login(investigator)
    body = page(client, eligible).content.decode()
    assert re.search(r'<input[^>]+value="eligible"[^>]+checked', body) or re.search(
        r'<input[^>]+checked[^>]+value="eligible"', body)


def test_the_meaning_is_kept_after_a_wrong_password(client, investigator, eligible):
    client.force_login(investigator)
    response = client.post(reverse("sign_record", args=[eligible.pk]), {
        "meaning": "eligible", "password": "wrong", "snapshot_hash": evaluate_record(eligible).digest})
    assert response.context["form"].initial["meaning"] == "eligible"


def test_no_meaning_chosen_says_so(client, investigator, eligible):
    client.force_login(investigator)
    response = client.post(reverse("sign_record", args=[eligible.pk]), {
        "meaning": "", "password": PASSWORD, "snapshot_hash": evaluate_record(eligible).digest})
    body = response.content.decode()
    assert "Choose the meaning of your signature." in body and "does not match" not in body
    assert not Signature.objects.exists()


def test_opening_the_sign_page_is_an_eligibility_access(client, investigator, eligible):
    client.force_login(investigator)
    page(client, eligible)
    access = EligibilityAccess.objects.get(channel=EligibilityAccess.SIGN)
    assert (access.user, access.role, access.overall) == (investigator, "investigator", "ELIGIBLE")
