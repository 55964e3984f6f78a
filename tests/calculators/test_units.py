import pytest

from screening.calculators.units import (
    ANALYTES,
    UNIT_LABELS,
    UnitError,
    times_uln,
    to_canonical,
    units_for,
)


def test_every_unit_of_every_analyte_has_a_display_label():
    for analyte in ANALYTES.values():
        assert analyte.canonical_unit in analyte.units
        assert set(analyte.units) <= set(UNIT_LABELS)
    assert UNIT_LABELS["umol/L"] == "µmol/L"
    assert UNIT_LABELS["10^9/L"] == "×10⁹/L"


def test_haemoglobin_in_g_per_dl_is_ten_times_g_per_l():
    assert to_canonical("hb", 8.0, "g/dL") == 80
    assert to_canonical("hb", 7.9, "g/dL") < 80


def test_cell_counts_per_microlitre_convert_exactly():
    assert to_canonical("anc", 1500, "/uL") == 1.5
    assert to_canonical("anc", 1499, "/uL") < 1.5
    assert to_canonical("plt", 50, "10^3/uL") == 50
    assert to_canonical("plt", 50000, "/uL") == 50


def test_creatinine_and_bilirubin_convert_from_mg_per_dl():
    assert to_canonical("creatinine", 1.0, "mg/dL") == 88.4
    assert to_canonical("tbil", 1.0, "mg/dL") == 17.1


def test_clearance_and_complement_convert():
    assert to_canonical("crcl_measured", 0.8333, "mL/s") == pytest.approx(49.998)
    assert to_canonical("c3", 90, "mg/dL") == 0.9


def test_enzymes_are_compared_only_as_multiples_of_uln():
    assert {code for code, a in ANALYTES.items() if a.ratio_only} == {"alt", "ast", "ck", "ldh", "aldolase"}
    assert units_for("ck") == ["U/L", "ukat/L"]


def test_units_for_lists_the_canonical_unit_first():
    assert units_for("creatinine") == ["umol/L", "mg/dL", "mmol/L"]
    assert units_for("wbc") == ["10^9/L", "10^3/uL", "/uL"]


def test_unknown_analytes_and_units_raise_unit_error():
    with pytest.raises(UnitError):
        to_canonical("sodium", 140, "mmol/L")
    with pytest.raises(UnitError):
        to_canonical("hb", 8, "mg/dL")
    with pytest.raises(UnitError):
        units_for("sodium")
    assert issubclass(UnitError, ValueError)


def test_negative_or_non_numeric_values_raise():
    with pytest.raises(ValueError):
        to_canonical("hb", -1, "g/L")
    with pytest.raises(ValueError):
        to_canonical("hb", float("nan"), "g/L")
    with pytest.raises(ValueError):
        to_canonical("hb", "80", "g/L")


def test_times_uln_is_exact_on_the_threshold():
    # 1.65 / 1.1 is 1.4999999999999998 in binary floats: that would fail "≤ 1.5 × ULN".
    assert times_uln(1.65, 1.1) == 1.5
    assert times_uln(100, 40) == 2.5
    assert times_uln(101, 40) > 2.5


def test_times_uln_needs_a_positive_uln():
    with pytest.raises(ValueError):
        times_uln(50, 0)
    with pytest.raises(ValueError):
        times_uln(50, -40)
