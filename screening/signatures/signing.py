"""Electronic signature of eligibility: re-authentication, meaning, binding to
the evaluated data by snapshot hash, and a lock after repeated wrong passwords.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from ..access.roles import role_of
from ..checklist.evaluation import evaluate_record, track_status
from ..crf.recording import history_of, save_with_audit
from ..crf.sections import CRF_MODELS
from ..models import ScreeningRecord
from ..models.signatures import (
    MEANING_ELIGIBLE,
    MEANING_SCREEN_FAILURE,
    PRE_LD,
    SCREENING,
    Signature,
    SignatureAttempt,
)
from ..values import site_time_text, user_display_name

MAX_FAILURES = 5
LOCK_MINUTES = 30


class SigningRefused(Exception):
    pass


def valid_signatures(record, signatures=None):
    """The latest valid signature of each checkpoint; from `signatures` when the
    caller has already read the record's signatures."""
    if signatures is None:
        signatures = record.signatures.filter(invalidated_at__isnull=True)
    return {s.checkpoint: s for s in sorted(signatures, key=lambda s: s.signed_at) if s.valid}


def next_checkpoint(record, signatures=None):
    """Screening first; the pre-lymphodepletion confirmation once LD has started."""
    signatures = valid_signatures(record) if signatures is None else signatures
    if SCREENING not in signatures:
        return SCREENING
    if PRE_LD not in signatures and record.actual_ld_date and signatures[SCREENING].meaning == MEANING_ELIGIBLE:
        return PRE_LD
    return None


def signing_locked(user):
    """Five wrong passwords in a row lock signing for LOCK_MINUTES."""
    recent = SignatureAttempt.objects.filter(user=user).order_by("-at", "-id")[:MAX_FAILURES]
    recent = list(recent)
    if len(recent) < MAX_FAILURES or any(a.success or a.outcome != "wrong password" for a in recent):
        return False
    return recent[0].at > timezone.now() - datetime.timedelta(minutes=LOCK_MINUTES)


def allowed_meanings(overall):
    if overall == "ELIGIBLE":
        return [MEANING_ELIGIBLE]
    if overall == "NOT_ELIGIBLE":
        return [MEANING_SCREEN_FAILURE]
    return []


def local_time(moment, site):
    """"2026-12-02 08:45:22 CST (Asia/Shanghai)": the time shown to the signer, kept."""
    return site_time_text(moment, site)


def sign(record, user, password, meaning, shown_hash):
    """Sign the record's current evaluation, or raise SigningRefused. Every attempt is kept."""
    checkpoint = next_checkpoint(record) or SCREENING

    def refuse(outcome):
        SignatureAttempt.objects.create(record=record, user=user, checkpoint=checkpoint, outcome=outcome)
        raise SigningRefused(outcome)

    if not user.has_perm("screening.sign_eligibility"):
        refuse("role may not sign")
    if signing_locked(user):
        refuse("signing locked after repeated wrong passwords")
    if next_checkpoint(record) is None:
        refuse("nothing to sign: signatures are complete and valid, or lymphodepletion has not started")
    result = evaluate_record(record)
    if result.overall == "INCOMPLETE":
        refuse("eligibility is incomplete")
    if shown_hash != result.digest:
        refuse("the data changed after the page was opened; review the checklist again")
    if meaning not in allowed_meanings(result.overall):
        refuse(f"meaning does not match the computed status {result.overall}")
    if not user.check_password(password):
        refuse("wrong password")

    now = timezone.now()
    failing = [r.id for r in result.evaluation.results if r.status == "FAIL"]
    with transaction.atomic():
        signature = Signature.objects.create(
            record=record,
            checkpoint=checkpoint,
            signer=user,
            printed_name=user.get_full_name() or user.username,
            role=role_of(user) or "",
            signed_at=now,
            local_time=local_time(now, record.site),
            meaning=meaning,
            overall=result.overall,
            snapshot_hash=result.digest,
            failing_criteria=failing,
            ld_date=record.actual_ld_date if checkpoint == PRE_LD else record.planned_ld_date,
        )
        SignatureAttempt.objects.create(
            record=record, user=user, checkpoint=checkpoint, success=True, outcome=signature.get_meaning_display()
        )
        _update_status(record, user, checkpoint, meaning)
        track_status(result, user)
    return signature


def _update_status(record, user, checkpoint, meaning):
    record = ScreeningRecord.objects.get(pk=record.pk)
    if meaning == MEANING_SCREEN_FAILURE:
        status = ScreeningRecord.SCREEN_FAILED
    elif checkpoint == PRE_LD:
        status = ScreeningRecord.ENROLLED
    else:
        return
    if record.status != status:
        record.status = status
        save_with_audit(record, user, f"Eligibility signed: {checkpoint}")


def invalidate_stale(record, digest, describe_change):
    """Mark valid signatures whose hash no longer matches the data as invalidated."""
    stale = list(record.signatures.filter(invalidated_at__isnull=True).exclude(snapshot_hash=digest))
    if not stale:
        return []
    change = describe_change(record, min(s.signed_at for s in stale))
    now = timezone.now()
    for signature in stale:
        signature.invalidated_at = now
        signature.invalidated_by = change[:300]
        signature.save(update_fields=["invalidated_at", "invalidated_by"])
    if record.status == ScreeningRecord.ENROLLED:
        record.status = ScreeningRecord.SCREENING
        save_with_audit(record, None, "Eligibility signature invalidated by a data change")
    return stale


def describe_change(record, since):
    """The first CRF change after `since`: who changed what, and why."""
    first = None
    for model in CRF_MODELS:
        key = "id" if model is ScreeningRecord else "record_id"
        row = (
            history_of(model).filter(**{key: record.pk}, history_date__gt=since)
            .select_related("history_user").order_by("history_date").first()
        )
        if row is not None and (first is None or row.history_date < first.history_date):
            first = row
    if first is None:
        return gettext("The evaluated data changed (no CRF history row found).")
    # Kept as text on the signature: the time in the site's zone, like every time of the record's pages.
    words = {
        "what": capfirst(str(first.instance_type._meta.verbose_name)),
        "who": user_display_name(first.history_user),
        "when": site_time_text(first.history_date, record.site),
    }
    kind = {
        "+": gettext("%(what)s added by %(who)s at %(when)s"),
        "~": gettext("%(what)s changed by %(who)s at %(when)s"),
        "-": gettext("%(what)s deleted by %(who)s at %(when)s"),
    }[first.history_type] % words
    if first.history_change_reason:
        kind += gettext(", reason: %(reason)s") % {"reason": first.history_change_reason}
    return kind


def on_eligibility_changed(sender, record, digest, **kwargs):
    """Receiver of checklist.signals.eligibility_changed."""
    invalidate_stale(record, digest, describe_change)
