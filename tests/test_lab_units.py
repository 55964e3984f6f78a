"""Lab units as printed and reference limits that cannot lie (calculators/units.py, LabResult.clean):
every factor against its published figure, both sides of every range, the "did you mean" unit,
the bilirubin ULN trap in the form and in the import, and as-printed values decided by the rules."""

import importlib
import json
from fractions import Fraction
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from screening.calculators.units import (
    ANALYTES,
    BILIRUBIN_TO_UMOL_PER_L,
    CONFIRM,
    CREATININE_TO_UMOL_PER_L,
    ENZYME_TO_U_PER_L,
    HAEMOGLOBIN_TO_G_PER_L,
    RANGES,
    REFUSE,
    UNIT_LABELS,
    VAS_TO_CM,
    WEIGHT_TO_KG,
    UnitError,
    bounds_in,
    convert,
    likely_units,
    limit_plausible,
    times_uln_of,
    to_canonical,
    value_check,
)
from screening.checklist.evaluation import evaluate_record
from screening.crf.forms import row_formset_class, section_form_class
from screening.crf.sections import BY_KEY
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.models import IimSection, LabResult, OrganFunction, ScreeningRecord
from screening.models.sites import INVESTIGATOR
from tests.eligibility.builders import SCR, lab, result

# ---------------------------------------------------------------- factors


@pytest.mark.parametrize("analyte, value, unit, canonical", [
    ("hb", 8.0, "g/dL", 80),  # reference §3.12: 80 g/L = 8.0 g/dL
    ("hb", 1, "mmol/L", 16.11),  # Hb monomer, 16 114.5 g/mol (ICSH)
    ("hb", 7.0, "mmol/L", 112.77),
    ("alt", 1, "ukat/L", 60),  # 1 µkat/L = 1 µmol/s/L = 60 µmol/min/L = 60 U/L
    ("ast", 0.9, "ukat/L", 54),
    ("ck", 2.5, "ukat/L", 150),
    ("creatinine", 1, "mg/dL", 88.4),  # reference §3.12
    ("creatinine", 0.08, "mmol/L", 80),
    ("tbil", 1, "mg/dL", 17.1),  # reference §3.12
    ("tbil", 0.5, "mg/dL", 8.55),
    ("anc", 1500, "/uL", 1.5),  # 10⁹/L = 10³/µL
    ("plt", 50, "10^3/uL", 50),
    ("crcl_measured", 1, "mL/s", 60),  # mL/min × 0.01667 = mL/s
    ("c3", 90, "mg/dL", 0.9),
])
def test_every_lab_factor_is_the_published_one(analyte, value, unit, canonical):
    assert to_canonical(analyte, value, unit) == canonical


def test_the_factor_tables_hold_the_published_figures():
    assert Fraction(HAEMOGLOBIN_TO_G_PER_L["mmol/L"]) == Fraction("16.11")
    assert HAEMOGLOBIN_TO_G_PER_L["g/dL"] == 10
    assert ENZYME_TO_U_PER_L == {"U/L": 1, "ukat/L": 60}
    assert Fraction(CREATININE_TO_UMOL_PER_L["mg/dL"]) == Fraction("88.4")
    assert CREATININE_TO_UMOL_PER_L["mmol/L"] == 1000
    assert Fraction(BILIRUBIN_TO_UMOL_PER_L["mg/dL"]) == Fraction("17.1")
    for code in ("alt", "ast", "ck", "ldh", "aldolase"):
        assert ANALYTES[code].units is ENZYME_TO_U_PER_L


def test_weight_in_pounds_and_vas_in_millimetres_convert_exactly():
    assert convert(1, "lb", WEIGHT_TO_KG) == 0.45359237  # 1959 international pound
    assert convert(154, "lb", WEIGHT_TO_KG) == 69.85322498
    assert convert(62, "kg", WEIGHT_TO_KG) == 62
    assert convert(20, "mm", VAS_TO_CM) == 2  # reference §3.13: ≥ 2 means ≥ 20 mm
    assert convert(19, "mm", VAS_TO_CM) < 2
    with pytest.raises(UnitError):
        convert(2, "in", VAS_TO_CM)


def test_every_unit_has_a_display_label():
    for analyte in ANALYTES.values():
        assert set(analyte.units) <= set(UNIT_LABELS)
    assert UNIT_LABELS["ukat/L"] == "µkat/L"


