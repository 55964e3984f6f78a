"""Evaluate a record's eligibility from the database, and log it.

Always computed from the current data at request time; never cached.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from ..access.roles import role_of
from ..eligibility.engine import evaluate
from ..models import EligibilityAccess, EligibilityState, EligibilityStatusChange
from .signals import eligibility_changed
from .snapshots import build_snapshot


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


def _plain(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def state_values(result):
    counts = result.evaluation.counts
    return {
        "overall": result.overall,
        "incomplete": _count(counts, "INCOMPLETE"),
        "awaiting": _count(counts, "AWAITING_INVESTIGATOR"),
        "snapshot_hash": result.digest,
    }


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
