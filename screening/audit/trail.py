"""The monitor's audit trail: the timeline of one record, or of every record of
a site, read from django-simple-history rows of every CRF model and interleaved
with the eligibility logs and the export log.

How a page is built, in a number of queries that does not grow with history:

1. *Keys, in the database.* Each source (one per CRF model's history table,
   plus the eligibility access, status change and export logs) is a "stream".
   The selected streams are combined with ``UNION ALL`` into one narrow list of
   (time, stream, key), ordered by time and sliced with LIMIT/OFFSET in the
   database: one query for the page, one ``COUNT`` for the paginator. Only the
   keys of the page reach Python, never the whole history.
2. *Rows and their predecessors, one query per stream on the page.* A change
   is shown as old → new, so each history row on the page needs the previous
   version of the same object. The query fetching the page's rows also fetches,
   through a correlated sub-query, the id of each row's immediate predecessor;
   so each model's history is loaded once, and neighbours are diffed in
   Python (no ``prev_record``, which costs a query per row).
3. *Users, roles and screening numbers,* once per page.

What stays proportional to the history is the database's sort and count of
the narrow key union (about 15 ms for 10,000 rows on SQLite), never the loading
or diffing of the rows skipped. The predecessor is one index seek thanks to the
(id, history_date, history_id) index (screening/audit/history_indexes.py). Measurements: docs/audit-trail.md.

The field history of one field (``field_history``) loads that one model's
history for the record once, narrowed to the columns it needs, and diffs it in
Python: a field can only be compared with its own previous value, which SQL
cannot filter without window functions whose NULL semantics differ by database.
"""

import datetime
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, IntegerField, Value
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import values as shown_as
from ..access.identity import Versions
from ..access.roles import role_of
from ..crf.recording import history_of
from ..crf.sections import SECTIONS, data_fields
from ..models import (
    AccessEvent,
    AuditExport,
    EligibilityAccess,
    EligibilityStatusChange,
    FreezeEvent,
    IimSection,
    InfectionScreen,
    LabResult,
    MedicalHistory,
    Medication,
    OrganFunction,
    QueryStep,
    ScreeningRecord,
    SdvMark,
    Signature,
    SignatureAttempt,
)
from ..models.sites import ROLES

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
VIEWED, STATUS, EXPORTED = "viewed", "status", "exported"
SIGNED, SIGN_FAILED, INVALIDATED, LOCKED_OUT = "signed", "sign_failed", "invalidated", "locked_out"
SIGNATURE_EVENTS = "signatures"  # a filter choosing the four kinds of signature events at once
QUERY, VERIFIED, SDV_CLEARED, FROZEN, UNFROZEN = "query", "verified", "sdv_cleared", "frozen", "unfrozen"
DATA_MANAGEMENT_EVENTS = "data_management"  # queries, SDV and freezing at once
# Logins, logouts and lockouts at the login page are in the user access log (access_log.py).
KINDS = {
    CREATED: _("Created"),
    CHANGED: _("Changed"),
    DELETED: _("Deleted"),
    VIEWED: _("Eligibility viewed"),
    STATUS: _("Eligibility status changed"),
    EXPORTED: _("Audit trail exported"),
    SIGNED: _("Signed"),
    SIGN_FAILED: _("Signature refused"),
    INVALIDATED: _("Signature invalidated"),
    LOCKED_OUT: _("Locked out while signing"),
    QUERY: _("Query"),
    VERIFIED: _("Verified against source"),
    SDV_CLEARED: _("SDV cleared"),
    FROZEN: _("Record frozen"),
    UNFROZEN: _("Record unfrozen"),
}
FILTER_KINDS = {**KINDS, SIGNATURE_EVENTS: _("All signature events"),
                DATA_MANAGEMENT_EVENTS: _("All query, SDV and freezing events")}
