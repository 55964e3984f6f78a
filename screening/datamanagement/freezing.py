"""Freezing: a record is frozen when its last checkpoint is signed (the pre-
lymphodepletion confirmation) or it is signed as a screen failure; its sections are
then read-only for everyone (crf saving refuses a record whose `frozen_at` is set).
An investigator or a site administrator unfreezes it with a reason. Both are
`FreezeEvent` rows, in the trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..access.roles import role_of
from ..crf.reasons import clean_reason, validate_reason
from ..models import FreezeEvent, ScreeningRecord
from ..models.datamanagement import QUERY_TEXT_MAX
from ..models.signatures import MEANING_SCREEN_FAILURE, PRE_LD


class FreezeRefused(Exception):
    pass


def freezes(signature):
    return signature.meaning == MEANING_SCREEN_FAILURE or signature.checkpoint == PRE_LD


def on_record_signed(sender, record, signature, user, **kwargs):
    """Receiver of signatures.signals.record_signed, inside the signing transaction (record locked)."""
    if freezes(signature):
        ScreeningRecord.objects.filter(pk=record.pk).update(frozen_at=timezone.now())
        FreezeEvent.objects.create(record_id=record.pk, user=user, role=role_of(user) or "",
                                   action=FreezeEvent.FROZEN, signature=signature)


def unfreeze(record, user, reason):
    if not user.has_perm("screening.unfreeze_record"):
        raise FreezeRefused(gettext("Your role cannot unfreeze records."))
    if not clean_reason(reason):
        raise FreezeRefused(gettext("Give the reason for unfreezing the record."))
    try:  # the rule for every reason for change (crf/reasons.py)
        reason = validate_reason(reason)
    except ValidationError as error:
        raise FreezeRefused(error.messages[0])
    if len(reason) > QUERY_TEXT_MAX:
        raise FreezeRefused(gettext("The reason is longer than %(max)s characters.") % {"max": QUERY_TEXT_MAX})
    with transaction.atomic():
        frozen = (ScreeningRecord.objects.select_for_update().filter(pk=record.pk)
                  .values_list("frozen_at", flat=True).first())
        if frozen is None:
            raise FreezeRefused(gettext("The record is not frozen."))
        ScreeningRecord.objects.filter(pk=record.pk).update(frozen_at=None)
        freeze = FreezeEvent.objects.filter(record=record, action=FreezeEvent.FROZEN).order_by("-at", "-id").first()
        return FreezeEvent.objects.create(record=record, user=user, role=role_of(user) or "",
                                          action=FreezeEvent.UNFROZEN, reason=reason,
                                          signature=freeze.signature if freeze else None)
