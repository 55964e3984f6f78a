"""Electronic signature of eligibility: re-authentication, meaning, binding to
the evaluated data by snapshot hash, and a lock after repeated wrong passwords.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from ..access import identity, reauth
from ..access.roles import role_of
from ..checklist.evaluation import evaluate_record, track_status
from ..crf.recording import history_of, save_with_audit
from ..crf.sections import CRF_MODELS
from ..models import ScreeningRecord
from ..models.signatures import (
    MEANING_ELIGIBLE,
    MEANING_SCREEN_FAILURE,
    MEANINGS,
    PRE_LD,
    SCREENING,
    Signature,
    SignatureAttempt,
)
from ..values import site_time_text, user_display_name
from .signals import record_signed


class SigningRefused(Exception):
    """Not signed. `locked`: the account is locked (the session is to be ended);
    `data_changed`: the data changed between the page and the signature."""

    def __init__(self, outcome, *, locked=False, data_changed=False):
        super().__init__(outcome)
        self.outcome, self.locked, self.data_changed = outcome, locked, data_changed


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


def signing_locked(request, user):
    """The account is locked by django-axes (failed logins and failed signings count together)."""
    return request is not None and reauth.is_locked(request, user)


def allowed_meanings(overall):
    if overall == "ELIGIBLE":
        return [MEANING_ELIGIBLE]
    if overall == "NOT_ELIGIBLE":
        return [MEANING_SCREEN_FAILURE]
    return []


def local_time(moment, site):
    """"2026-12-02 08:45:22 CST (Asia/Shanghai)": the time shown to the signer, kept."""
    return site_time_text(moment, site)


def sign(record, user, password, meaning, shown_hash, request=None):
    """Sign the record's current evaluation, or raise SigningRefused. Every attempt is kept.

    The password is checked first, whatever else the post holds, so that every wrong
    password counts toward the lockout (screening/reauth.py). Then, in one transaction
    under the record's row lock (the lock section saves, imports and judgement answers
    take), the snapshot is rebuilt and its hash compared with the one the signer saw:
    a save cannot land between the comparison and the signature, and two signings of
    one record queue there (the second finds the checkpoint signed)."""
    checkpoint = next_checkpoint(record) or SCREENING
    try:
        if not user.is_active:
            raise SigningRefused(gettext_noop("account deactivated"), locked=True)
        if not user.has_perm("screening.sign_eligibility"):
            raise SigningRefused(gettext_noop("role may not sign"))
        if signing_locked(request, user):
            raise SigningRefused(gettext_noop("account locked after repeated failed authentications"), locked=True)
        if not user.check_password(password):
            locked = request is not None and reauth.record_failure(request, user, record)
            raise SigningRefused(gettext_noop("wrong password"), locked=locked)
        try:
            with transaction.atomic():
                signature, checkpoint = _sign_locked(record, user, meaning, shown_hash)
        except IntegrityError:  # the partial unique constraint: another signature won
            raise SigningRefused(gettext_noop("nothing to sign: this checkpoint has just been signed")) from None
    except SigningRefused as refusal:
        SignatureAttempt.objects.create(record=record, user=user, checkpoint=checkpoint, outcome=refusal.outcome)
        raise
    with translation.override("en"):  # what is stored stays in one language (the trail shows it translated)
        outcome = str(signature.get_meaning_display())
    SignatureAttempt.objects.create(record=record, user=user, checkpoint=checkpoint, success=True, outcome=outcome)
    return signature


def _sign_locked(record, user, meaning, shown_hash):
    ScreeningRecord.objects.select_for_update().filter(pk=record.pk).first()
    result = evaluate_record(record)  # read after the lock: the data as they are now
    checkpoint = next_checkpoint(result.record)
    if checkpoint is None:
        raise SigningRefused(gettext_noop(
            "nothing to sign: signatures are complete and valid, or lymphodepletion has not started"))
    if result.overall == "INCOMPLETE":
        raise SigningRefused(gettext_noop("eligibility is incomplete"))
    if not meaning:
        raise SigningRefused(gettext_noop("choose the meaning of your signature"))
    if meaning not in allowed_meanings(result.overall):
        raise SigningRefused(f"meaning does not match the computed status {result.overall}")
    if shown_hash != result.digest:
        raise SigningRefused(gettext_noop("the data changed while you were signing: review again"), data_changed=True)
    now = timezone.now()
    failing = [r.id for r in result.evaluation.results if r.status == "FAIL"]
    signature = Signature.objects.create(
        record=result.record,
        checkpoint=checkpoint,
        signer=user,
        printed_name=user.get_full_name() or user.username,
        role=role_of(user) or "",
        signed_at=now,
        local_time=local_time(now, result.record.site),
        meaning=meaning,
        # The exact words of the meaning on the signer's page, in its language (docs/signatures.md).
        meaning_text=str(dict(MEANINGS)[meaning]),
        meaning_language=translation.get_language() or "",
        overall=result.overall,
        snapshot_hash=result.digest,
        failing_criteria=failing,
        ld_date=result.record.actual_ld_date if checkpoint == PRE_LD else result.record.planned_ld_date,
    )
    _update_status(result.record, user, checkpoint, meaning)
    track_status(result, user)
    record_signed.send(sender=Signature, record=result.record, signature=signature, user=user)
    return signature, checkpoint


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


@dataclass(frozen=True)
class InvalidatingChange:
    """The change that broke a signature's binding: in words (kept on the signature as
    it read then), whose it was, and the reason given for it."""

    text: str
    user_id: int | None = None
    reason: str = ""


def invalidate_stale(record, digest, describe_change):
    """Mark valid signatures whose hash no longer matches the data as invalidated."""
    # .all(): the signatures prefetched by a bulk re-evaluation, else one query.
    stale = [s for s in record.signatures.all() if s.invalidated_at is None and s.snapshot_hash != digest]
    if not stale:
        return []
    change = describe_change(record, min(s.signed_at for s in stale))
    now = timezone.now()
    for signature in stale:
        signature.invalidated_at = now
        signature.invalidated_by = change.text[:300]
        signature.invalidated_by_user_id = change.user_id
        signature.invalidation_reason = change.reason
        signature.save(update_fields=["invalidated_at", "invalidated_by", "invalidated_by_user", "invalidation_reason"])
    if record.status == ScreeningRecord.ENROLLED:
        record.status = ScreeningRecord.SCREENING
        save_with_audit(record, None, gettext_noop("Eligibility signature invalidated by a data change"))
    return stale


def describe_change(record, since):
    """The first CRF change after `since`: who changed what, and why."""
    first = None
    for model in CRF_MODELS:
        key = "id" if model is ScreeningRecord else "record_id"
        row = (
            history_of(model).filter(**{key: record.pk}, history_date__gt=since)
            .order_by("history_date").first()
        )
        if row is not None and (first is None or row.history_date < first.history_date):
            first = row
    if first is None:
        return InvalidatingChange(gettext("The evaluated data changed (no CRF history row found)."))
    # Kept as text on the signature: the time in the site's zone, like every time of the record's pages,
    # and the name the user had when making the change.
    words = {
        "what": capfirst(str(first.instance_type._meta.verbose_name)),
        "who": user_display_name(identity.version_at(first.history_user_id, first.history_date)),
        "when": site_time_text(first.history_date, record.site),
    }
    kind = {
        "+": gettext("%(what)s added by %(who)s at %(when)s"),
        "~": gettext("%(what)s changed by %(who)s at %(when)s"),
        "-": gettext("%(what)s deleted by %(who)s at %(when)s"),
    }[first.history_type] % words
    if first.history_change_reason:
        kind += gettext(", reason: %(reason)s") % {"reason": first.history_change_reason}
    return InvalidatingChange(kind, first.history_user_id, first.history_change_reason or "")


def on_eligibility_changed(sender, record, digest, **kwargs):
    """Receiver of checklist.signals.eligibility_changed: the signatures invalidated (bulk
    re-evaluation counts them)."""
    return invalidate_stale(record, digest, describe_change)
