"""Electronic signature of eligibility: re-authentication, meaning, binding, roles, checkpoints."""


import pytest
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import LabResult, ScreeningRecord, Signature, SignatureAttempt
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .factories import PASSWORD


def sign(client, record, password=PASSWORD, meaning="eligible", digest=None):
    digest = digest or evaluate_record(record).digest
    return client.post(reverse("sign_record", args=[record.pk]),
                       {"meaning": meaning, "password": password, "snapshot_hash": digest})


def test_the_demo_record_is_eligible(eligible):
    result = evaluate_record(eligible)
    not_passing = {r.id: r.reason for r in result.evaluation.results
                   if r.status not in ("PASS", "NOT_APPLICABLE")}
    assert result.overall == "ELIGIBLE", not_passing


def test_investigator_signs_with_the_right_password(client, investigator, eligible):
    client.force_login(investigator)
    response = sign(client, eligible)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.signer == investigator and signature.checkpoint == "screening"
    assert signature.meaning == "eligible" and signature.overall == "ELIGIBLE"
    assert signature.snapshot_hash == evaluate_record(eligible).digest
    assert signature.role == "investigator" and signature.printed_name == investigator.get_full_name()
    assert "Europe/Berlin" in signature.local_time
    assert SignatureAttempt.objects.get().success


def test_wrong_password_does_not_sign_and_is_recorded(client, investigator, eligible):
    client.force_login(investigator)
    response = sign(client, eligible, password="wrong")
    assert not Signature.objects.exists()
    assert "Not signed: the password is not correct." in response.content.decode()
    attempt = SignatureAttempt.objects.get()
    assert not attempt.success and attempt.outcome == "wrong password"


def test_five_wrong_passwords_lock_the_account_and_end_the_session(client, investigator, eligible):
    client.force_login(investigator)
    for _ in range(4):
        assert sign(client, eligible, password="wrong").status_code == 200
    response = sign(client, eligible, password="wrong")
    assert response.status_code == 429 and 'data-testid="locked-out"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Signature.objects.exists()


def test_screen_failure_meaning_is_refused_for_an_eligible_record(client, investigator, eligible):
    client.force_login(investigator)
    sign(client, eligible, meaning="screen_failure")
    assert not Signature.objects.exists()


@pytest.mark.parametrize("role", [COORDINATOR, MONITOR, SITE_ADMIN])
def test_other_roles_cannot_sign(client, make_user, site_a, eligible, role):
    client.force_login(make_user(role, site_a))
    assert sign(client, eligible).status_code == 403
    body = client.get(reverse("eligibility", args=[eligible.pk])).content.decode()
    assert "Sign eligibility" not in body


def test_investigator_of_another_site_gets_404(client, make_user, site_b, eligible):
    client.force_login(make_user(INVESTIGATOR, site_b))
    assert sign(client, eligible).status_code == 404


def test_an_incomplete_record_cannot_be_signed(client, investigator, site_a, coordinator):
    values, data = complete_record_data("SLE")
    data["labs"] = []
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    client.force_login(investigator)
    sign(client, record)
    assert not Signature.objects.exists()
    assert SignatureAttempt.objects.get().outcome == "eligibility is incomplete"


def test_a_changed_lab_invalidates_the_signature(client, investigator, coordinator, eligible):
    client.force_login(investigator)
    sign(client, eligible)
    hb = LabResult.objects.get(record=eligible, analyte="hb")
    client.force_login(coordinator)
    data = {"labresult-TOTAL_FORMS": "1", "labresult-INITIAL_FORMS": "1", "labresult-MIN_NUM_FORMS": "0",
            "labresult-MAX_NUM_FORMS": "1000"}
    # Post only the Hb row changed: the formset lists every row, so build it from the database.
    rows = list(LabResult.objects.filter(record=eligible).order_by("pk"))
    data["labresult-TOTAL_FORMS"] = data["labresult-INITIAL_FORMS"] = str(len(rows))
    for i, row in enumerate(rows):
        for name in ("analyte", "sample_date", "value", "unit", "lln", "uln"):
            value = getattr(row, name)
            data[f"labresult-{i}-{name}"] = "" if value is None else str(value)
        data[f"labresult-{i}-id"] = str(row.pk)
        data[f"labresult-{i}-record"] = str(eligible.pk)
        if row.pk == hb.pk:
            data[f"labresult-{i}-value"] = "112"
    data["reason-reason_choice"] = "Transcription correction"
    assert client.post(reverse("section_edit", args=[eligible.pk, "labs"]), data).status_code == 302
    signature = Signature.objects.get()
    assert not signature.valid
    assert "Transcription correction" in signature.invalidated_by
    client.force_login(investigator)
    queue = client.get(reverse("review_queue")).content.decode()
    assert eligible.screening_number in queue and "signature invalidated" in queue


