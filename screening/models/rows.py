"""Repeating rows of the CRF: each belongs to one screening record."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from screening.calculators.bvas import BVAS_V3_ITEMS
from screening.calculators.mrss import MRSS_SITES
from screening.calculators.units import ANALYTES, UNIT_LABELS
from screening.vocabulary import (
    DOSE_UNITS,
    DRUGS,
    EVENT_KINDS,
    FREQUENCIES,
    OUTCOMES,
    PURPOSES,
    ROUTES,
)

from ..values import date_text, value_text
from .fields import answer, event_date, grade, measurement
from .records import CrfModel, ScreeningRecord


class Row(CrfModel):
    record = models.ForeignKey(ScreeningRecord, on_delete=models.CASCADE, related_name="%(class)s_rows")

    class Meta:
        abstract = True


class Medication(Row):
    drug = models.CharField(max_length=32, choices=[(k, _(v[0])) for k, v in DRUGS.items()])
    drug_other = models.CharField(_("drug name (if other)"), max_length=100, blank=True)
    dose = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    dose_unit = models.CharField(max_length=8, choices=[(k, _(v)) for k, v in DOSE_UNITS.items()], blank=True)
    route = models.CharField(max_length=8, choices=[(k, _(v)) for k, v in ROUTES.items()], blank=True)
    frequency = models.CharField(max_length=24, choices=[(k, _(v)) for k, v in FREQUENCIES.items()], blank=True)
    start_date = models.DateField(_("start date"))
    stop_date = models.DateField(_("stop date"), null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    purpose = models.CharField(
        max_length=12, choices=[(k, _(v)) for k, v in PURPOSES.items()], default="treatment",
        help_text=_("Anti-infectives: prophylaxis does not count against EXC-10e."),
    )
    outcome = models.CharField(max_length=24, choices=[(k, _(v)) for k, v in OUTCOMES.items()], blank=True)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self):
        return f"{self.get_drug_display()} from {self.start_date}"

    def clean(self):
        if self.stop_date and self.start_date and self.stop_date < self.start_date:
            raise ValidationError({"stop_date": _("The stop date is before the start date.")})
        if self.ongoing and self.stop_date:
            raise ValidationError({"ongoing": _("An ongoing course has no stop date.")})
        if not self.ongoing and not self.stop_date:
            raise ValidationError({"stop_date": _("Give the stop date, or tick ongoing.")})
        if self.drug == "other" and not self.drug_other:
            raise ValidationError({"drug_other": _("Name the drug.")})
        if self.dose is not None and not self.dose_unit:
            raise ValidationError({"dose_unit": _("Choose the unit of the dose.")})


PAP_METHODS = [("echo", _("Echocardiogram (estimate)")), ("rhc", _("Right heart catheterisation"))]
UNIT_CHOICES = sorted({(u, UNIT_LABELS.get(u, u)) for a in ANALYTES.values() for u in a.units})


class LabResult(Row):
    analyte = models.CharField(max_length=16, choices=[(k, _(a.label)) for k, a in ANALYTES.items()])
    sample_date = models.DateField(_("sample date"))
    not_done = models.BooleanField(_("not done"), default=False)
    value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=12, choices=UNIT_CHOICES, blank=True)
    lln = models.DecimalField(_("lower limit of normal"), max_digits=12, decimal_places=3, null=True, blank=True)
    uln = models.DecimalField(_("upper limit of normal"), max_digits=12, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["analyte", "sample_date", "id"]

    def __str__(self):
        # What the conflict page names a row by: the value as entered (118 g/L, not 118.000).
        text = " ".join(p for p in (str(self.get_analyte_display()), value_text(self.value), self.get_unit_display()) if p)
        return f"{text} on {date_text(self.sample_date)}" if self.sample_date else text

    def clean(self):
        if self.not_done:
            if self.value is not None:
                raise ValidationError({"value": _("A test marked not done has no value.")})
            return
        errors = {}
        if self.value is None:
            errors["value"] = _("Enter the value, or tick not done.")
        if not self.unit:
            errors["unit"] = _("Choose the unit the lab reported.")
        elif self.analyte in ANALYTES and self.unit not in ANALYTES[self.analyte].units:
            allowed = ", ".join(UNIT_LABELS.get(u, u) for u in ANALYTES[self.analyte].units)
            errors["unit"] = _("This analyte is reported in %(units)s.") % {"units": allowed}
        if self.value is not None and self.value < 0:
            errors["value"] = _("A lab value cannot be negative.")
        if self.uln is not None and self.uln <= 0:
            errors["uln"] = _("The upper limit of normal must be above zero.")
        if self.lln is not None and self.uln is not None and self.lln > self.uln:
            errors["lln"] = _("The lower limit is above the upper limit.")
        if errors:
            raise ValidationError(errors)


class PulmonaryFunctionTest(Row):
    test_date = models.DateField(_("test date"))
    fvc_pct = measurement(_("FVC"), 10, 150, gettext_noop("% predicted"))
    dlco_pct = measurement(_("DLCO"), 5, 150, gettext_noop("% predicted"))

    class Meta:
        ordering = ["test_date", "id"]
        verbose_name = _("pulmonary function test")

    def __str__(self):
        return f"PFT on {self.test_date}"


class PulmonaryPressureReading(Row):
    """An earlier estimate of the pulmonary artery pressure (EXC-01 looks back a year)."""

    reading_date = models.DateField(_("date"))
    pap = measurement(_("pulmonary artery pressure"), 5, 150, "mmHg", decimals=0)
    method = models.CharField(_("method"), max_length=8, choices=PAP_METHODS, default="echo")

    class Meta:
        ordering = ["reading_date", "id"]
        verbose_name = _("pulmonary artery pressure reading")

    def __str__(self):
        return f"PAP {value_text(self.pap)} mmHg on {date_text(self.reading_date)}"

    def clean(self):
        if self.pap is None:
            raise ValidationError({"pap": _("Enter the pressure the report gives.")})


MrssSites = type("MrssSites", (models.Model,), {
    "__module__": __name__,
    "Meta": type("Meta", (), {"abstract": True}),
    **{code: grade(code.replace("_", " "), 3, _("0 normal – 3 severe")) for code in MRSS_SITES},
})


class MrssAssessment(MrssSites, Row):
    assessment_date = models.DateField(_("assessment date"))

    class Meta:
        ordering = ["assessment_date", "id"]
        verbose_name = _("mRSS assessment")

    def __str__(self):
        return f"mRSS on {self.assessment_date}"




class BvasItem(Row):
    item = models.CharField(
        _("BVAS v3 item"), max_length=48, choices=[(k, _(v[1])) for k, v in BVAS_V3_ITEMS.items()]
    )
    new_or_worse = models.BooleanField(_("new or worse (within 4 weeks)"), default=True)
    major = answer(_("classed as major by the assessing physician"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("BVAS v3 item")

    def __str__(self):
        return str(self.get_item_display())


class PriorEvent(Row):
    kind = models.CharField(max_length=32, choices=[(k, _(v)) for k, v in EVENT_KINDS.items()])
    start_date = models.DateField(_("date (or start)"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    systemic_treatment = answer(
        _("treated with systemic antibacterial, antiviral or antifungal (not prophylaxis)"),
        _("Infections only."),
    )
    treatment_end = event_date(_("end of that treatment"))

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("prior event")

    def __str__(self):
        return f"{self.get_kind_display()} on {self.start_date}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
