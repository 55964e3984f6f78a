"""Repeating rows of the CRF: each belongs to one screening record."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from screening.calculators.bvas import BVAS_V3_ITEMS
from screening.calculators.dosing import SINGLE_DOSE
from screening.calculators.mrss import MRSS_LABELS, MRSS_SITES
from screening.calculators.units import (
    ANALYTES,
    CONFIRM,
    REFUSE,
    REFUSED_UNITS,
    UNIT_LABELS,
    bounds_in,
    likely_units,
    limit_plausible,
    to_canonical,
    value_check,
)
from screening.vocabulary import (
    CELL_THERAPY_KINDS,
    DOSE_UNITS,
    DRUGS,
    EVENT_KINDS,
    FREQUENCIES,
    HBV_DNA_RESULTS,
    HBV_DNA_UNITS,
    MALIGNANCY_KINDS,
    MALIGNANCY_STATUSES,
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
    dose = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True,
                               help_text=_("One administration, as charted: 5 for 5 mg twice daily."))
    dose_unit = models.CharField(max_length=8, choices=[(k, _(v)) for k, v in DOSE_UNITS.items()], blank=True)
    route = models.CharField(max_length=8, choices=[(k, _(v)) for k, v in ROUTES.items()], blank=True)
    frequency = models.CharField(
        max_length=24, choices=[(k, _(v)) for k, v in FREQUENCIES.items()], blank=True,
        help_text=_("How often the dose is given; a pulse or infusion: a single dose on the start date."),
    )
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

    def clean_fields(self, exclude=None):
        # Here, not in clean(): a frequency the form already refused (an unknown code) is excluded,
        # so it is not refused a second time as missing.
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if "frequency" not in (exclude or ()) and self.dose is not None and not self.frequency:
            errors.setdefault("frequency", []).append(ValidationError(_(
                "Choose how often this dose is given: the dose is one administration (5 mg twice daily, "
                "not 10 mg). A pulse or an infusion: Single dose or infusion, dated by the start date."),
                code="frequency_missing"))
        if errors:
            raise ValidationError(errors)

    def clean(self):
        if self.stop_date and self.start_date and self.stop_date < self.start_date:
            raise ValidationError({"stop_date": _("The stop date is before the start date.")})
        if self.frequency == SINGLE_DOSE:
            # One administration (a pulse, an infusion), dated by the start date.
            if self.ongoing:
                raise ValidationError({"ongoing": _("A single dose is given on one day: it is not ongoing.")})
            if self.stop_date and self.start_date and self.stop_date != self.start_date:
                raise ValidationError({"stop_date": _(
                    "A single dose is given on its date (the start date): leave the stop date empty or give "
                    "the same date. Doses on several days: one row each, or a course with its frequency.")})
        elif self.ongoing and self.stop_date:
            raise ValidationError({"ongoing": _("An ongoing course has no stop date.")})
        elif not self.ongoing and not self.stop_date:
            raise ValidationError({"stop_date": _("Give the stop date, or tick ongoing.")})
        if self.drug == "other" and not self.drug_other:
            raise ValidationError({"drug_other": _("Name the drug.")})
        if self.dose is not None and self.dose < 0:
            raise ValidationError({"dose": _("A dose cannot be negative.")})
        if self.dose is not None and not self.dose_unit:
            raise ValidationError({"dose_unit": _("Choose the unit of the dose.")})


PAP_METHODS = [("echo", _("Echocardiogram (estimate)")), ("rhc", _("Right heart catheterisation"))]
# Every unit an analyte is reported in, and those a lab prints but that are refused (Quick %):
# offered so the refusal says what to enter instead.
UNIT_CHOICES = sorted({(u, UNIT_LABELS.get(u, u)) for a in ANALYTES.values() for u in a.units}
                      | {(u, UNIT_LABELS.get(u, u)) for _code, u in REFUSED_UNITS})
REFUSED_UNIT_MESSAGES = {
    # xgettext:no-python-format ("Quick %" is the text)
    ("pt", "%"): _("A prothrombin time as Quick % cannot be converted without the ISI: enter the INR the lab "
                   "reports (analyte INR)."),
}


class LabResult(Row):
    analyte = models.CharField(max_length=16, choices=[(k, _(a.label)) for k, a in ANALYTES.items()])
    sample_date = models.DateField(_("sample date"))
    not_done = models.BooleanField(_("not done"), default=False)
    value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=12, choices=UNIT_CHOICES, blank=True)
    value_confirmed = models.BooleanField(
        _("value confirmed"), default=False,
        help_text=_("Tick after checking a value outside the usual range against the lab report."))
    lln = models.DecimalField(_("lower limit of normal"), max_digits=12, decimal_places=3, null=True, blank=True)
    lln_unit = models.CharField(
        _("LLN unit"), max_length=12, choices=UNIT_CHOICES, blank=True,
        help_text=_("The unit the report prints the lower limit in; blank: the value's unit."))
    uln = models.DecimalField(_("upper limit of normal"), max_digits=12, decimal_places=3, null=True, blank=True)
    uln_unit = models.CharField(
        _("ULN unit"), max_length=12, choices=UNIT_CHOICES, blank=True,
        help_text=_("The unit the report prints the upper limit in; blank: the value's unit."))

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
        entry = ANALYTES.get(self.analyte)
        for name, unit in (("unit", self.unit), ("lln_unit", self.lln_unit), ("uln_unit", self.uln_unit)):
            if (self.analyte, unit) in REFUSED_UNITS:
                errors[name] = REFUSED_UNIT_MESSAGES[self.analyte, unit]
            elif entry is not None and unit and unit not in entry.units:
                allowed = ", ".join(UNIT_LABELS.get(u, u) for u in entry.units)
                errors[name] = _("This analyte is reported in %(units)s.") % {"units": allowed}
        if not self.unit:
            errors["unit"] = _("Choose the unit the lab reported.")
        if self.value is not None and self.value < 0:
            errors["value"] = _("A lab value cannot be negative.")
        if self.uln is not None and self.uln <= 0:
            errors["uln"] = _("The upper limit of normal must be above zero.")
        if self.lln is not None and self.lln < 0:
            errors["lln"] = _("The lower limit of normal cannot be negative.")
        if entry is not None and not errors:
            errors.update(self._range_errors(entry))
        if errors:
            raise ValidationError(errors)

    def _range_errors(self, entry):
        """The value against the analyte's physiological and usual ranges, the limits against the
        plausible ones, each in its own unit (calculators/units.py RANGES); {field: message}."""
        errors = {}
        name = entry.label if entry.label[1:2].isupper() else entry.label[0].lower() + entry.label[1:]
        canonical = UNIT_LABELS.get(entry.canonical_unit, entry.canonical_unit)

        def shown(amount, unit):
            return f"{value_text(amount)} {UNIT_LABELS.get(unit, unit)}"

        def span(which):
            low, high = bounds_in(self.analyte, which)
            return f"{value_text(low)}–{value_text(high)} {canonical}"

        def guess(amount, unit, which):
            units = likely_units(self.analyte, amount, unit, which)
            return _("; did you mean %(unit)s?") % {"unit": UNIT_LABELS.get(units[0], units[0])} if units else ""

        check = value_check(self.analyte, self.value, self.unit)
        if check == REFUSE:
            errors["value"] = _(
                "%(value)s is not a physiological value of %(analyte)s (possible: %(span)s)%(guess)s"
            ) % {"value": shown(self.value, self.unit), "analyte": name, "span": span("physiological"),
                 "guess": guess(self.value, self.unit, "usual") or "."}
        elif check == CONFIRM and not self.value_confirmed:
            errors["value"] = _(
                "%(value)s is outside the usual range of %(analyte)s (%(span)s): check it against the report "
                "and tick “value confirmed”, or correct it%(guess)s"
            ) % {"value": shown(self.value, self.unit), "analyte": name, "span": span("usual"),
                 "guess": guess(self.value, self.unit, "usual") or "."}
        limits = {}
        for field, which, words in (("uln", "uln", _("upper limit")), ("lln", "lln", _("lower limit"))):
            amount, unit = getattr(self, field), getattr(self, f"{field}_unit") or self.unit
            if amount is None:
                continue
            if not limit_plausible(self.analyte, amount, unit, which):
                hint = guess(amount, unit, which)
                errors[field] = _("%(label)s %(limit)s is not a plausible %(words)s of %(analyte)s%(guess)s") % {
                    "label": field.upper(), "limit": shown(amount, unit), "words": words, "analyte": name,
                    "guess": hint or _(" (plausible: %(span)s).") % {"span": span(which)}}
            else:
                limits[field] = to_canonical(self.analyte, amount, unit)
        if len(limits) == 2 and limits["lln"] > limits["uln"]:
            errors["lln"] = _("The lower limit is above the upper limit.")
        return errors


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
    **{code: grade(_(MRSS_LABELS[code]), 3, _("0 normal – 3 severe")) for code in MRSS_SITES},
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


# CRF version 2 (issue 17): what CRF version 1 asked as one answer, as rows of what the source says.


class Malignancy(Row):
    """A malignancy of the subject's history (EXC-08 decides each one: its type, status and last treatment)."""

    kind = models.CharField(_("type"), max_length=24, choices=[(k, _(v)) for k, v in MALIGNANCY_KINDS.items()])
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("As in the source; required for “Other”."))
    diagnosis_date = event_date(_("diagnosis date"))
    last_treatment_date = event_date(_("date of the last treatment"), _("Surgery, radiotherapy or drug treatment."))
    # Not "status": that name is the record's own and no CRF field (crf.sections.data_fields).
    disease_status = models.CharField(_("status"), max_length=16, choices=[(k, _(v)) for k, v in MALIGNANCY_STATUSES.items()],
                                      blank=True)

    class Meta:
        ordering = ["diagnosis_date", "id"]
        verbose_name = _("malignancy")
        verbose_name_plural = _("malignancies")

    def __str__(self):
        day = f" diagnosed {date_text(self.diagnosis_date)}" if self.diagnosis_date else ""
        return f"{self.get_kind_display()}{day}"

    def clean(self):
        errors = {}
        if self.kind == "other" and not (self.description or "").strip():
            errors["description"] = _("Describe the malignancy as the source names it.")
        if self.diagnosis_date and self.last_treatment_date and self.last_treatment_date < self.diagnosis_date:
            errors["last_treatment_date"] = _("The last treatment is dated before the diagnosis.")
        if not self.disease_status:
            errors["disease_status"] = _("Choose the status the source gives, or Unknown.")
        if errors:
            raise ValidationError(errors)