HISTORY_KINDS = {"+": CREATED, "~": CHANGED, "-": DELETED}
HISTORY_TYPES = {kind: code for code, kind in HISTORY_KINDS.items()}

# Fields whose unit is another column of the same row (chosen per value): the first of the
# columns that is not blank (a lab limit's own unit, else the value's).
UNIT_COLUMNS = {
    LabResult: {"value": ("unit",), "lln": ("lln_unit", "unit"), "uln": ("uln_unit", "unit")},
    Medication: {"dose": ("dose_unit",)},
    OrganFunction: {"weight": ("weight_unit",)},
    IimSection: {name: (f"{name}_unit",) for name in ("patient_global", "physician_global", "extramuscular_global")},
}
# The record's status is not a CRF question but changing it is audited; so is the clearing of a retired
# CRF version 1 column when migration 0011 moved its answer to a row (its history shows the old answers).
EXTRA_TRACKED = {
    ScreeningRecord: ("status",),
    MedicalHistory: ("malignancy_exception", "malignancy_recovered", "malignancy_last_treatment"),
    InfectionScreen: ("hbv_dna",),
}

UTC = datetime.timezone.utc
TIME_FORMAT = shown_as.TIME_FORMAT


# --------------------------------------------------------------------------
# What is shown


@dataclass
class Change:
    name: str  # "model.field": the key of the field history page, the data dictionary's variable
    label: str
    old: str
    new: str


@dataclass
class Event:
    """One save, deletion or log row; several field changes for one save."""

    at: datetime.datetime
    kind: str
    user_id: int | None
    record_id: int
    section: object = None  # a sections.Section
    detail: str = ""  # which repeating row, or how the eligibility was opened
    reason: str = ""
    changes: list = field(default_factory=list)
    stored_role: str = ""  # the role the log stored at the time, when it did
    export_filters: dict | None = None  # an export's filters, described once users are loaded
    # Filled in per page by _decorate():
    user: str = ""
    role: str = ""
    record: str = ""
    tz: object = UTC  # the site's zone: every time of a page is in it
    tz_name: str = "UTC"
    at_utc: str = ""
    at_local: str = ""  # site time without the zone ("2026-12-02 08:45:22")
    at_zone: str = ""  # the zone's abbreviation at that moment ("CST", "CEST")

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def section_title(self):
        return self.section.title if self.section else ""

    @property
    def entries(self):
        """The rows of the table and of the CSV: one per field changed."""
        return [Entry(self, c) for c in self.changes] or [Entry(self, None)]


@dataclass
class Entry:
    event: Event
    change: Change | None

    def cells(self):
        """The CSV row: words for people (labels, choice labels), and the variable
        name of the data dictionary for programs."""
        e, c = self.event, self.change
        return [
            f"{e.at_local} {e.at_zone}", e.tz_name, e.at_utc, e.user, e.role, e.record, str(e.kind_label),
            e.section_title, e.detail, c.label if c else "", c.name if c else "",
            c.old if c else "", c.new if c else "", e.reason,
        ]


COLUMNS = [
    _("Time (site)"), _("Site time zone"), _("Time (UTC)"), _("User"), _("Role"), _("Record"), _("Event"),
    _("Section"), _("Row / detail"), _("Field"), _("Variable"), _("Old value"), _("New value"), _("Reason"),
]


# --------------------------------------------------------------------------
# Values as a person reads them (screening/display.py decides how)


def display(model_field, value, unit=""):
    """A stored value with its choice label and unit; blank stays blank."""
    return shown_as.with_unit(shown_as.field_value_text(model_field, value), unit)


def unit_of(model, model_field, row):
    """The unit of a value: the row's own unit column (labs, doses), else the
    field's fixed unit (measurements), else none."""
    columns = UNIT_COLUMNS.get(model, {}).get(model_field.name)
    if columns is None:
        return shown_as.unit_of(model_field)
    column = next((c for c in columns if getattr(row, c)), columns[-1])
    unit_field = model._meta.get_field(column)
    return display(unit_field, getattr(row, column))


