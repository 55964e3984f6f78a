"""Contradictions surfaced, never silently resolved (issue 17).

- TB: the coordinator's "signs or symptoms suggesting active TB" (CRF) and the investigator's
  "signs or symptoms of active tuberculosis" (judgement) disagree → EXC-13 is AWAITING_INVESTIGATOR
  until the investigator answers *after* the coordinator's last change of the CRF answer; both
  answers, with their times and the investigator's reason, are in the evidence.
- INC-05a: a serum creatinine drawn after IV hydration cannot give the Cockcroft–Gault clearance
  ("without hydration"): INCOMPLETE, a sample without hydration is needed.
"""

import dataclasses
import re
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.checklist.snapshots import build_snapshot, build_snapshots
from screening.eligibility.criteria.infections import ANSWER_PAIRS, contested_paths
from screening.eligibility.engine import evaluate
from screening.models import InfectionScreen, Judgement

from .eligibility.builders import build, lab

UTC = timezone.utc
CRF_AT = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
JUDGED_AT = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)


def exc_13(snapshot):
    return next(r for r in evaluate(snapshot).results if r.id == "EXC-13")


def contested(symptoms, active, crf_at=CRF_AT, judged_at=JUDGED_AT, reason="no symptoms"):
    snapshot = build("SLE", infection={"tb_symptoms": symptoms}, judgement={"tb_active": active})
    answered = {}
    if crf_at:
        answered["infection.tb_symptoms"] = {"at": crf_at, "reason": "Initial entry"}
    if judged_at:
        answered["judgement.tb_active"] = {"at": judged_at, "reason": reason}
    return dataclasses.replace(snapshot, answered=answered)


def texts(result):
    return {f"{e.label}: {e.value}" for e in result.evidence}


# --- the engine: TB, both orders --------------------------------------------------------------


def test_the_investigator_answering_after_the_crf_decides_and_both_answers_are_evidence():
    r = exc_13(contested(True, False))
    assert r.status == "PASS"
    assert "Coordinator (CRF, 2026-09-01 10:00 UTC): TB symptoms yes" in texts(r)
    assert "Investigator (2026-09-02 09:00 UTC): no active TB — reason: no symptoms" in texts(r)
    assert "after the CRF's answer" in r.reason and "no symptoms" in r.reason


def test_the_investigator_answering_before_the_crf_changed_is_awaited_again():
    r = exc_13(contested(True, False, crf_at=JUDGED_AT, judged_at=CRF_AT))
    assert r.status == "AWAITING_INVESTIGATOR"
    assert "changed on 2026-09-02 09:00 UTC, after the investigator's judgement of 2026-09-01 10:00 UTC" in r.reason
    assert r.missing == ("judgement.tb_active",)
    assert "Coordinator (CRF, 2026-09-02 09:00 UTC): TB symptoms yes" in texts(r)
    assert "Investigator (2026-09-01 10:00 UTC): no active TB — reason: no symptoms" in texts(r)


def test_answers_given_at_the_same_moment_are_not_after():
    assert exc_13(contested(True, False, judged_at=CRF_AT)).status == "AWAITING_INVESTIGATOR"


@pytest.mark.parametrize("crf_at, judged_at", [(None, JUDGED_AT), (CRF_AT, None), (None, None)])
def test_a_disagreement_of_unknown_order_is_awaited(crf_at, judged_at):
    r = exc_13(contested(True, False, crf_at=crf_at, judged_at=judged_at))
    assert r.status == "AWAITING_INVESTIGATOR" and "order of the answers is not known" in r.reason


def test_the_investigator_finding_active_tb_against_the_crf_excludes_only_when_after():
    assert exc_13(contested(False, True)).status == "FAIL"
    assert exc_13(contested(False, True, crf_at=JUDGED_AT, judged_at=CRF_AT)).status == "AWAITING_INVESTIGATOR"


@pytest.mark.parametrize("symptoms, active, expected", [(True, True, "FAIL"), (False, False, "PASS")])
def test_agreeing_answers_need_no_times(symptoms, active, expected):
    snapshot = build("SLE", infection={"tb_symptoms": symptoms}, judgement={"tb_active": active})
    r = exc_13(snapshot)
    assert r.status == expected
    labels = {e.label for e in r.evidence}
    assert {"Signs or symptoms suggesting active TB (CRF)",
            "Investigator: signs or symptoms of active tuberculosis"} <= labels


def test_only_disagreeing_pairs_are_contested():
    assert ANSWER_PAIRS == (("infection.tb_symptoms", "judgement.tb_active"),)
    assert contested_paths({"infection": {"tb_symptoms": True}, "judgement": {"tb_active": False}}) == (
        "infection.tb_symptoms", "judgement.tb_active")
    assert contested_paths({"infection": {"tb_symptoms": True}, "judgement": {"tb_active": True}}) == ()
    assert contested_paths({"infection": {"tb_symptoms": True}, "judgement": {"tb_active": None}}) == ()
    assert contested_paths({"infection": {"tb_symptoms": True}}) == ()


