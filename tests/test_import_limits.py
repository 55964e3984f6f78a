"""Hostile files on the Import page and through `import_screenings`: each is a
clear refusal (never a 500), the report has a line for every record, and a
refused record leaves nothing behind (docs/exchange-format.md, "Limits")."""

import json

import pytest

from screening.exchange.importing import MAX_DEPTH, MAX_RECORDS, import_records
from screening.models import ScreeningRecord
from screening.models.sites import SITE_ADMIN

from . import imports
from .factories import RecordFactory, minimal_import
from .imports import report


@pytest.fixture
def upload(client, make_user, site_a):
    client.force_login(make_user(SITE_ADMIN, site_a, username="sam"))

    def post(body, update=False):
        body = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = imports.upload(client, site_a, body, update=update)
        assert response.status_code == 200
        return response
    return post


@pytest.mark.parametrize("body,words", [
    (b"[" * 100_000, f"nested more than {MAX_DEPTH} levels"),  # was a RecursionError: 500
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{not json", "not valid JSON"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(upload, body, words):
    run = upload(body).context["run"]
    assert run.state == "failed" and words in run.error and "Nothing was imported" in run.error
    assert not run.lines.exists() and not ScreeningRecord.objects.exists()


def test_a_file_over_the_record_cap_is_refused_with_the_cap_named(site_a, make_user):
    body = json.dumps({"records": [{}] * (MAX_RECORDS + 1)})
    with pytest.raises(Exception, match=f"at most {MAX_RECORDS} are imported"):
        import_records(body, site_a, make_user(SITE_ADMIN, site_a), "big.json")


def test_a_5000_digit_integer_is_refused_by_field(upload):
    # Was a ValueError (int() of more than 4,300 digits): 500.
    item = json.dumps(minimal_import("A01-0001")).replace('"v2"', "9" * 5000)
    response = upload(f'{{"records": [{item}]}}'.encode())
    [(outcome, errors)] = report(response)
    assert outcome == "refused" and errors == [("record", "consent_version", "a number of 5000 characters; at most 40")]


def test_a_lone_surrogate_refuses_its_record_and_the_report_lists_every_record(upload):
    # Was a UnicodeEncodeError after the first two records were committed: 500, no report.
    bad = json.dumps(minimal_import("A01-0003", comment="X")).replace('"X"', '"\\ud800"')
    body = f'{{"records": [{json.dumps(minimal_import("A01-0001"))}, {json.dumps(minimal_import("A01-0002"))}, {bad}]}}'
    response = upload(body.encode())
    assert [outcome for outcome, _ in report(response)] == ["created", "created", "refused"]
    assert "U+D800" in report(response)[2][1][0][2]
    assert sorted(ScreeningRecord.objects.values_list("screening_number", flat=True)) == ["A01-0001", "A01-0002"]


def test_control_characters_in_text_and_in_names_are_refused(upload):
    item = {**minimal_import(comment="a\x01b"), "sections": {"organ\x07": {}}}
    [(outcome, errors)] = report(upload({"records": [item]}))
    assert outcome == "refused"
    assert [(s, f) for s, f, _ in errors] == [("record", "comment"), ("organ\\u0007", "")]
    assert not ScreeningRecord.objects.exists()


def test_a_hostile_file_name_is_not_stored_as_the_reason(site_a, make_user):
    [result] = import_records(json.dumps(minimal_import()), site_a, make_user(SITE_ADMIN, site_a), "a\x00\ud800.json")
    assert result.outcome == "created"
    assert ScreeningRecord.history.get().history_change_reason == "imported from a\\u0000\\ud800.json"


@pytest.mark.parametrize("value,message", [
    ({"a": [1, 2]}, "expected text, got an object"),
    ([1], "expected text, got a list"),
    (7, "expected text, got a number"),
    (True, "expected text, got true or false"),
])
def test_a_value_of_the_wrong_type_is_refused_field_by_field(upload, value, message):
    item = {**minimal_import(comment=value), "labs": [{"analyte": "hb", "not_done": "yes", "sample_date": 20261120}]}
    [(outcome, errors)] = report(upload({"records": [item]}))
    assert outcome == "refused"
    assert ("record", "comment", message) in errors
    assert not ScreeningRecord.objects.exists()


def test_wrong_types_in_rows_are_refused_field_by_field(upload):
    item = {**minimal_import(), "labs": [{"analyte": "hb", "not_done": "yes", "sample_date": 20261120, "value": [1]}]}
    [(outcome, errors)] = report(upload({"records": [item]}))
    assert outcome == "refused" and errors == [
        ("labs[0]", "not_done", "expected true or false, got text"),
        ("labs[0]", "sample_date", "expected a date as text (YYYY-MM-DD), got a number"),
        ("labs[0]", "value", "expected a number, got a list"),
    ]


@pytest.mark.parametrize("alias", ["A01-00001", "A01-1", "A01-000000001"])
def test_an_alias_of_a_screening_number_is_refused(upload, alias):
    upload({"records": [minimal_import("A01-0001")]})
    [(outcome, errors)] = report(upload({"records": [minimal_import(alias)]}))
    assert outcome == "refused"
    assert errors == [("record", "screening_number", f"{alias} is another way of writing A01-0001: write A01-0001")]
    assert list(ScreeningRecord.objects.values_list("screening_number", flat=True)) == ["A01-0001"]


def test_other_sites_numbers_get_one_message_whether_they_exist_or_not(client, upload, site_b):
    RecordFactory(site=site_b, screening_number="B01-0001")
    expected = [("refused", [("record", "screening_number",
                              "not a screening number of site A01, whose numbers start with A01-")])]
    for update in (False, True):
        for number in ("B01-0001", "B01-0999", "b01-0001"):
            assert report(upload({"records": [minimal_import(number)]}, update=update)) == expected, (number, update)
    assert ScreeningRecord.objects.count() == 1