def test_quick_percent_is_refused_with_what_to_enter():
    with pytest.raises(UnitError, match="enter the INR the lab reports"):
        to_canonical("pt", 80, "%")


def test_times_uln_compares_value_and_limit_each_in_its_own_unit():
    assert times_uln_of("alt", 0.9, "ukat/L", 0.6, "ukat/L") == 1.5
    assert times_uln_of("alt", 0.9, "ukat/L", 36, "U/L") == 1.5
    assert times_uln_of("alt", 90, "U/L", 0.6, "ukat/L") == 2.5
    assert times_uln_of("tbil", 0.5, "mg/dL", 21, "umol/L") == pytest.approx(8.55 / 21)
    assert times_uln_of("tbil", 0.5, "mg/dL", 1.2) == pytest.approx(0.5 / 1.2)  # blank: the value's unit


# ---------------------------------------------------------------- ranges

STEP = Fraction(1, 1000)


def test_every_analyte_has_ranges_with_a_source():
    assert set(RANGES) == set(ANALYTES)
    for code, ranges in RANGES.items():
        assert ranges.source, code
        low, high = bounds_in(code, "physiological")
        usual = bounds_in(code, "usual")
        assert low <= usual[0] < usual[1] <= high, code
        assert bounds_in(code, "uln")[0] > 0, code


@pytest.mark.parametrize("analyte", sorted(RANGES))
def test_both_sides_of_the_physiological_and_usual_ranges(analyte):
    unit = ANALYTES[analyte].canonical_unit
    low, high = (Fraction(str(b)) for b in bounds_in(analyte, "physiological"))
    u_low, u_high = (Fraction(str(b)) for b in bounds_in(analyte, "usual"))
    value = float
    assert value_check(analyte, value(high), unit) == (CONFIRM if high > u_high else None)
    assert value_check(analyte, value(high + STEP), unit) == REFUSE
    if low > 0:
        assert value_check(analyte, value(low - STEP), unit) == REFUSE
    assert value_check(analyte, value(low), unit) in (CONFIRM, None)
    assert value_check(analyte, value(u_low), unit) is None
    assert value_check(analyte, value(u_high), unit) is None
    assert value_check(analyte, value(u_high + STEP), unit) == CONFIRM
    if u_low > low:
        assert value_check(analyte, value(u_low - STEP), unit) == CONFIRM


@pytest.mark.parametrize("analyte", sorted(RANGES))
@pytest.mark.parametrize("which", ["uln", "lln"])
def test_both_sides_of_the_plausible_limits(analyte, which):
    unit = ANALYTES[analyte].canonical_unit
    low, high = (Fraction(str(b)) for b in bounds_in(analyte, which))
    assert limit_plausible(analyte, float(low), unit, which)
    assert limit_plausible(analyte, float(high), unit, which)
    assert not limit_plausible(analyte, float(high + STEP), unit, which)
    if low > 0:
        assert not limit_plausible(analyte, float(low - STEP), unit, which)


@pytest.mark.parametrize("analyte, limit, unit, meant", [
    ("tbil", 21, "mg/dL", ["umol/L"]),  # the µmol/L ULN copied beside a mg/dL value
    ("tbil", 1.2, "umol/L", ["mg/dL"]),
    ("hb", 17, "g/L", ["g/dL"]),
    ("hb", 10, "g/L", ["mmol/L"]),
    ("creatinine", 1.2, "umol/L", ["mg/dL"]),
    ("creatinine", 0.11, "umol/L", ["mmol/L"]),
    ("alt", 0.6, "U/L", ["ukat/L"]),
    ("alt", 40, "ukat/L", ["U/L"]),
    ("alt", 5000, "U/L", []),
])
def test_did_you_mean_names_the_unit_that_makes_the_limit_plausible(analyte, limit, unit, meant):
    assert not limit_plausible(analyte, limit, unit, "uln")
    assert likely_units(analyte, limit, unit, "uln") == meant


# ---------------------------------------------------------------- the form (browser and import alike)


def lab_form(record, **values):
    rows = BY_KEY["labs"].rows[0]
    data = {"analyte": "tbil", "sample_date": record.screening_date.isoformat(), "value": "0.5", "unit": "mg/dL",
            **values}
    return row_formset_class(rows).form(data, instance=LabResult(record=record), record=record)


