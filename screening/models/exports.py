"""Append-only log of audit-trail exports: who took a copy of which trail, with
which filters, and how many rows it held (an export leaves the system, so the
system keeps the fact that it left)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .records import ScreeningRecord
from .sites import Site


class AuditExport(models.Model):
    append_only = True  # never changed or deleted, and chained (models/chain.py)
    RECORD, SITE, SCREENING_LOG = "record", "site", "log"
    KINDS = [(RECORD, _("Record audit trail")), (SITE, _("Site audit log")), (SCREENING_LOG, _("Screening log"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, blank=True, help_text=_("The exporter's role at the time."))
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    record = models.ForeignKey(
        ScreeningRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_exports"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="audit_exports")
    filters = models.JSONField(default=dict, blank=True, help_text=_("The filters applied, as given."))
    row_count = models.PositiveIntegerField(help_text=_("Data rows in the file (header excluded)."))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user} exported {self.get_kind_display()} ({self.row_count} rows)"
