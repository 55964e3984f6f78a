"""CRF version 2, rows where the source has several (issue 17, part): malignancies, HBV DNA results and
cell or gene therapies are row tables the engine reads; the myopathy's kind and the allergy's agent are
text the investigator judges. Version 1 answers are migrated to rows with their history (migration
0014_history_rows) and version 1 import keys are refused one by one."""

import datetime
import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.exchange.importing import import_records
from screening.exchange.loader import LoadFailed, load_sections
from screening.models import CellTherapy, HbvDnaTest, InfectionScreen, Malignancy, MedicalHistory, ScreeningRecord
from screening.models.sites import INVESTIGATOR

from .eligibility.builders import SCR, cell_therapy, days, hbv, malignancy, months, result, status
from .pages import page_data

MIGRATION = importlib.import_module("screening.migrations.0014_history_rows")
CUTOFF = months(-24)  # SCR − 24 calendar months: a last treatment on this day is "at least 2 years before SCR"
HISTORY_YES = {"malignancy": True}
ANTI_HBC = {"anti_hbc": "positive"}

# ------------------------------------------------------------------ EXC-08, malignancy rows


@pytest.mark.parametrize("answer, expected, missing", [
    (False, "PASS", ()),
    (None, "INCOMPLETE", ("history.malignancy",)),
    (True, "INCOMPLETE", ("malignancies",)),  # yes and no row: the rows are needed
])
def test_exc_08_the_answer_without_rows(answer, expected, missing):
    r = result("EXC-08", history={"malignancy": answer})
    assert (r.status, r.missing) == (expected, missing)


@pytest.mark.parametrize("row, expected", [
    # The done criterion of the issue: a cured basal cell carcinoma is the allowed exception.
    (malignancy("nmsc", "resected_cured", last=months(-3)), "PASS"),
    # Non-melanoma skin cancer not resected and cured: the general rule (recovered, last treatment ≥ 2 years).
    (malignancy("nmsc", "recovered", last=CUTOFF), "PASS"),
    (malignancy("nmsc", "recovered", last=days(1, CUTOFF)), "FAIL"),
    (malignancy("nmsc", "active"), "FAIL"),
    (malignancy("nmsc", "unknown"), "INCOMPLETE"),
    # The in situ and low-stage kinds are allowed whatever their course.
    (malignancy("cervical_cis", "active"), "PASS"),
    (malignancy("dcis", "unknown"), "PASS"),
    (malignancy("prostate_localised", None), "PASS"),
    (malignancy("bladder_low_stage", "active"), "PASS"),
    (malignancy("prostate_other", "active"), "FAIL"),
    (malignancy("bladder_other", "recovered", last=days(1, CUTOFF)), "FAIL"),
    # Any other malignancy: recovered, no recurrence, no treatment needed, last treatment on or before SCR − 24 months.
    (malignancy("breast", "recovered", last=CUTOFF), "PASS"),
    (malignancy("breast", "recovered", last=days(1, CUTOFF)), "FAIL"),
    (malignancy("breast", "resected_cured", last=days(-1, CUTOFF)), "PASS"),
    (malignancy("lymphoma", "resected_cured", last=days(1, CUTOFF)), "FAIL"),
    (malignancy("melanoma", "resected_cured"), "INCOMPLETE"),  # the last treatment's date is needed
    (malignancy("unspecified", "recovered", last=months(-60)), "PASS"),
    (malignancy("unspecified", "recovered"), "INCOMPLETE"),
    (malignancy("colorectal", "active", last=months(-60)), "FAIL"),
    (malignancy("lung", None, last=months(-60)), "INCOMPLETE"),
])
def test_exc_08_each_row_decides_by_type_status_and_last_treatment(row, expected):
    r = result("EXC-08", history=HISTORY_YES, malignancies=[row])
    assert r.status == expected
    if expected == "INCOMPLETE":
        assert r.missing == ("malignancies",)