def shown(model, model_field, row):
    return display(model_field, getattr(row, model_field.attname), unit_of(model, model_field, row))


@cache
def tracked_fields(model):
    extra = [model._meta.get_field(n) for n in EXTRA_TRACKED.get(model, ())]
    return tuple(data_fields(model)) + tuple(extra)


def field_key(model, model_field):
    return f"{model._meta.model_name}.{model_field.name}"


field_label = shown_as.field_label


def row_label(stream, row):
    """Which repeating row: its first coded field and first date, and its id
    ("Lab results: Haemoglobin 2026-11-20 (row 12)")."""
    if stream.rows is None:
        return ""
    described = shown_as.row_description(row, stream.rows.title, tracked_fields(stream.model))
    return gettext("%(row)s (row %(id)s)") % {"row": described, "id": row.id}


def changes_between(model, previous, row, history_type):
    """Field changes of one history row against its predecessor."""
    changes = (field_change(model, f, previous, row, history_type) for f in tracked_fields(model))
    return [c for c in changes if c is not None]


def field_change(model, model_field, previous, row, history_type):
    if _unchanged(model, model_field, previous, row, history_type):
        return None  # decided on the stored values: formatting them is most of a page's cost
    new = shown(model, model_field, row)
    if history_type == "+":
        old = ""
    elif history_type == "-":
        old, new = new, ""  # a deletion row holds the values the row had
    else:
        old = shown(model, model_field, previous) if previous is not None else ""
    if old == new:
        return None
    return Change(field_key(model, model_field), field_label(model_field), old, new)


def _unchanged(model, model_field, previous, row, history_type):
    value = getattr(row, model_field.attname)
    if history_type in ("+", "-"):
        return value is None or value == ""
    if previous is None:
        return False
    units = UNIT_COLUMNS.get(model, {}).get(model_field.name, ())
    return value == getattr(previous, model_field.attname) and all(
        getattr(row, unit) == getattr(previous, unit) for unit in units)


# --------------------------------------------------------------------------
# Where the events come from


@dataclass(frozen=True)
class Scope:
    """One record, or (record None) every record of a site."""

    site: object
    record: object = None

    @property
    def tz(self):
        return shown_as.zone_of(self.site)

    def site_records(self):
        return ScreeningRecord.objects.filter(site_id=self.site.pk).values("pk")


