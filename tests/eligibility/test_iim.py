"""IIM inclusion INC-IIM-01 … 04."""

import pytest

from screening.calculators.iim import IIM_2017_ITEMS, IimScore
from screening.calculators.mmt8 import MMT8_GROUPS
from screening.eligibility.criteria.iim import probability_verdict

from .builders import course, lab, months, result, status

IIM = "IIM"
NO_ITEMS = {f"eular_{c}": False for c, item in IIM_2017_ITEMS.items() if item[1] is not None}


def items(*present, **answers):
    return {**NO_ITEMS, **{f"eular_{c}": True for c in present}, **{f"eular_{c}": v for c, v in answers.items()}}


@pytest.mark.parametrize("score, expected", [(5.53, "FAIL"), (5.54, "PASS")])
def test_iim_01_probability_cut_off_without_biopsy(score, expected):
    # 5.53 gives 54.98 %, 5.54 gives 55.23 % by the logistic formula.
    assert probability_verdict(IimScore(score, score, (), (), False)).status == expected


@pytest.mark.parametrize("present, expected", [
    (("enzymes_raised", "gottron_papules"), "FAIL"),  # 2.1 (age ≥ 40) + 1.3 + 2.1 = 5.5 → 54.2 %
    (("enzymes_raised", "weakness_upper_proximal", "weakness_lower_proximal", "dysphagia"), "PASS"),  # 5.6
])
def test_iim_01_scored_from_the_items(present, expected):
    assert status("INC-IIM-01", IIM, iim=items(*present)) == expected


def test_iim_01_undetermined_names_items_and_onset():
    r = result("INC-IIM-01", IIM, iim=items("enzymes_raised", "gottron_papules", dysphagia=None))
    assert r.status == "INCOMPLETE" and r.missing == ("iim.eular_dysphagia",)
    undated = {**items("gottron_papules", "enzymes_raised", "dysphagia"), "symptom_onset_date": None}
    r = result("INC-IIM-01", IIM, iim=undated)  # 4.1 points without age, 6.2 with age ≥ 40
    assert r.status == "INCOMPLETE" and "iim.symptom_onset_date" in r.missing
    assert result("INC-IIM-01", IIM, iim={"biopsy_done": None}).missing == ("iim.biopsy_done",)


def test_iim_01_biopsy_features_count_only_with_a_biopsy():
    with_biopsy = items("enzymes_raised", "gottron_papules", biopsy_rimmed_vacuoles=True,
                        biopsy_endomysial_infiltrate=False, biopsy_perimysial_infiltrate=False,
                        biopsy_perifascicular_atrophy=False)
    assert status("INC-IIM-01", IIM, iim={**with_biopsy, "biopsy_done": True}) == "PASS"
    assert status("INC-IIM-01", IIM, iim={**with_biopsy, "biopsy_done": False}) == "FAIL"


@pytest.mark.parametrize("subclass, expected", [
    ("DM", "PASS"), ("PM", "PASS"), ("IMNM", "PASS"), ("IBM", "FAIL"), ("ADM", "FAIL"), ("JDM", "FAIL"),
    (None, "INCOMPLETE"),
])
def test_iim_01_subclass(subclass, expected):
    r = result("INC-IIM-01", IIM, iim={"subclass": subclass})
    assert r.status == expected
    assert any(e.label == "2017 tree suggestion" and e.value == "DM" for e in r.evidence)


def grades(nines):
    """MMT-8 grades: `nines` groups at 9, the rest at 10 (total 150 − nines)."""
    return {f"mmt8_{g}": 9 if i < nines else 10 for i, g in enumerate(MMT8_GROUPS)}


@pytest.mark.parametrize("nines, expected", [(9, "PASS"), (8, "FAIL")])  # 141 / 142
def test_iim_02_mmt8_boundary(nines, expected):
    assert status("INC-IIM-02", IIM, iim=grades(nines)) == expected


def test_iim_02_unanswered_grades():
    low = {f"mmt8_{g}": 5 for g in MMT8_GROUPS}
    assert status("INC-IIM-02", IIM, iim={**low, "mmt8_neck_flexors": None}) == "PASS"  # ≤ 80 at most
    r = result("INC-IIM-02", IIM, iim={**grades(9), "mmt8_neck_flexors": None})
    assert r.status == "INCOMPLETE" and r.missing == ("iim.mmt8_neck_flexors",)
    assert result("INC-IIM-02", IIM, iim={"assessment_date": None}).missing == ("iim.assessment_date",)


