"""Exclusions EXC-01 … EXC-15 (PASS = not excluded)."""

from datetime import date

import pytest

from screening.eligibility import protocol

from .builders import PLANNED_LD, SCR, course, days, event, months, pap, result, status

LD = PLANNED_LD
ONGOING_PREDNISONE = course("prednisone", 10, "mg", "once_daily", months(-12))


def pulse(day, mg=400):
    """Methylprednisolone given once: 400 mg = 500 mg prednisone-equivalent."""
    return course("methylprednisolone", mg, "mg", "single_dose", day, day, route="iv")


@pytest.mark.parametrize("organ, expected", [
    ({"echo_pap": 60}, "PASS"), ({"echo_pap": 61}, "FAIL"),
    ({"echo_pap": 61, "echo_date": days(-1, months(-12))}, "PASS"),  # older than a year
    ({"echo_pap": 61, "echo_date": None}, "INCOMPLETE"),
    ({"ventilatory_support": True}, "FAIL"),
    ({"pap_readings_complete": None}, "INCOMPLETE"), ({"pap_readings_complete": False}, "INCOMPLETE"),
    ({"echo_pap": 61, "pap_readings_complete": None}, "FAIL"),  # a reading above decides without the list
    ({"echo_pap": None}, "PASS"),  # no reading at all, the (empty) list declared complete
])
def test_exc_01_pulmonary(organ, expected):
    assert status("EXC-01", organ=organ) == expected


@pytest.mark.parametrize("reading, expected", [
    (pap(months(-12), 61), "FAIL"),  # the first day of the year before SCR
    (pap(days(-1, months(-12)), 61), "PASS"),  # the day before it
    (pap(months(-3), 60), "PASS"), (pap(months(-3), 61, "rhc"), "FAIL"),  # > 60 strictly
    (pap(days(28), 61), "FAIL"),  # the last day of the screening window
    (pap(days(29), 61), "PASS"),  # after it: not a reading of the look-back
    (pap(None, 61), "INCOMPLETE"),
])
def test_exc_01_earlier_readings_both_sides_of_the_window_and_threshold(reading, expected):
    assert status("EXC-01", pap_readings=[reading]) == expected


def test_exc_01_evidence_names_the_reading_scr_and_the_window():
    r = result("EXC-01", pap_readings=[pap(date(2026, 3, 2), 65)])
    assert r.reason == ("Pulmonary artery pressure 65 mmHg on 2026-03-02 is above 60 mmHg and is within 12 calendar "
                        "months before SCR 2026-11-02 (from 2025-11-02).")
    assert [e.value for e in r.evidence if e.label == "Pulmonary artery pressure"] == ["65", "25"]


def test_exc_01_undated_earlier_reading_names_the_rows():
    assert result("EXC-01", pap_readings=[pap(None, 30)]).missing == ("pap_readings",)
    # A dated reading above the threshold decides even beside an undated one.
    assert status("EXC-01", pap_readings=[pap(None, 30), pap(months(-2), 70)]) == "FAIL"


@pytest.mark.parametrize("cid, key, ever, day, label, window", [
    ("EXC-05", "history", "myocardial_infarction_ever", "myocardial_infarction_date",
     "Acute myocardial infarction", protocol.MI_MONTHS),
    ("EXC-03", "sle", "lupus_crisis_ever", "lupus_crisis_date", "Lupus crisis", protocol.LUPUS_CRISIS_MONTHS),
])
class TestDatedEvents:
    """The CRF records whether the event happened and its date; the engine applies the window."""

    def test_the_first_day_inside_the_window_fails(self, cid, key, ever, day, label, window):
        r = result(cid, **{key: {ever: True, day: months(-window)}})
        assert r.status == "FAIL"
        assert (f"{label} {months(-window).isoformat()} is within {window} calendar months before SCR "
                f"{SCR.isoformat()}") in r.reason

    def test_the_day_before_the_window_passes(self, cid, key, ever, day, label, window):
        r = result(cid, **{key: {ever: True, day: days(-1, months(-window))}})
        assert r.status == "PASS"
        assert (f"is more than {window} calendar months before SCR {SCR.isoformat()} "
                f"(before {months(-window).isoformat()})") in [e.note for e in r.evidence]

    def test_an_event_after_scr_fails(self, cid, key, ever, day, label, window):
        assert status(cid, **{key: {ever: True, day: days(3)}}) == "FAIL"

    def test_a_date_decides_even_against_a_no(self, cid, key, ever, day, label, window):
        # The form refuses this contradiction; data that holds it still fails inside the window.
        assert status(cid, **{key: {ever: False, day: days(-1)}}) == "FAIL"

    def test_yes_without_a_date_is_incomplete_and_names_the_date(self, cid, key, ever, day, label, window):
        r = result(cid, **{key: {ever: True, day: None}})
        assert r.status == "INCOMPLETE" and r.missing == (f"{key}.{day}",)

    @pytest.mark.parametrize("answer, expected", [(False, "PASS"), (None, "INCOMPLETE")])
    def test_never_passes_and_unanswered_is_missing(self, cid, key, ever, day, label, window, answer, expected):
        r = result(cid, **{key: {ever: answer, day: None}})
        assert r.status == expected
        assert r.missing == ((f"{key}.{ever}",) if answer is None else ())