@dataclass(frozen=True)
class Filters:
    section: str = ""
    user: int | None = None
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_json(self):
        return {
            "section": self.section, "user": self.user, "kind": self.kind,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


@dataclass(frozen=True)
class Stream:
    index: int
    kind: str  # "history", or the one event kind of a log
    model: type  # the CRF model (history) or the log model
    section: object = None
    rows: object = None  # the Rows declaration of a repeating group
    at: str = "at"  # a log's time column
    by: str = "user_id"  # a log's user column
    where: tuple = ()  # (lookup, value) pairs: the rows of the log that are this kind's events
    group: str = ""  # a filter choosing this stream with others (the signature events)

    @property
    def is_history(self):
        return self.kind == "history"

    @property
    def kinds(self):
        return set(HISTORY_KINDS.values()) if self.is_history else {self.kind}

    @property
    def time_field(self):
        return "history_date" if self.is_history else self.at

    @property
    def key_field(self):
        return "history_id" if self.is_history else "id"

    @property
    def user_field(self):
        return "history_user_id" if self.is_history else self.by

    def base(self):
        return history_of(self.model).all() if self.is_history else self.model.objects.filter(**dict(self.where))

    def in_scope(self, scope):
        qs = self.base()
        own_id = self.model is ScreeningRecord and self.is_history  # keyed by its own id
        if scope.record is not None:
            return qs.filter(**{"id" if own_id else "record_id": scope.record.pk})
        if own_id or self.model is AuditExport:
            return qs.filter(site_id=scope.site.pk)
        return qs.filter(record_id__in=scope.site_records())

    def queryset(self, scope, filters, until=None):
        qs = self.in_scope(scope)
        if filters.user:
            qs = qs.filter(**{self.user_field: filters.user})
        if self.is_history and filters.kind in HISTORY_TYPES:
            qs = qs.filter(history_type=HISTORY_TYPES[filters.kind])
        start, end = local_day_bounds(scope.tz, filters.date_from, filters.date_to)
        if start:
            qs = qs.filter(**{f"{self.time_field}__gte": start})
        if end:
            qs = qs.filter(**{f"{self.time_field}__lt": end})
        if until:
            qs = qs.filter(**{f"{self.time_field}__lte": until})
        return qs

    def keys(self, scope, filters, until=None):
        return self.queryset(scope, filters, until).order_by().values(
            event_at=F(self.time_field),
            stream=Value(self.index, output_field=IntegerField()),
            event_key=F(self.key_field),
        )


def _build_streams():
    streams = []
    for section in SECTIONS:
        if section.model is not None:
            streams.append(Stream(len(streams), "history", section.model, section))
        for rows in section.rows:
            streams.append(Stream(len(streams), "history", rows.model, section, rows))
    for kind, model in ((VIEWED, EligibilityAccess), (STATUS, EligibilityStatusChange), (EXPORTED, AuditExport)):
        streams.append(Stream(len(streams), kind, model))
    # The signature events: one table can be two streams (a signature is signed, then maybe invalidated).
    for kind, model, options in (
        (SIGNED, Signature, {"at": "signed_at", "by": "signer_id"}),
        (SIGN_FAILED, SignatureAttempt, {"where": (("success", False),)}),
        (INVALIDATED, Signature, {"at": "invalidated_at", "by": "invalidated_by_user_id",
                                  "where": (("invalidated_at__isnull", False),)}),
        (LOCKED_OUT, AccessEvent, {"where": (("kind", AccessEvent.LOCKED_OUT), ("record__isnull", False))}),
    ):
        streams.append(Stream(len(streams), kind, model, group=SIGNATURE_EVENTS, **options))
    # Data management (screening/datamanagement/): a mark is verified, then maybe cleared.
    for kind, model, options in (
        (QUERY, QueryStep, {}),
        (VERIFIED, SdvMark, {}),
        (SDV_CLEARED, SdvMark, {"at": "cleared_at", "by": "cleared_by_user_id",
                                "where": (("cleared_at__isnull", False),)}),
        (FROZEN, FreezeEvent, {"where": (("action", FreezeEvent.FROZEN),)}),
        (UNFROZEN, FreezeEvent, {"where": (("action", FreezeEvent.UNFROZEN),)}),
    ):
        streams.append(Stream(len(streams), kind, model, group=DATA_MANAGEMENT_EVENTS, **options))
    return tuple(streams)


STREAMS = _build_streams()


def selected_streams(filters):
    return [
        s for s in STREAMS
        if (not filters.section or (s.section is not None and s.section.key == filters.section))
        and (not filters.kind or filters.kind in s.kinds or filters.kind == s.group)
    ]


def local_day_bounds(tz, date_from, date_to):
    """Dates are the site's calendar days: [from 00:00, day after `to` 00:00)."""
    start = datetime.datetime.combine(date_from, datetime.time.min, tz) if date_from else None
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz) if date_to else None
    return start, end


# --------------------------------------------------------------------------
# The timeline: a lazy sequence Django's Paginator can slice


