"""General inclusion INC-01 … INC-11: every status and the stated boundaries."""

from datetime import date

import pytest

from .builders import CONSENT, SCR, days, event, lab, months, result, status


@pytest.mark.parametrize("dob, expected", [
    (date(2008, 11, 3), "FAIL"),  # 17, one day short of 18
    (date(2008, 11, 2), "PASS"),  # 18 on SCR
    (date(1961, 11, 2), "PASS"),  # 65
    (date(1960, 11, 3), "PASS"),  # 65, the day before turning 66
    (date(1960, 11, 2), "FAIL"),  # 66
])
def test_inc_01_age_boundaries(dob, expected):
    assert status("INC-01", record={"date_of_birth": dob}) == expected


def test_inc_01_missing_or_impossible_birth_date():
    assert result("INC-01", record={"date_of_birth": None}).missing == ("record.date_of_birth",)
    assert status("INC-01", record={"date_of_birth": days(1)}) == "INCOMPLETE"


@pytest.mark.parametrize("indication, expected", [("SLE", "PASS"), (None, "INCOMPLETE"), ("RA", "INCOMPLETE")])
def test_inc_02_one_indication(indication, expected):
    assert status("INC-02", record={"indication": indication}) == expected


@pytest.mark.parametrize("answer, expected", [(True, "PASS"), (False, "FAIL"), (None, "AWAITING_INVESTIGATOR")])
def test_inc_03_survival_is_the_investigators(answer, expected):
    r = result("INC-03", judgement={"survival_over_6_months": answer})
    assert r.status == expected
    assert r.missing == (("judgement.survival_over_6_months",) if answer is None else ())


@pytest.mark.parametrize("analyte, cid, value, unit, expected", [
    ("hb", "INC-04a", 79, "g/L", "FAIL"), ("hb", "INC-04a", 80, "g/L", "PASS"),
    ("hb", "INC-04a", 7.9, "g/dL", "FAIL"), ("hb", "INC-04a", 8.0, "g/dL", "PASS"),
    ("anc", "INC-04b", 1.4, "10^9/L", "FAIL"), ("anc", "INC-04b", 1.5, "10^9/L", "PASS"),
    ("anc", "INC-04b", 1499, "/uL", "FAIL"), ("anc", "INC-04b", 1500, "/uL", "PASS"),
    ("plt", "INC-04c", 49, "10^9/L", "FAIL"), ("plt", "INC-04c", 50, "10^9/L", "PASS"),
])
def test_inc_04abc_blood_count_boundaries(analyte, cid, value, unit, expected):
    assert status(cid, labs={analyte: {"value": value, "unit": unit}}) == expected


def test_inc_04a_reason_reads_plainly():
    r = result("INC-04a", labs={"hb": {"value": 79}})
    assert r.reason == "Haemoglobin 79 g/L on 2026-11-02 is below 80 g/L."
    assert r.evidence[0].value == 79 and r.evidence[0].unit == "g/L" and r.evidence[0].date == SCR


@pytest.mark.parametrize("cid, analyte", [("INC-04a", "hb"), ("INC-04b", "anc"), ("INC-04c", "plt")])
def test_inc_04abc_missing_lab_is_named(cid, analyte):
    r = result(cid, labs={analyte: None})
    assert r.status == "INCOMPLETE" and r.missing == (f"labs.{analyte}",)


def test_screening_samples_are_within_consent_to_scr_plus_28_days_and_the_latest_counts():
    before_consent = {"hb": {"sample_date": days(-1, CONSENT)}}
    assert result("INC-04a", labs=before_consent).missing == ("labs.hb",)
    assert status("INC-04a", labs={"hb": {"sample_date": days(28)}}) == "PASS"
    assert status("INC-04a", labs={"hb": {"sample_date": days(29)}}) == "INCOMPLETE"
    later_low = [lab("hb", 75, "g/L", day=days(3))]
    assert status("INC-04a", extra_labs=later_low) == "FAIL"
    not_done = [lab("hb", None, "", day=days(3), not_done=True)]
    assert status("INC-04a", extra_labs=not_done) == "PASS"  # a test not done is not a result


def test_without_a_consent_date_no_sample_is_a_screening_sample():
    r = result("INC-04a", record={"consent_date": None})
    assert r.status == "INCOMPLETE" and "record.consent_date" in r.missing


