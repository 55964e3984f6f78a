"""Bulk re-evaluation (`manage.py reevaluate`, screening.checklist.reevaluation): every
record's state refreshed, status changes kept, stale signatures invalidated, chunk by chunk."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from screening.checklist.evaluation import evaluate_record
from screening.checklist.reevaluation import reevaluate_records
from screening.checklist.snapshots import build_snapshot, build_snapshots
from screening.exchange.demo import complete_record_data, create_record
from screening.models import (
    EligibilityState,
    EligibilityStatusChange,
    LabResult,
    ScreeningRecord,
    Signature,
)
from screening.signatures.signing import sign

from .factories import PASSWORD, RecordFactory


@pytest.fixture
def eligible(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


def reevaluate(*args):
    out = StringIO()
    call_command("reevaluate", *args, stdout=out)
    return out.getvalue()


def state_of(record):
    return EligibilityState.objects.get(record=record)


def test_a_change_outside_the_forms_refreshes_the_state_and_keeps_a_status_change(eligible):
    assert state_of(eligible).overall == "ELIGIBLE"
    changes_before = EligibilityStatusChange.objects.filter(record=eligible).count()
    LabResult.objects.filter(record=eligible, analyte="hb").update(value=70)  # no form: nothing re-evaluated

    out = reevaluate()

    state = state_of(eligible)
    assert state.overall == "NOT_ELIGIBLE" and state.snapshot_hash == evaluate_record(eligible).digest
    assert EligibilityStatusChange.objects.filter(record=eligible).count() == changes_before + 1
    change = EligibilityStatusChange.objects.filter(record=eligible).first()
    assert (change.previous, change.overall, change.user) == ("ELIGIBLE", "NOT_ELIGIBLE", None)
    assert change.snapshot_hash == state.snapshot_hash
    assert any(lab["analyte"] == "hb" and lab["value"] == 70 for lab in change.snapshot["labs"])
    assert "1/1 records re-evaluated, 1 changed (1 status changes, 0 signatures invalidated)" in out


def test_the_failing_criteria_are_written_with_the_state(eligible):
    """The screening log filters on EligibilityState.failing: a re-evaluation that makes a
    criterion FAIL must store it (the PostgreSQL bulk UPDATE once left it out)."""
    assert state_of(eligible).failing == ""
    LabResult.objects.filter(record=eligible, analyte="hb").update(value=70)
    reevaluate()
    failing = state_of(eligible).failing
    assert failing.startswith("|") and failing.endswith("|")
    assert failing == "|" + "|".join(r.id for r in evaluate_record(eligible).evaluation.results
                                      if r.status.value == "FAIL") + "|"


def test_a_changed_hash_with_the_same_status_refreshes_the_state_without_a_status_change(eligible):
    changes_before = EligibilityStatusChange.objects.count()
    ScreeningRecord.objects.filter(pk=eligible.pk).update(initials="XY")  # in the digest, read by no rule
    report = reevaluate_records()
    assert (report.total, report.done, report.changed, report.status_changes) == (1, 1, 1, 0)
    assert state_of(eligible).snapshot_hash == evaluate_record(eligible).digest
    assert EligibilityStatusChange.objects.count() == changes_before


def test_a_record_without_a_state_gets_one(site_a, coordinator):
    record = RecordFactory(site=site_a, created_by=coordinator)  # saved without the forms: no state
    assert not EligibilityState.objects.filter(record=record).exists()
    report = reevaluate_records()
    assert report.changed == 1 and report.status_changes == 1
    state = state_of(record)
    assert state.overall == "INCOMPLETE" and state.snapshot_hash == evaluate_record(record).digest
    assert EligibilityStatusChange.objects.get(record=record).previous == ""


def test_a_signature_is_invalidated_when_the_hash_changed(eligible, investigator):
    sign(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    LabResult.objects.filter(record=eligible, analyte="hb").update(value=112)  # still eligible, another hash

    report = reevaluate_records()

    signature = Signature.objects.get(record=eligible)
    assert not signature.valid and signature.invalidated_at is not None
    assert signature.invalidated_by  # says which change broke the binding
    assert report.invalidated == 1 and report.status_changes == 0


def test_an_unchanged_record_keeps_its_signature_and_is_not_written(eligible, investigator):
    sign(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    state = state_of(eligible)
    changes = EligibilityStatusChange.objects.count()

    report = reevaluate_records()

    assert Signature.objects.get(record=eligible).valid
    assert (report.done, report.changed, report.invalidated) == (1, 0, 0)
    assert state_of(eligible).evaluated_at == state.evaluated_at  # nothing rewritten
    assert EligibilityStatusChange.objects.count() == changes


def test_an_enrolled_subject_whose_signature_is_invalidated_goes_back_to_screening(eligible, investigator):
    sign(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    ScreeningRecord.objects.filter(pk=eligible.pk).update(status=ScreeningRecord.ENROLLED)
    ScreeningRecord.objects.filter(pk=eligible.pk).update(initials="QZ")
    reevaluate_records()
    eligible.refresh_from_db()
    assert eligible.status == ScreeningRecord.SCREENING
    entry = eligible.history.first()
    assert entry.history_change_reason == "Eligibility signature invalidated by a data change"


def test_site_limits_the_run_to_that_site(site_a, site_b, coordinator):
    a = RecordFactory(site=site_a, created_by=coordinator)
    b = RecordFactory(site=site_b)
    out = reevaluate("--site", "A01")
    assert EligibilityState.objects.filter(record=a).exists()
    assert not EligibilityState.objects.filter(record=b).exists()
    assert "Done: 1/1 records re-evaluated, 1 changed" in out
    reevaluate()
    assert EligibilityState.objects.filter(record=b).exists()


def test_an_unknown_site_is_a_clear_error(site_a):
    RecordFactory(site=site_a)
    with pytest.raises(CommandError, match=r"No site S99 \(sites: A01\)\."):
        reevaluate("--site", "S99")
    assert not EligibilityState.objects.exists()


def test_progress_is_reported_after_each_chunk(site_a):
    records = [RecordFactory(site=site_a) for _ in range(5)]
    EligibilityState.objects.all().delete()
    seen = []
    report = reevaluate_records(progress=lambda r: seen.append((r.done, r.total, r.changed)), chunk_size=2)
    assert seen == [(2, 5, 2), (4, 5, 4), (5, 5, 5)]
    assert report.done == 5 and EligibilityState.objects.count() == len(records)


def test_queries_per_chunk_do_not_grow_with_the_records(site_a, coordinator, investigator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_one_of_each():
        for indication in ("SLE", "AAV", "IIM", "DCSSC"):
            values, data = complete_record_data(indication)
            create_record(site_a, coordinator, values, data, judged_by=investigator)

    def queries():
        EligibilityState.objects.update(snapshot_hash="stale")  # every record written again
        with CaptureQueriesContext(connection) as run:
            assert reevaluate_records().changed == ScreeningRecord.objects.count()
        return len(run)

    add_one_of_each()
    four = queries()
    add_one_of_each()
    add_one_of_each()
    # The chunk's reads and writes are a fixed number of queries, the signatures the
    # signal's receiver reads included.
    assert queries() == four


def test_the_snapshots_of_a_chunk_are_those_of_each_record(site_a, coordinator, investigator):
    records = []
    for indication in ("SLE", "AAV", "IIM", "DCSSC"):
        values, data = complete_record_data(indication)
        records.append(create_record(site_a, coordinator, values, data, judged_by=investigator))
    rescreen = RecordFactory(site=site_a, indication="AAV", rescreen_of=records[1])
    empty = RecordFactory(site=site_a, indication="IIM")
    pks = [r.pk for r in [*records, rescreen, empty]]
    built = build_snapshots(pks)
    assert [record.pk for _, record in built] == sorted(pks)
    for snapshot, record in built:
        alone, _ = build_snapshot(record.pk)
        assert snapshot.as_data() == alone.as_data() and snapshot.digest() == alone.digest()
    assert dict((r.pk, s) for s, r in built)[rescreen.pk].record["rescreen_of"] == records[1].screening_number