class Timeline:
    """Events of a scope, newest first. ``count()`` and slicing each run one
    query over the union of the streams' keys; a slice then loads only its own
    rows (see the module docstring)."""

    def __init__(self, scope, filters=Filters(), until=None):
        self.scope, self.filters, self.until = scope, filters, until
        self.streams = selected_streams(filters)

    @cached_property
    def _sql(self):
        """The union compiled once: the paginator counts it, then slices it."""
        parts = [s.keys(self.scope, self.filters, self.until) for s in self.streams]
        if not parts:
            return None
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return union.order_by("-event_at", "-stream", "-event_key").query.sql_with_params()

    def count(self):
        if self._sql is None:
            return 0
        sql, params = self._sql
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS timeline", params)
            return cursor.fetchone()[0]

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.stop is None:
            raise TypeError("A timeline is read a page (a bounded slice) at a time.")
        start, stop = window.start or 0, window.stop
        if self._sql is None or stop <= start:
            return load_events(self.scope, [])
        sql, params = self._sql
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, stop - start, start])
            keys = [(stream, key) for _, stream, key in cursor.fetchall()]
        return load_events(self.scope, keys)


def load_events(scope, keys):
    """The events of these (stream, key) pairs, in the order given."""
    loaded = {}
    for index, group in groupby(sorted(keys), key=lambda k: k[0]):
        stream = STREAMS[index]
        wanted = [key for _, key in group]
        loader = _load_history if stream.is_history else LOG_LOADERS[stream.kind]
        loaded.update({(index, key): event for key, event in loader(stream, wanted).items()})
    events = [loaded[k] for k in keys if k in loaded]
    decorate(scope, events)
    return events


@cache
def _predecessor_sql(model):
    """History rows by id, plus the immediate predecessor of each: the newest
    version of the same object at or before it, other than itself and its
    same-instant successors.

    Written as SQL, once per model (`{ids}` is the placeholders): the same query built with
    the ORM (a correlated Subquery in a UNION) cost more to compile than to run,
    about two thirds of an audit trail page's loading (docs/performance.md).
    Two lookups joined by UNION ALL, each answered from an index: with OR,
    PostgreSQL scans the whole history table, every record's; the predecessor
    is the first row of the (id, history_date, history_id) index range
    (screening/audit/history_indexes.py), not a sort.
    """
    table = connection.ops.quote_name(history_of(model).model._meta.db_table)
    return (
        f"SELECT * FROM {table} WHERE history_id IN ({{ids}}) "
        f"UNION ALL "
        f"SELECT * FROM {table} WHERE history_id IN ("
        f"SELECT (SELECT p.history_id FROM {table} p"
        f" WHERE p.id = h.id AND p.history_date <= h.history_date"
        f" AND NOT (p.history_date = h.history_date AND p.history_id >= h.history_id)"
        f" ORDER BY p.history_date DESC, p.history_id DESC LIMIT 1)"
        f" FROM {table} h WHERE h.history_id IN ({{ids}}))"
    )


def predecessor_query(model, history_ids):
    """The history rows asked for and their predecessors, as model instances."""
    history_ids = list(history_ids)
    sql = _predecessor_sql(model).format(ids=", ".join(["%s"] * len(history_ids)))
    return history_of(model).raw(sql, [*history_ids, *history_ids])


def with_predecessors(model, history_ids):
    if not history_ids:
        return []
    rows = predecessor_query(model, history_ids)
    return list({row.history_id: row for row in rows}.values())  # a row can be both


def predecessors(rows):
    """history_id -> the previous version of the same object (None for the first)."""
    out = {}
    rows = sorted(rows, key=lambda r: (r.id, r.history_date, r.history_id))
    for _pk, versions in groupby(rows, key=lambda r: r.id):
        before = None
        for row in versions:
            out[row.history_id] = before
            before = row
    return out


def record_id_of(stream, row):
    return row.id if stream.model is ScreeningRecord else row.record_id


def _load_history(stream, history_ids):
    rows = with_predecessors(stream.model, history_ids)
    previous = predecessors(rows)
    wanted = set(history_ids)
    return {
        row.history_id: Event(
            at=row.history_date,
            kind=HISTORY_KINDS[row.history_type],
            user_id=row.history_user_id,
            record_id=record_id_of(stream, row),
            section=stream.section,
            detail=row_label(stream, row),
            reason=row.history_change_reason or "",
            changes=changes_between(stream.model, previous[row.history_id], row, row.history_type),
        )
        for row in rows
        if row.history_id in wanted
    }


