"""CRF version 2 (issue 17): the events and the ANA result are recorded as data, the forms refuse
what contradicts itself, version 1 answers are migrated with their history, and version 1
import keys are refused one by one with what replaced them."""

import datetime
import importlib
import json

import pytest
from django.apps import apps

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.exchange.importing import import_records
from screening.exchange.loader import LoadFailed, load_sections
from screening.models import MedicalHistory, OrganFunction, PulmonaryPressureReading, SleSection
from screening.models.sites import INVESTIGATOR

MIGRATION = importlib.import_module("screening.migrations.0010_dated_events")


def load(record, user, **data):
    return load_sections(record, {"sections": {}, **data}, user, "test")


def errors_of(record, user, **data):
    with pytest.raises(LoadFailed) as failed:
        load(record, user, **data)
    return {(e.section, e.field): e.message for e in failed.value.errors}


# ------------------------------------------------------------------ forms


@pytest.mark.parametrize("key, ever, day", [
    ("history", "myocardial_infarction_ever", "myocardial_infarction_date"),
    ("sle", "lupus_crisis_ever", "lupus_crisis_date"),
])
def test_an_event_answered_no_cannot_have_a_date(db, record_a, coordinator, key, ever, day):
    when = record_a.screening_date - datetime.timedelta(days=40)
    errors = errors_of(record_a, coordinator, sections={key: {ever: "no", day: when}})
    assert errors == {(key, day): "A date is given but the event is answered No: correct one of them."}
    load(record_a, coordinator, sections={key: {ever: "yes", day: when}})  # the same date with Yes is kept


def test_a_titre_needs_the_hep2_test(record_a, coordinator):
    errors = errors_of(record_a, coordinator, sections={"sle": {"ana_test": "equivalent", "ana_titre": 320}})
    assert list(errors) == [("sle", "ana_titre")] and "HEp-2 immunofluorescence" in errors[("sle", "ana_titre")]


@pytest.mark.parametrize("titre, ok", [(9, False), (10, True), (100000, True), (100001, False), ("1:80", False)])
def test_a_titre_is_the_denominator_within_bounds(record_a, coordinator, titre, ok):
    data = {"sections": {"sle": {"ana_test": "titre", "ana_titre": titre}}}
    if ok:
        load(record_a, coordinator, **data)
        assert SleSection.objects.get(record=record_a).ana_titre == titre
    else:
        assert ("sle", "ana_titre") in errors_of(record_a, coordinator, **data)


def test_a_pressure_reading_needs_its_pressure_and_date(record_a, coordinator):
    errors = errors_of(record_a, coordinator, pap_readings=[{"reading_date": None, "pap": None, "method": "echo"}])
    assert set(errors) == {("pap_readings[0]", "reading_date"), ("pap_readings[0]", "pap")}
    load(record_a, coordinator, pap_readings=[{"reading_date": record_a.screening_date, "pap": 64, "method": "rhc"}])
    assert str(PulmonaryPressureReading.objects.get(record=record_a)).startswith("PAP 64 mmHg on ")


