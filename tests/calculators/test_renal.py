import pytest

from screening.calculators.renal import cockcroft_gault
from screening.calculators.units import UnitError


def test_the_reference_worked_example_in_umol_per_l():
    # Reference §3.10: male, 70 y, 75 kg, SCr 110 µmol/L ≈ 58.7 mL/min, computed there with
    # the rounded factor 1.23; the exact 88.4/72 gives 58.6.
    assert cockcroft_gault(70, 75, "M", 110, "umol/L") == pytest.approx(58.6, abs=0.05)
    assert 70 * 75 * 1.23 / 110 == pytest.approx(58.7, abs=0.05)


def test_published_mg_per_dl_examples():
    # superglobalcalculator.com/formulas/pharmacology/creatinine-clearance, examples 1 and 2.
    assert cockcroft_gault(65, 70, "M", 1.4, "mg/dL") == pytest.approx(52.1, abs=0.05)
    assert cockcroft_gault(45, 60, "F", 0.9, "mg/dL") == pytest.approx(74.8, abs=0.05)


def test_umol_per_l_and_mg_per_dl_agree():
    in_umol = cockcroft_gault(40, 70, "F", 88.4, "umol/L")
    assert in_umol == pytest.approx(cockcroft_gault(40, 70, "F", 1.0, "mg/dL"))


def test_women_get_85_percent_of_the_male_value():
    male = cockcroft_gault(50, 60, "M", 1.0, "mg/dL")
    assert cockcroft_gault(50, 60, "F", 1.0, "mg/dL") == pytest.approx(0.85 * male)


def test_the_50_ml_per_min_threshold_is_hit_exactly():
    assert cockcroft_gault(40, 72, "M", 2.0, "mg/dL") == 50
    assert cockcroft_gault(40, 72, "M", 2.01, "mg/dL") < 50


def test_non_positive_creatinine_or_weight_raises():
    for creatinine, weight in ((0, 70), (-1, 70), (1.0, 0), (1.0, -70)):
        with pytest.raises(ValueError):
            cockcroft_gault(40, weight, "M", creatinine, "mg/dL")


def test_bad_sex_unit_or_age_raises():
    with pytest.raises(ValueError):
        cockcroft_gault(40, 70, "X", 1.0, "mg/dL")
    with pytest.raises(UnitError):
        cockcroft_gault(40, 70, "M", 1.0, "mmol/L")
    with pytest.raises(ValueError):
        cockcroft_gault(140, 70, "M", 1.0, "mg/dL")
    with pytest.raises(ValueError):
        cockcroft_gault(-1, 70, "M", 1.0, "mg/dL")
