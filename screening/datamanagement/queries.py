"""Queries on the data: raised with a text, answered by the coordinator (with an
explanation, or by changing the datum: the change and its reason join the thread),
closed or re-opened by the raiser's side. Each step is a `QueryStep` row.

Every step takes the record's row lock first (the lock section saves and signing take),
then the query's: two people answering, or an answer and a close, queue there and the
second finds the state the first left (QueryRefused, nothing written).
"""

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext, gettext_lazy

from ..access.roles import role_of
from ..crf.reasons import visible_text
from ..models import Query, QueryStep, ScreeningRecord
from ..models.datamanagement import QUERY_TEXT_MAX


class QueryRefused(Exception):
    """Nothing written; the message says why, for the person."""


TOO_LONG = gettext_lazy("The text is longer than %(max)s characters.")


def clean_text(text, required=True):
    text = visible_text(text)  # a zero-width space is no question (crf/reasons.py)
    if required and not text:
        raise QueryRefused(gettext("Write the question or the answer: the text is empty."))
    if len(text) > QUERY_TEXT_MAX:
        raise QueryRefused(TOO_LONG % {"max": QUERY_TEXT_MAX})
    return text


def _step(query, user, action, text="", change="", reason=""):
    return QueryStep.objects.create(
        query=query, record_id=query.record_id, user=user, role=(role_of(user) or "") if user else "",
        action=action, text=text, change=change[:300], reason=reason, state=query.state,
    )


def _locked(query_pk, record_pk):
    """The record's row lock, then the query's, read afresh: (record frozen_at, query)."""
    frozen = ScreeningRecord.objects.select_for_update().filter(pk=record_pk).values_list("frozen_at", flat=True)
    query = Query.objects.select_for_update().get(pk=query_pk)
    return frozen.first(), query


def raise_query(record, target, user, text):
    if not user.has_perm("screening.raise_query"):
        raise QueryRefused(gettext("Your role cannot raise queries."))
    text = clean_text(text)
    with transaction.atomic():
        query = Query.objects.create(record=record, raised_by=user, **target.columns())
        _step(query, user, QueryStep.RAISED, text)
    return query


def answer_query(query, user, text):
    if not user.has_perm("screening.answer_query"):
        raise QueryRefused(gettext("Your role cannot answer queries."))
    text = clean_text(text)
    with transaction.atomic():
        frozen, query = _locked(query.pk, query.record_id)
        if frozen is not None:
            raise QueryRefused(gettext("The record is frozen: it must be unfrozen before the query can be answered."))
        if query.state != Query.OPEN:
            raise QueryRefused(gettext("Not answered: the query is %(state)s now.") % {
                "state": query.get_state_display().lower()})
        query.state = Query.ANSWERED
        query.save(update_fields=["state", "updated_at"])
        _step(query, user, QueryStep.ANSWERED, text)
    return query


def close_query(query, user, text=""):
    if not user.has_perm("screening.raise_query"):
        raise QueryRefused(gettext("Your role cannot close queries."))
    text = clean_text(text, required=False)
    with transaction.atomic():
        _, query = _locked(query.pk, query.record_id)
        if query.state == Query.CLOSED:
            raise QueryRefused(gettext("The query is already closed."))
        query.state = Query.CLOSED
        query.save(update_fields=["state", "updated_at"])
        _step(query, user, QueryStep.CLOSED, text)
    return query


def reopen_query(query, user, text):
    if not user.has_perm("screening.raise_query"):
        raise QueryRefused(gettext("Your role cannot re-open queries."))
    text = clean_text(text)
    with transaction.atomic():
        _, query = _locked(query.pk, query.record_id)
        if query.state == Query.OPEN:
            raise QueryRefused(gettext("The query is open already."))
        query.state = Query.OPEN
        query.save(update_fields=["state", "updated_at"])
        _step(query, user, QueryStep.REOPENED, text)
    return query


# ---------------------------------------------------------------- a save answers the queries on what it changed


def touches(target, change):
    """Whether a saved change (crf.signals.SavedChange) is a change of the target's datum."""
    if target.row_model:
        if change.row_model != target.row_model or change.row_id != target.row_id:
            return False
        return not target.field or change.kind == "-" or target.field in change.fields
    if target.field:
        return change.row_model == "" and target.field in change.fields
    return True  # the whole section: any change in it


def describe(target, change):
    """"Value: 121 → 125", in words, for the thread and the trail; the row named when the
    target is wider than it ("Lab result: Haemoglobin 2026-11-20 (row 12), Value: 121 → 125")."""
    row = ""
    if change.row_model and not target.row_model:
        row = gettext("%(row)s (row %(id)s)") % {"row": change.label, "id": change.row_id}
    if change.kind == "-":
        return f"{row}: {gettext('row deleted')}" if row else gettext("Row deleted")
    names = [target.field] if target.field else list(change.fields)
    parts = [f"{change.labels.get(name, name)}: {change.fields[name][0] or '—'} → {change.fields[name][1] or '—'}"
             for name in names if name in change.fields]
    words = "; ".join(parts) or (gettext("row added") if change.kind == "+" else gettext("changed"))
    return f"{row}, {words}" if row else words


def on_crf_saved(sender, record, user, section=None, changes=(), **kwargs):
    """Receiver of crf_saved: an open (or answered) query on a datum the save changed is
    answered by the change, its reason kept on the step."""
    if section is None or not changes:
        return
    live = Query.objects.filter(record=record, section=section.key, rule="").exclude(state=Query.CLOSED)
    for query in live.select_for_update():
        hits = [c for c in changes if touches(query, c)]
        if not hits:
            continue
        query.state = Query.ANSWERED
        query.save(update_fields=["state", "updated_at"])
        _step(query, user, QueryStep.CHANGED, change="; ".join(describe(query, c) for c in hits),
              reason=hits[0].reason)


# ---------------------------------------------------------------- what the pages read


def threads(record, section):
    """The section's queries with their steps and the steps' users: two queries."""
    steps = QueryStep.objects.select_related("user").order_by("at", "id")
    return list(Query.objects.filter(record=record, section=section.key)
                .prefetch_related(Prefetch("steps", queryset=steps)).order_by("raised_at", "id"))


def open_counts(record):
    """{section key: {"open": n, "answered": n}} of the record's queries not closed: one query."""
    rows = (Query.objects.filter(record=record).exclude(state=Query.CLOSED)
            .values_list("section", "state").annotate(n=Count("pk")).order_by())
    out = {}
    for section, state, n in rows:
        out.setdefault(section, {"open": 0, "answered": 0})[state] = n
    return out


def live(queryset):
    """Queries not closed."""
    return queryset.exclude(state=Query.CLOSED)


def awaiting(user, queries):
    """The queries waiting for this user's role: a coordinator answers the open ones; a
    monitor or an investigator closes (or re-opens) the answered ones, and follows the
    open ones they raised; a site administrator sees every one not closed."""
    if user.has_perm("screening.answer_query"):
        return queries.filter(state=Query.OPEN)
    if user.has_perm("screening.raise_query"):
        return queries.filter(Q(state=Query.ANSWERED) | Q(state=Query.OPEN, raised_by=user))
    return live(queries)
