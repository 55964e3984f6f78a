"""Append-only logs: who opened a record's eligibility, and each change of its
overall status with the snapshot that produced it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .records import ScreeningRecord


class EligibilityAccess(models.Model):
    append_only = True  # never changed or deleted, and chained (models/chain.py)
    VIEW, JSON, COMMAND, PRINT, SIGN, PDF = "view", "json", "command", "print", "sign", "pdf"
    CHANNELS = [
        (VIEW, _("Eligibility page")), (JSON, _("JSON endpoint")), (COMMAND, _("Management command")), (PRINT, _("Print view")),
        (SIGN, _("Sign page")), (PDF, _("PDF document")),
    ]

    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="eligibility_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    role = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.CharField(max_length=8, choices=CHANNELS, default=VIEW)
    overall = models.CharField(max_length=16)
    snapshot_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = _("eligibility accesses")

    def __str__(self):
        return f"{self.user} opened {self.record} ({self.overall})"


class EligibilityStatusChange(models.Model):
    append_only = True  # never changed or deleted, and chained (models/chain.py)
    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="status_changes")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        help_text=_("Whose action led to the re-evaluation."),
    )
    previous = models.CharField(max_length=16, blank=True)
    overall = models.CharField(max_length=16)
    snapshot_hash = models.CharField(max_length=64)
    snapshot = models.JSONField(help_text=_("The CRF data evaluated."))
    results = models.JSONField(help_text=_("Every criterion's status, reason and evidence as shown."))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.record}: {self.previous or '—'} → {self.overall}"