def test_exc_08_the_evidence_shows_the_row_with_its_type_and_dates():
    r = result("EXC-08", history=HISTORY_YES, malignancies=[
        malignancy("nmsc", "resected_cured", last=months(-3), diagnosed=months(-4)),
        malignancy("other", "recovered", last=days(1, CUTOFF), diagnosed=months(-40), description="Thyroid carcinoma"),
    ])
    assert r.status == "FAIL" and "Thyroid carcinoma" in r.reason and days(1, CUTOFF).isoformat() in r.reason
    [skin, thyroid] = [e for e in r.evidence if e.label == "Malignancy"]
    assert skin.value.startswith("Non-melanoma skin cancer") and skin.date == months(-4)
    assert "Resected and cured" in skin.note and months(-3).isoformat() in skin.note
    assert thyroid.value == "Other (describe): Thyroid carcinoma" and thyroid.date == months(-40)
    limit = next(e for e in r.evidence if e.label == "Last treatment")
    assert limit.note == f"must be on or before {CUTOFF.isoformat()}"


def test_exc_08_one_excluding_row_excludes_and_one_open_row_keeps_it_open():
    cured = malignancy("nmsc", "resected_cured")
    assert status("EXC-08", history=HISTORY_YES, malignancies=[cured, malignancy("breast", "active")]) == "FAIL"
    assert status("EXC-08", history=HISTORY_YES, malignancies=[cured, malignancy("breast", None)]) == "INCOMPLETE"
    assert status("EXC-08", history=HISTORY_YES, malignancies=[cured, malignancy("dcis", None)]) == "PASS"


def test_exc_08_rows_without_the_answer_or_against_it_never_pass():
    cured = malignancy("nmsc", "resected_cured")
    assert result("EXC-08", history={"malignancy": None}, malignancies=[cured]).missing == ("history.malignancy",)
    contradicted = result("EXC-08", history={"malignancy": False}, malignancies=[cured])
    assert contradicted.status == "INCOMPLETE" and "answered No" in contradicted.reason
    # A row that excludes excludes whatever the answer.
    assert status("EXC-08", history={"malignancy": False}, malignancies=[malignancy("lung", "active")]) == "FAIL"
    assert status("EXC-08", history={"malignancy": None}, malignancies=[malignancy("lung", "active")]) == "FAIL"


def test_exc_08_counts_calendar_months_from_scr():
    """SCR 2026-11-02: the limit is 2024-11-02, not 730 days before."""
    assert CUTOFF == datetime.date(2024, 11, 2) and SCR == datetime.date(2026, 11, 2)
    r = result("EXC-08", history=HISTORY_YES, malignancies=[malignancy("breast", "recovered", last=CUTOFF)])
    assert r.status == "PASS" and "at least 24 months before SCR" in r.reason


# ------------------------------------------------------------------ EXC-12, HBV DNA rows


@pytest.mark.parametrize("rows, expected", [
    ([], "INCOMPLETE"),
    ([hbv("not_detected")], "PASS"),
    ([hbv("below_lloq", lloq=20, unit="IU/mL")], "PASS"),
    ([hbv("above_lloq")], "FAIL"),
    ([hbv("not_done")], "INCOMPLETE"),
    # A quantified value against its own row's lower limit: above it excludes, equal to it does not.
    ([hbv("quantified", 21, "IU/mL", 20)], "FAIL"),
    ([hbv("quantified", 20, "IU/mL", 20)], "PASS"),
    ([hbv("quantified", 19.99, "IU/mL", 20)], "PASS"),
    # copies/mL compared in copies/mL: no conversion (assay-dependent factor, no IU/mL threshold in the checklist).
    ([hbv("quantified", 117, "copies/mL", 116)], "FAIL"),
    ([hbv("quantified", 116, "copies/mL", 116)], "PASS"),
    ([hbv("quantified", 50, "IU/mL", None)], "INCOMPLETE"),  # nothing to compare with
    # A result above the lower limit excludes whatever its date, beside a later clear one.
    ([hbv("quantified", 300, "IU/mL", 20, day=months(-6)), hbv("not_detected")], "FAIL"),
    ([hbv("not_detected"), hbv("quantified", 50, "IU/mL", None)], "INCOMPLETE"),
    ([hbv("not_done"), hbv("not_detected")], "PASS"),
])
def test_exc_12_hbv_dna_decides_when_anti_hbc_is_positive(rows, expected):
    r = result("EXC-12", infection=ANTI_HBC, hbv_dna_tests=rows)
    assert r.status == expected
    if expected == "INCOMPLETE":
        assert r.missing == ("hbv_dna_tests",)


