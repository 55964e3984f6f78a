"""The data management pages: posts that raise, answer, close and re-open a query, mark
data verified and unfreeze a record; the "my open queries" list and the SDV worklist."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access.permissions import get_record_for_user, permission_required, records_for
from ..crf.sections import BY_KEY, section_of_record
from ..models import FreezeEvent, Query
from . import queries as q
from . import sdv, targets
from .forms import RaiseForm, SdvForm, StepForm, UnfreezeForm
from .freezing import FreezeRefused, unfreeze


def _section_page(record, key, anchor="queries"):
    return redirect(reverse("section_edit", args=[record.pk, key]) + f"#{anchor}")


def _section(record, key):
    section = section_of_record(record, key)
    if section is None:
        raise Http404("No such section for this record.")
    return section


def queries_for(user):
    return Query.objects.filter(record__in=records_for(user))


def _query(request, pk):
    return get_object_or_404(queries_for(request.user).select_related("record"), pk=pk)


def _refused(request, error):
    messages.error(request, str(error))


@permission_required("screening.raise_query")
@require_POST
def query_raise(request, pk, key):
    record = get_record_for_user(request, pk)
    section = _section(record, key)
    form = RaiseForm(request.POST, target_choices=targets.choices(record, section),
                     row_field_choices=targets.row_field_choices(section))
    target = None
    if form.is_valid():
        target = targets.resolve(record, section, form.cleaned_data["target"], form.cleaned_data["row_field"])
    if target is None:
        messages.error(request, _("The query was not raised: %(why)s") % {"why": " ".join(
            str(e) for errors in form.errors.values() for e in errors) or _("choose what it is about.")})
        return _section_page(record, key)
    try:
        query = q.raise_query(record, target, request.user, form.cleaned_data["text"])
    except q.QueryRefused as error:
        _refused(request, error)
        return _section_page(record, key)
    messages.success(request, _("Query raised on %(what)s.") % {"what": target.label})
    return _section_page(record, key, f"query-{query.pk}")


def _step_view(request, pk, step, done):
    query = _query(request, pk)
    form = StepForm(request.POST)
    try:
        if not form.is_valid():  # longer than allowed
            raise q.QueryRefused(" ".join(form.errors["text"]))
        step(query, request.user, form.cleaned_data["text"])
    except q.QueryRefused as error:
        _refused(request, error)
    else:
        messages.success(request, done)
    return _section_page(query.record, query.section, f"query-{query.pk}")


@permission_required("screening.answer_query")
@require_POST
def query_answer(request, pk):
    return _step_view(request, pk, q.answer_query, _("Query answered."))


@permission_required("screening.raise_query")
@require_POST
def query_close(request, pk):
    return _step_view(request, pk, q.close_query, _("Query closed."))


@permission_required("screening.raise_query")
@require_POST
def query_reopen(request, pk):
    return _step_view(request, pk, q.reopen_query, _("Query re-opened."))


@permission_required("screening.verify_source")
@require_POST
def sdv_mark(request, pk, key):
    record = get_record_for_user(request, pk)
    section = _section(record, key)
    form = SdvForm(request.POST, target_choices=targets.choices(record, section))
    target = targets.resolve(record, section, form.cleaned_data["target"]) if form.is_valid() else None
    if target is None:
        messages.error(request, _("Not marked: choose what was verified."))
        return _section_page(record, key, "sdv")
    try:
        sdv.mark_verified(record, target, request.user)
    except sdv.SdvRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("Marked as verified against source: %(what)s.") % {"what": target.label})
    return _section_page(record, key, "sdv")


@permission_required("screening.unfreeze_record")
@require_http_methods(["GET", "POST"])
def record_unfreeze(request, pk):
    record = get_record_for_user(request, pk)
    form = UnfreezeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unfreeze(record, request.user, form.cleaned_data["reason"])
        except FreezeRefused as error:
            _refused(request, error)
        else:
            messages.success(request, _("Record unfrozen: its sections can be changed again."))
            return redirect(record)
    return render(request, "screening/unfreeze.html", {
        "record": record, "form": form,
        "freezes": FreezeEvent.objects.filter(record=record).select_related("user", "signature"),
    })


def my_queries(request):
    """The queries waiting for the user's role, on their sites, oldest first."""
    all_open = request.GET.get("all") == "1"
    base = queries_for(request.user).select_related("record", "record__site", "raised_by")
    shown = q.live(base) if all_open else q.awaiting(request.user, base)
    page = Paginator(shown.order_by("updated_at", "id"), 25).get_page(request.GET.get("page"))
    for query in page:
        section = BY_KEY.get(query.section)
        query.section_title = section.title if section else query.section
    return render(request, "screening/my_queries.html", {"page": page, "all_open": all_open})


@permission_required("screening.verify_source")
def sdv_worklist(request):
    """The records of the monitor's sites with sections not yet verified whole."""
    records = sdv.section_marked(records_for(request.user).select_related("site")).order_by("site__code", "pk")
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    verified = sdv.verified_by_record([r.pk for r in page])
    rows = []
    for record in page:
        missing = sdv.unverified_sections(record, verified.get(record.pk, set()))
        rows.append((record, missing))
    return render(request, "screening/sdv_worklist.html", {"page": page, "rows": rows})
