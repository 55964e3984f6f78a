"""Source data verification: a monitor marks a section, a field or a row as verified
against source; a later change of the verified datum clears the mark, once, saying
which change ("SDV cleared by change of …"). Marks are append-only rows (SdvMark)."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from ..access.roles import role_of
from ..crf.sections import sections_for
from ..models import ScreeningRecord, SdvMark
from ..values import user_display_name
from .queries import describe, touches


class SdvRefused(Exception):
    pass


def mark_verified(record, target, user):
    if not user.has_perm("screening.verify_source"):
        raise SdvRefused(gettext("Your role cannot verify data against source."))
    try:
        with transaction.atomic():
            ScreeningRecord.objects.select_for_update().filter(pk=record.pk).first()
            return SdvMark.objects.create(record=record, user=user, role=role_of(user) or "", **target.columns())
    except IntegrityError:  # the partial unique constraint: already verified and not changed since
        raise SdvRefused(gettext("Already verified: %(what)s.") % {"what": target.label}) from None


def on_crf_saved(sender, record, user, section=None, changes=(), **kwargs):
    """Receiver of crf_saved: clear the valid marks of the data the save changed."""
    if section is None or not changes:
        return
    now = timezone.now()
    for mark in SdvMark.objects.filter(record=record, section=section.key, cleared_at__isnull=True):
        hits = [c for c in changes if touches(mark, c)]
        if not hits:
            continue
        mark.cleared_at = now
        words = gettext("SDV cleared by change of %(what)s — %(change)s — by %(who)s") % {
            "what": mark.target_label, "change": describe(mark, hits[0]), "who": user_display_name(user)}
        if hits[0].reason:
            words += gettext(", reason: %(reason)s") % {"reason": hits[0].reason}
        mark.cleared_by = words[:300]
        mark.cleared_by_user = user
        mark.save(update_fields=["cleared_at", "cleared_by", "cleared_by_user"])


def valid_marks(record):
    return list(SdvMark.objects.filter(record=record, cleared_at__isnull=True).select_related("user"))


def verified_sections(marks):
    """{section key} verified whole, from a record's valid marks."""
    return {m.section for m in marks if not m.row_model and not m.field}


def progress(record, marks):
    """(verified sections, sections of the record)."""
    keys = {s.key for s in sections_for(record)}
    return len(verified_sections(marks) & keys), len(keys)


def section_marked(records):
    """Annotate each record with `sdv_sections`: its sections verified whole (one query with the records)."""
    return records.annotate(sdv_sections=Count(
        "sdv_marks__section", distinct=True,
        filter=Q(sdv_marks__cleared_at__isnull=True, sdv_marks__row_model="", sdv_marks__field=""),
    ))


def unverified_sections(record, verified_keys):
    return [s for s in sections_for(record) if s.key not in verified_keys]


def verified_by_record(record_ids):
    """{record pk: {section keys verified whole}} of these records: one query."""
    out = {}
    rows = SdvMark.objects.filter(record_id__in=record_ids, cleared_at__isnull=True, row_model="", field="")
    for record_id, section in rows.values_list("record_id", "section"):
        out.setdefault(record_id, set()).add(section)
    return out
