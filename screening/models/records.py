from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from screening.vocabulary import INDICATIONS

from .fields import event_date
from .sites import Site


class _HistoryDescriptor(HistoryDescriptor):
    """`Model.history` with its manager class built once: simple-history builds a new one at
    every access (inspect.getmembers of the queryset class, ≈ 1 ms), and reads it to save
    every history row."""

    def __init__(self, model, manager, queryset):
        super().__init__(model, manager=manager, queryset=queryset)
        self.manager_of_model = manager.from_queryset(queryset)

    def __get__(self, instance, owner):
        return self.manager_of_model(self.model, instance)


class AuditedHistory(HistoricalRecords):
    """django-simple-history's HistoricalRecords, the same tables and rows, with `_HistoryDescriptor`."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            setattr(sender, self.manager_name, _HistoryDescriptor(
                descriptor.model, descriptor.manager_class, descriptor.queryset_class))


class CrfModel(models.Model):
    """Base of every CRF model: audited, versioned for optimistic locking."""

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = AuditedHistory(inherit=True)

    class Meta:
        abstract = True


class ScreeningRecord(CrfModel):
    SCREENING, SCREEN_FAILED, ENROLLED, WITHDRAWN = "screening", "screen_failed", "enrolled", "withdrawn"
    STATUS_CHOICES = [
        (SCREENING, _("In screening")),
        (SCREEN_FAILED, _("Screen failure")),
        (ENROLLED, _("Enrolled")),
        (WITHDRAWN, _("Withdrawn")),
    ]
    SEX_CHOICES = [("F", _("Female")), ("M", _("Male"))]

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="records")
    screening_number = models.CharField(max_length=16, unique=True, editable=False)
    initials = models.CharField(
        _("subject initials"), max_length=4, help_text=_("2–4 letters; no names are stored.")
    )
    sex = models.CharField(max_length=1, choices=SEX_CHOICES)
    date_of_birth = models.DateField(_("date of birth"))
    indication = models.CharField(
        _("target indication"),
        max_length=8,
        choices=[(k, _(v)) for k, v in INDICATIONS.items()],
        help_text=_("Exactly one; its section is the only indication section offered."),
    )
    screening_date = models.DateField(_("screening visit date"))
    consent_date = event_date(
        _("informed consent date"), _("Date the subject signed the informed consent form.")
    )
    consent_version = models.CharField(
        _("consent form version"), max_length=32, blank=True, help_text=_("As printed on the ICF, e.g. v2.1.")
    )
    planned_ld_date = event_date(_("planned lymphodepletion start date"))
    actual_ld_date = event_date(_("actual lymphodepletion start date"))
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=SCREENING)
    rescreen_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rescreens",
        verbose_name=_("re-screening of"),
        help_text=_("The earlier screening record of this patient, if re-screened."),
    )
    comment = models.TextField(blank=True, help_text=_("Free text; not used by the eligibility rules."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    # Set when the last checkpoint is signed (or a screen failure): no section may be saved
    # until someone unfreezes it with a reason (screening/datamanagement/freezing.py).
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-screening_date", "-id"]
        permissions = [
            ("enter_crf", "Can enter and correct CRF data"),
            ("record_judgement", "Can record investigator judgement items"),
            ("sign_eligibility", "Can sign eligibility"),
            ("view_audit_trail", "Can view audit trails"),
            ("import_records", "Can import screening records"),
            ("view_review_queue", "Can view the review queue"),
            ("view_access_log", "Can view the user access log of a site"),
            ("view_audit_chain", "Can view the head hashes of the audit trail's chain"),
            ("raise_query", "Can raise, close and re-open queries on the data"),
            ("answer_query", "Can answer queries on the data"),
            ("verify_source", "Can mark data as verified against source"),
            ("unfreeze_record", "Can unfreeze a frozen record"),
            ("manage_site_users", "Can create, change and deactivate the users of their own sites"),
        ]

    def __str__(self):
        return self.screening_number

    def save(self, *args, **kwargs):
        if not self.screening_number:
            self.screening_number = self._next_screening_number()
        if self.pk is not None and not self._state.adding and not args and kwargs.get("update_fields") is None \
                and not kwargs.get("force_insert"):
            # Freezing is set and cleared by data management alone, under the row lock: a save of an
            # instance read before never writes back a stale frozen_at.
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "frozen_at"]
        super().save(*args, **kwargs)

    def _next_screening_number(self):
        # Lock the site row so two coordinators never get the same number.
        with transaction.atomic():
            site = Site.objects.select_for_update().get(pk=self.site_id)
            number = site.next_screening_sequence
            Site.objects.filter(pk=site.pk).update(next_screening_sequence=number + 1)
        return f"{site.code}-{number:04d}"

    def get_absolute_url(self):
        return reverse("record_detail", args=[self.pk])

    @property
    def consented(self):
        return bool(self.consent_date and self.consent_version)