def _load_accesses(stream, ids):
    return {
        a.id: Event(
            at=a.at, kind=VIEWED, user_id=a.user_id, record_id=a.record_id, stored_role=a.role,
            detail=a.get_channel_display(),
            changes=[Change("", gettext("Overall status shown"), "", shown_as.overall_text(a.overall))],
        )
        for a in EligibilityAccess.objects.filter(id__in=ids)
    }


def _load_status_changes(stream, ids):
    rows = EligibilityStatusChange.objects.filter(id__in=ids).defer("snapshot", "results")
    return {
        s.id: Event(
            at=s.at, kind=STATUS, user_id=s.user_id, record_id=s.record_id,
            detail=gettext("Snapshot %(hash)s") % {"hash": s.snapshot_hash[:12]},
            changes=[Change("", gettext("Overall status"), shown_as.overall_text(s.previous), shown_as.overall_text(s.overall))],
        )
        for s in rows
    }


def _load_exports(stream, ids):
    return {
        x.id: Event(
            at=x.at, kind=EXPORTED, user_id=x.user_id, record_id=x.record_id, stored_role=x.role,
            detail=gettext("%(kind)s, %(count)s rows") % {"kind": x.get_kind_display(), "count": x.row_count},
            export_filters=x.filters or {},
        )
        for x in AuditExport.objects.filter(id__in=ids)
    }


def _load_signatures(stream, ids):
    return {
        s.id: Event(
            at=s.signed_at, kind=SIGNED, user_id=s.signer_id, record_id=s.record_id, stored_role=s.role,
            detail=s.get_checkpoint_display(),
            changes=[
                Change("", gettext("Meaning"), "", s.meaning_as_signed),
                Change("", gettext("Overall status signed"), "", shown_as.overall_text(s.overall)),
                Change("", gettext("Snapshot hash"), "", s.snapshot_hash),
                Change("", gettext("Printed name"), "", s.printed_name),
            ],
        )
        for s in Signature.objects.filter(id__in=ids)
    }


def _load_invalidations(stream, ids):
    return {
        s.id: Event(
            at=s.invalidated_at, kind=INVALIDATED, user_id=s.invalidated_by_user_id, record_id=s.record_id,
            detail=s.get_checkpoint_display(), reason=s.invalidation_reason,
            changes=[
                Change("", gettext("Signature"), s.manifestation(), gettext("Invalidated")),
                Change("", gettext("Invalidated by"), "", s.invalidated_by),
            ],
        )
        for s in Signature.objects.filter(id__in=ids)
    }


def _load_attempts(stream, ids):
    return {
        a.id: Event(
            at=a.at, kind=SIGN_FAILED, user_id=a.user_id, record_id=a.record_id, detail=a.get_checkpoint_display(),
            changes=[Change("", gettext("Why not signed"), "", gettext(a.outcome) if a.outcome else "")],
        )
        for a in SignatureAttempt.objects.filter(id__in=ids)
    }


def _load_lockouts(stream, ids):
    return {
        a.id: Event(
            at=a.at, kind=LOCKED_OUT, user_id=a.user_id, record_id=a.record_id, detail=a.detail,
            changes=[Change("", gettext("Account"), "", gettext("Locked out, session ended"))],
        )
        for a in AccessEvent.objects.filter(id__in=ids)
    }


def _section_of(key):
    from ..crf.sections import BY_KEY

    return BY_KEY.get(key)