def test_the_answer_times_are_in_the_digest_only_when_contested():
    plain = build("SLE")
    assert "answered" not in plain.as_data()
    one, other = contested(True, False), contested(True, False, judged_at=datetime(2026, 9, 3, tzinfo=UTC))
    assert one.digest() != other.digest() and one.digest() == contested(True, False).digest()


# --- the engine: hydration and Cockcroft–Gault --------------------------------------------------


def inc_05a(**changes):
    return next(r for r in evaluate(build("SLE", **changes)).results if r.id == "INC-05a")


def cockcroft_gault_ml_min(age, weight_kg, creatinine_umol_l, female):
    # Cockcroft & Gault 1976: (140 − age) × weight / (72 × SCr mg/dL), × 0.85 for women; 88.4 µmol/L per mg/dL.
    return (140 - age) * weight_kg / (72 * creatinine_umol_l / 88.4) * (0.85 if female else 1)


def test_a_creatinine_without_hydration_gives_cockcroft_gault():
    r = inc_05a(organ={"creatinine_hydration": False})
    assert r.status == "PASS" and "Cockcroft–Gault" in r.reason
    crcl = next(e for e in r.evidence if e.label == "Cockcroft–Gault CrCl")
    age = next(e for e in r.evidence if e.label == "Age on the sample date").value
    assert crcl.value == pytest.approx(cockcroft_gault_ml_min(age, 62, 70, female=True), abs=0.05)
    assert "IV hydration before the serum creatinine sample: no" in texts(r)


def test_a_creatinine_drawn_after_hydration_makes_cockcroft_gault_incomplete():
    r = inc_05a(organ={"creatinine_hydration": True})
    assert r.status == "INCOMPLETE"
    assert "after IV hydration" in r.reason and "a sample without hydration" in r.reason
    assert set(r.missing) == {"labs.creatinine", "organ.creatinine_hydration"}
    assert "IV hydration before the serum creatinine sample: yes" in texts(r)


def test_an_unanswered_hydration_question_is_missing_for_cockcroft_gault():
    r = inc_05a(organ={"creatinine_hydration": None})
    assert r.status == "INCOMPLETE" and "organ.creatinine_hydration" in r.missing


def test_a_failing_clearance_without_hydration_still_fails():
    r = inc_05a(organ={"creatinine_hydration": False}, labs={"creatinine": {"value": 160}})
    assert r.status == "FAIL"


def test_a_measured_clearance_without_hydration_does_not_need_the_creatinine_answer():
    measured = [lab("crcl_measured", 95, "mL/min")]
    r = inc_05a(organ={"creatinine_hydration": True, "crcl_hydration": False}, extra_labs=measured)
    assert r.status == "PASS" and "measured" in r.reason


# --- from the database: the times come from the history -----------------------------------------


def section_url(record, key):
    return reverse("section_edit", args=[record.pk, key])


def post_section(client, user, record, key, changes, reason):
    from .pages import page_data

    client.force_login(user)
    data = page_data(client.get(section_url(record, key)))
    data.update(changes)
    data.update({"reason-reason_choice": "other", "reason-reason_text": reason})
    response = client.post(section_url(record, key), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def exc_13_of(record):
    return next(r for r in evaluate_record(record).evaluation.results if r.id == "EXC-13")


STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")


@pytest.mark.django_db
def test_a_crf_change_after_the_judgement_awaits_the_investigator_again(client, eligible, coordinator, investigator):
    assert exc_13_of(eligible).status == "PASS"
    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "yes"}, "Night sweats reported")
    r = exc_13_of(eligible)
    assert r.status == "AWAITING_INVESTIGATOR" and "after the investigator's judgement" in r.reason
    crf = InfectionScreen.history.filter(record_id=eligible.pk).latest("history_date", "history_id").history_date
    judged = Judgement.history.filter(record_id=eligible.pk).latest("history_date", "history_id").history_date
    assert f"Coordinator (CRF, {crf.astimezone(UTC):%Y-%m-%d %H:%M} UTC): TB symptoms yes" in texts(r)
    assert f"Investigator ({judged.astimezone(UTC):%Y-%m-%d %H:%M} UTC): no active TB — reason: Demo data" in texts(r)

    # The investigator confirms the unchanged "no" with a reason: now after the CRF, it decides.
    post_section(client, investigator, eligible, "judgement", {}, "No symptoms on examination")
    r = exc_13_of(eligible)
    assert r.status == "PASS"
    assert any(t.startswith("Investigator (") and t.endswith("no active TB — reason: No symptoms on examination")
               and STAMP.search(t) for t in texts(r))
    assert any(t.startswith("Coordinator (CRF, ") and t.endswith("TB symptoms yes") for t in texts(r))
    assert Judgement.history.filter(record_id=eligible.pk).count() == 2  # the confirmation is on the trail

    # The coordinator changes the answer again: awaiting again.
    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "no"}, "Entered on the wrong record")
    assert exc_13_of(eligible).status == "PASS"  # agreeing now
    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "yes"}, "Source checked: night sweats")
    assert exc_13_of(eligible).status == "AWAITING_INVESTIGATOR"


