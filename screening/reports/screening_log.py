"""The screening log of a site (ICH E6 essential record): every screening with
its consent, indication, status, the criteria it failed, its signatures and
re-screening, as one query whatever the number of records. The page and the
CSV and XLSX exports read the same query (docs/screening-log.md)."""

from dataclasses import dataclass

from django import forms
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..audit.forms import FilterForm
from ..checklist.translation import translate_message
from ..crf.forms import DateInput
from ..eligibility.criteria import BY_ID, CRITERIA
from ..models import Query, ScreeningRecord, SdvMark, Signature
from ..models.signatures import PRE_LD, SCREENING
from ..values import OVERALL_LABELS, zone_of
from ..vocabulary import INDICATIONS

OVERALL = [(code, lazy(label, str)()) for code, label in OVERALL_LABELS.items()]
SIGNATURE_STATES = {
    "signed": pgettext_lazy("signature state", "signed"),
    "invalidated": pgettext_lazy("signature state", "invalidated"),
    "unsigned": pgettext_lazy("signature state", "unsigned"),
}


class LogFilters(FilterForm):
    """The filters of the log, from the query string; an invalid one is shown beside its field and not applied."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + ScreeningRecord.STATUS_CHOICES)
    eligibility = forms.ChoiceField(label=_("Eligibility"), required=False, choices=[("", _("All"))] + OVERALL)
    indication = forms.ChoiceField(label=_("Indication"), required=False,
                                   choices=[("", _("All"))] + [(k, _(v)) for k, v in INDICATIONS.items()])
    screened_from = forms.DateField(label=_("Screened from"), required=False, widget=DateInput())
    screened_to = forms.DateField(label=_("Screened to"), required=False, widget=DateInput())
    # The criteria's words are the engine's messages, worded in the reader's language at each rendering.
    failing = forms.ChoiceField(label=_("Failing criterion"), required=False, choices=lambda: [("", _("Any"))] + [
        (c.id, f"{c.id} {translate_message(c.text)}") for c in CRITERIA])
    queries = forms.ChoiceField(label=_("Queries"), required=False, choices=[
        ("", _("All")), ("open", _("With open or answered queries")), ("none", _("Without open queries"))])

    def __init__(self, data=None):
        super().__init__(data)
        self.style()

    def clean(self):
        data = super().clean()
        start, end = data.get("screened_from"), data.get("screened_to")
        if start and end and start > end:
            self.add_error("screened_to", _("The end of the range is before its start."))
        return data

    def filters(self):
        """The valid filters only, as {name: value}; with no query string, none."""
        if not self.is_bound:
            return {}
        self.is_valid()
        self.mark_invalid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if value not in (None, "") and name not in self.errors}

    def as_json(self):
        return {name: value.isoformat() if hasattr(value, "isoformat") else value
                for name, value in self.filters().items()}


def log_records(site, filters):
    """The site's records with what the log shows, filtered; oldest screening first (a log is kept in order)."""
    valid = Signature.objects.filter(record=OuterRef("pk"), invalidated_at__isnull=True)
    invalid = Signature.objects.filter(record=OuterRef("pk"), invalidated_at__isnull=False)
    enrolled = (ScreeningRecord.history.filter(id=OuterRef("pk"), status=ScreeningRecord.ENROLLED)
                .order_by("history_date", "history_id").values("history_date")[:1])
    # Queries not closed, and sections verified whole: counted in the same query (docs/data-management.md).
    live = (Query.objects.filter(record=OuterRef("pk")).exclude(state=Query.CLOSED).order_by()
            .values("record").annotate(n=Count("pk")).values("n"))
    verified = (SdvMark.objects.filter(record=OuterRef("pk"), cleared_at__isnull=True, row_model="", field="")
                .order_by().values("record").annotate(n=Count("section", distinct=True)).values("n"))
    records = (
        ScreeningRecord.objects.filter(site=site)
        .select_related("site", "eligibility_state", "rescreen_of")
        .annotate(
            signed_screening=Exists(valid.filter(checkpoint=SCREENING)),
            signed_pre_ld=Exists(valid.filter(checkpoint=PRE_LD)),
            invalidated_screening=Exists(invalid.filter(checkpoint=SCREENING)),
            invalidated_pre_ld=Exists(invalid.filter(checkpoint=PRE_LD)),
            enrolled_at=Subquery(enrolled),
            open_queries=Coalesce(Subquery(live, output_field=IntegerField()), Value(0)),
            sdv_sections=Coalesce(Subquery(verified, output_field=IntegerField()), Value(0)),
        )
    )
    if filters.get("queries") == "open":
        records = records.filter(open_queries__gt=0)
    elif filters.get("queries") == "none":
        records = records.filter(open_queries=0)
    if "status" in filters:
        records = records.filter(status=filters["status"])
    if "eligibility" in filters:
        records = records.filter(eligibility_state__overall=filters["eligibility"])
    if "indication" in filters:
        records = records.filter(indication=filters["indication"])
    if "screened_from" in filters:
        records = records.filter(screening_date__gte=filters["screened_from"])
    if "screened_to" in filters:
        records = records.filter(screening_date__lte=filters["screened_to"])
    if "failing" in filters:
        records = records.filter(eligibility_state__failing__contains=f"|{filters['failing']}|")
    return records.order_by("screening_date", "screening_number")


def counts(records):
    """{status code: n} and {overall: n} of the filtered records: two queries."""
    plain = records.order_by()
    by_status = dict(plain.values_list("status").annotate(n=Count("pk")))
    by_overall = dict(plain.values_list("eligibility_state__overall").annotate(n=Count("pk")))
    return (
        [(code, label, by_status.get(code, 0)) for code, label in ScreeningRecord.STATUS_CHOICES],
        [(code, label, by_overall.get(code, 0)) for code, label in OVERALL],
    )


@dataclass
class FailedCriterion:
    id: str
    text: str


def failing_criteria(record):
    state = getattr(record, "eligibility_state", None)
    if state is None or not state.failing:
        return []
    return [FailedCriterion(cid, BY_ID[cid].text if cid in BY_ID else "") for cid in state.failing.strip("|").split("|")]


def signature_state(record, checkpoint):
    if getattr(record, f"signed_{checkpoint}"):
        return "signed"
    if getattr(record, f"invalidated_{checkpoint}"):
        return "invalidated"
    return "unsigned"


def overall_of(record):
    state = getattr(record, "eligibility_state", None)
    return state.overall if state is not None else ""


# The export's columns: the data dictionary's kind of names, stable across languages.
COLUMNS = [
    "screening_number", "initials", "consent_date", "consent_version", "screening_date", "indication",
    "status", "eligibility", "failing_criteria", "screening_signature", "pre_ld_signature",
    "rescreen_of", "enrolled_date", "open_queries", "sdv_sections_verified",
]


def enrolled_date(record):
    """The site's calendar day on which the record was first saved as enrolled, or None."""
    return record.enrolled_at.astimezone(zone_of(record.site)).date() if record.enrolled_at else None


def export_row(record):
    enrolled = enrolled_date(record)
    return [
        record.screening_number,
        record.initials,
        record.consent_date.isoformat() if record.consent_date else "",
        record.consent_version,
        record.screening_date.isoformat(),
        record.indication,
        record.status,
        overall_of(record),
        "; ".join(f"{c.id} {c.text}" for c in failing_criteria(record)),
        signature_state(record, SCREENING),
        signature_state(record, PRE_LD),
        record.rescreen_of.screening_number if record.rescreen_of_id else "",
        enrolled.isoformat() if enrolled else "",
        record.open_queries,
        record.sdv_sections,
    ]
