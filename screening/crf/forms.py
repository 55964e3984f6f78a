"""Forms of the CRF, generated from the section declaration, and the optimistic
locking of a section (see docs/robustness.md)."""

import datetime
from decimal import Decimal
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import values as display
from ..calculators.dates import add_months
from ..models import ScreeningRecord
from .reasons import clean_reason, validate_reason
from .sections import CONSENT, data_fields, fieldset_of

# Dates of procedures done at the screening visit: on or after consent, and no
# later than the screening window allows. Everything else is history (past dates).
SCREENING_WINDOW_DAYS = 28
SCREENING_VISIT_DATES = {
    "echo_date", "ecg_date", "sample_date", "igra_date", "pregnancy_test_date",
    "sledai_date", "serology_date", "anca_date", "bvas_date", "assessment_date",
}
# The same field name on a history row: an earlier mRSS is dated before consent.
HISTORICAL_DATES = {"mrssassessment.assessment_date", "pulmonaryfunctiontest.test_date"}
# Planned dates may lie in the future, within a year.
FUTURE_ALLOWED = {"planned_ld_date", "actual_ld_date"}
FUTURE_LIMIT_DAYS = 366
# No date of a living subject's history lies further back.
OLDEST_YEARS = 120
# Largest value a hidden version or row id may carry (a PostgreSQL integer).
MAX_VERSION = 2**31 - 1
MAX_ROW_ID = 2**63 - 1
# Rows one section may post: bounds the work a forged TOTAL_FORMS can cause.
MAX_ROWS = 500


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DecimalField(forms.DecimalField):
    """Shows a stored value as entered: 118, not 118.000 (the column keeps three places)."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return display.number_text(value)
        return super().prepare_value(value)


# A coded question with this many options or fewer is a row of radio buttons
# on a section page (Yes / No / Unknown, Positive / Negative / Not done).
RADIO_MAX_OPTIONS = 5


# Unit columns whose blank means "the unit of the value" (a lab result's LLN and ULN units).
SAME_UNIT_AS_VALUE = {"lln_unit", "uln_unit"}


def _widget_for(db_field, **kwargs):
    """Form fields of row tables: compact controls (a select per coded cell)."""
    kind = db_field.get_internal_type()
    if kind == "DateField":
        kwargs["widget"] = DateInput()
    elif kind == "DecimalField":
        kwargs["form_class"] = DecimalField
    field = db_field.formfield(**kwargs)
    if db_field.choices and field is not None:
        # An import or a forged post with a code the list does not hold: say which codes it holds.
        # The message is %-formatted with the value: a code holding "%" (the unit "%") is escaped.
        codes = ", ".join(str(code) for code, _label in db_field.flatchoices if code != "").replace("%", "%%")
        field.error_messages["invalid_choice"] = format_lazy(_("%(value)s is not one of the codes: {codes}."), codes=codes)
    if db_field.name in SAME_UNIT_AS_VALUE:
        field.choices = [("", _("as the value"))] + [c for c in field.choices if c[0] != ""]
    return field


def _question_for(db_field, **kwargs):
    """Form fields of a section page: short coded questions as radio buttons, one
    row per question; blank stays distinct from every answer (nothing checked)."""
    field = _widget_for(db_field, **kwargs)
    if db_field.choices and db_field.get_internal_type() == "CharField" and len(db_field.choices) <= RADIO_MAX_OPTIONS:
        field.widget = forms.RadioSelect()
        field.choices = [(value, label) for value, label in field.choices if value != ""]
    return field


class VersionField(forms.IntegerField):
    """The version of the saved row the page was built from (optimistic locking).

    Bookkeeping, not data: it never makes a form "changed"."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class CrfForm(forms.ModelForm):
    """Validates dates against today, the date of birth and the consent date.

    `versioned=True` (the section page) adds the hidden `version` field."""

    section = None  # the Section it edits (screening.crf.sections)

    def __init__(self, *args, record=None, read_only=False, versioned=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        if versioned:
            self.fields["version"] = VersionField(
                label=_("Version of the saved data"), required=False, min_value=0, max_value=MAX_VERSION,
                initial=self.instance.version if self.instance.pk else 0,
            )
        if read_only:
            for f in self.fields.values():
                f.disabled = True

    def groups(self):
        """The visible fields as (legend, bound fields), in the section's fieldsets;
        the rest under "Other" (or the section's title when it has no fieldsets)."""
        section = self.section
        grouped, rest = {}, []
        for bound in self.visible_fields():
            legend = fieldset_of(section, bound.name) if section is not None else None
            (grouped.setdefault(legend, []) if legend else rest).append(bound)
        parts = [(legend, grouped[legend]) for legend, _ in (section.fieldsets if section else ()) if legend in grouped]
        if rest:
            parts.append((_("Other") if parts else (section.title if section else ""), rest))
        return parts

    def clean(self):
        data = super().clean()
        record = self.record
        today = timezone.localdate()
        dob = data.get("date_of_birth") or (record.date_of_birth if record else None)
        consent = data.get("consent_date") if "consent_date" in self.fields else (record.consent_date if record else None)
        screening = data.get("screening_date") if "screening_date" in self.fields else (record.screening_date if record else None)
        earliest = add_months(today, -12 * OLDEST_YEARS)
        for name, value in list(data.items()):
            if not isinstance(value, datetime.date):
                continue
            label = self.fields[name].label
            if value < earliest and name != "date_of_birth":  # the date of birth has its own message
                self.add_error(name, ValidationError(
                    _("%(label)s is more than %(years)s years ago: not plausible.") % {"label": label, "years": OLDEST_YEARS}, code="far_past"))
                continue
            if name in FUTURE_ALLOWED:
                if value > today + datetime.timedelta(days=FUTURE_LIMIT_DAYS):
                    self.add_error(name, ValidationError(
                        _("%(label)s is more than a year ahead: not plausible.") % {"label": label}, code="far_future"))
                elif dob and value < dob:
                    self.add_error(name, ValidationError(_("%(label)s is before the date of birth.") % {"label": label}, code="before_birth"))
                continue
            if value > today:
                self.add_error(name, ValidationError(_("%(label)s cannot be in the future.") % {"label": label}, code="future"))
            elif dob and name != "date_of_birth" and value < dob:
                self.add_error(name, ValidationError(_("%(label)s is before the date of birth.") % {"label": label}, code="before_birth"))
            elif name in SCREENING_VISIT_DATES and f"{self._meta.model._meta.model_name}.{name}" not in HISTORICAL_DATES:
                if consent and value < consent:
                    self.add_error(name, ValidationError(
                        _("%(label)s is before the informed consent date (%(consent)s); "
                          "screening procedures start after consent.") % {"label": label, "consent": display.date_text(consent)},
                        code="before_consent"))
                elif screening and value > screening + datetime.timedelta(days=SCREENING_WINDOW_DAYS):
                    self.add_error(name, ValidationError(
                        _("%(label)s is more than %(days)s days after the screening visit.")
                        % {"label": label, "days": SCREENING_WINDOW_DAYS},
                        code="outside_window"))
        return data


class RecordForm(CrfForm):
    section = CONSENT

    class Meta:
        model = ScreeningRecord
        fields = [f.name for f in data_fields(ScreeningRecord)]
        formfield_callback = _question_for  # read from Meta only: a class attribute is ignored

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"] = forms.ModelChoiceField(sites, empty_label=None)
            self.fields["site"].help_text = _("The site where the subject is screened.")
            self.order_fields(["site"])
        if "rescreen_of" in self.fields:
            qs = ScreeningRecord.objects.none()
            site = self.instance.site if self.instance.pk else None
            if site is not None:
                qs = ScreeningRecord.objects.filter(site=site).exclude(pk=self.instance.pk)
            elif sites is not None:
                qs = ScreeningRecord.objects.filter(site__in=sites)
            self.fields["rescreen_of"].queryset = qs

    def clean(self):
        data = super().clean()
        consent, screening = data.get("consent_date"), data.get("screening_date")
        if consent and screening and consent > screening:
            self.add_error("consent_date", _("Consent must be signed on or before the screening visit."))
        if data.get("consent_date") and not data.get("consent_version"):
            self.add_error("consent_version", _("Record the version of the consent form signed."))
        if self.instance.pk and data.get("indication") and data["indication"] != self.instance.indication:
            self.add_error(
                "indication",
                _("The indication cannot change once recorded: data of the first indication would be orphaned. "
                  "Screen the patient again in a new record."),
            )
        dob = data.get("date_of_birth")
        if dob and dob < add_months(timezone.localdate(), -12 * OLDEST_YEARS):
            self.add_error("date_of_birth", _("A date of birth more than %(years)s years ago is not plausible.") % {"years": OLDEST_YEARS})
        initials = data.get("initials", "")
        if initials and not (initials.isalpha() and 2 <= len(initials) <= 4):
            self.add_error("initials", _("Use 2 to 4 letters."))
        else:
            data["initials"] = initials.upper()
        return data

    def save(self, commit=True):
        if "site" in self.cleaned_data and not self.instance.pk:
            self.instance.site = self.cleaned_data["site"]
        return super().save(commit)


@cache  # a class per section, built once
def section_form_class(section):
    names = [f.name for f in data_fields(section.model)]
    meta = type("Meta", (), {"model": section.model, "fields": names, "formfield_callback": _question_for})
    return type(f"{section.model.__name__}Form", (CrfForm,), {"Meta": meta, "section": section, "__module__": __name__})


class RowForm(CrfForm):
    pass


class RowFormSet(BaseInlineFormSet):
    """Refuses forged row counts (negative, or more saved rows than rows) and forged row ids as tampering."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django accepts any row of the table as a posted row id: a saved row posted
        # with another record's row id became a new row of this record. Only this
        # record's own rows are valid ids.
        pk = self._pk_field.name
        if pk in form.fields and self.instance.pk is not None:
            form.fields[pk].queryset = self.get_queryset()
            form.fields[pk].error_messages["invalid_choice"] = _(
                "This row is not one of this record's rows: the page was altered. Reload the page.")

    @cached_property
    def management_form(self):
        form = super().management_form
        if self.is_bound and not form.errors:
            total, initial = form.cleaned_data[TOTAL_FORM_COUNT], form.cleaned_data[INITIAL_FORM_COUNT]
            if not 0 <= initial <= total:
                form.add_error(None, _("The row counts of the page were altered."))
                form.cleaned_data[TOTAL_FORM_COUNT] = form.cleaned_data[INITIAL_FORM_COUNT] = 0
        return form


@cache
def row_formset_class(rows):
    fields = list(rows.fields) or [f.name for f in data_fields(rows.model)]
    return inlineformset_factory(
        ScreeningRecord, rows.model, form=RowForm, formset=RowFormSet, fields=fields, extra=1, can_delete=True,
        formfield_callback=_widget_for, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True,
    )


# Fields of a section page besides its form and tables: the CSRF token, the
# reason for change (two) and "Save and continue".
PAGE_FIELDS = 4


def most_fields_posted(section):
    """The number of fields the section page posts at most: its form, MAX_ROWS rows of
    each table and their management forms (DATA_UPLOAD_MAX_NUMBER_FIELDS must allow it)."""
    count = PAGE_FIELDS
    if section is CONSENT:
        count += len(RecordForm(versioned=True).fields)
    elif section.model is not None:
        count += len(section_form_class(section)(versioned=True).fields)
    for rows in section.rows:
        formset = row_formset_class(rows)(prefix="rows", form_kwargs={"versioned": True})
        count += len(formset.management_form.fields) + MAX_ROWS * len(formset.forms[0].fields)
    return count


REASONS = [
    # The value is what the trail stores (English, whatever the language); the label is shown translated.
    ("", _("— choose —")),
    ("Data entry error", _("Data entry error")),
    ("Source document updated", _("Source document updated / new information")),
    ("Transcription correction", _("Transcription correction")),
    ("Query resolution", _("Query resolution")),
    ("other", _("Other (give the reason below)")),
]


class ReasonForm(forms.Form):
    reason_choice = forms.ChoiceField(label=_("Reason for change"), choices=REASONS, required=False)
    reason_text = forms.CharField(
        label=_("Reason (free text)"), required=False, max_length=500,
        help_text=_("Required when “Other” is chosen; adds detail otherwise. At least three letters or digits."),
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, prefix="reason", **kwargs)
        self.required = required

    def clean_reason_text(self):
        text = clean_reason(self.cleaned_data.get("reason_text"))
        if text:  # any text given must say something (screening/reasons.py)
            validate_reason(text)
        return text

    def clean(self):
        data = super().clean()
        choice, text = data.get("reason_choice"), data.get("reason_text") or ""
        if self.required and not choice:
            self.add_error("reason_choice", _("A reason is required to change data already entered."))
        if choice == "other" and not text and "reason_text" not in self.errors:
            self.add_error("reason_text", _("Give the reason for the change: at least three letters or digits."))
        return data

    @property
    def reason(self):
        choice = self.cleaned_data.get("reason_choice")
        text = (self.cleaned_data.get("reason_text") or "").strip()
        if choice == "other":
            return text
        return f"{choice}: {text}" if choice and text else choice or text