def test_exc_12_hbv_dna_is_not_read_when_anti_hbc_is_negative():
    assert status("EXC-12", hbv_dna_tests=[hbv("above_lloq")]) == "PASS"


def test_exc_12_the_evidence_shows_value_unit_limit_and_date():
    r = result("EXC-12", infection=ANTI_HBC, hbv_dna_tests=[hbv("quantified", 250, "copies/mL", 116, day=days(-3))])
    assert "250 copies/mL, lower limit 116" in r.reason
    shown = next(e for e in r.evidence if e.label == "HBV DNA")
    assert (shown.value, shown.unit, shown.date) == ("250", "copies/mL", days(-3))
    assert shown.note == "lower limit of quantification 116 copies/mL"


# ------------------------------------------------------------------ EXC-10a, cell and gene therapies


@pytest.mark.parametrize("answer, rows, expected", [
    (False, [], "PASS"),
    (True, [], "FAIL"),
    (None, [], "INCOMPLETE"),
    (False, [cell_therapy("car_t", months(-30))], "FAIL"),  # a recorded therapy excludes whatever the answer
    (None, [cell_therapy("hsct_autologous")], "FAIL"),
    (True, [cell_therapy("hsct_allogeneic", months(-100))], "FAIL"),
    (False, [cell_therapy("other_cell", months(-5), "CAR-NK")], "FAIL"),
    (False, [cell_therapy("gene", months(-5), "onasemnogene")], "PASS"),  # not a cell therapy
    (None, [cell_therapy("gene", months(-5))], "INCOMPLETE"),
])
def test_exc_10a_cell_therapy(answer, rows, expected):
    assert status("EXC-10a", history={"prior_cell_therapy": answer}, cell_therapies=rows) == expected


def test_exc_10a_the_evidence_shows_kind_product_and_date():
    r = result("EXC-10a", history={"prior_cell_therapy": True},
               cell_therapies=[cell_therapy("car_t", months(-30), "tisagenlecleucel"), cell_therapy("gene", months(-2))])
    assert r.reason == f"CAR-T cell therapy on {months(-30).isoformat()}."
    car_t, gene = [e for e in r.evidence if e.label == "Therapy"]
    assert (car_t.value, car_t.date, car_t.note) == ("CAR-T cell therapy", months(-30), "tisagenlecleucel")
    assert gene.note == "not a cell therapy: does not exclude"


# ------------------------------------------------------------------ EXC-07 and EXC-09: text the investigator judges


def test_exc_07_the_kind_goes_to_the_investigator():
    assert status("EXC-07", history={"non_iim_myopathy": False}) == "PASS"
    no_kind = result("EXC-07", history={"non_iim_myopathy": True})
    assert no_kind.status == "INCOMPLETE" and "history.non_iim_myopathy_kind" in no_kind.missing
    asked = result("EXC-07", history={"non_iim_myopathy": True, "non_iim_myopathy_kind": "Statin myopathy"})
    assert asked.status == "AWAITING_INVESTIGATOR" and asked.missing == ("judgement.myopathy_excluded",)
    assert any(e.label == "Kind of myopathy (as recorded)" and e.value == "Statin myopathy" for e in asked.evidence)
    judged = {"non_iim_myopathy": True, "non_iim_myopathy_kind": "Statin myopathy"}
    assert status("EXC-07", history=judged, judgement={"myopathy_excluded": True}) == "FAIL"
    assert status("EXC-07", history=judged, judgement={"myopathy_excluded": False}) == "PASS"
    # An investigator's exclusion stands even before the kind is written down.
    assert status("EXC-07", history={"non_iim_myopathy": True}, judgement={"myopathy_excluded": True}) == "FAIL"


