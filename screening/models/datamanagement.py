"""Data management: queries on the data (data clarification requests), their steps,
source data verification marks and the freezing of a record (docs/data-management.md).

A query's state changes (open → answered → closed, re-opened); each step is an
append-only row of `QueryStep`, chained like the rest of the trail. An SDV mark is
append-only too, changed once only: when a later change of its datum clears it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .records import ScreeningRecord

QUERY_TEXT_MAX = 2000


class Target(models.Model):
    """What a query or an SDV mark is about: a section, one of its fields, a repeating
    row (`row_model`, `row_id`), or one field of such a row. `row_id` 0: not a row."""

    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=32)
    row_model = models.CharField(max_length=40, blank=True, default="")
    row_id = models.PositiveIntegerField(default=0)
    field = models.CharField(max_length=64, blank=True, default="")
    target_label = models.CharField(max_length=300, help_text=_("The target in words, as it read then."))

    class Meta:
        abstract = True

    @property
    def target_key(self):
        """"lvef", "labresult:12", "labresult:12.value", or "" (the section): the page's index."""
        if self.row_model:
            row = f"{self.row_model}:{self.row_id}"
            return f"{row}.{self.field}" if self.field else row
        return self.field


class Query(Target):
    OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
    STATES = [(OPEN, _("Open")), (ANSWERED, _("Answered")), (CLOSED, _("Closed"))]

    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="queries")
    state = models.CharField(max_length=12, choices=STATES, default=OPEN)
    rule = models.CharField(max_length=32, blank=True, default="", help_text=_("The edit check that raised it, if any."))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("None for a query raised by an edit check."),
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["raised_at", "id"]
        indexes = [models.Index(fields=["record", "state"], name="query_record_state")]
        constraints = [
            # An edit check has at most one query not closed per record.
            models.UniqueConstraint(
                fields=["record", "rule"], condition=~models.Q(rule="") & ~models.Q(state="closed"),
                name="one_live_query_per_rule",
            ),
        ]

    def __str__(self):
        return f"{self.record_id} {self.target_label}: {self.state}"

    @property
    def automatic(self):
        return bool(self.rule)


class QueryStep(models.Model):
    """One step of a query's thread: who, when, what they wrote; never changed."""

    append_only = True  # never changed or deleted, and chained (models/chain.py)
    RAISED, ANSWERED, CHANGED, CLOSED, REOPENED = "raised", "answered", "changed", "closed", "reopened"
    AUTO_RAISED, AUTO_CLOSED = "auto_raised", "auto_closed"
    ACTIONS = [
        (RAISED, _("Query raised")),
        (ANSWERED, _("Query answered")),
        (CHANGED, _("Query answered by a change of the data")),
        (CLOSED, _("Query closed")),
        (REOPENED, _("Query re-opened")),
        (AUTO_RAISED, _("Query raised by an edit check")),
        (AUTO_CLOSED, _("Query closed by an edit check")),
    ]

    query = models.ForeignKey(Query, on_delete=models.PROTECT, related_name="steps")
    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=12, choices=ACTIONS)
    text = models.TextField(max_length=QUERY_TEXT_MAX, blank=True)
    change = models.CharField(max_length=300, blank=True, help_text=_("The change of the data that answered it."))
    reason = models.TextField(blank=True, help_text=_("The reason given for that change."))
    state = models.CharField(max_length=12, choices=Query.STATES, help_text=_("The query's state after this step."))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.query_id})"


class SdvMark(Target):
    """A datum verified against source by a monitor; cleared, once, by a later change."""

    append_only = True  # never deleted, and chained (models/chain.py) ...
    # ... and changed once only: a later change clears it (the first from empty); nothing else changes.
    invalidation_fields = ("cleared_at", "cleared_by", "cleared_by_user")

    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="sdv_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=300, blank=True, help_text=_("The change that cleared the mark."))
    cleared_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "section", "row_model", "row_id", "field"],
                condition=models.Q(cleared_at__isnull=True), name="one_valid_sdv_mark_per_target",
            ),
        ]

    def __str__(self):
        return f"SDV {self.target_label}"

    @property
    def valid(self):
        return self.cleared_at is None


class FreezeEvent(models.Model):
    """A record frozen (by a signature) or unfrozen (by a person, with a reason)."""

    append_only = True  # never changed or deleted, and chained (models/chain.py)
    FROZEN, UNFROZEN = "frozen", "unfrozen"
    ACTIONS = [(FROZEN, _("Record frozen")), (UNFROZEN, _("Record unfrozen"))]

    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="freeze_events")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=12, choices=ACTIONS)
    reason = models.TextField(blank=True)
    signature = models.ForeignKey("screening.Signature", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="freeze_events", help_text=_("The signature that froze it."))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.record_id}"
