"""Evaluate a record's eligibility from the database, and log it.

Always computed from the current data at request time; never cached.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from ..access.roles import role_of
from ..eligibility.engine import evaluate
from ..models import EligibilityAccess, EligibilityState, EligibilityStatusChange
from .signals import eligibility_changed
from .snapshots import build_snapshot, build_snapshots


@dataclass
class RecordEvaluation:
    record: object
    snapshot: object
    evaluation: object
    digest: str

    @property
    def overall(self):
        return self.evaluation.overall


def evaluate_record(record):
    snapshot, record = build_snapshot(record)
    return RecordEvaluation(record, snapshot, evaluate(snapshot), snapshot.digest())


def evaluate_records(pks):
    """evaluate_record of many records, in pk order, in a fixed number of queries (build_snapshots)."""
    return [RecordEvaluation(record, snapshot, evaluate(snapshot), snapshot.digest())
            for snapshot, record in build_snapshots(pks)]


def _plain(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def state_values(result):
    counts = result.evaluation.counts
    return {
        "overall": result.overall,
        "incomplete": _count(counts, "INCOMPLETE"),
        "awaiting": _count(counts, "AWAITING_INVESTIGATOR"),
        "snapshot_hash": result.digest,
        "failing": failing_text(result.evaluation.results),
    }


def failing_text(results):
    """The stored form of the FAILing criteria's ids (EligibilityState.failing)."""
    ids = [r.id for r in results if r.status.value == "FAIL"]
    return f"|{'|'.join(ids)}|" if ids else ""


def status_is_current(result):
    """The stored state already holds this evaluation. Every write path goes
    through track_status, so a state holding this digest was written together
    with invalidating the signatures of other digests and keeping this status."""
    return EligibilityState.objects.filter(record=result.record, **state_values(result)).exists()


def track_status(result, user):
    """After any save or evaluation: refresh the record's eligibility state, mark
    signatures whose hash no longer matches as invalidated, and keep a status
    change row whenever the overall status differs from the last one kept."""
    if status_is_current(result):  # the usual case when a record is only viewed
        return None
    EligibilityState.objects.update_or_create(record=result.record, defaults=state_values(result))
    eligibility_changed.send(sender=EligibilityState, record=result.record, digest=result.digest)
    last = EligibilityStatusChange.objects.filter(record=result.record).order_by("-at", "-id").first()
    change = status_change(result, user, last.overall if last else None)
    if change is not None:
        change.save()
    return change


@dataclass
class TrackedStatuses:
    changed: int = 0  # records whose stored state was written
    status_changes: int = 0  # status change rows kept
    invalidated: int = 0  # signatures invalidated by eligibility_changed


def track_statuses(results, user, states=None):
    """track_status for many records at once, in a few queries: the same rows written
    (state, status change where the overall status moved) and the same signal sent
    for each record whose state does not hold its evaluation. Each record must be
    locked (or new) in the caller's transaction. `states`: {record pk: EligibilityState}
    already read. Returns TrackedStatuses."""
    if states is None:
        states = {s.record_id: s for s in EligibilityState.objects.filter(record_id__in=[r.record.pk for r in results])}
    tracked = TrackedStatuses()
    changed = []
    for result in results:
        wanted, state = state_values(result), states.get(result.record.pk)
        if state is None or any(getattr(state, name) != value for name, value in wanted.items()):
            changed.append((result, state, wanted))
    if not changed:
        return tracked
    now, updates, creates = timezone.now(), [], []
    for result, state, wanted in changed:
        if state is None:
            creates.append(EligibilityState(record=result.record, **wanted))
            continue
        for name, value in wanted.items():
            setattr(state, name, value)
        state.evaluated_at = now  # auto_now is not applied by bulk_update
        updates.append(state)
    EligibilityState.objects.bulk_create(creates)
    _update_states(updates, now)
    # What the receivers read (the record's signatures): one query for the chunk, not one a record.
    prefetch_related_objects([result.record for result, _, _ in changed], "signatures")
    for result, _, _ in changed:
        responses = eligibility_changed.send(sender=EligibilityState, record=result.record, digest=result.digest)
        tracked.invalidated += sum(len(invalidated or ()) for _, invalidated in responses)
    last = {}
    changed_pks = [result.record.pk for result, _, _ in changed]
    for record_id, overall in (EligibilityStatusChange.objects.filter(record_id__in=changed_pks)
                               .order_by("record_id", "-at", "-id").values_list("record_id", "overall")):
        last.setdefault(record_id, overall)  # the first of each record is its latest
    rows = [status_change(result, user, last.get(result.record.pk)) for result, _, _ in changed]
    rows = [row for row in rows if row is not None]
    for row in rows:
        # One INSERT each, not bulk_create: on PostgreSQL that sends the JSON documents
        # as array elements, which psycopg escapes character by character (≈ 30 ms a row).
        row.save()
    tracked.changed, tracked.status_changes = len(changed), len(rows)
    return tracked


