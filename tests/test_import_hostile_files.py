"""Hostile files on the Import page, generated from the raw bytes up (hypothesis).

Each example is a file: a few plausible records with hostile values put in
anywhere (as JSON, or as raw tokens no encoder writes: lone surrogates, control
characters, 5,000-digit numbers, deep brackets), then sometimes bytes inserted,
cut or replaced by random ones. For each upload: never a 500; a file refused
whole saves nothing; otherwise the report has one line per record of the file,
and each record is either fully saved or refused, leaving nothing behind.
500 examples in the default run (`make test`, `make test-fast`), 10,000 in a
`slow` run (`pytest -m slow tests/test_import_hostile_files.py`).
"""

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from screening.crf.sections import BY_KEY, ROW_MODELS, SECTION_RELATIONS
from screening.exchange.importing import REFUSED_BY_DATABASE
from screening.models import ScreeningRecord
from screening.models.sites import SITE_ADMIN

from . import imports
from .factories import RecordFactory

RAW = ["9" * 5000, "-" + "1" * 41, "0." + "1" * 60, "1e400", "-0", "NaN", "Infinity", "[" * 100_000,
       "[" * 25 + "]" * 25, '"\\ud800"', '"\\udfff\\ud800"', '"a\\u0000b"', '"\\u0007"', '"\\u009f"', '"\\ud83d\\ude00"',
       '{"a": [1, 2]}', '{"value": {"value": 1}}', '{"value": 1, "unit": "furlongs"}', '"A01-00001"', '"A01-1"',
       '"B01-0001"', '"A01-0001"', '"a01-0002"', '""', "null", "true", "[]", "{}"]
KEYS = ["comment", "screening_number", "record", "sections", "labs", "organ", "value", "unit", "bogus", "\\ud800"]

json_leaf = (st.none() | st.booleans() | st.integers(-10**45, 10**45) | st.floats() | st.text(max_size=20)
             | st.sampled_from(["A01-0003", "2026-11-20", "2021-02-30", "yes", "hb", "g/L", "<script>", "\x00"]))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.sampled_from(KEYS), inner, max_size=2), max_leaves=5)


def base_record(number, rows):
    item = {"record": {"initials": "AB", "sex": "M", "date_of_birth": "1970-01-01", "indication": "AAV",
                       "screening_date": "2026-11-20", "consent_date": "2026-11-19", "consent_version": "v2",
                       "comment": ""},
            "sections": {"organ": {"weight": 70, "weight_unit": "kg", "lvef": 60}},
            "labs": [{"analyte": "hb", "sample_date": "2026-11-20", "value": 120 + i, "unit": "g/L"} for i in range(rows)]}
    if number:
        item["screening_number"] = number
    return item


def _dicts(value):
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _dicts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _dicts(inner)


@st.composite
def hostile_files(draw):
    raw = []
    records = []
    for _ in range(draw(st.integers(0, 4))):
        number = draw(st.sampled_from([None, None, "A01-0001", "A01-0100", "A01-0101", "B01-0001", "A01-00100"]))
        item = base_record(number, draw(st.integers(0, 2)))
        for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):  # some records stay plausible
            target = draw(st.sampled_from(list(_dicts(item))))
            key = draw(st.sampled_from(sorted(target) + KEYS))
            if draw(st.booleans()):
                raw.append(draw(st.sampled_from(RAW)))
                target[key] = f"@@RAW{len(raw) - 1}@@"
            else:
                target[key] = draw(json_value)
        records.append(item)
    shape = draw(st.sampled_from(["records", "list", "one"]))
    payload = {"format": "trialsite-screening/1", "records": records} if shape == "records" else (
        records[0] if shape == "one" and records else records)
    text = json.dumps(payload)
    for i, token in enumerate(raw):
        text = text.replace(f'"@@RAW{i}@@"', token)
    body = text.encode()
    damage = draw(st.sampled_from(["none", "none", "none", "insert", "cut", "bytes"]))
    if damage == "insert":
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(min_size=1, max_size=8)) + body[at:]
    elif damage == "cut":
        at = draw(st.integers(0, len(body)))
        body = body[:at] + body[at + draw(st.integers(1, 40)):]
    elif damage == "bytes":
        body = draw(st.binary(max_size=200))
    return body