YES_NO_ITEMS = [
    ("EXC-02", "history", "primary_cns_lymphoma"),
    ("EXC-06", "history", "other_autoimmune"),
    ("EXC-09", "history", "allergy_study_drugs"),
    ("EXC-09", "history", "severe_allergic_reaction"),
    ("EXC-10a", "history", "prior_cell_therapy"),
    ("EXC-14", "history", "prohibited_medication"),
    ("EXC-04", "history", "kidney_transplant"),
    ("EXC-04", "history", "expected_renal_support"),
    ("EXC-05", "history", "heart_failure"),
    ("EXC-05", "history", "unstable_angina"),
    ("EXC-05", "history", "severe_arrhythmia"),
    ("EXC-05", "history", "stroke"),
    ("EXC-03", "sle", "active_cns_lupus"),
    ("EXC-03", "sle", "severe_vasculitis"),
]


@pytest.mark.parametrize("cid, key, field", YES_NO_ITEMS)
@pytest.mark.parametrize("answer, expected", [(True, "FAIL"), (False, "PASS"), (None, "INCOMPLETE")])
def test_yes_no_exclusions(cid, key, field, answer, expected):
    r = result(cid, **{key: {field: answer}})
    assert r.status == expected
    assert r.missing == ((f"{key}.{field}",) if answer is None else ())


def test_exc_03_applies_to_sle_only():
    assert status("EXC-03", "AAV") == "NOT_APPLICABLE"
    assert status("EXC-03", "SLE") == "PASS"


def test_exc_06_and_07_carry_their_details():
    r = result("EXC-06", history={"other_autoimmune": True, "other_autoimmune_detail": "Behçet's disease"})
    assert r.status == "FAIL" and "Behçet" in r.reason
    assert "mistranslation" in result("EXC-07").note


@pytest.mark.parametrize("day, expected", [(months(-3), "FAIL"), (days(-1, months(-3)), "PASS")])
def test_exc_04_dialysis_within_3_months(day, expected):
    assert status("EXC-04", events=[event("plasmapheresis", day)]) == expected


@pytest.mark.parametrize("day, expected", [(months(-1), "FAIL"), (days(-1, months(-1)), "PASS")])
def test_exc_04_pulse_within_1_month_before_scr(day, expected):
    assert status("EXC-04", extra_medications=[pulse(day)]) == expected


def test_exc_04_pulse_threshold_is_500_mg_prednisone_equivalent():
    assert status("EXC-04", medications=[pulse(SCR, 399.9)]) == "PASS"  # 499.9 mg
    assert status("EXC-04", medications=[pulse(SCR, 400)]) == "FAIL"
    assert status("EXC-04", medications=[course("prednisone", 500, "mg", "single_dose", SCR, SCR)]) == "FAIL"
    # Doses of all courses on the same day add up: 10 mg prednisone + 399.9 mg methylprednisolone.
    assert status("EXC-04", extra_medications=[pulse(SCR, 399.9)]) == "FAIL"


def test_exc_04_unconvertible_dose_in_the_window():
    bad = course("methylprednisolone", 10, "mg/kg", "single_dose", days(-3), days(-3))
    r = result("EXC-04", extra_medications=[bad])
    assert r.status == "INCOMPLETE" and r.missing == ("medications",)
    old = course("methylprednisolone", 10, "mg/kg", "single_dose", months(-6), months(-6))
    assert status("EXC-04", extra_medications=[old]) == "PASS"  # outside every window