STATE_FIELDS = ("overall", "incomplete", "awaiting", "snapshot_hash", "failing")


def _update_states(states, now):
    """Write the changed states. On PostgreSQL one UPDATE from arrays: Django's bulk_update
    builds a CASE expression per row and field, which costs more than the evaluations."""
    if not states:
        return
    if connection.vendor != "postgresql":
        EligibilityState.objects.bulk_update(states, [*STATE_FIELDS, "evaluated_at"])
        return
    table = EligibilityState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS s SET overall = v.overall, incomplete = v.incomplete, awaiting = v.awaiting, "
            "snapshot_hash = v.snapshot_hash, failing = v.failing, evaluated_at = %s "
            "FROM unnest(%s::bigint[], %s::varchar[], %s::integer[], %s::integer[], %s::varchar[], %s::text[]) "
            "AS v(id, overall, incomplete, awaiting, snapshot_hash, failing) WHERE s.id = v.id",
            [now, [s.pk for s in states], [s.overall for s in states], [s.incomplete for s in states],
             [s.awaiting for s in states], [s.snapshot_hash for s in states], [s.failing for s in states]],
        )


def status_change(result, user, last_overall):
    """The status change row to keep after `last_overall` (None: none kept yet), or
    None when the overall status is the same as the last one kept. Not saved."""
    if last_overall == result.overall:
        return None
    return EligibilityStatusChange(
        record=result.record,
        user=user if getattr(user, "is_authenticated", False) else None,
        previous=last_overall or "",
        overall=result.overall,
        snapshot_hash=result.digest,
        snapshot=_plain(result.snapshot.as_data()),
        results=_plain(result.evaluation.to_dict()),
    )


def _count(counts, status):
    return counts.get(status, 0)  # keyed by the status's name (Evaluation.counts)


def evaluate_and_log(record, user, channel=EligibilityAccess.VIEW):
    """Evaluate for a person to see: writes the access row (and a status change)."""
    result = evaluate_record(record)
    authenticated = getattr(user, "is_authenticated", False)
    access = EligibilityAccess(
        record=result.record,
        user=user if authenticated else None,
        role=role_of(user) or "" if authenticated else "",
        channel=channel,
        overall=result.overall,
        snapshot_hash=result.digest,
    )
    if status_is_current(result):
        access.save()  # a single INSERT: no transaction of its own to open and commit
        return result
    with transaction.atomic():
        access.save()
        track_status(result, user)
    return result


def as_json(result):
    return {
        "screening_number": result.record.screening_number,
        "site": result.record.site.code,
        "indication": result.record.indication,
        "snapshot_hash": result.digest,
        **result.evaluation.to_dict(),
    }


def on_crf_saved(sender, record, user, **kwargs):
    """Receiver of crf.signals.crf_saved: keep the record's eligibility state current."""
    track_status(evaluate_record(record), user)