def test_data_changed_outside_the_forms_is_caught_when_the_record_is_viewed(client, investigator, eligible):
    client.force_login(investigator)
    sign(client, eligible)
    client.get(reverse("eligibility", args=[eligible.pk]))
    assert Signature.objects.get().valid
    LabResult.objects.filter(record=eligible, analyte="hb").update(value=70)  # no form, no track_status
    client.get(reverse("eligibility", args=[eligible.pk]))
    assert not Signature.objects.get().valid
    assert eligible.eligibility_state.__class__.objects.get(record=eligible).snapshot_hash == evaluate_record(eligible).digest


def test_an_unrelated_comment_leaves_the_signature_valid(client, investigator, eligible):
    client.force_login(investigator)
    sign(client, eligible)
    eligible.comment = "called the patient to confirm the visit"
    eligible.save()
    evaluate_record(eligible)
    client.get(reverse("eligibility", args=[eligible.pk]))
    assert Signature.objects.get().valid


def test_data_changed_after_the_page_was_opened_is_refused(client, investigator, eligible):
    client.force_login(investigator)
    response = sign(client, eligible, digest="0" * 64)
    assert not Signature.objects.exists()
    assert "data changed" in response.content.decode()


def test_two_checkpoints_enrol_the_subject(client, investigator, coordinator, eligible):
    client.force_login(investigator)
    sign(client, eligible)
    assert reverse("sign_record", args=[eligible.pk]) not in client.get(
        reverse("eligibility", args=[eligible.pk])).content.decode()
    record = ScreeningRecord.objects.get(pk=eligible.pk)
    record.actual_ld_date = record.planned_ld_date
    record.save()
    sign(client, record)
    checkpoints = set(Signature.objects.filter(invalidated_at__isnull=True).values_list("checkpoint", flat=True))
    assert "pre_ld" in checkpoints
    assert ScreeningRecord.objects.get(pk=eligible.pk).status == "enrolled"


def test_review_queue_lists_complete_unsigned_records_only(client, investigator, site_a, coordinator, eligible):
    values, data = complete_record_data("SLE")
    data["labs"] = []
    incomplete = create_record(site_a, coordinator, dict(values, initials="ZZ"), data, judged_by=investigator)
    from screening.checklist.evaluation import track_status

    for record in (eligible, incomplete):
        track_status(evaluate_record(record), coordinator)
    client.force_login(investigator)
    body = client.get(reverse("review_queue")).content.decode()
    assert eligible.screening_number in body and incomplete.screening_number not in body
    sign(client, eligible)
    assert eligible.screening_number not in client.get(reverse("review_queue")).content.decode()


def test_signature_manifestation_is_shown_on_record_and_print_view(client, investigator, eligible):
    client.force_login(investigator)
    sign(client, eligible)
    for url in (reverse("record_detail", args=[eligible.pk]), reverse("eligibility_print", args=[eligible.pk])):
        body = client.get(url).content.decode()
        assert "I confirm the participant meets all eligibility criteria" in body
        assert investigator.get_full_name() in body


@pytest.mark.parametrize("change", ["initials", "rescreen_of", "date_of_birth", "sex"])
def test_a_change_of_the_subjects_identity_invalidates_the_signature(client, investigator, coordinator, site_a,
                                                                      eligible, change):
    from screening.crf.recording import save_with_audit

    client.force_login(investigator)
    sign(client, eligible)
    record = ScreeningRecord.objects.get(pk=eligible.pk)
    if change == "initials":
        record.initials = "QX"
    elif change == "rescreen_of":
        values, data = complete_record_data("SLE")
        record.rescreen_of = create_record(site_a, coordinator, dict(values, initials="ZZ"), data)
    elif change == "date_of_birth":
        record.date_of_birth = record.date_of_birth.replace(day=1 if record.date_of_birth.day != 1 else 2)
    else:
        record.sex = "M" if record.sex == "F" else "F"
    save_with_audit(record, coordinator, "Data entry error")
    client.get(reverse("eligibility", args=[eligible.pk]))
    signature = Signature.objects.get(record=eligible)
    assert not signature.valid
    assert signature.invalidated_by.startswith("Screening record changed by")
