"""Re-evaluate every record (or a site's) after a change of the rules or of the
snapshot: each record's stored state refreshed, a status change kept where the
overall status moved, and the signatures bound to another hash invalidated
(through `eligibility_changed`, as a save does).

Chunk by chunk, in constant memory: a chunk's records are locked (the row lock
section saves, imports and signing take, so no save lands between the read and
the write), read in a fixed number of queries, evaluated, and written in one
transaction. A record whose stored state already holds its evaluation is left
untouched. `manage.py reevaluate` runs it; it takes a `progress` callback so a
background job can report as it goes.
"""

from dataclasses import dataclass

from django.db import transaction

from ..models import ScreeningRecord
from .evaluation import evaluate_records, track_statuses

# Records read, evaluated and written per transaction: large enough that the
# queries per chunk cost little per record, small enough that a chunk's locks are
# held for a fraction of a second and its snapshots take little memory.
CHUNK_SIZE = 200


@dataclass
class Reevaluation:
    """How far a re-evaluation is: handed to the progress callback after each chunk."""

    total: int
    done: int = 0
    changed: int = 0  # records whose stored state was refreshed
    status_changes: int = 0  # of them, records whose overall status moved (a status change row kept)
    invalidated: int = 0  # signatures invalidated because their hash no longer matched

    def line(self):
        return (f"{self.done:,}/{self.total:,} records re-evaluated, {self.changed:,} changed "
                f"({self.status_changes:,} status changes, {self.invalidated:,} signatures invalidated)")


def reevaluate_records(site=None, progress=None, *, user=None, chunk_size=CHUNK_SIZE):
    """Re-evaluate every record of `site` (a Site; None: every site). `progress(report)`
    is called after each chunk with the Reevaluation so far; the final one is returned.
    `user`: whose action the status change rows name (None for a command)."""
    records = ScreeningRecord.objects.order_by("pk")
    if site is not None:
        records = records.filter(site=site)
    report = Reevaluation(total=records.count())
    last_pk = 0
    while True:
        with transaction.atomic():
            pks = list(records.filter(pk__gt=last_pk).select_for_update().values_list("pk", flat=True)[:chunk_size])
            if not pks:
                break
            _reevaluate_chunk(pks, user, report)
        last_pk = pks[-1]
        report.done += len(pks)
        if progress is not None:
            progress(report)
    return report


def _reevaluate_chunk(pks, user, report):
    tracked = track_statuses(evaluate_records(pks), user)
    report.changed += tracked.changed
    report.status_changes += tracked.status_changes
    report.invalidated += tracked.invalidated
