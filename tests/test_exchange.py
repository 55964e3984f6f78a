"""Import and export of screening records (JSON), sharing the form validation."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.models import OrganFunction, ScreeningRecord
from screening.models.sites import INVESTIGATOR, SITE_ADMIN

from . import imports
from .factories import minimal_import


def export(site_code, fmt="json"):
    out = StringIO()
    call_command("export_screenings", "--site", site_code, "--format", fmt, stdout=out)
    return out.getvalue()


def run_import(tmp_path, payload, *args, text=None):
    path = tmp_path / "records.json"
    path.write_text(text if text is not None else json.dumps(payload, default=str))
    out = StringIO()
    try:
        call_command("import_screenings", str(path), *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def export_payload(record):
    data = record_data(record)
    return {"format": "trialsite-screening/1", "records": [data]}


@pytest.fixture
def importer(make_user, site_a):
    return make_user(INVESTIGATOR, site_a, username="imp")


@pytest.mark.parametrize("indication", ["SLE", "AAV", "IIM", "DCSSC"])
def test_round_trip_gives_the_same_eligibility(tmp_path, site_a, site_b, coordinator, investigator, make_user, indication):
    values, data = complete_record_data(indication)
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    before = {r.id: r.status for r in evaluate_record(record).evaluation.results}
    # Into an empty site: history and logs are append-only, so no database is emptied here.
    exported = json.loads(export("A01"))
    for item in exported["records"]:
        item["screening_number"] = item["screening_number"].replace("A01-", "B01-")
    make_user(INVESTIGATOR, site_b, username="imp")
    out, error = run_import(tmp_path, exported, "--site", "B01", "--user", "imp")
    assert error is None, out
    imported = ScreeningRecord.objects.get(site=site_b)
    assert imported.screening_number == record.screening_number.replace("A01-", "B01-")
    after = {r.id: r.status for r in evaluate_record(imported).evaluation.results}
    assert after == before and evaluate_record(imported).overall == "ELIGIBLE"
    entry = imported.organfunction.history.get()
    assert entry.history_change_reason == "imported from records.json"
    assert entry.history_user.username == "imp"


def test_export_lists_eligibility_and_signature_state(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    create_record(site_a, coordinator, values, data, judged_by=investigator)
    exported = json.loads(export("A01"))["records"][0]
    assert exported["eligibility"]["overall"] == "ELIGIBLE"
    assert {"id": "INC-01", "status": "PASS"}.items() <= exported["eligibility"]["results"][0].items()
    assert exported["signatures"] == []
    assert exported["sections"]["organ"]["lvef"] == {"value": 60, "unit": "%"}
    csv_text = export("A01", "csv")
    assert "INC-SLE-03" in csv_text.splitlines()[0] and "ELIGIBLE" in csv_text


def test_malformed_json_is_a_clear_error(tmp_path, importer):
    out, error = run_import(tmp_path, None, "--site", "A01", "--user", "imp", text="{not json")
    assert "not valid JSON" in str(error)
    assert not ScreeningRecord.objects.exists()


@pytest.mark.parametrize("item,where", [
    ({**minimal_import(), "colour": "blue"}, "record / colour / unknown field"),
    ({**minimal_import(), "sections": {"organ": {"lvef_percent": 50}}}, "organ / lvef_percent / unknown field"),
    ({**minimal_import(), "sections": {"organ": {"lvef": "sixty"}}}, "organ / lvef / Enter a number."),
    ({**minimal_import(), "sections": {"organ": "lvef=60"}}, "organ / - / expected an object of fields"),
    ({**minimal_import(), "labs": {"analyte": "hb"}}, "labs / - / expected a list of objects"),
    ({**minimal_import(), "labs": [{"analyte": "hb", "sample_date": "2026-11-20", "value": 12, "unit": "umol/L"}]},
     "labs[0] / unit / This analyte is reported in g/L, g/dL, mmol/L."),
    ({**minimal_import(), "sections": {"organ": {"spo2_room_air": 1e9}}}, "organ / spo2_room_air /"),
    ({**minimal_import(), "sections": {"organ": {"weight_kg": {"value": 70, "unit": "kg"}}}},
     "organ / weight_kg / CRF version 2 records the body weight as printed: give weight and weight_unit"),
    ({**minimal_import(), "sections": {"organ": {"weight": 70}}}, "organ / weight_unit / Choose the unit"),
    ({**minimal_import(), "sections": {"organ": {"weight": 700, "weight_unit": "lb"}}},
     "organ / weight / 700 lb is 317.5 kg: a body weight is 20–300 kg."),
    ({**minimal_import(), "sections": {"organ": {"height_cm": {"value": 170, "unit": "in"}}}},
     "organ / height_cm / unit 'in' not accepted"),
    ({**minimal_import(), "sections": {"sle": {"ana_entry": "yes"}}}, "sle / - / section not offered for indication AAV"),
    (minimal_import(date_of_birth="1870-01-01"), None),
    ({**minimal_import(), "labs": [{"analyte": "hb", "sample_date": "2026-11-20", "value": -5, "unit": "g/L"}]},
     "labs[0] / value /"),
])
def test_bad_input_is_refused_with_the_place_and_nothing_saved(tmp_path, importer, item, where):
    out, error = run_import(tmp_path, {"records": [item]}, "--site", "A01", "--user", "imp")
    assert error is not None and "refused" in str(error)
    assert "refused" in out
    if where:
        assert where in out, out
    assert not ScreeningRecord.objects.exists() and not OrganFunction.objects.exists()


def test_a_bad_record_does_not_stop_the_good_ones(tmp_path, importer):
    out, error = run_import(tmp_path, {"records": [minimal_import(), {**minimal_import(), "colour": 1}]}, "--site", "A01", "--user", "imp")
    assert "1 imported, 1 refused." in out and error is not None
    assert ScreeningRecord.objects.count() == 1


def test_reimport_is_refused_without_update_and_audited_with_it(tmp_path, importer):
    item = {**minimal_import("A01-0042"), "sections": {"organ": {"lvef": 50}}}
    run_import(tmp_path, {"records": [item]}, "--site", "A01", "--user", "imp")
    item["sections"]["organ"]["lvef"] = 45
    out, error = run_import(tmp_path, {"records": [item]}, "--site", "A01", "--user", "imp")
    assert "already exists" in out and error is not None
    out, error = run_import(tmp_path, {"records": [item]}, "--site", "A01", "--user", "imp", "--update")
    assert error is None, out
    organ = OrganFunction.objects.get()
    assert organ.lvef == 45
    assert organ.history.first().history_change_reason == "imported from records.json"


def test_judgement_answers_need_an_investigator(tmp_path, make_user, site_a):
    make_user(SITE_ADMIN, site_a, username="admin")
    item = {**minimal_import(), "sections": {"judgement": {"survival_over_6_months": "yes"}}}
    out, error = run_import(tmp_path, {"records": [item]}, "--site", "A01", "--user", "admin")
    assert "investigator role" in out and error is not None
    assert not ScreeningRecord.objects.exists()


@pytest.mark.slow
def test_a_thousand_records_import_in_one_command(tmp_path, importer):
    records = [minimal_import(f"A01-{i:04d}") for i in range(1, 1001)]
    out, error = run_import(tmp_path, {"records": records}, "--site", "A01", "--user", "imp")
    assert error is None
    assert "1000 imported, 0 refused." in out
    assert ScreeningRecord.objects.count() == 1000


# One table of invalid values, run through the browser form and through the import.
SHARED_CASES = [
    ("organ", {"spo2_room_air": "101"}, "spo2_room_air"),
    ("organ", {"lvef": "-3"}, "lvef"),
    ("organ", {"echo_date": "2099-01-01"}, "echo_date"),
    ("organ", {"ecg_abnormality": "maybe"}, "ecg_abnormality"),
    ("reproductive", {"pregnancy_test_date": "2026-11-01"}, "pregnancy_test_date"),
    ("history", {"nyha_class": "V"}, "nyha_class"),
]


@pytest.mark.parametrize("section,values,field", SHARED_CASES)
def test_form_and_import_reject_the_same_values(client, tmp_path, coordinator, importer, site_a, section, values, field):
    client.force_login(coordinator)
    record = ScreeningRecord.objects.create(site=site_a, initials="AB", sex="F", date_of_birth="1980-01-01",
                                            indication="AAV", screening_date="2026-11-20",
                                            consent_date="2026-11-19", consent_version="v2")
    response = client.post(reverse("section_edit", args=[record.pk, section]), values)
    assert response.status_code == 200 and field in response.context["form"].errors
    out, error = run_import(tmp_path, {"records": [{**minimal_import(), "sections": {section: values}}]}, "--site", "A01", "--user", "imp")
    assert f"{section} / {field} /" in out and error is not None


def test_json_schema_lists_every_section_and_field(site_a):
    out = StringIO()
    call_command("export_json_schema", stdout=out)
    schema = json.loads(out.getvalue())
    record = schema["properties"]["records"]["items"]["properties"]
    assert "lvef" in record["sections"]["properties"]["organ"]["properties"]
    assert record["labs"]["items"]["properties"]["unit"]["enum"]


def test_site_admin_uploads_a_file_and_sees_the_report(client, make_user, site_a):
    client.force_login(make_user(SITE_ADMIN, site_a))
    response = imports.upload(client, site_a, json.dumps({"records": [minimal_import(), {"record": 5}]}).encode())
    body = response.content.decode()
    assert "created" in body and "refused" in body and "expected an object of record fields" in body
    assert ScreeningRecord.objects.count() == 1
