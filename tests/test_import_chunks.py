"""The import saves records in chunks (one transaction, a savepoint a record) and evaluates
each chunk's records together: the same outcome as record by record, in a bounded number of
queries a record (docs/performance.md, bench/import)."""

import json

import pytest
from django.db import DataError

from screening.checklist.evaluation import evaluate_record
from screening.exchange import importing
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.exchange.importing import import_records
from screening.models import EligibilityState, EligibilityStatusChange, LabResult, ScreeningRecord, Signature, Site
from screening.models.sites import INVESTIGATOR
from screening.signatures.signing import sign

from .factories import PASSWORD, minimal_import


@pytest.fixture
def importer(make_user, site_a):
    return make_user(INVESTIGATOR, site_a, username="imp")


def body(*items):
    return json.dumps({"records": list(items)}, default=str)


def complete_items(site_a, coordinator, investigator, first=1):
    """The demo's complete record of each indication, in the exchange format, numbered from `first`."""
    items = []
    for n, indication in enumerate(("SLE", "AAV", "IIM", "DCSSC"), first):
        values, data = complete_record_data(indication)
        record = create_record(Site.objects.get_or_create(code="Z09", name="Source")[0], coordinator, values, data,
                               judged_by=investigator)
        item = json.loads(json.dumps(record_data(record), default=str))
        item["screening_number"] = f"A01-{n:04d}"
        item.pop("site")
        items.append(item)
    return items


def test_queries_per_minimal_record_are_bounded(importer, site_a, django_assert_max_num_queries):
    items = [minimal_import(f"A01-{i:04d}") for i in range(1, 41)]
    # A record: its savepoint (2), its row and history row (2), its status change row (1);
    # the chunk: existing numbers, sequence, snapshots, states, signatures, last statuses.
    with django_assert_max_num_queries(40 * 5 + 20):
        reports = import_records(body(*items), site_a, importer, "f.json")
    assert [r.outcome for r in reports] == ["created"] * 40


def test_queries_per_complete_record_are_bounded(importer, site_a, coordinator, investigator,
                                                django_assert_max_num_queries):
    items = complete_items(site_a, coordinator, investigator)
    objects = sum(1 + len(item["sections"]) + sum(len(item.get(k) or ()) for k in importing.ROW_MODELS)
                  for item in items)
    # Each saved object is its INSERT and its history row's; then 4 a record, 25 a chunk.
    with django_assert_max_num_queries(2 * objects + 4 * len(items) + 25):
        reports = import_records(body(*items), site_a, importer, "f.json")
    assert [r.outcome for r in reports] == ["created"] * 4
    for item in items:
        record = ScreeningRecord.objects.get(screening_number=item["screening_number"])
        result = evaluate_record(record)
        assert result.overall == "ELIGIBLE"
        state = EligibilityState.objects.get(record=record)
        assert (state.overall, state.snapshot_hash) == ("ELIGIBLE", result.digest)
        change = EligibilityStatusChange.objects.get(record=record)
        assert (change.overall, change.user, change.snapshot_hash) == ("ELIGIBLE", importer, result.digest)
        entry = record.history.get()
        assert (entry.history_user, entry.history_change_reason) == (importer, "imported from f.json")


def test_records_across_chunks_are_each_saved_or_refused_in_order(importer, site_a):
    items = [minimal_import(f"A01-{i:04d}") for i in range(1, 8)]
    items[2]["record"]["sex"] = "X"  # refused by the form
    items[5] = {**items[5], "sections": {"organ": {"lvef": "sixty"}}}  # refused after its record row was saved
    seen = []
    reports = import_records(body(*items), site_a, importer, "f.json", chunk_size=3,
                             progress=lambda done, total: seen.append(([r.outcome for r in done], total)))
    outcomes = ["created", "created", "refused", "created", "created", "refused", "created"]
    assert [r.outcome for r in reports] == outcomes and [r.index for r in reports] == list(range(1, 8))
    assert seen == [(outcomes[:3], 7), (outcomes[:6], 7), (outcomes, 7)]
    assert set(ScreeningRecord.objects.values_list("screening_number", flat=True)) == {
        "A01-0001", "A01-0002", "A01-0004", "A01-0005", "A01-0007"}
    assert EligibilityState.objects.count() == 5 and not ScreeningRecord.history.filter(screening_number="A01-0006")


def test_a_number_twice_in_one_file_is_found_by_its_second_record(importer, site_a):
    first, again = minimal_import("A01-0010"), {**minimal_import("A01-0010"), "sections": {"organ": {"lvef": 50}}}
    reports = import_records(body(first, again), site_a, importer, "f.json")
    assert [r.outcome for r in reports] == ["created", "refused"]
    assert "already exists" in reports[1].errors[0].message
    reports = import_records(body(minimal_import("A01-0011"), {**minimal_import("A01-0011"), "sections": {"organ": {"lvef": 50}}}),
                             site_a, importer, "g.json", update=True)
    assert [r.outcome for r in reports] == ["created", "updated"]
    assert ScreeningRecord.objects.get(screening_number="A01-0011").organfunction.lvef == 50


def test_the_site_sequence_only_moves_forward_and_numbers_the_next_record(importer, site_a):
    unnumbered = minimal_import()
    reports = import_records(body(minimal_import("A01-0005"), minimal_import("A01-0003"), unnumbered), site_a, importer, "f.json")
    assert [r.screening_number for r in reports] == ["A01-0005", "A01-0003", "A01-0006"]
    site_a.refresh_from_db()
    assert site_a.next_screening_sequence == 7


def test_a_chunk_the_database_refuses_is_imported_again_record_by_record(importer, site_a, monkeypatch):
    real = importing.track_statuses

    def refuse_chunks(results, user):
        if len(results) > 1:
            raise DataError("as if a write of the chunk failed")
        return real(results, user)

    monkeypatch.setattr(importing, "track_statuses", refuse_chunks)
    reports = import_records(body(*[minimal_import(f"A01-{i:04d}") for i in range(1, 5)]), site_a, importer, "f.json")
    assert [r.outcome for r in reports] == ["created"] * 4
    assert ScreeningRecord.objects.count() == EligibilityState.objects.count() == 4
    assert ScreeningRecord.history.count() == 4  # the rolled-back chunk left no history rows


def test_an_update_that_changes_the_hash_invalidates_the_signature(importer, site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    sign(record, investigator, PASSWORD, "eligible", evaluate_record(record).digest)
    item = json.loads(json.dumps(record_data(record), default=str))
    assert Signature.objects.get().valid
    for lab in item["labs"]:
        if lab["analyte"] == "hb":
            lab["value"] = {"value": 112, "unit": "g/L"} if isinstance(lab["value"], dict) else 112
    reports = import_records(body(item), site_a, importer, "new-hb.json", update=True)
    assert reports[0].outcome == "updated"
    signature = Signature.objects.get()
    assert not signature.valid and "new-hb.json" in signature.invalidated_by
    assert LabResult.objects.get(record=record, analyte="hb").value == 112
