"""Issue 17, done when: a record whose every value is copied as the source prints it — Hb 7.0 mmol/L,
ALT 0.9 µkat/L, ANA 1:160, prednisone 5 mg twice daily, a dated acute MI, a cured basal cell
carcinoma — imports, and every criterion decides as docs/../eligibility-checklist.md says; the
bilirubin ULN copied from a µmol/L report beside a mg/dL value is refused in the import report.

Every expected status below is worked out from the checklist for these values (see the comments),
not read from the engine."""

import datetime
import json

import pytest

from screening.calculators.dates import add_months
from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.exchange.importing import import_records
from screening.models import LabResult, Malignancy, Medication, ScreeningRecord
from screening.models.sites import COORDINATOR, INVESTIGATOR

from .as_printed import ALT, BCC, EXPECTED, HB, JUDGED, TBIL, TBIL_TRAP


def as_printed(site, user, mi_date=None, labs=(HB, ALT, TBIL)):
    """A complete SLE record exported, with the values replaced by the ones the source prints."""
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site, user, values, data, judged_by=user))
    del item["screening_number"]
    scr = values["screening_date"]
    replaced = {row["analyte"] for row in labs}
    item["labs"] = [row for row in item["labs"] if row["analyte"] not in replaced]
    item["labs"] += [{"sample_date": scr.isoformat(), "not_done": False, **row} for row in labs]
    item["sections"]["sle"].update(ana_test="titre", ana_titre=160, ana_lab_cutoff=80)
    [prednisone] = [m for m in item["medications"] if m["drug"] == "prednisone"]
    prednisone.update(dose=5, dose_unit="mg", frequency="twice_daily")
    mi_date = mi_date or add_months(scr, -15)
    item["sections"]["history"].update(myocardial_infarction_ever="yes", myocardial_infarction_date=mi_date.isoformat(),
                                       malignancy="yes")
    item["malignancies"] = [dict(BCC)]
    return scr, item


def import_one(site, user, item, name="as-printed.json"):
    [report] = import_records(json.dumps({"format": "trialsite-screening/2", "records": [item]}, default=str),
                              site, user, name)
    return report


def statuses(evaluation):
    return {r.id: r.status.value for r in evaluation.results}


@pytest.fixture
def importer(make_user, site_a):
    return make_user(INVESTIGATOR, site_a, username="imp")


def test_the_as_printed_record_imports_and_every_criterion_decides_as_the_checklist_says(site_a, importer):
    scr, item = as_printed(site_a, importer)
    report = import_one(site_a, importer, item)
    assert report.outcome == "created", report.lines()
    record = ScreeningRecord.objects.get(screening_number=report.screening_number)

    # Stored as printed: value and unit, limits in their own unit, dose and frequency, the MI date, the row.
    labs = {lab.analyte: lab for lab in LabResult.objects.filter(record=record)}
    assert (float(labs["hb"].value), labs["hb"].unit, float(labs["hb"].lln), float(labs["hb"].uln)) == (7.0, "mmol/L", 7.4, 9.9)
    assert (float(labs["alt"].value), labs["alt"].unit, float(labs["alt"].uln), labs["alt"].uln_unit) == (0.9, "ukat/L", 35, "U/L")
    assert (labs["tbil"].unit, labs["tbil"].uln_unit) == ("mg/dL", "umol/L")
    prednisone = Medication.objects.get(record=record, drug="prednisone")
    assert (prednisone.dose, prednisone.frequency) == (5, "twice_daily")
    assert Malignancy.objects.get(record=record).kind == "nmsc"
    assert record.slesection.ana_titre == 160
    assert record.medicalhistory.myocardial_infarction_date == add_months(scr, -15)

    evaluation = evaluate_record(record).evaluation
    assert statuses(evaluation) == EXPECTED
    assert evaluation.overall == "ELIGIBLE"

    # The evidence shows each conversion as printed.
    hb = evaluation.by_id("INC-04a").evidence[0]
    assert (hb.unit, round(hb.value, 2)) == ("g/L", 112.77)
    assert "reported as 7 mmol/L (× 16.11)" in hb.note
    alt = evaluation.by_id("INC-06a").evidence[0]
    assert alt.unit == "U/L" and alt.value == pytest.approx(54)
    assert "reported as 0.9 µkat/L" in alt.note and "ULN 35 U/L" in alt.note
    tbil = evaluation.by_id("INC-06c").evidence[0]
    assert tbil.value == pytest.approx(8.55) and "ULN 21 µmol/L" in tbil.note
    for ident in ("EXC-04", "EXC-10b", "EXC-11"):
        shown = [e.value for e in evaluation.by_id(ident).evidence]
        assert "Prednisone 5 mg twice daily = 10 mg/day prednisone equivalent" in shown, ident
    mi = add_months(scr, -15)
    exc05 = evaluation.by_id("EXC-05")
    [most_recent] = [e for e in exc05.evidence if e.label == "Most recent acute myocardial infarction"]
    assert most_recent.date == mi
    assert most_recent.note == (f"is more than 6 calendar months before SCR {scr.isoformat()} "
                                f"(before {add_months(scr, -6).isoformat()})")
    ana = " ".join(f"{e.label}: {e.value} {e.note or ''}" for e in evaluation.by_id("INC-SLE-01").evidence)
    assert "1:160" in ana, ana
    exc08 = evaluation.by_id("EXC-08")
    assert any("Basal cell carcinoma, left cheek" in str(e.value) for e in exc08.evidence)