def test_exc_09_an_allergy_agent_goes_to_the_investigator():
    assert status("EXC-09") == "PASS"  # no agent, both answered No
    asked = result("EXC-09", history={"allergy_agent": "Human albumin"})
    assert asked.status == "AWAITING_INVESTIGATOR" and asked.missing == ("judgement.allergy_excluded",)
    assert any(e.label == "Allergy agent (as recorded)" and e.value == "Human albumin" for e in asked.evidence)
    assert status("EXC-09", history={"allergy_agent": "Human albumin"}, judgement={"allergy_excluded": True}) == "FAIL"
    assert status("EXC-09", history={"allergy_agent": "Penicillin"}, judgement={"allergy_excluded": False}) == "PASS"
    drug = result("EXC-09", history={"allergy_study_drugs": True, "allergy_agent": "Cyclophosphamide"})
    assert drug.status == "FAIL" and any(e.value == "Cyclophosphamide" for e in drug.evidence)
    assert status("EXC-09", history={"severe_allergic_reaction": None, "allergy_agent": "Penicillin"}) == "INCOMPLETE"


# ------------------------------------------------------------------ forms and posts


def load(record, user, **data):
    return load_sections(record, {"sections": {}, **data}, user, "test")


def errors_of(record, user, **data):
    with pytest.raises(LoadFailed) as failed:
        load(record, user, **data)
    return {(e.section, e.field): e.message for e in failed.value.errors}


def test_a_malignancy_row_needs_its_type_a_status_and_a_description_for_other(record_a, coordinator):
    errors = errors_of(record_a, coordinator, malignancies=[{"kind": "other", "disease_status": ""}])
    assert set(errors) == {("malignancies[0]", "description"), ("malignancies[0]", "disease_status")}
    errors = errors_of(record_a, coordinator, malignancies=[
        {"kind": "breast", "disease_status": "recovered", "diagnosis_date": "2020-05-01", "last_treatment_date": "2020-04-01"}])
    assert errors == {("malignancies[0]", "last_treatment_date"): "The last treatment is dated before the diagnosis."}
    assert ("malignancies[0]", "kind") in errors_of(record_a, coordinator, malignancies=[{"kind": "sarcomaX", "disease_status": "active"}])


@pytest.mark.parametrize("row, field", [
    ({"result": "quantified"}, "value"),
    ({"result": "not_detected", "value": 10, "unit": "IU/mL"}, "value"),
    ({"result": "quantified", "value": 10}, "unit"),
    ({"result": "below_lloq", "lloq": 20}, "unit"),
    ({"result": "quantified", "value": -1, "unit": "IU/mL"}, "value"),
    ({"result": "quantified", "value": 10, "unit": "log IU/mL"}, "unit"),
    ({"result": "quantified", "value": "1" * 12, "unit": "IU/mL"}, "value"),  # too many digits: refused, no 500
    ({"result": "detected"}, "result"),  # the version 1 code is not a result
])
def test_an_hbv_dna_row_refuses_what_contradicts_itself(record_a, coordinator, row, field):
    errors = errors_of(record_a, coordinator, hbv_dna_tests=[{"sample_date": record_a.screening_date, **row}])
    assert ("hbv_dna_tests[0]", field) in errors
    assert not HbvDnaTest.objects.exists()