# A value or a lower limit has up to 10 integer digits (10^9 IU/mL and more are reported).
def _hbv_number(verbose_name):
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(0)])


class HbvDnaTest(Row):
    """An HBV DNA result as the lab reports it (EXC-12 reads it when anti-HBc is positive)."""

    sample_date = models.DateField(_("sample date"), null=True)  # required on the form; empty only from CRF version 1
    result = models.CharField(_("result"), max_length=16, choices=[(k, _(v)) for k, v in HBV_DNA_RESULTS.items()])
    value = _hbv_number(_("value"))
    unit = models.CharField(_("unit"), max_length=12, choices=list(HBV_DNA_UNITS.items()), blank=True,
                            help_text=_("Of the value and of the lower limit, as the report prints them."))
    lloq = _hbv_number(_("lower limit of quantification"))

    class Meta:
        ordering = ["sample_date", "id"]
        verbose_name = _("HBV DNA result")

    def __str__(self):
        text = " ".join(p for p in ("HBV DNA", value_text(self.value), self.unit) if p) if self.value is not None \
            else f"HBV DNA {self.get_result_display()}"
        return f"{text} on {date_text(self.sample_date)}" if self.sample_date else text

    def clean(self):
        errors = {}
        if self.result == "quantified" and self.value is None:
            errors["value"] = _("Enter the value the lab reported, or choose another result.")
        if self.result != "quantified" and self.value is not None:
            errors["value"] = _("Only a quantified result has a value: choose “Quantified”, or clear the value.")
        if (self.value is not None or self.lloq is not None) and not self.unit:
            errors["unit"] = _("Choose the unit the lab reported.")
        if self.result == "not_done" and self.lloq is not None:
            errors["lloq"] = _("A test not done has no lower limit.")
        if errors:
            raise ValidationError(errors)


class CellTherapy(Row):
    """A cell or gene therapy the subject received (EXC-10a)."""

    kind = models.CharField(_("kind"), max_length=16, choices=[(k, _(v)) for k, v in CELL_THERAPY_KINDS.items()])
    product = models.CharField(_("product or procedure"), max_length=120, blank=True)
    therapy_date = event_date(_("date (or start)"))

    class Meta:
        ordering = ["therapy_date", "id"]
        verbose_name = _("cell or gene therapy")
        verbose_name_plural = _("cell or gene therapies")

    def __str__(self):
        day = f" on {date_text(self.therapy_date)}" if self.therapy_date else ""
        return f"{self.get_kind_display()}{day}"