@pytest.mark.parametrize("history, expected", [
    ({"nyha_class": "II"}, "PASS"), ({"nyha_class": "III"}, "FAIL"), ({"nyha_class": "IV"}, "FAIL"),
    ({"nyha_class": "unknown"}, "INCOMPLETE"), ({"nyha_class": None}, "INCOMPLETE"),
    ({"myocardial_infarction_ever": True, "myocardial_infarction_date": months(-6)}, "FAIL"),
    ({"myocardial_infarction_ever": True, "myocardial_infarction_date": days(-1, months(-6))}, "PASS"),
])
def test_exc_05_cardiovascular(history, expected):
    assert status("EXC-05", history=history) == expected


# EXC-07 (myopathy kind), EXC-08 (malignancy rows), EXC-09 (allergy agent), EXC-10a (cell therapy rows) and
# the HBV DNA part of EXC-12 are tested in tests/test_history_rows.py.


@pytest.mark.parametrize("day, expected", [(months(-2, LD), "FAIL"), (days(-1, months(-2, LD)), "PASS")])
def test_exc_10b_pulse_within_2_months_before_ld(day, expected):
    r = result("EXC-10b", extra_medications=[pulse(day)])
    assert r.status == expected and r.provisional
    assert any(e.note == protocol.LD_PLANNED_NOTE for e in r.evidence)


def test_exc_10b_unconvertible_dose_in_the_window():
    bad = course("methylprednisolone", 15, "mg/kg", "single_dose", days(-20, LD), days(-20, LD))
    r = result("EXC-10b", extra_medications=[bad])
    assert r.status == "INCOMPLETE" and r.missing == ("medications",) and r.provisional


def test_ld_relative_rows_are_final_only_on_the_actual_ld_date():
    assert not result("EXC-10b", record={"actual_ld_date": LD}).provisional
    r = result("EXC-11", record={"planned_ld_date": None})
    assert r.provisional and any(e.note == protocol.LD_SCREENING_NOTE and e.date == SCR for e in r.evidence)
    assert not result("EXC-02").provisional


@pytest.mark.parametrize("stop, expected", [(months(-1, LD), "FAIL"), (days(-1, months(-1, LD)), "PASS")])
def test_exc_10c_biologic_within_1_month_before_ld(stop, expected):
    rituximab = course("rituximab", 1, "g", "every_2_weeks", months(-6), stop)
    assert status("EXC-10c", extra_medications=[rituximab]) == expected


def test_exc_10c_ongoing_biologic_fails():
    assert status("EXC-10c", extra_medications=[course("belimumab", 10, "mg/kg", "every_4_weeks", months(-6))]) == "FAIL"


@pytest.mark.parametrize("kind", ["major_surgery", "live_vaccine", "investigational_treatment"])
@pytest.mark.parametrize("day, expected", [(months(-1, LD), "FAIL"), (days(-1, months(-1, LD)), "PASS")])
def test_exc_10d_events_within_1_month_before_ld(kind, day, expected):
    assert status("EXC-10d", events=[event(kind, day)]) == expected


@pytest.mark.parametrize("stop, expected", [(days(-14, LD), "FAIL"), (days(-15, LD), "PASS")])
def test_exc_10e_anti_infective_within_14_days_before_ld(stop, expected):
    antibiotic = course("antibacterial", 500, "mg", "twice_daily", days(-10, stop), stop)
    assert status("EXC-10e", extra_medications=[antibiotic]) == expected


def test_exc_10e_prophylaxis_and_infection_events():
    prophylaxis = course("antiviral", 400, "mg", "once_daily", months(-3), purpose="prophylaxis")
    assert status("EXC-10e", extra_medications=[prophylaxis]) == "PASS"
    treated = event("infection", days(-30, LD), systemic_treatment=True, treatment_end=days(-14, LD))
    assert status("EXC-10e", events=[treated]) == "FAIL"
    assert status("EXC-10e", events=[dict(treated, treatment_end=days(-15, LD))]) == "PASS"
    unknown = event("infection", days(-5, LD), systemic_treatment=None)
    assert result("EXC-10e", events=[unknown]).missing == ("events",)


