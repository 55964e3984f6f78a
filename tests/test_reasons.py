"""Reasons for change say something: no zero-width spaces, no lone dots (ICH E6(R3)
4.2.2(a)(ii); issue 15 finding 8). One rule, screening/reasons.py, for section changes,
row deletions, judgement answers and imports."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from screening.crf.forms import ReasonForm
from screening.crf.reasons import clean_reason, validate_reason
from screening.crf.recording import delete_with_audit
from screening.exchange.importing import import_records
from screening.models import Judgement, LabResult, OrganFunction, ScreeningRecord

MEANINGLESS = ["\u200b", ".", " . ", "\u200b\u200c\u200d\ufeff", "a\u200b.", "--", "ok", "\u202e\u2066  ,"]


@pytest.mark.parametrize("text", MEANINGLESS)
def test_meaningless_reasons_are_refused(text):
    with pytest.raises(ValidationError) as refused:
        validate_reason(text)
    assert refused.value.code == "reason_too_short"


@pytest.mark.parametrize("text, cleaned", [
    ("Typo", "Typo"), ("  echo\u200b re-read ", "echo re-read"), ("Hb 112", "Hb 112"), ("été", "été"), ("123", "123"),
])
def test_reasons_with_three_letters_or_digits_are_kept_cleaned(text, cleaned):
    assert validate_reason(text) == cleaned == clean_reason(text)


@pytest.mark.parametrize("choice, text", [("other", "\u200b"), ("Data entry error", ".")])
def test_the_reason_form_says_why_a_reason_is_refused(choice, text):
    form = ReasonForm({"reason-reason_choice": choice, "reason-reason_text": text}, required=True)
    assert not form.is_valid()
    assert "at least three letters or digits" in str(form.errors["reason_text"])


def section_url(record, key):
    return reverse("section_edit", args=[record.pk, key])


def test_a_change_with_a_zero_width_reason_is_not_saved(client, coordinator, record_a):
    client.force_login(coordinator)
    client.post(section_url(record_a, "organ"), {"lvef": "55"})
    response = client.post(section_url(record_a, "organ"), {
        "lvef": "45", "reason-reason_choice": "other", "reason-reason_text": "\u200b"})
    assert response.status_code == 200
    assert "at least three letters or digits" in response.content.decode()
    assert OrganFunction.objects.get(record=record_a).lvef == 55


def test_a_judgement_answer_with_a_dot_for_reason_is_not_saved(client, investigator, record_a):
    client.force_login(investigator)
    client.post(section_url(record_a, "judgement"), {"survival_over_6_months": "yes"})
    response = client.post(section_url(record_a, "judgement"), {
        "survival_over_6_months": "no", "reason-reason_choice": "other", "reason-reason_text": "."})
    assert response.status_code == 200 and "at least three letters or digits" in response.content.decode()
    assert Judgement.objects.get(record=record_a).survival_over_6_months == "yes"


def test_a_deletion_needs_a_reason_that_says_something(record_a, coordinator):
    row = LabResult.objects.create(record=record_a, analyte="hb", sample_date=record_a.screening_date,
                                   value=120, unit="g/L")
    pk = row.pk
    with pytest.raises(ValidationError):
        delete_with_audit(row, coordinator, "\u200b")
    assert LabResult.objects.filter(pk=pk).exists()
    delete_with_audit(row, coordinator, "Duplicate row")
    assert LabResult.history.filter(id=pk, history_type="-").get().history_change_reason == "Duplicate row"


def test_an_import_reason_carries_no_invisible_characters(site_a, coordinator):
    payload = '{"record": {"initials": "AB", "sex": "F", "date_of_birth": "1980-01-01", "indication": "SLE", ' \
              '"screening_date": "2026-11-20", "consent_date": "2026-11-19", "consent_version": "v2.1"}}'
    [report] = import_records(payload, site_a, coordinator, "batch\u200b\u202e.json")
    assert report.outcome == "created", report.errors
    record = ScreeningRecord.objects.get(screening_number=report.screening_number)
    assert record.history.get().history_change_reason == "imported from batch.json"