def reference_records(body):
    """The records the file holds, read leniently (the server accepted it as JSON)."""
    payload = json.loads(body.decode("utf-8-sig"), parse_int=str, parse_float=str)
    if isinstance(payload, dict):
        return payload["records"] if "records" in payload else [payload]
    return payload


def history_counts(excluding_records=()):
    counts = {"record": ScreeningRecord.history.exclude(id__in=excluding_records).count()}
    for key in SECTION_RELATIONS:
        model = BY_KEY[key].model
        counts[key] = model.history.exclude(record_id__in=excluding_records).count()
    for key, model in ROW_MODELS.items():
        counts[key] = model.history.exclude(record_id__in=excluding_records).count()
    return counts


def assert_fully_saved(record, item):
    for key, model in ROW_MODELS.items():
        assert model.objects.filter(record=record).count() == len(item.get(key) or []), key
    for key in item.get("sections") or {}:
        assert BY_KEY[key].model.objects.filter(record=record).exists(), key


def check_upload(client, site, body):
    numbers = set(ScreeningRecord.objects.values_list("screening_number", flat=True))
    before = history_counts()
    response = imports.upload(client, site, body, name="h.json")
    assert response.status_code == 200
    run = response.context.get("run")
    if run is None or run.state == "failed":  # refused whole, not a file the form takes, or imported before
        event("file refused whole" if run else "not queued")
        if run is None:
            assert response.context["form"].errors or response.context["earlier"]
        else:
            assert "Nothing was imported" in run.error and not run.lines.exists()
        assert history_counts() == before
        assert set(ScreeningRecord.objects.values_list("screening_number", flat=True)) == numbers
        return
    reports = response.context["lines"]
    items = reference_records(body)
    event(f"records created: {sum(r.outcome == 'created' for r in reports)} of {len(reports)}")
    assert run.state == "done" and run.total == run.done == len(items)
    assert [r.index for r in reports] == list(range(1, len(items) + 1)), "the report must list every record"
    created = []
    for report, item in zip(reports, items):
        assert report.outcome in ("created", "refused")
        if report.outcome == "refused":
            assert report.errors and all(message != REFUSED_BY_DATABASE for _, _, message in report.errors), report.errors
        else:
            assert not report.errors
            record = ScreeningRecord.objects.get(screening_number=report.screening_number)
            assert report.screening_number not in numbers
            assert_fully_saved(record, item)
            created.append(record.pk)
    assert ScreeningRecord.objects.count() == len(numbers) + len(created)
    assert history_counts(excluding_records=created) == before, "a refused record left something behind"


@pytest.fixture
def uploader(client, make_user, site_a, site_b):
    RecordFactory(site=site_a)  # A01-0001 and B01-0001, numbered by their sites
    RecordFactory(site=site_b)
    client.force_login(make_user(SITE_ADMIN, site_a, username="sam"))
    return lambda body: check_upload(client, site_a, body)


def hostile(examples, **extra):
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much], **extra)


@hostile(500, derandomize=True)
@given(body=hostile_files())
def test_hostile_files_are_refused_or_fully_saved(uploader, body):
    uploader(body)


@pytest.fixture
def asked_for(request):
    """The long run takes about 15 minutes: only when slow tests are asked for (`-m slow`), not in `make test`."""
    expression = request.config.getoption("markexpr") or ""
    if "slow" not in expression or "not slow" in expression:
        pytest.skip("10,000 hostile files: run with -m slow")


@pytest.mark.slow
@hostile(10_000)
@given(body=hostile_files())
def test_hostile_files_at_length(asked_for, uploader, body):
    uploader(body)