def test_an_hbv_dna_row_needs_its_sample_date(record_a, coordinator):
    assert ("hbv_dna_tests[0]", "sample_date") in errors_of(record_a, coordinator,
                                                             hbv_dna_tests=[{"result": "not_detected"}])
    load(record_a, coordinator, hbv_dna_tests=[{"sample_date": record_a.screening_date, "result": "quantified",
                                                "value": 1200, "unit": "copies/mL", "lloq": 116}])
    assert str(HbvDnaTest.objects.get()) == f"HBV DNA 1200 copies/mL on {record_a.screening_date.isoformat()}"


def test_another_sites_row_id_forged_into_a_post_is_refused(client, coordinator, record_a, record_b):
    theirs = Malignancy.objects.create(record=record_b, kind="lung", disease_status="active")
    their_hbv = HbvDnaTest.objects.create(record=record_b, result="above_lloq", sample_date=record_b.screening_date)
    client.force_login(coordinator)
    for key, prefix, row, fields in (
        ("history", "malignancy", theirs, {"kind": "nmsc", "disease_status": "resected_cured"}),
        ("infection", "hbvdnatest", their_hbv, {"result": "not_detected", "sample_date": record_a.screening_date}),
    ):
        url = reverse("section_edit", args=[record_a.pk, key])
        data = page_data(client.get(url))
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-0-id": str(row.pk),
                     f"{prefix}-0-version": "1", **{f"{prefix}-0-{k}": str(v) for k, v in fields.items()}})
        response = client.post(url, data)
        assert response.status_code == 200
        assert "This row is not one of this record&#x27;s rows" in response.content.decode()
    theirs.refresh_from_db()
    their_hbv.refresh_from_db()
    assert (theirs.record_id, theirs.kind, theirs.disease_status) == (record_b.pk, "lung", "active")
    assert (their_hbv.record_id, their_hbv.result) == (record_b.pk, "above_lloq")
    assert not Malignancy.objects.filter(record=record_a).exists() and not HbvDnaTest.objects.filter(record=record_a).exists()


# ------------------------------------------------------------------ the done criterion, by import


def _import(site, user, item):
    return import_records(json.dumps({"format": "trialsite-screening/2", "records": [item]}), site, user, "f.json")


@pytest.mark.parametrize("status_, expected", [("resected_cured", "PASS"), ("active", "FAIL")])
def test_a_cured_basal_cell_carcinoma_imported_decides_exc_08(site_a, make_user, status_, expected):
    user = make_user(INVESTIGATOR, site_a, username="imp")
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site_a, user, values, data))
    del item["screening_number"]
    item["sections"]["history"]["malignancy"] = "yes"
    item["malignancies"] = [{"kind": "nmsc", "description": "Basal cell carcinoma, left cheek",
                             "disease_status": status_,
                             "diagnosis_date": "2025-03-10", "last_treatment_date": "2025-04-02"}]
    [report] = _import(site_a, user, item)
    assert report.outcome == "created", report.lines()
    record = ScreeningRecord.objects.get(screening_number=report.screening_number)
    verdict = evaluate_record(record).evaluation.by_id("EXC-08")
    assert verdict.status == expected
    assert any("Basal cell carcinoma" in str(e.value) and e.date == datetime.date(2025, 3, 10) for e in verdict.evidence)
    # The rows travel: the export gives them back as imported.
    assert record_data(record)["malignancies"] == [{**item["malignancies"][0]}]


def test_version_1_keys_are_refused_one_by_one_with_what_replaced_them(site_a, make_user):
    user = make_user(INVESTIGATOR, site_a, username="imp")
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site_a, user, values, data))
    del item["screening_number"]
    item["sections"]["history"].update({"malignancy": "yes", "malignancy_exception": "nmsc",
                                        "malignancy_recovered": "yes", "malignancy_last_treatment": "2020-01-01"})
    item["sections"]["infection"]["hbv_dna"] = "not_detected"
    [report] = _import(site_a, user, item)
    assert report.outcome == "refused"
    found = {(e.section, e.field): e.message for e in report.errors}
    assert set(found) == {("history", "malignancy_exception"), ("history", "malignancy_recovered"),
                          ("history", "malignancy_last_treatment"), ("infection", "hbv_dna")}
    assert "row of malignancies" in found[("history", "malignancy_exception")]
    assert "hbv_dna_tests (sample_date, result, value, unit, lloq)" in found[("infection", "hbv_dna")]
    assert ScreeningRecord.objects.count() == 1  # only the one created above: nothing of the refused record


