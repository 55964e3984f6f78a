"""dcSSc inclusion INC-SSC-01 … 05."""

import pytest

from screening.calculators.mrss import MRSS_SITES
from screening.calculators.ssc import SSC_2013_ITEMS
from screening.eligibility.criteria.ssc import meets_relative_change

from .builders import CONSENT, SCR, course, days, months, pft, result, status

SSC = "DCSSC"
NO_ITEMS = {f"acr_{c}": False for c in SSC_2013_ITEMS}


def acr(*present, **answers):
    return {**NO_ITEMS, **{f"acr_{c}": True for c in present}, **{f"acr_{c}": v for c, v in answers.items()}}


@pytest.mark.parametrize("ssc, expected", [
    (acr("skin_proximal_to_mcp"), "PASS"),  # 9 alone
    (acr("sclerodactyly", "raynaud", "telangiectasia"), "PASS"),  # 4 + 3 + 2 = 9
    (acr("puffy_fingers", "digital_tip_ulcers", "telangiectasia", "abnormal_nailfold_capillaries"), "FAIL"),  # 8
    (acr("puffy_fingers", "sclerodactyly", "raynaud"), "FAIL"),  # only the higher finger item: 7
])
def test_ssc_01_classification(ssc, expected):
    assert status("INC-SSC-01", SSC, ssc=ssc) == expected


def test_ssc_01_undetermined_names_items():
    r = result("INC-SSC-01", SSC, ssc=acr("sclerodactyly", "raynaud", telangiectasia=None))
    assert r.status == "INCOMPLETE" and r.missing == ("ssc.acr_telangiectasia",)


@pytest.mark.parametrize("proximal, trunk, expected", [
    (True, False, "PASS"), (False, True, "PASS"), (False, False, "FAIL"), (None, False, "INCOMPLETE"),
])
def test_ssc_02_diffuse_subset(proximal, trunk, expected):
    r = result("INC-SSC-02", SSC, ssc={"skin_proximal_elbows_knees": proximal, "skin_trunk": trunk})
    assert r.status == expected
    assert any(e.label == "mRSS diffuse-type sites > 0" for e in r.evidence)


@pytest.mark.parametrize("fvc, dlco, expected", [
    (44.9, 80, "FAIL"), (45, 80, "PASS"), (70, 80, "PASS"), (70.1, 80, "FAIL"),
    (80, 39.9, "FAIL"), (80, 40, "PASS"), (80, 70, "PASS"), (80, 70.1, "FAIL"),
    (80, None, "INCOMPLETE"),
])
def test_ssc_03_lung_function_bounds(fvc, dlco, expected):
    assert status("INC-SSC-03", SSC, pfts=[pft(SCR, fvc, dlco)]) == expected


def test_ssc_03_needs_ild_and_a_screening_pft():
    assert status("INC-SSC-03", SSC, ssc={"ild_present": False}) == "FAIL"
    assert result("INC-SSC-03", SSC, pfts=[]).missing == ("pfts",)
    assert result("INC-SSC-03", SSC, pfts=[pft(days(-1, CONSENT), 60, 60)]).missing == ("pfts",)


def therapy(cyc_months=7, other=True):
    meds = [course("prednisone", 10, "mg", "once_daily", months(-18)),
            course("cyclophosphamide", 750, "mg", "every_4_weeks", months(-18), months(-18 + cyc_months))]
    return meds + ([course("mycophenolate", 1, "g", "twice_daily", months(-10))] if other else [])


@pytest.mark.parametrize("medications, ssc, expected", [
    (therapy(), {}, "PASS"),
    (therapy(6), {}, "PASS"),  # exactly 6 months
    (therapy(), {"therapy_outcome": "relapse"}, "PASS"),
    (therapy(), {"therapy_outcome": "response"}, "FAIL"),
    (therapy(other=False), {}, "FAIL"),
    (therapy(6)[:1] + [course("cyclophosphamide", 750, "mg", "every_4_weeks", months(-18),
                              days(-1, months(-12)))] + therapy()[2:], {}, "FAIL"),  # a day short
])
def test_ssc_04_conventional_therapy(medications, ssc, expected):
    assert status("INC-SSC-04", SSC, medications=medications, ssc=ssc) == expected