def test_an_earlier_reading_above_60_in_the_year_excludes(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    scr = values["screening_date"]
    data["pap_readings"] = [{"reading_date": scr - datetime.timedelta(days=100), "pap": 65, "method": "echo"}]
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    result = evaluate_record(record).evaluation.by_id("EXC-01")
    assert result.status == "FAIL" and f"before SCR {scr.isoformat()}" in result.reason


# ------------------------------------------------------------------ the migration of version 1 answers


def test_version_1_answers_are_migrated_with_their_history(site_a, coordinator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data)
    scr = values["screening_date"]
    # Version 1 answers, as the renamed columns hold them before the data migration.
    organ = OrganFunction.objects.get(record=record)
    history = MedicalHistory.objects.get(record=record)
    sle = SleSection.objects.get(record=record)
    for instance, changes in ((organ, {"pap_readings_complete": "no"}),
                              (history, {"myocardial_infarction_ever": "no",
                                         "myocardial_infarction_date": scr - datetime.timedelta(days=400)}),
                              (sle, {"ana_test": "yes", "ana_titre": None, "ana_date": None, "ana_lab_cutoff": None,
                                     "lupus_crisis_ever": "no"})):
        type(instance).objects.filter(pk=instance.pk).update(**changes)
    versions = {m: m.objects.get(record=record).version for m in (OrganFunction, MedicalHistory, SleSection)}

    MIGRATION.migrate_answers(apps, None)

    organ, history, sle = (m.objects.get(record=record) for m in (OrganFunction, MedicalHistory, SleSection))
    assert organ.pap_readings_complete == ""
    assert history.myocardial_infarction_ever == "yes"  # a date says it happened
    assert sle.ana_test == "" and sle.lupus_crisis_ever == ""
    for instance in (organ, history, sle):
        assert instance.version == versions[type(instance)] + 1
        latest = instance.history.latest()
        assert latest.history_type == "~" and latest.history_user is None
        assert latest.history_change_reason.startswith("CRF version 2: ")
    reason = sle.history.latest().history_change_reason
    assert "'ANA ≥ 1:80 on HEp-2 cells ever (entry criterion)' (answered 'yes')" in reason
    assert "'lupus crisis within 3 months before screening' (answered 'no')" in reason
    assert "(answered 'no')" in organ.history.latest().history_change_reason
    assert evaluate_record(record).evaluation.by_id("INC-SLE-01").missing == ("sle.ana_test",)


def test_a_no_without_a_date_is_cleared_and_unknown_kept(site_a, coordinator):
    values, data = complete_record_data("AAV")
    record = create_record(site_a, coordinator, values, data)
    MedicalHistory.objects.filter(record=record).update(myocardial_infarction_ever="no")
    OrganFunction.objects.filter(record=record).update(pap_readings_complete="")
    organ_rows = OrganFunction.objects.get(record=record).history.count()
    MIGRATION.migrate_answers(apps, None)
    history = MedicalHistory.objects.get(record=record)
    assert history.myocardial_infarction_ever == ""
    assert "does not answer" in history.history.latest().history_change_reason
    before = history.history.order_by("-history_date", "-history_id")[1]
    assert before.myocardial_infarction_ever == "no"  # the version 1 answer, kept in the history
    assert OrganFunction.objects.get(record=record).history.count() == organ_rows  # nothing changed: no row
    MedicalHistory.objects.filter(record=record).update(myocardial_infarction_ever="unknown")
    MIGRATION.migrate_answers(apps, None)
    assert MedicalHistory.objects.get(record=record).myocardial_infarction_ever == "unknown"


# ------------------------------------------------------------------ import of version 1 files


def test_version_1_keys_are_refused_one_by_one_with_what_replaced_them(site_a, make_user):
    user = make_user(INVESTIGATOR, site_a, username="imp")
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site_a, user, values, data))
    del item["screening_number"]  # a new record of the same data
    item["sections"]["organ"]["pap_over_60_past_year"] = "no"
    item["sections"]["history"]["myocardial_infarction"] = "no"
    item["sections"]["sle"]["ana_entry"] = "yes"
    item["sections"]["sle"]["lupus_crisis"] = "no"
    [report] = import_records(json.dumps({"format": "trialsite-screening/1", "records": [item]}), site_a, user, "v1.json")
    assert report.outcome == "refused"
    found = {(e.section, e.field): e.message for e in report.errors}
    assert set(found) == {("organ", "pap_over_60_past_year"), ("history", "myocardial_infarction"),
                          ("sle", "ana_entry"), ("sle", "lupus_crisis")}
    assert "give myocardial_infarction_ever and myocardial_infarction_date" in found[("history", "myocardial_infarction")]
    assert "ana_test, ana_titre, ana_date and ana_lab_cutoff" in found[("sle", "ana_entry")]
    assert all(message.startswith("CRF version 1 question") for message in found.values())