def test_the_bilirubin_uln_trap_is_refused_naming_the_likely_unit(record_a):
    form = lab_form(record_a, uln="21")
    assert not form.is_valid()
    assert form.errors["uln"] == [
        "ULN 21 mg/dL is not a plausible upper limit of total bilirubin; did you mean µmol/L?"]
    # With the limit's own unit it is accepted, and stored as printed.
    form = lab_form(record_a, uln="21", uln_unit="umol/L")
    assert form.is_valid(), form.errors
    assert form.instance.uln_unit == "umol/L" and form.instance.unit == "mg/dL"
    assert lab_form(record_a, uln="1.2").is_valid()  # a mg/dL limit beside a mg/dL value


def test_a_unit_code_outside_the_list_is_refused_with_the_list_whose_codes_hold_percent(record_a):
    # The list of unit codes holds "%" (found by tests/test_fuzz.py: the message was %-formatted and failed).
    form = lab_form(record_a, unit="0")
    assert not form.is_valid()
    message = form.errors["unit"][0]
    assert message.startswith("0 is not one of the codes: %, /uL, ")


def test_a_limit_no_unit_explains_gives_the_plausible_range(record_a):
    form = lab_form(record_a, analyte="alt", value="30", unit="U/L", uln="5000")
    assert form.errors["uln"] == ["ULN 5000 U/L is not a plausible upper limit of ALT (plausible: 19–70 U/L)."]


def test_lln_is_checked_in_its_own_unit_and_against_the_uln(record_a):
    form = lab_form(record_a, analyte="hb", value="7.0", unit="mmol/L", lln="115", lln_unit="g/L", uln="9.9")
    assert form.is_valid(), form.errors
    form = lab_form(record_a, analyte="hb", value="7.0", unit="mmol/L", lln="115", uln="9.9")
    assert form.errors["lln"] == ["LLN 115 mmol/L is not a plausible lower limit of haemoglobin; did you mean g/L?"]
    form = lab_form(record_a, analyte="hb", value="7.0", unit="mmol/L", lln="9.0", uln="140", uln_unit="g/L")
    assert form.errors["lln"] == ["The lower limit is above the upper limit."]  # 145 g/L > 140 g/L


def test_a_value_outside_the_physiological_range_is_refused_even_confirmed(record_a):
    form = lab_form(record_a, analyte="hb", value="300", unit="g/L", value_confirmed="on")
    assert not form.is_valid()
    assert form.errors["value"][0].startswith("300 g/L is not a physiological value of haemoglobin (possible: 20–260 g/L)")
    form = lab_form(record_a, analyte="hb", value="11.8", unit="g/L", value_confirmed="on")
    assert "did you mean g/dL?" in form.errors["value"][0]


def test_a_value_outside_the_usual_range_needs_its_confirmation(record_a):
    form = lab_form(record_a, analyte="hb", value="45", unit="g/L")
    assert not form.is_valid()
    assert "outside the usual range of haemoglobin (60–200 g/L)" in form.errors["value"][0]
    assert "value confirmed" in form.errors["value"][0]
    assert lab_form(record_a, analyte="hb", value="45", unit="g/L", value_confirmed="on").is_valid()
    assert lab_form(record_a, analyte="hb", value="60", unit="g/L").is_valid()  # the bound itself is usual


def test_quick_percent_is_refused_beside_the_unit(record_a):
    form = lab_form(record_a, analyte="pt", value="85", unit="%")
    assert "enter the INR the lab reports" in form.errors["unit"][0]
    form = lab_form(record_a, analyte="inr", value="1.0", unit="%")
    assert "reported in ratio" in form.errors["unit"][0]


def test_a_limit_unit_the_analyte_is_not_reported_in_is_refused(record_a):
    form = lab_form(record_a, uln="21", uln_unit="g/L")
    assert form.errors["uln_unit"] == ["This analyte is reported in µmol/L, mg/dL."]


# ---------------------------------------------------------------- the rules on values as printed


@pytest.mark.parametrize("value, expected", [(7.0, "PASS"), (4.97, "PASS"), (4.96, "FAIL")])
def test_haemoglobin_in_mmol_per_l_is_judged_in_g_per_l(value, expected):
    # INC-04a Hb ≥ 80 g/L: 4.97 mmol/L = 80.07 g/L, 4.96 mmol/L = 79.91 g/L.
    r = result("INC-04a", labs={"hb": {"value": value, "unit": "mmol/L", "uln": 9.9, "lln": 7.4}})
    assert r.status.value == expected
    assert r.evidence[0].unit == "g/L" and r.evidence[0].value == pytest.approx(value * 16.11, abs=0.001)
    assert "reported as" in r.evidence[0].note and "mmol/L (× 16.11)" in r.evidence[0].note


