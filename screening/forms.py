"""Forms of the CRF, generated from the section declaration, and the optimistic
locking of a section (see docs/robustness.md)."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.functional import cached_property
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import display
from .audit import history_of
from .calculators.dates import add_months
from .models import ScreeningRecord
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


def _widget_for(db_field, **kwargs):
    """Form fields of row tables: compact controls (a select per coded cell)."""
    kind = db_field.get_internal_type()
    if kind == "DateField":
        kwargs["widget"] = DateInput()
    elif kind == "DecimalField":
        kwargs["form_class"] = DecimalField
    return db_field.formfield(**kwargs)


def _question_for(db_field, **kwargs):
    """Form fields of a section page: short coded questions as radio buttons, one
    row per question; blank stays distinct from every answer (nothing checked)."""
    field = _widget_for(db_field, **kwargs)
    if db_field.choices and kind_is_text(db_field) and len(db_field.choices) <= RADIO_MAX_OPTIONS:
        field.widget = forms.RadioSelect()
        field.choices = [(value, label) for value, label in field.choices if value != ""]
    return field


def kind_is_text(db_field):
    return db_field.get_internal_type() == "CharField"


class VersionField(forms.IntegerField):
    """The version of the saved row the page was built from (optimistic locking).

    Bookkeeping, not data: it never makes a form "changed"."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class CrfForm(forms.ModelForm):
    """Validates dates against today, the date of birth and the consent date.

    `versioned=True` (the section page) adds the hidden `version` field."""

    section = None  # the Section it edits (screening.sections)

    def __init__(self, *args, record=None, read_only=False, versioned=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        if versioned:
            self.fields["version"] = VersionField(
                label="Version of the saved data", required=False, min_value=0, max_value=MAX_VERSION,
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
                    f"{label} is more than {OLDEST_YEARS} years ago: not plausible.", code="far_past"))
                continue
            if name in FUTURE_ALLOWED:
                if value > today + datetime.timedelta(days=FUTURE_LIMIT_DAYS):
                    self.add_error(name, ValidationError(
                        f"{label} is more than a year ahead: not plausible.", code="far_future"))
                elif dob and value < dob:
                    self.add_error(name, ValidationError(f"{label} is before the date of birth.", code="before_birth"))
                continue
            if value > today:
                self.add_error(name, ValidationError(f"{label} cannot be in the future.", code="future"))
            elif dob and name != "date_of_birth" and value < dob:
                self.add_error(name, ValidationError(f"{label} is before the date of birth.", code="before_birth"))
            elif name in SCREENING_VISIT_DATES and f"{self._meta.model._meta.model_name}.{name}" not in HISTORICAL_DATES:
                if consent and value < consent:
                    self.add_error(name, ValidationError(
                        f"{label} is before the informed consent date ({display.date_text(consent)}); "
                        "screening procedures start after consent.", code="before_consent"))
                elif screening and value > screening + datetime.timedelta(days=SCREENING_WINDOW_DAYS):
                    self.add_error(name, ValidationError(
                        f"{label} is more than {SCREENING_WINDOW_DAYS} days after the screening visit.",
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
        if dob and dob < add_months(timezone.localdate(), -12 * OLDEST_YEARS):
            self.add_error("date_of_birth", f"A date of birth more than {OLDEST_YEARS} years ago is not plausible.")
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


@cache  # a class per section, built once
def section_form_class(section):
    names = [f.name for f in data_fields(section.model)]
    meta = type("Meta", (), {"model": section.model, "fields": names, "formfield_callback": _question_for})
    return type(f"{section.model.__name__}Form", (CrfForm,), {"Meta": meta, "section": section, "__module__": __name__})


class RowForm(CrfForm):
    pass


class RowFormSet(BaseInlineFormSet):
    """Refuses forged row counts (negative, or more saved rows than rows) as tampering."""

    @cached_property
    def management_form(self):
        form = super().management_form
        if self.is_bound and not form.errors:
            total, initial = form.cleaned_data[TOTAL_FORM_COUNT], form.cleaned_data[INITIAL_FORM_COUNT]
            if not 0 <= initial <= total:
                form.add_error(None, "The row counts of the page were altered.")
                form.cleaned_data[TOTAL_FORM_COUNT] = form.cleaned_data[INITIAL_FORM_COUNT] = 0
        return form


@cache
def row_formset_class(rows):
    fields = list(rows.fields) or [f.name for f in data_fields(rows.model)]
    return inlineformset_factory(
        ScreeningRecord, rows.model, form=RowForm, formset=RowFormSet, fields=fields, extra=1, can_delete=True,
        formfield_callback=_widget_for, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True,
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




# ---------------------------------------------------------------- optimistic locking
#
# Each versioned form carries the `version` of the row it was built from. When a
# section is saved, `find_conflict` compares those versions with the stored rows
# (the caller holds the record's row lock, so the check and the writes are one
# atomic step). Anything changed since the page was opened refuses the save and
# returns the user's input merged with the saved data: the fields the user had
# changed keep the user's values, the others show the saved values, and every
# version is brought up to date, so saving again is a deliberate choice.


@dataclass
class FieldChange:
    label: str
    yours: str
    saved: str
    kept: bool  # the user had changed it too: the page keeps the user's value


@dataclass
class Change:
    """One item (the section, or one row) changed by someone else since the user's version."""

    item: str
    kind: str  # "changed", "added" or "deleted"
    saves: list = field(default_factory=list)  # [(user or None, datetime, reason)], oldest first
    fields: list = field(default_factory=list)
    note: str = ""


@dataclass
class Conflict:
    changes: list
    data: object  # QueryDict: the post to render again

    def summary(self):
        people = sorted({display.user_display_name(user, _("the system")) for change in self.changes
                         for user, _when, _why in change.saves})
        return ", ".join(people) or str(_("someone else"))


class EditConflict(Exception):
    def __init__(self, conflict):
        super().__init__(conflict.summary())
        self.conflict = conflict


def posted_int(data, key, maximum=MAX_VERSION):
    """The version (or row id) posted under `key`, read as the form reads it; None if absent or invalid."""
    try:
        return VersionField(required=False, min_value=0, max_value=maximum).clean(data.get(key))
    except ValidationError:
        return None


def _value(instance, name):
    return instance._meta.get_field(name).value_from_object(instance)


def _as_post(model_field, value):
    """A saved value as the browser posts it (None: an unticked checkbox, absent from a post)."""
    if model_field.get_internal_type() == "BooleanField":
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return display.number_text(value)
    return str(value)


def _history(model, pk, after_version=None):
    entries = history_of(model).filter(id=pk).select_related("history_user").order_by("history_date", "history_id")
    if after_version is not None:
        entries = entries.filter(version__gt=after_version)
    return [(h.history_user, h.history_date, h.history_change_reason or "") for h in entries]


def _version_of(model, pk, version, record):
    """The row as it was at `version` (0: not yet created), or None if unknown."""
    if version == 0:  # the page was opened before the row existed
        return model(record=record) if model is not ScreeningRecord else None
    entry = (history_of(model).filter(id=pk, version=version).exclude(history_type="-")
             .order_by("-history_date", "-history_id").first())
    return entry.instance if entry is not None else None


def _merge(form_class, prefix, data, values, record, base, stored, item):
    """Three-way merge of one form: base (what the user saw), the post, stored.

    Updates `values` (the form's posted values, by field name) and returns the
    Change, or None when no data field was changed by someone else."""
    kwargs = {"record": record, "prefix": prefix, "versioned": True}
    against_saved = form_class(data, instance=stored, **kwargs)
    differs = set(against_saved.changed_data)
    names = list(form_class._meta.fields)
    if base is not None:
        mine = set(form_class(data, instance=base, **kwargs).changed_data)
        theirs = {name for name in names if _value(base, name) != _value(stored, name)}
    else:  # the starting version is unknown: every difference counts as both sides' change
        mine = theirs = differs
    values["version"] = [str(stored.version)]
    if not theirs:
        return None
    changes = []
    for name in names:
        if name not in theirs:
            continue
        kept = name in mine and name in differs
        changes.append(FieldChange(
            str(against_saved.fields[name].label or name), display.posted_value_text(against_saved[name]),
            display.saved_value_text(stored, name), kept,
        ))
        if not kept:
            post = _as_post(stored._meta.get_field(name), _value(stored, name))
            if post is None:
                values.pop(name, None)
            else:
                values[name] = [post]
    since = base.version if base is not None and base.pk else None
    return Change(item, "changed", _history(type(stored), stored.pk, since), changes)


def _form_values(data, prefix, names):
    keys = {(f"{prefix}-{name}" if prefix else name): name for name in names}
    return {name: data.getlist(key) for key, name in keys.items() if key in data}


def find_conflict(record, section, form, formsets, data, lock=False):
    """The changes made by others since the page was opened, or None.

    `lock=True` (inside the saving transaction) reads the stored rows FOR UPDATE."""
    merged = data.copy()
    changes = []
    if form is not None:
        change = _form_conflict(record, section, form, data, merged, lock)
        if change is not None:
            changes.append(change)
    for rows, formset in formsets:
        changes += _formset_conflicts(record, rows, formset, data, merged, lock)
    return Conflict(changes, merged) if changes else None


def _form_conflict(record, section, form, data, merged, lock):
    model = form._meta.model
    stored = model.objects.select_for_update() if lock else model.objects.all()
    stored = stored.filter(pk=record.pk).first() if model is ScreeningRecord else stored.filter(record=record).first()
    if stored is None:
        return None
    posted = posted_int(data, form.add_prefix("version"))
    if posted is None:  # not posted by the section page: check against what this request read
        if form.add_prefix("version") in data:
            return None  # forged: the field's own error refuses the save
        posted = form.instance.version if form.instance.pk else 0
    if posted == stored.version:
        return None
    names = [*form._meta.fields, "version"]
    values = _form_values(data, form.prefix, names)
    change = _merge(type(form), form.prefix, data, values, record, _version_of(model, stored.pk, posted, record),
                    stored, section.title)
    for name in names:
        key = form.add_prefix(name)
        if name in values:
            merged.setlist(key, values[name])
        else:
            merged.pop(key, None)
    return change


ROW_KEY = re.compile(r"^(\d+)-(.+)$")


def _formset_conflicts(record, rows, formset, data, merged, lock):
    model, prefix = rows.model, formset.prefix
    if not formset.management_form.is_valid():
        return []  # forged management data: the formset's own error refuses the save
    stored = model.objects.filter(record=record)
    if lock:
        stored = stored.select_for_update()
    stored = {row.pk: row for row in stored}
    posted_rows = {}
    for key in data:
        if key.startswith(prefix + "-"):
            match = ROW_KEY.match(key[len(prefix) + 1:])
            if match:
                posted_rows.setdefault(int(match[1]), {})[match[2]] = data.getlist(key)
    form_class = formset.form
    item = f"{rows.title}: {{}}"
    initial, new, changes, seen = [], [], [], set()
    versioned = forged = False
    for i, row_form in enumerate(formset.forms):
        values = posted_rows.get(i, {})
        if i >= formset.initial_form_count():
            versioned = versioned or "version" in values
            new.append(values)
            continue
        pk = posted_int(data, row_form.add_prefix("id"), MAX_ROW_ID)
        posted = posted_int(data, row_form.add_prefix("version"))
        if pk is None or (posted is None and "version" in values):
            initial.append(values)  # forged: validation refuses it
            forged = True
            continue
        seen.add(pk)
        versioned = versioned or posted is not None
        deleting = forms.CheckboxInput().value_from_datadict(data, None, row_form.add_prefix("DELETE"))
        row = stored.get(pk)
        if row is None:
            gone = history_of(model).filter(id=pk, record_id=record.pk, history_type="-").order_by("-history_date").first()
            if gone is None:
                initial.append(values)  # not a row of this record: validation refuses it
                forged = True
                continue
            base = _version_of(model, pk, posted, record) if posted is not None else None
            mine = base is None or form_class(data, instance=base, record=record, prefix=row_form.prefix).has_changed()
            change = Change(item.format(gone.instance), "deleted", _history(model, pk)[-1:])
            if deleting:
                change.note = "You were deleting it too."
            elif mine:
                change.note = "Your values for it are kept below as a new row: untick nothing to add it again, or tick Delete."
                new.append({k: v for k, v in values.items() if k not in ("id", "version")})
            else:
                change.note = "You had not changed it: it is no longer listed."
            changes.append(change)
            continue
        if posted is None:  # not posted by the section page: check against what this request read
            posted = row_form.instance.version if row_form.instance.pk else row.version
        if posted != row.version:
            change = _merge(form_class, row_form.prefix, data, values, record,
                            _version_of(model, pk, posted, record), row, item.format(row))
            if change is not None:
                if deleting:
                    change.note = "You ticked Delete: it is still ticked below."
                changes.append(change)
        initial.append(values)
    if versioned and not forged:  # rows added by others (a post from the section page lists every row it showed)
        for pk, row in stored.items():
            if pk in seen:
                continue
            added = {"id": [str(pk)], "record": [str(record.pk)], "version": [str(row.version)]}
            for name in form_class._meta.fields:
                post = _as_post(model._meta.get_field(name), _value(row, name))
                if post is not None:
                    added[name] = [post]
            initial.append(added)
            changes.append(Change(item.format(row), "added", _history(model, pk)[-1:]))
    if changes:
        for key in [k for k in merged if k.startswith(prefix + "-") and ROW_KEY.match(k[len(prefix) + 1:])]:
            del merged[key]
        for i, values in enumerate(initial + new):
            for name, value in values.items():
                merged.setlist(f"{prefix}-{i}-{name}", value)
        merged[f"{prefix}-TOTAL_FORMS"] = str(len(initial) + len(new))
        merged[f"{prefix}-INITIAL_FORMS"] = str(len(initial))
    return changes


def stored_bookkeeping(instance, form, record):
    """Before saving under the lock: take the stored row's fields the form does
    not edit (version, status, ...), so the save increments the stored version
    and writes back nothing stale."""
    model = type(instance)
    if instance.pk:
        stored = model.objects.filter(pk=instance.pk).first()
    elif model is not ScreeningRecord and hasattr(model, "record") and model._meta.get_field("record").one_to_one:
        stored = model.objects.filter(record=record).first()
    else:
        stored = None
    if stored is None:
        return instance
    for model_field in model._meta.concrete_fields:
        if model_field.name not in form._meta.fields:
            setattr(instance, model_field.attname, getattr(stored, model_field.attname))
    instance._state.adding = False
    return instance