@pytest.mark.parametrize("months_before, days_more, expected", [
    (15, 0, "PASS"),  # well before the window
    (6, 1, "PASS"),  # SCR − 6 months − 1 day: just before the window
    (6, 0, "FAIL"),  # SCR − 6 calendar months: the first day of "within 6 months before SCR"
    (2, 0, "FAIL"),  # well inside
    (0, 0, "FAIL"),  # on SCR itself
])
def test_the_acute_mi_date_decides_exc_05_on_both_sides_of_the_window(site_a, importer, months_before, days_more,
                                                                      expected):
    values, _data = complete_record_data("SLE")
    mi = add_months(values["screening_date"], -months_before) - datetime.timedelta(days=days_more)
    scr, item = as_printed(site_a, importer, mi_date=mi)
    report = import_one(site_a, importer, item)
    assert report.outcome == "created", report.lines()
    evaluation = evaluate_record(ScreeningRecord.objects.get(screening_number=report.screening_number)).evaluation
    got = statuses(evaluation)
    assert got == {**EXPECTED, "EXC-05": expected}
    assert evaluation.overall == ("ELIGIBLE" if expected == "PASS" else "NOT_ELIGIBLE")
    [most_recent] = [e for e in evaluation.by_id("EXC-05").evidence if e.label == "Most recent acute myocardial infarction"]
    assert most_recent.date == mi
    inside = f"is within 6 calendar months before SCR {scr.isoformat()} (from {add_months(scr, -6).isoformat()})"
    assert (most_recent.note == inside) == (expected == "FAIL") and mi <= scr


def test_without_the_investigators_answers_the_judgement_items_await_them(site_a, make_user, importer):
    coordinator = make_user(COORDINATOR, site_a, username="coimp")
    _scr, item = as_printed(site_a, importer)
    del item["sections"]["judgement"]
    report = import_one(site_a, coordinator, item)
    assert report.outcome == "created", report.lines()
    evaluation = evaluate_record(ScreeningRecord.objects.get(screening_number=report.screening_number)).evaluation
    assert statuses(evaluation) == {**EXPECTED, **{ident: "AWAITING_INVESTIGATOR" for ident in JUDGED}}
    assert evaluation.overall == "INCOMPLETE"


def test_the_bilirubin_uln_trap_is_refused_in_the_import_report(site_a, importer):
    _scr, item = as_printed(site_a, importer, labs=(HB, ALT, TBIL_TRAP))
    before = ScreeningRecord.objects.count()
    report = import_one(site_a, importer, item, name="trap.json")
    assert report.outcome == "refused"
    lines = "\n".join(report.lines())
    assert "ULN 21 mg/dL is not a plausible upper limit of total bilirubin; did you mean µmol/L?" in lines, lines
    [error] = [e for e in report.errors if "did you mean µmol/L?" in e.message]
    assert error.field == "uln" and error.section.startswith("labs[")
    # Nothing of the refused record is saved.
    assert ScreeningRecord.objects.count() == before
    assert not LabResult.objects.filter(record__site=site_a, analyte="tbil", unit="mg/dL").exists()


@pytest.mark.parametrize("titre, expected", [(160, "PASS"), (80, "PASS"), (40, "FAIL")])
def test_the_ana_titre_as_printed_decides_the_entry_criterion_on_both_sides(site_a, importer, titre, expected):
    # INC-SLE-01: ANA ≥ 1:80 is the EULAR/ACR entry criterion; 1:40 is below it, whatever the rest scores.
    _scr, item = as_printed(site_a, importer)
    item["sections"]["sle"]["ana_titre"] = titre
    report = import_one(site_a, importer, item)
    assert report.outcome == "created", report.lines()
    evaluation = evaluate_record(ScreeningRecord.objects.get(screening_number=report.screening_number)).evaluation
    assert statuses(evaluation) == {**EXPECTED, "INC-SLE-01": expected}
    assert (f"ANA 1:{titre}" in evaluation.by_id("INC-SLE-01").reason) == (expected == "FAIL")