@pytest.mark.parametrize("value, uln, uln_unit, expected", [
    (0.9, 0.6, "ukat/L", "PASS"),  # 1.5 × ULN
    (1.5, 0.6, "ukat/L", "PASS"),  # 2.5 × ULN exactly
    (1.51, 0.6, "ukat/L", "FAIL"),
    (0.9, 35, "U/L", "PASS"),  # 54 / 35 = 1.54
    (1.5, 36, "U/L", "PASS"),  # 90 / 36 = 2.5
    (1.6, 35, "U/L", "FAIL"),  # 96 / 35 = 2.74
])
def test_alt_in_microkatal_is_judged_against_the_uln_in_its_own_unit(value, uln, uln_unit, expected):
    r = result("INC-06a", labs={"alt": {"value": value, "unit": "ukat/L", "uln": uln, "uln_unit": uln_unit}})
    assert r.status.value == expected, r.reason
    note = r.evidence[0].note
    assert f"ULN {uln:g} {UNIT_LABELS[uln_unit]}" in note
    if uln_unit == "ukat/L":
        assert f"= {uln * 60:g} U/L" in note


def test_a_saved_bilirubin_uln_in_the_wrong_unit_never_passes():
    """Rows saved before limits were checked: the engine refuses the ratio instead of 0.02 × ULN."""
    r = result("INC-06c", labs={"tbil": {"value": 0.5, "unit": "mg/dL", "uln": 21}})
    assert r.status.value == "INCOMPLETE"
    assert "ULN 21 mg/dL is not a plausible upper limit; did you mean µmol/L?" in r.reason
    assert result("INC-06c", labs={"tbil": {"value": 0.5, "unit": "mg/dL", "uln": 21, "uln_unit": "umol/L"}}
                  ).status.value == "PASS"


def test_creatinine_in_mmol_per_l_feeds_cockcroft_gault():
    umol = result("INC-05a", labs={"creatinine": {"value": 70, "unit": "umol/L", "uln": 97}})
    mmol = result("INC-05a", labs={"creatinine": {"value": 0.07, "unit": "mmol/L", "uln": 0.097}})
    assert mmol.status == umol.status and mmol.evidence[0].value == umol.evidence[0].value
    assert lab("hb", 1, "g/L")["sample_date"] == SCR


# ---------------------------------------------------------------- the import: the same path


def import_payload(site, user, labs):
    """A complete SLE record as exported (created at `site`), its labs replaced by `labs` and renumbered
    for site B01."""
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site, user, values, data))
    replaced = {row["analyte"] for row in labs}
    scr = values["screening_date"].isoformat()
    item["labs"] = [row for row in item["labs"] if row["analyte"] not in replaced]
    item["labs"] += [{"sample_date": scr, **row} for row in labs]
    item["screening_number"] = "B01-0100"
    item.pop("site", None)
    return {"format": "trialsite-screening/2", "records": [item]}


def run_import(tmp_path, payload):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(payload, default=str))
    out = StringIO()
    try:
        call_command("import_screenings", str(path), "--site", "B01", "--user", "imp", stdout=out)
    except CommandError as error:  # a record was refused
        return out.getvalue() + str(error)
    return out.getvalue()


@pytest.fixture
def importer(make_user, site_b):
    return make_user(INVESTIGATOR, site_b, username="imp")


@pytest.fixture
def payload(site_a, coordinator, investigator, importer):
    def make(labs):
        return import_payload(site_a, investigator, labs)
    return make


def imported(site_b):
    return ScreeningRecord.objects.get(site=site_b)