@pytest.mark.parametrize("extra_mg, expected", [(10, "PASS"), (10.5, "FAIL")])  # 20 / 20.5 mg on one day
def test_exc_11_taper_limit_on_one_of_the_7_days(extra_mg, expected):
    one_day = course("prednisone", extra_mg, "mg", "single_dose", days(-3, LD), days(-3, LD))
    r = result("EXC-11", medications=[ONGOING_PREDNISONE, one_day])
    assert r.status == expected and r.provisional


@pytest.mark.parametrize("day", [days(-8, LD), LD])  # outside LD − 7 … LD − 1
def test_exc_11_window_is_the_7_days_before_ld(day):
    high = course("prednisone", 60, "mg", "single_dose", day, day)
    assert status("EXC-11", medications=[ONGOING_PREDNISONE, high]) == "PASS"


def test_exc_11_unconvertible_dose_is_incomplete():
    bad = course("prednisone", 1, "mg/kg", "once_daily", months(-1))
    assert result("EXC-11", medications=[bad]).missing == ("medications",)
    assert status("EXC-11", medications=[bad, course("dexamethasone", 3.75, "mg", "once_daily", months(-1))]) == "FAIL"


@pytest.mark.parametrize("infection, expected", [
    ({"hbsag": "positive"}, "FAIL"),
    ({"anti_hcv": "positive", "hcv_rna": "detected"}, "FAIL"),
    ({"anti_hcv": "positive", "hcv_rna": "not_done"}, "INCOMPLETE"),
    ({"hiv": "positive"}, "FAIL"),
    ({"syphilis_treponemal": "positive", "syphilis_nontreponemal": "positive"}, "FAIL"),
    ({"syphilis_treponemal": "negative", "syphilis_nontreponemal": "positive"}, "PASS"),
    ({"syphilis_treponemal": "positive", "syphilis_nontreponemal": "negative"}, "AWAITING_INVESTIGATOR"),
    ({"hiv": None}, "INCOMPLETE"),
    ({"sample_date": days(-10)}, "INCOMPLETE"),  # before consent
])
def test_exc_12_blood_borne_infections(infection, expected):
    assert status("EXC-12", infection=infection) == expected


@pytest.mark.parametrize("active, expected", [(True, "FAIL"), (False, "PASS"), (None, "AWAITING_INVESTIGATOR")])
def test_exc_12_treponemal_only_waits_for_the_investigator(active, expected):
    r = result("EXC-12", infection={"syphilis_treponemal": "positive", "syphilis_nontreponemal": "negative"},
               judgement={"syphilis_active": active})
    assert r.status == expected
    assert r.missing == (("judgement.syphilis_active",) if active is None else ())


@pytest.mark.parametrize("infection, judgement, expected", [
    ({"tb_symptoms": True}, {"tb_active": True}, "FAIL"),
    # The CRF and the judgement disagree, in an order not known: the investigator must judge again
    # (the order decides: tests/test_contradictions.py).
    ({}, {"tb_active": True}, "AWAITING_INVESTIGATOR"),
    ({"tb_symptoms": True}, {"tb_active": False}, "AWAITING_INVESTIGATOR"),
    ({"tb_symptoms": True}, {"tb_active": None}, "AWAITING_INVESTIGATOR"),
    ({"tb_symptoms": None}, {}, "INCOMPLETE"),
    ({"chest_imaging_active_tb": True}, {}, "FAIL"),
    ({"chest_imaging_date": months(-6)}, {}, "PASS"),
    ({"chest_imaging_date": days(-1, months(-6))}, {}, "INCOMPLETE"),
    ({"igra": "positive"}, {}, "FAIL"),
    ({"igra": "indeterminate"}, {}, "INCOMPLETE"),
    ({"igra_date": None}, {}, "INCOMPLETE"),
])
def test_exc_13_tuberculosis(infection, judgement, expected):
    assert status("EXC-13", infection=infection, judgement=judgement) == expected


def test_exc_13_awaiting_names_the_judgement_item():
    assert result("EXC-13", judgement={"tb_active": None}).missing == ("judgement.tb_active",)


@pytest.mark.parametrize("unsuitable, expected", [(True, "FAIL"), (False, "PASS"), (None, "AWAITING_INVESTIGATOR")])
def test_exc_15_investigator_judgement(unsuitable, expected):
    r = result("EXC-15", judgement={"unsuitable": unsuitable, "unsuitable_reason": "lives abroad"})
    assert r.status == expected
    if expected == "FAIL":
        assert "lives abroad" in r.reason
