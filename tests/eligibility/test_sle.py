"""SLE inclusion INC-SLE-01 … 04."""

import pytest

from screening.calculators.sle_classification import SLE_2019_DOMAINS
from screening.calculators.sledai import SLEDAI_2K

from .builders import CONSENT, course, days, months, result, status

NO_EULAR = {f"eular_{c}": False for items in SLE_2019_DOMAINS.values() for c in items}
NO_SLEDAI = {f"sledai_{c}": False for c in SLEDAI_2K}


@pytest.mark.parametrize("sle, expected", [
    ({}, "PASS"),
    ({"ana_test": "never_positive", "ana_titre": None}, "FAIL"),
    ({"ana_test": None}, "INCOMPLETE"), ({"ana_test": "unknown"}, "INCOMPLETE"),
    # 6 + 3 = 9 points, nothing else possible
    ({**NO_EULAR, "eular_acute_cutaneous_lupus": True, "eular_low_c3_or_c4": True}, "FAIL"),
    # 10 points but immunological only
    ({**NO_EULAR, "eular_anti_dsdna_or_anti_sm": True, "eular_low_c3_and_c4": True}, "FAIL"),
    ({**NO_EULAR, "eular_acute_cutaneous_lupus": True, "eular_low_c3_and_c4": True}, "PASS"),
])
def test_sle_01_classification(sle, expected):
    assert status("INC-SLE-01", sle=sle) == expected


@pytest.mark.parametrize("titre, expected", [(80, "PASS"), (79, "FAIL"), (40, "FAIL"), (2560, "PASS")])
def test_sle_01_ana_titre_both_sides_of_1_80(titre, expected):
    assert status("INC-SLE-01", sle={"ana_titre": titre}) == expected


def test_sle_01_the_labs_cut_off_does_not_change_the_entry_criterion():
    # A lab calling 1:80 negative (cut-off 1:160) still meets "ANA ≥ 1:80 on HEp-2 cells".
    r = result("INC-SLE-01", sle={"ana_titre": 80, "ana_lab_cutoff": 160})
    assert r.status == "PASS"
    ev = next(e for e in r.evidence if e.label == "ANA entry criterion")
    assert ev.value == "1:80 on HEp-2 cells" and ev.date == months(-36) and "lab cut-off 1:160" in ev.note


def test_sle_01_a_positive_equivalent_test_meets_the_entry_criterion():
    sle = {"ana_test": "equivalent", "ana_titre": None, "ana_lab_cutoff": None}
    assert status("INC-SLE-01", sle=sle) == "PASS"
    assert result("INC-SLE-01", sle={**sle, "ana_date": None}).missing == ("sle.ana_date",)


@pytest.mark.parametrize("sle, missing", [
    ({"ana_titre": None}, ("sle.ana_titre",)), ({"ana_date": None}, ("sle.ana_date",)),
    ({"ana_test": None}, ("sle.ana_test",)),
])
def test_sle_01_ana_names_what_is_missing(sle, missing):
    r = result("INC-SLE-01", sle=sle)
    assert r.status == "INCOMPLETE" and r.missing == missing


def test_sle_01_a_titre_below_1_80_says_so():
    r = result("INC-SLE-01", sle={"ana_titre": 40})
    assert "1:40 on HEp-2 cells" in r.reason and "below 1:80" in r.reason


def test_sle_01_undetermined_names_the_unanswered_items():
    sle = {**NO_EULAR, "eular_acute_cutaneous_lupus": True, "eular_low_c3_or_c4": True, "eular_fever": None}
    r = result("INC-SLE-01", sle=sle)
    assert r.status == "INCOMPLETE" and r.missing == ("sle.eular_fever",)


@pytest.mark.parametrize("diagnosed, expected", [
    (months(-6), "PASS"),  # exactly 6 months before SCR
    (days(1, months(-6)), "FAIL"),  # one day short
    (None, "INCOMPLETE"),
])
def test_sle_01_duration(diagnosed, expected):
    r = result("INC-SLE-01", sle={"diagnosis_date": diagnosed})
    assert r.status == expected
    if diagnosed is None:
        assert r.missing == ("sle.diagnosis_date",)


@pytest.mark.parametrize("ana, dsdna, expected", [
    ("positive", "negative", "PASS"),
    ("negative", "positive", "PASS"),
    ("negative", "negative", "FAIL"),
    ("negative", "not_done", "INCOMPLETE"),
    (None, None, "INCOMPLETE"),
])
def test_sle_02_serology(ana, dsdna, expected):
    assert status("INC-SLE-02", sle={"screening_ana": ana, "screening_anti_dsdna": dsdna}) == expected


def test_sle_02_serology_must_be_a_screening_sample():
    r = result("INC-SLE-02", sle={"serology_date": days(-1, CONSENT)})
    assert r.status == "INCOMPLETE" and r.missing == ("sle.serology_date",)


@pytest.mark.parametrize("present, expected", [
    ({"arthritis": True, "rash": True, "fever": True}, "FAIL"),  # 7
    ({"arthritis": True, "rash": True, "alopecia": True}, "PASS"),  # 8
])
def test_sle_03_sledai_boundary(present, expected):
    sle = {**NO_SLEDAI, **{f"sledai_{c}": v for c, v in present.items()}}
    assert status("INC-SLE-03", sle=sle) == expected


def test_sle_03_undetermined_and_undated():
    sle = {**NO_SLEDAI, "sledai_arthritis": True, "sledai_rash": True, "sledai_fever": True, "sledai_alopecia": None}
    r = result("INC-SLE-03", sle=sle)
    assert r.status == "INCOMPLETE" and r.missing == ("sle.sledai_alopecia",)
    assert result("INC-SLE-03", sle={"sledai_date": None}).missing == ("sle.sledai_date",)


@pytest.mark.parametrize("medications, expected", [
    ([course("hydroxychloroquine", 200, "mg", "twice_daily", months(-2))], "PASS"),  # exactly 2 months
    ([course("hydroxychloroquine", 200, "mg", "twice_daily", days(1, months(-2)))], "FAIL"),  # a day short
    ([course("belimumab", 10, "mg/kg", "every_4_weeks", months(-5), months(-3))], "PASS"),  # stopped course
    # stopped after SCR: the duration counts to SCR only
    ([course("azathioprine", 100, "mg", "once_daily", days(1, months(-2)), days(20))], "FAIL"),
    ([course("other", 1, "mg", "once_daily", months(-12), drug_other="vitamin D")], "FAIL"),
    ([], "INCOMPLETE"),
])
def test_sle_04_two_months_of_standard_therapy(medications, expected):
    r = result("INC-SLE-04", medications=medications)
    assert r.status == expected
    if expected == "INCOMPLETE":
        assert r.missing == ("medications",)