@pytest.mark.django_db
def test_an_unchanged_judgement_without_a_reason_confirms_nothing(client, eligible, coordinator, investigator):
    from .pages import page_data

    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "yes"}, "Night sweats reported")
    client.force_login(investigator)
    data = page_data(client.get(section_url(eligible, "judgement")))
    client.post(section_url(eligible, "judgement"), data)
    assert Judgement.history.filter(record_id=eligible.pk).count() == 1
    assert exc_13_of(eligible).status == "AWAITING_INVESTIGATOR"


@pytest.mark.django_db
def test_a_coordinator_cannot_confirm_the_judgement(client, eligible, coordinator):
    from .pages import page_data

    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "yes"}, "Night sweats reported")
    client.force_login(coordinator)
    data = page_data(client.get(section_url(eligible, "judgement")))
    data.update({"reason-reason_choice": "other", "reason-reason_text": "I confirm it"})
    client.post(section_url(eligible, "judgement"), data)
    assert Judgement.history.filter(record_id=eligible.pk).count() == 1
    assert exc_13_of(eligible).status == "AWAITING_INVESTIGATOR"


@pytest.mark.django_db
def test_the_times_cost_queries_only_for_a_contested_record(client, eligible, coordinator):
    with CaptureQueriesContext(connection) as agreeing:
        build_snapshot(eligible.pk)
    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "yes"}, "Night sweats reported")
    with CaptureQueriesContext(connection) as disagreeing:
        snapshot, _ = build_snapshot(eligible.pk)
    assert len(disagreeing) == len(agreeing) + 2  # the infection screen's and the judgement's history
    assert set(snapshot.answered) == {"infection.tb_symptoms", "judgement.tb_active"}
    assert snapshot.answered["infection.tb_symptoms"]["reason"] == "Night sweats reported"


@pytest.mark.django_db
def test_the_bulk_snapshots_carry_the_same_times(client, site_a, coordinator, investigator, eligible):
    from screening.exchange.demo import complete_record_data, create_record

    others = [create_record(site_a, coordinator, *complete_record_data(i), judged_by=investigator)
              for i in ("AAV", "IIM")]
    pks = [eligible.pk, *(r.pk for r in others)]
    with CaptureQueriesContext(connection) as agreeing:
        build_snapshots(pks)
    post_section(client, coordinator, eligible, "infection", {"tb_symptoms": "yes"}, "Night sweats reported")
    post_section(client, coordinator, others[0], "infection", {"tb_symptoms": "yes"}, "Cough for weeks")
    with CaptureQueriesContext(connection) as bulk:
        pairs = build_snapshots(pks)
    assert len(bulk) == len(agreeing) + 2  # the two history reads, for both contested records at once
    for snapshot, record in pairs:
        assert snapshot.digest() == build_snapshot(record.pk)[0].digest()
    assert [bool(s.answered) for s, _ in pairs] == [True, True, False]


# --- the live score says when its creatinine followed hydration ------------------------------------


def _lab_post(record, value):
    prefix = "labresult"
    return {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000", f"{prefix}-0-analyte": "creatinine",
            f"{prefix}-0-sample_date": record.screening_date.isoformat(), f"{prefix}-0-value": str(value),
            f"{prefix}-0-unit": "umol/L", f"{prefix}-0-uln": "110", f"{prefix}-0-lln": "60"}


def _crcl_panel(response):
    html = response.content.decode()
    found = re.search(r'data-testid="score-crcl">(.*?)</div>', html, re.S)
    assert found, html[:2000]
    figure = re.search(r'data-testid="figure">([^<]*)<', found.group(1))
    return figure.group(1) if figure else None, " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("hydration, noted", [("yes", True), ("no", False), ("", False)])
def test_the_live_clearance_is_computed_and_says_when_hydration_preceded_it(client, coordinator, record_a,
                                                                            hydration, noted):
    from screening.models import OrganFunction

    OrganFunction.objects.create(record=record_a, weight=75, weight_unit="kg", creatinine_hydration=hydration)
    client.force_login(coordinator)
    response = client.post(reverse("section_scores", args=[record_a.pk, "labs"]), _lab_post(record_a, 110))
    figure, text = _crcl_panel(response)
    assert figure is not None  # the computation is shown either way; the checklist decides what it may use
    assert ("drawn after IV hydration" in text) is noted
