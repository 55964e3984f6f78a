"""Forms of the CRF, generated from the section declaration."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from .calculators.dates import add_months
from .models import ScreeningRecord
from .sections import data_fields, fieldset_of

# Dates of procedures done at the screening visit: on or after consent, and no
# later than the screening window allows. Everything else is history (past dates).
SCREENING_WINDOW_DAYS = 28
SCREENING_VISIT_DATES = {
    "echo_date", "ecg_date", "sample_date", "igra_date", "pregnancy_test_date",
    "sledai_date", "serology_date", "anca_date", "bvas_date", "assessment_date",
}
# The same field name on a history row: an earlier mRSS is dated before consent.
HISTORICAL_DATES = {"mrssassessment.assessment_date", "pulmonaryfunctiontest.test_date"}
# Planned dates may lie in the future.
FUTURE_ALLOWED = {"planned_ld_date", "actual_ld_date"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _widget_for(db_field, **kwargs):
    if db_field.get_internal_type() == "DateField":
        kwargs["widget"] = DateInput()
    return db_field.formfield(**kwargs)


class CrfForm(forms.ModelForm):
    """Validates dates against today, the date of birth and the consent date."""

    formfield_callback = _widget_for

    def __init__(self, *args, record=None, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        if read_only:
            for f in self.fields.values():
                f.disabled = True

    def clean(self):
        data = super().clean()
        record = self.record
        today = timezone.localdate()
        dob = data.get("date_of_birth") or (record.date_of_birth if record else None)
        consent = data.get("consent_date") if "consent_date" in self.fields else (record.consent_date if record else None)
        screening = data.get("screening_date") if "screening_date" in self.fields else (record.screening_date if record else None)
        for name, value in list(data.items()):
            if not isinstance(value, datetime.date) or name in FUTURE_ALLOWED:
                continue
            label = self.fields[name].label
            if value > today:
                self.add_error(name, ValidationError(f"{label} cannot be in the future.", code="future"))
            elif dob and name != "date_of_birth" and value < dob:
                self.add_error(name, ValidationError(f"{label} is before the date of birth.", code="before_birth"))
            elif name in SCREENING_VISIT_DATES and f"{self._meta.model._meta.model_name}.{name}" not in HISTORICAL_DATES:
                if consent and value < consent:
                    self.add_error(name, ValidationError(
                        f"{label} is before the informed consent date ({consent:%d %b %Y}); "
                        "screening procedures start after consent.", code="before_consent"))
                elif screening and value > screening + datetime.timedelta(days=SCREENING_WINDOW_DAYS):
                    self.add_error(name, ValidationError(
                        f"{label} is more than {SCREENING_WINDOW_DAYS} days after the screening visit.",
                        code="outside_window"))
        return data


class RecordForm(CrfForm):
    class Meta:
        model = ScreeningRecord
        fields = [f.name for f in data_fields(ScreeningRecord)]

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"] = forms.ModelChoiceField(sites, empty_label=None)
            self.fields["site"].help_text = "The site where the subject is screened."
            self.order_fields(["site"])
        if "rescreen_of" in self.fields:
            qs = ScreeningRecord.objects.none()
            site = self.instance.site if self.instance.pk else None
            if site is not None:
                qs = ScreeningRecord.objects.filter(site=site).exclude(pk=self.instance.pk)
            elif sites is not None:
                qs = ScreeningRecord.objects.filter(site__in=sites)
            self.fields["rescreen_of"].queryset = qs
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        consent, screening = data.get("consent_date"), data.get("screening_date")
        if consent and screening and consent > screening:
            self.add_error("consent_date", "Consent must be signed on or before the screening visit.")
        if data.get("consent_date") and not data.get("consent_version"):
            self.add_error("consent_version", "Record the version of the consent form signed.")
        if self.instance.pk and data.get("indication") and data["indication"] != self.instance.indication:
            self.add_error(
                "indication",
                "The indication cannot change once recorded: data of the first indication would be orphaned. "
                "Screen the patient again in a new record.",
            )
        dob = data.get("date_of_birth")
        if dob and dob < add_months(timezone.localdate(), -12 * 120):
            self.add_error("date_of_birth", "A date of birth more than 120 years ago is not plausible.")
        initials = data.get("initials", "")
        if initials and not (initials.isalpha() and 2 <= len(initials) <= 4):
            self.add_error("initials", "Use 2 to 4 letters.")
        else:
            data["initials"] = initials.upper()
        return data

    def save(self, commit=True):
        if "site" in self.cleaned_data and not self.instance.pk:
            self.instance.site = self.cleaned_data["site"]
        return super().save(commit)


def section_form_class(section):
    names = [f.name for f in data_fields(section.model)]

    def init(self, *args, **kwargs):
        CrfForm.__init__(self, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        groups, rest = {}, []
        for name in self.fields:
            legend = fieldset_of(section, name)
            (groups.setdefault(legend, []) if legend else rest).append(name)
        parts = [Fieldset(legend, *groups[legend]) for legend, _ in section.fieldsets if legend in groups]
        if rest:
            parts.append(Fieldset("Other" if parts else section.title, *rest))
        self.helper.layout = Layout(*parts)

    meta = type("Meta", (), {"model": section.model, "fields": names})
    return type(f"{section.model.__name__}Form", (CrfForm,), {"Meta": meta, "__init__": init})


class RowForm(CrfForm):
    pass


def row_formset_class(rows):
    fields = list(rows.fields) or [f.name for f in data_fields(rows.model)]
    return inlineformset_factory(
        ScreeningRecord, rows.model, form=RowForm, fields=fields, extra=1, can_delete=True,
        formfield_callback=_widget_for,
    )


REASONS = [
    ("", "— choose —"),
    ("Data entry error", "Data entry error"),
    ("Source document updated", "Source document updated / new information"),
    ("Transcription correction", "Transcription correction"),
    ("Query resolution", "Query resolution"),
    ("other", "Other (give the reason below)"),
]


class ReasonForm(forms.Form):
    reason_choice = forms.ChoiceField(label="Reason for change", choices=REASONS, required=False)
    reason_text = forms.CharField(
        label="Reason (free text)", required=False, max_length=500,
        help_text="Required when “Other” is chosen; adds detail otherwise.",
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, prefix="reason", **kwargs)
        self.required = required

    def clean(self):
        data = super().clean()
        choice, text = data.get("reason_choice"), (data.get("reason_text") or "").strip()
        if self.required and not choice:
            self.add_error("reason_choice", "A reason is required to change data already entered.")
        if choice == "other" and not text:
            self.add_error("reason_text", "Give the reason for the change.")
        return data

    @property
    def reason(self):
        choice = self.cleaned_data.get("reason_choice")
        text = (self.cleaned_data.get("reason_text") or "").strip()
        if choice == "other":
            return text
        return f"{choice}: {text}" if choice and text else choice or text