def _load_query_steps(stream, ids):
    events = {}
    for step in QueryStep.objects.filter(id__in=ids).select_related("query"):
        changes = [Change("", gettext("Step"), "", step.get_action_display()),
                   Change("", gettext("Query state"), "", step.get_state_display())]
        if step.text:
            changes.append(Change("", gettext("Text"), "", step.text))
        if step.change:
            changes.append(Change("", gettext("Change of the data"), "", step.change))
        events[step.id] = Event(
            at=step.at, kind=QUERY, user_id=step.user_id, record_id=step.record_id, stored_role=step.role,
            section=_section_of(step.query.section), reason=step.reason,
            detail=gettext("Query %(id)s: %(what)s") % {"id": step.query_id, "what": step.query.target_label},
            changes=changes,
        )
    return events


def _load_sdv_marks(stream, ids):
    return {
        m.id: Event(
            at=m.at, kind=VERIFIED, user_id=m.user_id, record_id=m.record_id, stored_role=m.role,
            section=_section_of(m.section), detail=m.target_label,
            changes=[Change("", gettext("Source data verification"), "", gettext("Verified"))],
        )
        for m in SdvMark.objects.filter(id__in=ids)
    }


def _load_sdv_clearances(stream, ids):
    return {
        m.id: Event(
            at=m.cleared_at, kind=SDV_CLEARED, user_id=m.cleared_by_user_id, record_id=m.record_id,
            section=_section_of(m.section), detail=m.target_label,
            changes=[Change("", gettext("Source data verification"), gettext("Verified"), m.cleared_by)],
        )
        for m in SdvMark.objects.filter(id__in=ids)
    }


def _load_freezes(stream, ids):
    events = {}
    for f in FreezeEvent.objects.filter(id__in=ids).select_related("signature"):
        changes = [Change("", gettext("Frozen"), *((gettext("No"), gettext("Yes")) if f.action == FreezeEvent.FROZEN
                                                  else (gettext("Yes"), gettext("No"))))]
        events[f.id] = Event(
            at=f.at, kind=FROZEN if f.action == FreezeEvent.FROZEN else UNFROZEN, user_id=f.user_id,
            record_id=f.record_id, stored_role=f.role, reason=f.reason,
            detail=f.signature.get_checkpoint_display() if f.signature_id else "", changes=changes,
        )
    return events


LOG_LOADERS = {
    VIEWED: _load_accesses, STATUS: _load_status_changes, EXPORTED: _load_exports,
    SIGNED: _load_signatures, SIGN_FAILED: _load_attempts, INVALIDATED: _load_invalidations,
    LOCKED_OUT: _load_lockouts,
    QUERY: _load_query_steps, VERIFIED: _load_sdv_marks, SDV_CLEARED: _load_sdv_clearances,
    FROZEN: _load_freezes, UNFROZEN: _load_freezes,
}


FILTER_LABELS = {
    "section": _("section"), "user": _("user"), "kind": _("event"),
    "date_from": _("from"), "date_to": _("to"), "as_of": _("as of"),
}


def filter_user_id(filters):
    value = (filters or {}).get("user")
    return int(value) if str(value).isdigit() else None


def describe_filters(filters, site=None, users=None):
    """The filters of an export in words: "Filters: section Laboratory results, event
    Changed; as of 2026-12-02 08:45:22 CST" (stored as given, described when shown;
    `users` by id, already loaded for the page)."""
    from ..crf.sections import BY_KEY

    given = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    as_of = given.pop("as_of", None)
    words = []
    for key, value in given.items():
        if key == "section" and value in BY_KEY:
            value = BY_KEY[value].title
        elif key == "kind" and value in FILTER_KINDS:
            value = FILTER_KINDS[value]
        elif key == "user":
            user = (users or {}).get(filter_user_id(given))
            value = shown_as.user_display_name(user) if user else value
        words.append(f"{FILTER_LABELS.get(key, key)} {value}")
    text = gettext("Filters: %(filters)s") % {"filters": ", ".join(words)} if words else gettext("No filters")
    if as_of:
        try:
            moment = datetime.datetime.fromisoformat(as_of)
        except (TypeError, ValueError):
            return text
        text += "; " + gettext("as of %(time)s") % {"time": shown_as.local_text(moment, site)}
    return text


