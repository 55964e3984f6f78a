"""Electronic signatures of eligibility (21 CFR Part 11 style) and every attempt."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .records import ScreeningRecord
from .sites import role_label

SCREENING, PRE_LD = "screening", "pre_ld"
CHECKPOINTS = [(SCREENING, _("Screening eligibility")), (PRE_LD, _("Pre-lymphodepletion confirmation"))]

MEANING_ELIGIBLE = "eligible"
MEANING_SCREEN_FAILURE = "screen_failure"
MEANINGS = [
    (MEANING_ELIGIBLE, _("I confirm the participant meets all eligibility criteria")),
    (MEANING_SCREEN_FAILURE, _("I confirm screen failure")),
]


class EligibilityState(models.Model):
    """The latest evaluation of a record, refreshed on every save: lets the review
    queue list records without evaluating each one. Pages never show it as the
    eligibility itself; they evaluate afresh."""

    record = models.OneToOneField(ScreeningRecord, on_delete=models.CASCADE, related_name="eligibility_state")
    overall = models.CharField(max_length=16)
    incomplete = models.PositiveIntegerField(default=0)
    awaiting = models.PositiveIntegerField(default=0)
    snapshot_hash = models.CharField(max_length=64)
    # The ids of the FAILing criteria, "|INC-01|EXC-07|": the screening log filters on it in SQL.
    failing = models.TextField(blank=True, default="")
    evaluated_at = models.DateTimeField(auto_now=True)  # last change: an unchanged evaluation writes nothing

    @property
    def reviewable(self):
        """Complete but for the investigator's own judgement items."""
        return self.incomplete == 0


class Signature(models.Model):
    append_only = True  # never deleted, and chained (models/chain.py) ...
    # ... and changed once only: its invalidation sets these (the first from empty); nothing else changes.
    invalidation_fields = ("invalidated_at", "invalidated_by", "invalidated_by_user", "invalidation_reason")
    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="signatures")
    checkpoint = models.CharField(max_length=12, choices=CHECKPOINTS)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=200)
    role = models.CharField(max_length=16)
    signed_at = models.DateTimeField(help_text=_("UTC"))
    local_time = models.CharField(max_length=64, help_text=_("Site-local time with its zone, as shown to the signer."))
    meaning = models.CharField(max_length=16, choices=MEANINGS)
    # The meaning as the signer read it, in the language of their page (21 CFR Part 11 §11.50):
    # shown as signed, whatever the reader's language; the code above is what the rules read.
    meaning_text = models.CharField(max_length=300, blank=True, default="")
    meaning_language = models.CharField(max_length=16, blank=True, default="")
    overall = models.CharField(max_length=16)
    snapshot_hash = models.CharField(max_length=64)
    failing_criteria = models.JSONField(default=list, blank=True)
    ld_date = models.DateField(null=True, blank=True, help_text=_("Lymphodepletion date evaluated against."))
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidated_by = models.CharField(
        max_length=300, blank=True, help_text=_("The change that broke the binding to the data.")
    )
    invalidated_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Whose change broke the binding (none for a change without a user)."),
    )
    invalidation_reason = models.TextField(blank=True, help_text=_("The reason given for that change."))

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            # The row lock taken by signing makes a second one impossible; this makes it impossible
            # whatever path writes signatures (21 CFR Part 11 §11.70).
            models.UniqueConstraint(
                fields=["record", "checkpoint"], condition=models.Q(invalidated_at__isnull=True),
                name="one_valid_signature_per_checkpoint",
            ),
        ]

    def __str__(self):
        return f"{self.printed_name}, {self.get_meaning_display()} ({self.get_checkpoint_display()})"

    @property
    def valid(self):
        return self.invalidated_at is None

    @property
    def role_label(self):
        return role_label(self.role)

    @property
    def meaning_as_signed(self):
        """The meaning in the words the signer was shown (its label today for a row without them)."""
        return self.meaning_text or self.get_meaning_display()

    def manifestation(self):
        """The signature as plain text, with the site-local time shown to the signer
        (pages render signed_at in the site's zone instead: _signatures.html)."""
        return gettext("Signed by %(name)s (%(role)s) on %(time)s — %(meaning)s") % {
            "name": self.printed_name, "role": self.role_label, "time": self.local_time,
            "meaning": self.meaning_as_signed,
        }


class SignatureAttempt(models.Model):
    append_only = True  # never changed or deleted, and chained (models/chain.py)
    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="signature_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    checkpoint = models.CharField(max_length=12, choices=CHECKPOINTS)
    success = models.BooleanField(default=False)
    outcome = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user} {'signed' if self.success else 'failed'} {self.record}: {self.outcome}"