# One measure met (patient global), every other normal: the tested one decides.
ONE_MET = {"patient_global": 5.0, "physician_global": 0.0, "extramuscular_global": 0.0, "haq_di": 0.0}
NORMAL_ENZYMES = {"ck": {"value": 100}, "ldh": {"value": 100}, "aldolase": {"value": 5}}


@pytest.mark.parametrize("iim, labs, expected", [
    ({}, {}, "FAIL"),
    ({"patient_global": 1.9, "haq_di": 0.25}, {}, "FAIL"), ({"patient_global": 2.0, "haq_di": 0.25}, {}, "PASS"),
    ({"physician_global": 1.9}, {}, "FAIL"), ({"physician_global": 2.0}, {}, "PASS"),
    ({"extramuscular_global": 1.9}, {}, "FAIL"), ({"extramuscular_global": 2.0}, {}, "PASS"),
    ({"haq_di": 0.24}, {}, "FAIL"), ({"haq_di": 0.25}, {}, "PASS"),
    ({}, {"ck": {"value": 300}}, "FAIL"),  # exactly 1.5 × ULN is not above it
    ({}, {"ck": {"value": 301}}, "PASS"),
    ({"patient_global": 1.9, "physician_global": 2.0}, {"ast": {"value": 60.1}}, "PASS"),  # AST > 1.5 × 40
    ({"physician_global": None}, {}, "INCOMPLETE"),
])
def test_iim_03_core_set_measures(iim, labs, expected):
    r = result("INC-IIM-03", IIM, iim={**ONE_MET, **iim}, labs={**NORMAL_ENZYMES, **labs})
    assert r.status == expected
    if expected == "INCOMPLETE":
        assert r.missing == ("iim.physician_global",)


def test_iim_03_missing_enzymes_are_named():
    r = result("INC-IIM-03", IIM, iim=ONE_MET, labs={**NORMAL_ENZYMES, "aldolase": None})
    assert r.status == "INCOMPLETE" and r.missing == ("labs.aldolase",)


GC = course("prednisone", 10, "mg", "once_daily", months(-12))


def immuno(drug, start, stop=None, outcome="inadequate_response"):
    return course(drug, 1, "mg", "once_daily", start, stop, outcome=outcome)


@pytest.mark.parametrize("medications, expected", [
    ([GC, immuno("methotrexate", months(-12), months(-9)), immuno("azathioprine", months(-6))], "PASS"),
    ([GC, immuno("methotrexate", months(-12), months(-9)),
      immuno("azathioprine", months(-3), outcome="intolerance")], "PASS"),
    ([GC, immuno("methotrexate", months(-12), months(-9))], "FAIL"),
    ([GC, immuno("methotrexate", months(-12), months(-9)), immuno("methotrexate", months(-6))], "FAIL"),
    ([GC, immuno("methotrexate", months(-12), months(-9)),
      immuno("azathioprine", months(-3), outcome="response")], "FAIL"),
    ([GC, immuno("methotrexate", months(-12), months(-9)),
      immuno("azathioprine", months(-3).replace(day=3))], "FAIL"),  # a day short of 3 months
    ([immuno("methotrexate", months(-12), months(-9)), immuno("azathioprine", months(-6))], "FAIL"),  # no GC
])
def test_iim_04_prior_therapy(medications, expected):
    r = result("INC-IIM-04", IIM, medications=medications)
    assert r.status == expected and "≥ 2" in r.note


def test_iim_04_unknown_outcome_or_no_history_is_incomplete():
    meds = [GC, immuno("methotrexate", months(-12), months(-9)), immuno("azathioprine", months(-6), outcome=None)]
    assert result("INC-IIM-04", IIM, medications=meds).missing == ("medications",)
    assert result("INC-IIM-04", IIM, medications=[]).missing == ("medications",)


def test_iim_enzyme_lab_without_uln_is_missing():
    r = result("INC-IIM-03", IIM, iim=ONE_MET, labs={**NORMAL_ENZYMES, "ck": {"value": 100, "uln": None}})
    assert r.status == "INCOMPLETE" and "labs.ck" in r.missing


def test_iim_lab_helper_builds_extra_rows():
    assert status("INC-IIM-03", IIM, iim=ONE_MET, labs=NORMAL_ENZYMES,
                  extra_labs=[lab("ldh", 400, "U/L", 250)]) == "PASS"