def test_an_import_with_values_as_printed_decides_as_the_checklist_says(tmp_path, payload, site_b):
    payload = payload([
        {"analyte": "hb", "value": 7.0, "unit": "mmol/L", "lln": 7.4, "uln": 9.9},
        {"analyte": "alt", "value": 0.9, "unit": "ukat/L", "uln": 0.58},
        {"analyte": "tbil", "value": 0.5, "unit": "mg/dL", "uln": 21, "uln_unit": "umol/L"},
    ])
    out = run_import(tmp_path, payload)
    assert "1 imported" in out, out
    record = imported(site_b)
    alt = LabResult.objects.get(record=record, analyte="alt")
    assert (alt.unit, alt.uln_unit) == ("ukat/L", "")
    results = {r.id: r for r in evaluate_record(record).evaluation.results}
    assert results["INC-04a"].status.value == "PASS"  # 112.77 g/L ≥ 80 g/L
    assert results["INC-06a"].status.value == "PASS"  # 0.9 / 0.58 = 1.55 × ULN ≤ 2.5
    assert results["INC-06c"].status.value == "PASS"  # 8.55 / 21 µmol/L = 0.41 × ULN
    assert "ULN 0.58 µkat/L = 34.8 U/L" in results["INC-06a"].evidence[0].note


def test_an_import_with_alt_above_the_limit_fails_it(tmp_path, payload, site_b):
    payload = payload([{"analyte": "alt", "value": 1.6, "unit": "ukat/L", "uln": 35, "uln_unit": "U/L"}])
    assert "1 imported" in run_import(tmp_path, payload)
    results = {r.id: r for r in evaluate_record(imported(site_b)).evaluation.results}
    assert results["INC-06a"].status.value == "FAIL"  # 96 / 35 = 2.74 × ULN


def test_the_bilirubin_uln_trap_is_refused_by_the_import(tmp_path, payload, site_b):
    payload = payload([{"analyte": "tbil", "value": 0.5, "unit": "mg/dL", "uln": 21}])
    out = run_import(tmp_path, payload)
    assert "refused" in out
    assert "uln / ULN 21 mg/dL is not a plausible upper limit of total bilirubin; did you mean µmol/L?" in out, out
    assert not ScreeningRecord.objects.filter(site=site_b).exists()
    assert not LabResult.objects.filter(record__site=site_b).exists()


def test_an_import_confirms_an_unusual_value_with_value_confirmed(tmp_path, payload, site_b):
    row = {"analyte": "plt", "value": 1200, "unit": "10^9/L", "uln": 350, "lln": 125}
    out = run_import(tmp_path, payload([row]))
    assert "refused" in out and "outside the usual range of platelet count" in out
    out = run_import(tmp_path, payload([{**row, "value_confirmed": True}]))
    assert "1 imported" in out, out
    assert LabResult.objects.get(analyte="plt", record__site=site_b).value_confirmed is True


# ---------------------------------------------------------------- body weight as printed

MIGRATION = importlib.import_module("screening.migrations.0015_lab_units")


@pytest.mark.parametrize("weight, unit, kg", [(62, "kg", 62), (154, "lb", 69.85322498), (44.1, "lb", 20.0034235)])
def test_cockcroft_gault_reads_the_weight_in_kg_whatever_its_unit(weight, unit, kg):
    r = result("INC-05a", organ={"weight": weight, "weight_unit": unit})
    shown = next(e for e in r.evidence if e.label == "Actual body weight")
    assert shown.unit == "kg" and shown.value == pytest.approx(kg, abs=0.001)
    assert ("reported as" in shown.note) == (unit == "lb")


def test_a_weight_without_its_unit_is_missing_data():
    r = result("INC-05a", organ={"weight": 62, "weight_unit": ""})
    assert r.status.value == "INCOMPLETE" and "organ.weight_unit" in r.missing


def organ_form(record, **values):
    form_class = section_form_class(BY_KEY["organ"])
    return form_class(values, instance=OrganFunction(record=record), record=record)


@pytest.mark.parametrize("weight, unit, ok", [
    ("20", "kg", True), ("19.9", "kg", False), ("300", "kg", True), ("300.1", "kg", False),
    ("44.1", "lb", True), ("44", "lb", False), ("661.3", "lb", True), ("661.5", "lb", False),
])
def test_a_weight_is_checked_in_kg_on_both_sides(record_a, weight, unit, ok):
    form = organ_form(record_a, weight=weight, weight_unit=unit)
    assert form.is_valid() == ok, form.errors
    if not ok:
        assert "a body weight is 20–300 kg" in form.errors["weight"][0]


def test_a_weight_needs_its_unit(record_a):
    form = organ_form(record_a, weight="70")
    assert form.errors["weight_unit"] == ["Choose the unit the weight is printed in (kg or lb)."]
    assert organ_form(record_a, weight="154", weight_unit="lb").is_valid()


