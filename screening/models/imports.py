"""Imports run as background jobs: the file as received, each run of it, and its
report, one line per record of the file (docs/exchange-format.md, "Imports run
in the background").

A line is written in the same transaction as the record it reports, so the
lines of a run that stopped half-way are exactly what was committed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .sites import Site


class ImportFile(models.Model):
    """A file's bytes, kept once by their SHA-256: what a run read, and what a re-run reads again."""

    sha256 = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)


class ImportRun(models.Model):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, _("queued")), (RUNNING, _("running")), (DONE, _("done")), (FAILED, _("failed"))]
    ACTIVE = (QUEUED, RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="import_runs")
    file_name = models.CharField(max_length=255)
    # The file by its SHA-256: the column holds the hash itself (to_field), so a
    # run's hash is read without a join and constrained with its site.
    file = models.ForeignKey(ImportFile, on_delete=models.PROTECT, to_field="sha256", db_column="sha256",
                             related_name="runs")
    update = models.BooleanField(default=False, help_text=_("Records whose screening number exists are updated."))
    language = models.CharField(max_length=16, blank=True, help_text=_("The uploader's language, for the report."))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moved on by every record the job commits; a running job whose heartbeat is
    # older than IMPORT_STALE_SECONDS stopped with its worker (screening.exchange.jobs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=STATES, default=QUEUED)
    total = models.PositiveIntegerField(null=True, blank=True, help_text=_("Records in the file, once it is read."))
    done = models.PositiveIntegerField(default=0)
    saved = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text=_("Why the run failed."))
    task_id = models.UUIDField(null=True, blank=True, help_text=_("The job's id in the task queue."))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "file"], name="import_run_site_file")]
        constraints = [
            # One active run of a file per site: two uploads of one file at once
            # cannot both create the records it gives no screening number.
            models.UniqueConstraint(fields=["site", "file"], condition=Q(state__in=("queued", "running")),
                                    name="one_active_import_of_a_file_per_site"),
        ]

    def __str__(self):
        return f"import #{self.pk} {self.file_name} ({self.state})"

    @property
    def sha256(self):
        return self.file_id

    @property
    def finished(self):
        return self.state in (self.DONE, self.FAILED)

    @property
    def percent(self):
        if not self.total:
            return 100 if self.finished else 0
        return min(100, self.done * 100 // self.total)

    def get_absolute_url(self):
        return reverse("import_run", args=[self.pk])


class ImportLine(models.Model):
    """The report of one record of the file: committed with the record, or refused with its errors."""

    append_only = True  # what an import did stays as written: never changed or deleted, and chained

    CREATED, UPDATED, REFUSED = "created", "updated", "refused"
    OUTCOMES = [(CREATED, _("created")), (UPDATED, _("updated")), (REFUSED, _("refused"))]

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="lines")
    index = models.PositiveIntegerField(help_text=_("The record's place in the file, from 1."))
    screening_number = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=8, choices=OUTCOMES)
    errors = models.JSONField(default=list, blank=True, help_text=_("[section, field, message] of each error."))

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_line_per_record_of_a_run")]

    @property
    def committed(self):
        return self.outcome != self.REFUSED