# ------------------------------------------------------------------ the migration of version 1 answers


def _v1(record, history=None, infection=None):
    """Version 1 answers, as the kept columns hold them before the data migration: saved (with their
    history row) as version 1 saved them."""
    for model, values in ((MedicalHistory, history), (InfectionScreen, infection)):
        if values:
            instance = model.objects.get(record=record)
            for name, value in values.items():
                setattr(instance, name, value)
            instance.save()


@pytest.fixture
def sle_record(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


def test_a_version_1_skin_cancer_exception_becomes_a_cured_row_with_its_history(sle_record):
    last = datetime.date(2025, 1, 15)
    _v1(sle_record, history={"malignancy": "yes", "malignancy_exception": "nmsc", "malignancy_last_treatment": last})
    before = evaluate_record(sle_record).evaluation.by_id("EXC-08").status  # read without the kept columns
    version = MedicalHistory.objects.get(record=sle_record).version

    MIGRATION.migrate_answers(apps, None)

    history = MedicalHistory.objects.get(record=sle_record)
    assert (history.malignancy_exception, history.malignancy_recovered, history.malignancy_last_treatment) == ("", "", None)
    assert history.malignancy == "yes" and history.version == version + 1
    latest = history.history.latest()
    assert latest.history_type == "~" and latest.history_user is None
    assert latest.history_change_reason.startswith("CRF version 2: the malignancy answers ('malignancy exception' 'nmsc'")
    previous = history.history.order_by("-history_date", "-history_id")[1]
    assert previous.malignancy_exception == "nmsc" and previous.malignancy_last_treatment == last  # kept in the history
    row = Malignancy.objects.get(record=sle_record)
    assert (row.kind, row.disease_status, row.last_treatment_date, row.diagnosis_date) == ("nmsc", "resected_cured", last, None)
    created = row.history.get()
    assert created.history_type == "+" and created.history_change_reason.startswith("CRF version 2: ")
    assert before == "INCOMPLETE"  # yes and, to the version 2 engine, no row yet
    assert evaluate_record(sle_record).evaluation.by_id("EXC-08").status == "PASS"  # as version 1 decided it


@pytest.mark.parametrize("v1, kind, status_, expected", [
    # Version 1 decided PASS (recovered, treated 2020): the row decides the same.
    ({"malignancy": "yes", "malignancy_exception": "none", "malignancy_recovered": "yes",
      "malignancy_last_treatment": datetime.date(2020, 1, 1)}, "unspecified", "recovered", "PASS"),
    # Version 1 FAIL (not recovered): FAIL.
    ({"malignancy": "yes", "malignancy_exception": "none", "malignancy_recovered": "no"}, "unspecified", "active", "FAIL"),
    # "Malignancy: yes" and nothing else: kept as a row of unstated type, INCOMPLETE as before.
    ({"malignancy": "yes"}, "unspecified", "", "INCOMPLETE"),
    # A DCIS exception: PASS as before.
    ({"malignancy": "yes", "malignancy_exception": "dcis"}, "dcis", "", "PASS"),
    # Skin cancer "resected and cured" yet "not recovered": contradictory, left Unknown: INCOMPLETE, never a new PASS.
    ({"malignancy": "yes", "malignancy_exception": "nmsc", "malignancy_recovered": "no"}, "nmsc", "unknown", "INCOMPLETE"),
    # Not answered, with a datum: the row keeps the datum; the engine still needs the answer.
    ({"malignancy": "", "malignancy_exception": "dcis"}, "dcis", "", "INCOMPLETE"),
    # "No" with a stale recovery: the datum is kept as a row, and the contradiction is INCOMPLETE.
    ({"malignancy": "no", "malignancy_recovered": "yes"}, "unspecified", "recovered", "INCOMPLETE"),
])
def test_version_1_malignancy_answers_decide_the_same_or_incomplete(sle_record, v1, kind, status_, expected):
    _v1(sle_record, history=v1)
    MIGRATION.migrate_answers(apps, None)
    row = Malignancy.objects.get(record=sle_record)
    assert (row.kind, row.disease_status) == (kind, status_)
    assert evaluate_record(sle_record).evaluation.by_id("EXC-08").status == expected


def test_a_no_with_none_of_these_makes_no_row_but_is_cleared_with_its_history(sle_record):
    _v1(sle_record, history={"malignancy": "no", "malignancy_exception": "none"})
    MIGRATION.migrate_answers(apps, None)
    history = MedicalHistory.objects.get(record=sle_record)
    assert history.malignancy_exception == "" and not Malignancy.objects.exists()
    assert "'malignancy exception' (answered 'none') is no longer asked" in history.history.latest().history_change_reason
    assert evaluate_record(sle_record).evaluation.by_id("EXC-08").status == "PASS"
    rows = history.history.count()
    MIGRATION.migrate_answers(apps, None)  # run again: nothing left to move, no history row
    assert MedicalHistory.objects.get(record=sle_record).history.count() == rows


@pytest.mark.parametrize("v1, result_, expected", [
    ("detected", "above_lloq", "FAIL"),
    ("not_detected", "not_detected", "PASS"),
    ("not_done", "not_done", "INCOMPLETE"),
])
def test_a_version_1_hbv_dna_answer_becomes_a_row(sle_record, v1, result_, expected):
    _v1(sle_record, infection={"anti_hbc": "positive", "hbv_dna": v1})
    infection = InfectionScreen.objects.get(record=sle_record)
    MIGRATION.migrate_answers(apps, None)
    infection = InfectionScreen.objects.get(record=sle_record)
    assert infection.hbv_dna == ""
    assert f"'HBV DNA' (answered {v1!r}) moved to an HBV DNA result row" in infection.history.latest().history_change_reason
    row = HbvDnaTest.objects.get(record=sle_record)
    assert (row.result, row.sample_date, row.value) == (result_, infection.sample_date, None)
    assert row.history.get().history_type == "+"
    assert evaluate_record(sle_record).evaluation.by_id("EXC-12").status == expected


def test_cell_therapy_answers_are_kept_and_rows_add_to_them(sle_record, coordinator):
    load(sle_record, coordinator, cell_therapies=[{"kind": "car_t", "product": "axicabtagene", "therapy_date": "2023-04-01"}])
    assert MedicalHistory.objects.get(record=sle_record).prior_cell_therapy == "no"
    assert CellTherapy.objects.get(record=sle_record).therapy_date == datetime.date(2023, 4, 1)
    verdict = evaluate_record(sle_record).evaluation.by_id("EXC-10a")
    assert verdict.status == "FAIL" and verdict.reason == "CAR-T cell therapy on 2023-04-01."


def test_the_record_audit_trail_shows_the_version_1_answer_moved_to_a_row(client, sle_record, investigator):
    _v1(sle_record, history={"malignancy": "yes", "malignancy_exception": "dcis"})
    MIGRATION.migrate_answers(apps, None)
    client.force_login(investigator)
    html = client.get(reverse("record_audit", args=[sle_record.pk])).content.decode()
    assert "CRF version 1: malignancy exception" in html  # the cleared column, with its earlier answer
    assert "CRF version 2: the malignancy answers (&#x27;malignancy exception&#x27; &#x27;dcis&#x27;" in html
    assert "Cervical carcinoma in situ" not in html and "Ductal carcinoma in situ" in html