@pytest.mark.parametrize("kind, day, expected", [
    ("transfusion", days(-7), "FAIL"),
    ("transfusion", days(-8), "PASS"),
    ("growth_factor", SCR, "FAIL"),
    ("growth_factor", days(1), "PASS"),  # after the sample
])
def test_inc_04d_no_support_in_the_7_days_before_the_count(kind, day, expected):
    assert status("INC-04d", events=[event(kind, day)]) == expected


def test_inc_04d_span_events_and_missing_count():
    assert status("INC-04d", events=[event("transfusion", days(-20), days(-7))]) == "FAIL"
    assert result("INC-04d", labs={"plt": None}).missing == ("labs.plt",)


@pytest.mark.parametrize("answer, expected", [(True, "PASS"), (False, "FAIL"), (None, "AWAITING_INVESTIGATOR")])
def test_inc_04e_coagulation_is_confirmed_by_the_investigator(answer, expected):
    r = result("INC-04e", judgement={"coagulation_adequate": answer})
    assert r.status == expected and r.note
    assert {e.label for e in r.evidence} >= {"Prothrombin time (PT)", "INR", "APTT"}


def test_inc_04e_needs_pt_or_inr_and_aptt_on_file():
    assert status("INC-04e", labs={"pt": None}) == "PASS"
    assert result("INC-04e", labs={"aptt": None}).missing == ("labs.aptt",)
    assert result("INC-04e", labs={"pt": None, "inr": None}).missing == ("labs.pt", "labs.inr")


MALE_40 = {"sex": "M", "date_of_birth": date(1986, 11, 2)}


@pytest.mark.parametrize("value, expected", [(49.9, "FAIL"), (50, "PASS")])
def test_inc_05a_measured_clearance_boundary(value, expected):
    assert status("INC-05a", extra_labs=[lab("crcl_measured", value, "mL/min")]) == expected


@pytest.mark.parametrize("weight, expected", [(35.93, "FAIL"), (36, "PASS")])
def test_inc_05a_cockcroft_gault_boundary(weight, expected):
    # (140 − 40) × 36 / (72 × 1.0 mg/dL) = 50.0 mL/min exactly for a man of 40.
    r = result("INC-05a", record=MALE_40, organ={"weight": weight},
               labs={"creatinine": {"value": 1.0, "unit": "mg/dL", "uln": 1.2}})
    assert r.status == expected and "Cockcroft–Gault" in r.reason


def test_inc_05a_measured_after_hydration_falls_back_to_cockcroft_gault():
    measured = [lab("crcl_measured", 30, "mL/min")]
    assert status("INC-05a", extra_labs=measured) == "FAIL"
    assert status("INC-05a", extra_labs=measured, organ={"crcl_hydration": True}) == "PASS"
    r = result("INC-05a", extra_labs=measured, organ={"crcl_hydration": None})
    assert r.status == "INCOMPLETE" and r.missing == ("organ.crcl_hydration",)


def test_inc_05a_cockcroft_gault_names_every_missing_input():
    r = result("INC-05a", organ={"weight": None}, labs={"creatinine": None})
    assert r.status == "INCOMPLETE" and set(r.missing) == {"organ.weight", "labs.creatinine"}


@pytest.mark.parametrize("cid, analyte, uln, at, above", [
    ("INC-05b", "creatinine", 97, 145.5, 145.6),
    ("INC-06a", "alt", 40, 100, 100.1),
    ("INC-06b", "ast", 40, 100, 100.1),
    ("INC-06c", "tbil", 21, 31.5, 31.6),
])
def test_times_uln_exactly_at_passes_just_above_fails(cid, analyte, uln, at, above):
    assert status(cid, labs={analyte: {"value": at, "uln": uln}}) == "PASS"
    assert status(cid, labs={analyte: {"value": above, "uln": uln}}) == "FAIL"


def test_times_uln_uses_the_reported_unit_exactly():
    assert status("INC-05b", labs={"creatinine": {"value": 1.65, "unit": "mg/dL", "uln": 1.1}}) == "PASS"


@pytest.mark.parametrize("uln", [None, 0])
def test_times_uln_without_a_usable_uln_is_incomplete(uln):
    r = result("INC-06a", labs={"alt": {"uln": uln}})
    assert r.status == "INCOMPLETE" and r.missing == ("labs.alt",)