@pytest.mark.parametrize("ssc, medications, missing", [
    ({"therapy_outcome": None}, None, ("ssc.therapy_outcome",)),
    ({"therapy_outcome": "unknown"}, None, ("ssc.therapy_outcome",)),
    ({}, [], ("medications",)),
])
def test_ssc_04_missing(ssc, medications, missing):
    r = result("INC-SSC-04", SSC, ssc=ssc, medications=medications)
    assert r.status == "INCOMPLETE" and r.missing == missing


def mrss_with_total(day, total):
    """An mRSS row whose 17 site scores add up to `total`."""
    scores = {site: min(3, max(0, total - 3 * i)) for i, site in enumerate(MRSS_SITES)}
    return {"assessment_date": day, **scores}


# Activity only through (a): ILD diagnosed long ago and no earlier PFT.
SKIN_ONLY = {"ssc": {"ild_diagnosis_date": months(-24)}}


@pytest.mark.parametrize("reference, current, expected", [(20, 22, "PASS"), (41, 45, "FAIL")])  # 10 % / 9.8 %
def test_ssc_05a_mrss_rise(reference, current, expected):
    rows = [mrss_with_total(months(-4), reference), mrss_with_total(SCR, current)]
    assert status("INC-SSC-05", SSC, mrss=rows, **SKIN_ONLY) == expected


def test_ssc_05a_relative_change_threshold():
    assert meets_relative_change(22, 20, 0.10) and not meets_relative_change(21.98, 20, 0.10)  # 10 % / 9.9 %


@pytest.mark.parametrize("reference_day, expected", [(months(-6), "PASS"), (days(-1, months(-6)), "FAIL")])
def test_ssc_05a_reference_within_6_months(reference_day, expected):
    rows = [mrss_with_total(reference_day, 20), mrss_with_total(SCR, 30)]
    assert status("INC-SSC-05", SSC, mrss=rows, **SKIN_ONLY) == expected


def test_ssc_05a_without_a_screening_mrss_is_incomplete():
    r = result("INC-SSC-05", SSC, mrss=[], **SKIN_ONLY)
    assert r.status == "INCOMPLETE" and r.missing == ("mrss",)


@pytest.mark.parametrize("diagnosed, expected", [(months(-6), "PASS"), (days(-1, months(-6)), "FAIL")])
def test_ssc_05b_new_ild(diagnosed, expected):
    flat = [mrss_with_total(months(-4), 20), mrss_with_total(SCR, 20)]
    assert status("INC-SSC-05", SSC, ssc={"ild_diagnosis_date": diagnosed}, mrss=flat) == expected


def test_ssc_05b_missing_diagnosis_date():
    flat = [mrss_with_total(months(-4), 20), mrss_with_total(SCR, 20)]
    r = result("INC-SSC-05", SSC, ssc={"ild_diagnosis_date": None}, mrss=flat)
    assert r.status == "INCOMPLETE" and r.missing == ("ssc.ild_diagnosis_date",)


@pytest.mark.parametrize("earlier, now, expected", [
    ((70, 60), (63, 60), "PASS"),  # (c) FVC −10 %
    ((70, 60), (63.1, 60), "FAIL"),
    ((100, 60), (95, 51), "PASS"),  # (d) FVC −5 % with DLCO −15 %
    ((100, 60), (95, 51.1), "FAIL"),
    ((100, 60), (95.1, 51), "FAIL"),
    ((70, 60), (None, 60), "INCOMPLETE"),
])
def test_ssc_05cd_lung_function_fall(earlier, now, expected):
    flat = [mrss_with_total(months(-4), 20), mrss_with_total(SCR, 20)]
    pfts = [pft(months(-5), *earlier), pft(SCR, *now)]
    r = result("INC-SSC-05", SSC, ssc={"ild_diagnosis_date": months(-24)}, mrss=flat, pfts=pfts)
    assert r.status == expected and r.note


def test_ssc_05cd_reference_pft_must_be_within_6_months():
    flat = [mrss_with_total(months(-4), 20), mrss_with_total(SCR, 20)]
    pfts = [pft(days(-1, months(-6)), 70, 60), pft(SCR, 60, 60)]
    assert status("INC-SSC-05", SSC, ssc={"ild_diagnosis_date": months(-24)}, mrss=flat, pfts=pfts) == "FAIL"
