"""Repeating rows of the CRF: each belongs to one screening record."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from screening.calculators.bvas import BVAS_V3_ITEMS
from screening.calculators.mrss import MRSS_SITES
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
    drug = models.CharField(max_length=32, choices=[(k, v[0]) for k, v in DRUGS.items()])
    drug_other = models.CharField("drug name (if other)", max_length=100, blank=True)
    dose = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    dose_unit = models.CharField(max_length=8, choices=list(DOSE_UNITS.items()), blank=True)
    route = models.CharField(max_length=8, choices=list(ROUTES.items()), blank=True)
    frequency = models.CharField(max_length=24, choices=list(FREQUENCIES.items()), blank=True)
    start_date = models.DateField("start date")
    stop_date = models.DateField("stop date", null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    purpose = models.CharField(
        max_length=12, choices=list(PURPOSES.items()), default="treatment",
        help_text="Anti-infectives: prophylaxis does not count against EXC-10e.",
    )
    outcome = models.CharField(max_length=24, choices=list(OUTCOMES.items()), blank=True)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self):
        return f"{self.get_drug_display()} from {self.start_date}"

    def clean(self):
        if self.stop_date and self.start_date and self.stop_date < self.start_date:
            raise ValidationError({"stop_date": "The stop date is before the start date."})
        if self.ongoing and self.stop_date:
            raise ValidationError({"ongoing": "An ongoing course has no stop date."})
        if not self.ongoing and not self.stop_date:
            raise ValidationError({"stop_date": "Give the stop date, or tick ongoing."})
        if self.drug == "other" and not self.drug_other:
            raise ValidationError({"drug_other": "Name the drug."})
        if self.dose is not None and not self.dose_unit:
            raise ValidationError({"dose_unit": "Choose the unit of the dose."})


PAP_METHODS = [("echo", _("Echocardiogram (estimate)")), ("rhc", _("Right heart catheterisation"))]
# Every unit an analyte is reported in, and those a lab prints but that are refused (Quick %):
# offered so the refusal says what to enter instead.
UNIT_CHOICES = sorted({(u, UNIT_LABELS.get(u, u)) for a in ANALYTES.values() for u in a.units}
                      | {(u, UNIT_LABELS.get(u, u)) for _code, u in REFUSED_UNITS})
REFUSED_UNIT_MESSAGES = {
    ("pt", "%"): _("A prothrombin time as Quick % cannot be converted without the ISI: enter the INR the lab "
                   "reports (analyte INR)."),
}


class LabResult(Row):
    analyte = models.CharField(max_length=16, choices=[(k, a.label) for k, a in ANALYTES.items()])
    sample_date = models.DateField("sample date")
    not_done = models.BooleanField("not done", default=False)
    value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=12, choices=UNIT_CHOICES, blank=True)
    value_confirmed = models.BooleanField(
        _("value confirmed"), default=False,
        help_text=_("Tick after checking a value outside the usual range against the lab report."))
    lln = models.DecimalField("lower limit of normal", max_digits=12, decimal_places=3, null=True, blank=True)
    lln_unit = models.CharField(
        _("LLN unit"), max_length=12, choices=UNIT_CHOICES, blank=True,
        help_text=_("The unit the report prints the lower limit in; blank: the value's unit."))
    uln = models.DecimalField("upper limit of normal", max_digits=12, decimal_places=3, null=True, blank=True)
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
                raise ValidationError({"value": "A test marked not done has no value."})
            return
        errors = {}
        if self.value is None:
            errors["value"] = "Enter the value, or tick not done."
        entry = ANALYTES.get(self.analyte)
        for name, unit in (("unit", self.unit), ("lln_unit", self.lln_unit), ("uln_unit", self.uln_unit)):
            if (self.analyte, unit) in REFUSED_UNITS:
                errors[name] = REFUSED_UNIT_MESSAGES[self.analyte, unit]
            elif entry is not None and unit and unit not in entry.units:
                allowed = ", ".join(UNIT_LABELS.get(u, u) for u in entry.units)
                errors[name] = _("This analyte is reported in %(units)s.") % {"units": allowed}
        if not self.unit:
            errors["unit"] = "Choose the unit the lab reported."
        if self.value is not None and self.value < 0:
            errors["value"] = "A lab value cannot be negative."
        if self.uln is not None and self.uln <= 0:
            errors["uln"] = "The upper limit of normal must be above zero."
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
            errors["lln"] = "The lower limit is above the upper limit."
        return errors


class PulmonaryFunctionTest(Row):
    test_date = models.DateField("test date")
    fvc_pct = measurement("FVC", 10, 150, "% predicted")
    dlco_pct = measurement("DLCO", 5, 150, "% predicted")

    class Meta:
        ordering = ["test_date", "id"]
        verbose_name = "pulmonary function test"

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
    **{code: grade(code.replace("_", " "), 3, "0 normal – 3 severe") for code in MRSS_SITES},
})


class MrssAssessment(MrssSites, Row):
    assessment_date = models.DateField("assessment date")

    class Meta:
        ordering = ["assessment_date", "id"]
        verbose_name = "mRSS assessment"

    def __str__(self):
        return f"mRSS on {self.assessment_date}"




class BvasItem(Row):
    item = models.CharField(
        "BVAS v3 item", max_length=48, choices=[(k, v[1]) for k, v in BVAS_V3_ITEMS.items()]
    )
    new_or_worse = models.BooleanField("new or worse (within 4 weeks)", default=True)
    major = answer("classed as major by the assessing physician")

    class Meta:
        ordering = ["id"]
        verbose_name = "BVAS v3 item"

    def __str__(self):
        return str(self.get_item_display())


class PriorEvent(Row):
    kind = models.CharField(max_length=32, choices=list(EVENT_KINDS.items()))
    start_date = models.DateField("date (or start)")
    end_date = models.DateField("end date", null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    systemic_treatment = answer(
        "treated with systemic antibacterial, antiviral or antifungal (not prophylaxis)",
        "Infections only.",
    )
    treatment_end = event_date("end of that treatment")

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = "prior event"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.start_date}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date is before the start date."})