@pytest.mark.parametrize("organ, expected", [
    ({"spo2_room_air": 91}, "FAIL"), ({"spo2_room_air": 92}, "PASS"),
    ({"spo2_room_air": None}, "INCOMPLETE"), ({"spo2_not_done": True}, "INCOMPLETE"),
])
def test_inc_07a_spo2(organ, expected):
    r = result("INC-07a", organ=organ)
    assert r.status == expected
    assert r.missing == (("organ.spo2_room_air",) if expected == "INCOMPLETE" else ())


@pytest.mark.parametrize("lvef, expected", [(39, "FAIL"), (40, "PASS"), (None, "INCOMPLETE")])
def test_inc_08a_lvef(lvef, expected):
    assert status("INC-08a", organ={"lvef": lvef}) == expected


@pytest.mark.parametrize("cid, field", [
    ("INC-07b", "pleural_effusion"), ("INC-08b", "pericardial_effusion"), ("INC-08c", "ecg_abnormality"),
])
@pytest.mark.parametrize("answer, expected", [(True, "FAIL"), (False, "PASS"), (None, "INCOMPLETE")])
def test_organ_findings(cid, field, answer, expected):
    r = result(cid, organ={field: answer})
    assert r.status == expected
    if expected == "INCOMPLETE":
        assert r.missing == (f"organ.{field}",)


def test_unknown_is_missing_not_no():
    # The snapshot gives None for "unknown"; a stray code is treated the same.
    assert status("INC-07b", organ={"pleural_effusion": "unknown"}) == "INCOMPLETE"


POSTMENOPAUSAL = {"surgically_sterile": False, "postmenopausal": True}


@pytest.mark.parametrize("changes, expected", [
    ({"record": {"sex": "M"}}, "NOT_APPLICABLE"),
    ({"reproductive": {"surgically_sterile": True}}, "NOT_APPLICABLE"),
    ({"reproductive": {**POSTMENOPAUSAL, "last_menstrual_period": months(-24)}}, "NOT_APPLICABLE"),
    ({"reproductive": {**POSTMENOPAUSAL, "last_menstrual_period": days(1, months(-24)),
                       "pregnancy_test": None}}, "INCOMPLETE"),  # < 2 years: still childbearing potential
    ({"reproductive": {"pregnancy_test": "positive"}}, "FAIL"),
    ({"reproductive": {"pregnancy_test": "negative"}}, "PASS"),
])
def test_inc_09_pregnancy_test(changes, expected):
    assert status("INC-09", **changes) == expected


@pytest.mark.parametrize("reproductive, missing", [
    ({"pregnancy_test": None}, "reproductive.pregnancy_test"),
    ({"pregnancy_test": "not_done"}, "reproductive.pregnancy_test"),
    ({"pregnancy_test_date": days(-10)}, "reproductive.pregnancy_test_date"),  # before consent
    ({"pregnancy_test": "positive", "pregnancy_test_date": days(-400)}, "reproductive.pregnancy_test_date"),
    ({"surgically_sterile": None}, "reproductive.surgically_sterile"),
    ({**POSTMENOPAUSAL, "last_menstrual_period": None}, "reproductive.last_menstrual_period"),
])
def test_inc_09_missing_data(reproductive, missing):
    r = result("INC-09", reproductive=reproductive)
    assert r.status == "INCOMPLETE" and missing in r.missing


def test_inc_09_without_sex():
    assert result("INC-09", record={"sex": None}).missing == ("record.sex",)


@pytest.mark.parametrize("changes, expected", [
    ({}, "PASS"),
    ({"record": {"sex": "M"}}, "PASS"),
    ({"record": {"sex": "M"}, "reproductive": {"contraception_agreed": False}}, "FAIL"),
    ({"reproductive": {"gamete_donation_refrained": False}}, "FAIL"),
    ({"reproductive": {"surgically_sterile": True, "contraception_agreed": None}}, "NOT_APPLICABLE"),
    ({"reproductive": {"gamete_donation_refrained": None}}, "INCOMPLETE"),
])
def test_inc_10_contraception(changes, expected):
    assert status("INC-10", **changes) == expected


@pytest.mark.parametrize("record, expected, missing", [
    ({}, "PASS", ()),
    ({"consent_date": SCR}, "PASS", ()),
    ({"consent_date": days(1)}, "FAIL", ()),
    ({"consent_date": None}, "INCOMPLETE", ("record.consent_date",)),
    ({"consent_version": ""}, "INCOMPLETE", ("record.consent_version",)),
])
def test_inc_11_consent(record, expected, missing):
    r = result("INC-11", record=record)
    assert r.status == expected and r.missing == missing
