"""Edit checks that cannot refuse a save: each is one declaration with its text; run
after every save (crf_saved), a check that trips opens a query by itself, and closes
it itself when the data no longer trip it. A query a person closed is not raised again
while the data stay as they were accepted."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..calculators.units import WEIGHT_TO_KG, convert
from ..crf.sections import BY_KEY, sections_for
from ..eligibility.protocol import SCREENING_WINDOW_DAYS
from ..models import InfectionScreen, LabResult, OrganFunction, Query, QueryStep
from ..values import value_text
from . import targets
from .queries import _step

WEIGHT_CHANGE_LIMIT = Decimal("0.10")  # a body weight more than 10 % from the first one entered


@dataclass(frozen=True)
class EditCheck:
    code: str
    section: str  # the section whose page shows the query
    text: object  # the query's text (lazy: translated when raised)
    trips: object  # record -> [(target key, detail)]: empty when the data are fine
    params: tuple = ()  # (name, value) pairs put into the text when it is raised

    def words(self):
        return str(self.text) % dict(self.params) if self.params else str(self.text)


def _lab_before_ld(record):
    ld = record.actual_ld_date or record.planned_ld_date
    if ld is None:
        return []
    limit = ld - datetime.timedelta(days=SCREENING_WINDOW_DAYS)
    rows = LabResult.objects.filter(record=record, sample_date__lt=limit).order_by("sample_date", "pk")
    return [(f"labresult:{row.pk}.sample_date", f"{row.get_analyte_display()} {row.sample_date.isoformat()}")
            for row in rows]


def _weight_change(record):
    """The weight now against the first weight recorded, both in kg (each as printed with its unit)."""
    organ = OrganFunction.objects.filter(record=record).only("pk", "weight", "weight_unit").first()
    now = _kg(organ.weight, organ.weight_unit) if organ is not None else None
    if now is None:
        return []
    first = next((kg for kg in (
        _kg(weight, unit) for weight, unit in OrganFunction.history.filter(id=organ.pk, weight__isnull=False)
        .order_by("history_date", "history_id").values_list("weight", "weight_unit")) if kg is not None), None)
    if not first or abs(now - first) <= WEIGHT_CHANGE_LIMIT * first:
        return []
    return [("weight", f"{value_text(round(first, 1))} kg → {value_text(round(now, 1))} kg")]


def _kg(weight, unit):
    if weight is None or unit not in WEIGHT_TO_KG:
        return None
    return Decimal(str(convert(weight, unit, WEIGHT_TO_KG)))


def _research_date_before_consent(record):
    if record.consent_date is None:
        return []
    screen = InfectionScreen.objects.filter(record=record).only("chest_imaging_date").first()
    if screen is None or screen.chest_imaging_date is None or screen.chest_imaging_date >= record.consent_date:
        return []
    return [("chest_imaging_date", f"{screen.chest_imaging_date.isoformat()} < {record.consent_date.isoformat()}")]


EDIT_CHECKS = (
    EditCheck("lab_before_ld_window", "labs", _(
        "A laboratory sample was taken more than the protocol's window (%(days)s days) before lymphodepletion: "
        "repeat it within the window, or explain."), _lab_before_ld, (("days", SCREENING_WINDOW_DAYS),)),
    EditCheck("weight_change", "organ", _(
        # Not %-formatted (no params), so "10 %" is no placeholder: xgettext:no-python-format
        "The body weight differs by more than 10 % from the weight first entered: check the value against source."),
        _weight_change),
    EditCheck("research_before_consent", "infection", _(
        "Chest imaging is dated before informed consent: if it was done for the study, consent was needed first; "
        "if it was standard of care, say so."), _research_date_before_consent),
)
BY_CODE = {check.code: check for check in EDIT_CHECKS}


def run(record, user=None):
    """Open, keep or close each check's query for the record (inside the saving transaction)."""
    latest = {}
    for query in Query.objects.filter(record=record).exclude(rule="").order_by("raised_at", "id"):
        latest[query.rule] = query  # the newest per rule
    closed_by_person = set(QueryStep.objects.filter(
        query__in=[q for q in latest.values() if q.state == Query.CLOSED], action=QueryStep.CLOSED,
    ).values_list("query__rule", flat=True))
    for check in EDIT_CHECKS:
        if check.section not in {s.key for s in sections_for(record)}:
            continue
        trips = check.trips(record)
        query = latest.get(check.code)
        live = query is not None and query.state != Query.CLOSED
        if trips and not live and check.code not in closed_by_person:
            target = targets.resolve(record, BY_KEY[check.section], trips[0][0]) or targets.resolve(
                record, BY_KEY[check.section], "")
            query = Query.objects.create(record=record, rule=check.code, **target.columns())
            _step(query, None, QueryStep.AUTO_RAISED, f"{check.words()} ({'; '.join(d for _, d in trips)})")
        elif not trips and live:
            query.state = Query.CLOSED
            query.save(update_fields=["state", "updated_at"])
            _step(query, None, QueryStep.AUTO_CLOSED, gettext("The data no longer trip this check."))


def on_crf_saved(sender, record, user, **kwargs):
    """Receiver of crf_saved."""
    run(record, user)