def test_saved_weights_get_their_unit_kg_with_a_history_row(site_a, coordinator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data)
    OrganFunction.objects.filter(record=record).update(weight_unit="")  # as the renamed column holds it
    version = OrganFunction.objects.get(record=record).version
    MIGRATION.units_given(apps, None)
    organ = OrganFunction.objects.get(record=record)
    assert (organ.weight, organ.weight_unit, organ.version) == (62, "kg", version + 1)
    latest = organ.history.latest()
    assert latest.history_change_reason.startswith("CRF version 2: ") and latest.history_user is None
    assert latest.weight_unit == "kg" and "body weight is recorded with its unit, kg" in latest.history_change_reason
    rows = organ.history.count()
    MIGRATION.units_given(apps, None)  # run again: nothing left to change, no row
    assert organ.history.count() == rows


# ---------------------------------------------------------------- VAS as measured


@pytest.mark.parametrize("measured, unit, expected", [
    (2.0, "cm", "PASS"), (1.9, "cm", "FAIL"), (20, "mm", "PASS"), (19, "mm", "FAIL"),
])
def test_a_vas_in_mm_is_judged_in_cm(measured, unit, expected):
    # INC-IIM-03 counts a VAS ≥ 2 cm; reference §3.13: ≥ 2 means ≥ 20 mm.
    # The patient global is met; the physician global, in the tested unit, decides (every other normal).
    iim = {"patient_global": 5.0, "extramuscular_global": 0.0, "haq_di": 0.0,
           "physician_global": measured, "physician_global_unit": unit}
    normal = {"ck": {"value": 100}, "ldh": {"value": 100}, "aldolase": {"value": 5}}
    r = result("INC-IIM-03", "IIM", iim=iim, labs=normal)
    assert r.status.value == expected, r.reason
    shown = next(e for e in r.evidence if e.label == "Physician global activity VAS")
    assert shown.unit == "cm" and shown.value == pytest.approx(measured * (0.1 if unit == "mm" else 1))


def test_a_vas_without_its_unit_is_missing():
    iim = {"patient_global": 5.0, "patient_global_unit": "", "physician_global": 5.0, "extramuscular_global": 0.0,
           "haq_di": 0.0}
    r = result("INC-IIM-03", "IIM", iim=iim, labs={"ck": {"value": 100}, "ldh": {"value": 100}, "aldolase": {"value": 5}})
    assert r.status.value == "INCOMPLETE" and r.missing == ("iim.patient_global_unit",)


@pytest.mark.parametrize("measured, unit, ok", [
    ("10", "cm", True), ("10.1", "cm", False), ("100", "mm", True), ("100.1", "mm", False), ("0", "mm", True),
])
def test_a_vas_is_checked_on_its_line(site_a, coordinator, measured, unit, ok):
    values, data = complete_record_data("IIM")
    record = create_record(site_a, coordinator, values, data)
    form = section_form_class(BY_KEY["iim"])(
        {"patient_global": measured, "patient_global_unit": unit}, instance=IimSection(record=record), record=record)
    form.is_valid()
    assert ("patient_global" not in form.errors) == ok, form.errors
    form = section_form_class(BY_KEY["iim"])({"patient_global": "5"}, instance=IimSection(record=record), record=record)
    form.is_valid()
    assert form.errors["patient_global_unit"] == ["Choose the unit the VAS was measured in (cm or mm)."]


def test_saved_vas_get_their_unit_cm_with_a_history_row(site_a, coordinator):
    values, data = complete_record_data("IIM")
    record = create_record(site_a, coordinator, values, data)
    IimSection.objects.filter(record=record).update(
        patient_global_unit="", physician_global_unit="", extramuscular_global_unit="")
    MIGRATION.units_given(apps, None)
    iim = IimSection.objects.get(record=record)
    assert (iim.patient_global_unit, iim.physician_global_unit, iim.extramuscular_global_unit) == ("cm",) * 3
    assert "patient global activity VAS is recorded with its unit, cm" in iim.history.latest().history_change_reason


def test_an_import_gives_a_vas_as_value_and_unit(site_a, coordinator):
    from screening.exchange.format import unwrap_units

    plain, errors = unwrap_units(IimSection, {"patient_global": {"value": 25, "unit": "mm"}, "haq_di": 1})
    assert errors == [] and plain == {"patient_global": 25, "patient_global_unit": "mm", "haq_di": 1}