# --------------------------------------------------------------------------
# Who, where, when: once per page


def decorate(scope, events):
    """Users (named as they were at each event's time: screening/access/identity.py),
    roles, screening numbers and times of a page's events."""
    ids = {e.user_id for e in events} | {filter_user_id(e.export_filters) for e in events}
    users = users_by_id(ids)
    versions = Versions(ids)
    numbers = screening_numbers(scope, {e.record_id for e in events if e.record_id})
    tz = scope.tz
    tz_name = shown_as.zone_name(tz)
    for e in events:
        user = users.get(e.user_id)
        then = versions.at(e.user_id, e.at) or user
        if then is not None or e.user_id is None:
            e.user = user_name(then)
        else:
            e.user = gettext("user #%(id)s") % {"id": e.user_id}
        e.role = str(ROLES.get(e.stored_role or (role_of(user) if user else ""), ""))
        e.record = numbers.get(e.record_id, "")
        local = e.at.astimezone(tz)
        e.tz, e.tz_name = tz, tz_name
        if e.export_filters is not None:
            chosen = filter_user_id(e.export_filters)
            named = {chosen: versions.at(chosen, e.at) or users.get(chosen)} if chosen else {}
            e.reason = describe_filters(e.export_filters, scope.site, named)
        e.at_utc = e.at.astimezone(UTC).strftime(TIME_FORMAT)
        e.at_local = local.strftime(TIME_FORMAT)
        e.at_zone = local.tzname()


def users_by_id(ids):
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    # Groups are prefetched so role_of() costs no query per user.
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids).prefetch_related("groups")}


user_name = shown_as.user_display_name


def screening_numbers(scope, ids):
    if scope.record is not None:
        return {scope.record.pk: scope.record.screening_number}
    if not ids:
        return {}
    return dict(ScreeningRecord.objects.filter(pk__in=ids).values_list("pk", "screening_number"))


# --------------------------------------------------------------------------
# All pages (CSV) and one field's history


def all_events(timeline, chunk=500):
    """Every event of the timeline, a chunk at a time (memory stays bounded)."""
    total = timeline.count()
    for start in range(0, total, chunk):
        yield from timeline[start:start + chunk]


def find_field(section, name):
    """(model, field, stream) of "field" (the section's model) or "model.field" (a row)."""
    model_name, _, field_name = name.rpartition(".")
    for stream in STREAMS:
        if stream.section is not section or not stream.is_history:
            continue
        if model_name not in ("", stream.model._meta.model_name) or (model_name == "" and stream.rows):
            continue
        for f in tracked_fields(stream.model):
            if f.name == field_name:
                return stream.model, f, stream
    return None


def field_history(scope, stream, model_field):
    """Events where this field of this record changed, newest first."""
    model = stream.model
    columns = {"id", "history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}
    columns |= {f.attname for f in tracked_fields(model)} if stream.rows else {model_field.attname}
    columns |= {c for names in UNIT_COLUMNS.get(model, {}).values() for c in names}
    if model is not ScreeningRecord:
        columns.add("record_id")
    rows = list(stream.in_scope(scope).only(*columns).order_by("id", "history_date", "history_id"))
    events = []
    for _pk, versions in groupby(rows, key=lambda r: r.id):
        before = None
        for row in versions:
            change = field_change(model, model_field, before, row, row.history_type)
            if change is not None:
                events.append(Event(
                    at=row.history_date, kind=HISTORY_KINDS[row.history_type], user_id=row.history_user_id,
                    record_id=record_id_of(stream, row), section=stream.section, detail=row_label(stream, row),
                    reason=row.history_change_reason or "", changes=[change],
                ))
            before = row
    events.sort(key=lambda e: e.at, reverse=True)
    return events
