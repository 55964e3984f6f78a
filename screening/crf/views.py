from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from ..access.permissions import (
    can_edit_section,
    get_record_for_user,
    permission_required,
    records_for,
    sites_for,
)
from ..calculators.units import ANALYTES
from ..checklist import live_scores
from ..checklist.evaluation import evaluate_record, track_status
from ..checklist.progress import overall_progress, section_states
from ..checklist.snapshots import section_instance
from ..datamanagement import queries as dm_queries
from ..datamanagement import sdv as dm_sdv
from ..datamanagement.page import section_data
from ..models import EligibilityStatusChange, LabResult, ScreeningRecord, Signature
from ..models.signatures import MEANING_ELIGIBLE, PRE_LD, SCREENING
from ..vocabulary import INDICATIONS
from . import data_dictionary
from .conflicts import EditConflict, find_conflict
from .error_summary import page_errors
from .forms import ReasonForm, RecordForm, row_formset_class, section_form_class
from .recording import save_with_audit
from .saving import save_section
from .sections import CONSENT, section_of_record, sections_for
from .signals import RecordFrozen


def home(request):
    if request.user.has_perm("screening.sign_eligibility"):  # an investigator starts from what awaits them
        return redirect("review_queue")
    return redirect("record_list")


def with_status(records):
    """Annotate the latest overall status and the signature state, in the same query."""
    latest = EligibilityStatusChange.objects.filter(record=OuterRef("pk")).order_by("-at", "-id")
    valid = Signature.objects.filter(record=OuterRef("pk"), invalidated_at__isnull=True)
    return records.annotate(
        eligibility=Subquery(latest.values("overall")[:1]),
        signed_screening=Exists(valid.filter(checkpoint=SCREENING)),
        signed_pre_ld=Exists(valid.filter(checkpoint=PRE_LD)),
        signature_invalidated=Exists(Signature.objects.filter(record=OuterRef("pk"), invalidated_at__isnull=False)),
    )


def record_list(request):
    records = with_status(records_for(request.user).select_related("site"))
    q = request.GET.get("q", "").strip()
    if q:
        records = records.filter(screening_number__icontains=q)
    indication = request.GET.get("indication", "")
    if indication in INDICATIONS:
        records = records.filter(indication=indication)
    status = request.GET.get("status", "")
    if status in dict(ScreeningRecord.STATUS_CHOICES):
        records = records.filter(status=status)
    page = Paginator(records.order_by("-screening_date", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "screening/record_list.html", {
        "page": page,
        "q": q,
        "indication": indication,
        "status": status,
        "indications": [(code, _(label)) for code, label in INDICATIONS.items()],
        "statuses": ScreeningRecord.STATUS_CHOICES,
        "can_add": request.user.has_perm("screening.add_screeningrecord"),
        "sites": sites_for(request.user).order_by("code"),
    })


@permission_required("screening.add_screeningrecord")
@require_http_methods(["GET", "POST"])
def record_create(request):
    sites = sites_for(request.user)
    form = RecordForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.created_by = request.user
        save_with_audit(record, request.user, gettext_noop("Record created"))
        track_status(evaluate_record(record), request.user)
        messages.success(request, _("Screening record %(number)s created.") % {"number": record.screening_number})
        return redirect(record)
    errors = page_errors(form, [], None) if form.is_bound else []
    return render(request, "screening/record_create.html", {"form": form, "errors": errors})


def record_detail(request, pk):
    record = get_record_for_user(request, pk)
    states = section_states(record)
    done, total = overall_progress(states)
    marks = dm_sdv.valid_marks(record)
    verified = dm_sdv.verified_sections(marks)
    counts = dm_queries.open_counts(record)
    for state in states:  # the queries and SDV state of each section, beside its progress
        state.queries = counts.get(state.key, {"open": 0, "answered": 0})
        state.verified = state.key in verified
    sdv_done, sdv_total = dm_sdv.progress(record, marks)
    return render(request, "screening/record_detail.html", {
        "record": record,
        "states": states,
        "progress": {"done": done, "total": total, "percent": round(100 * done / total) if total else 0},
        "signatures": record.signatures.select_related("signer"),
        "freezes": record.freeze_events.select_related("user"),
        "queries_open": sum(c["open"] for c in counts.values()),
        "queries_answered": sum(c["answered"] for c in counts.values()),
        "sdv": {"done": sdv_done, "total": sdv_total},
    })


def _next_section(record, section):
    """The section after this one in the indication's order, or None after the last."""
    order = sections_for(record)
    index = order.index(section)
    return order[index + 1] if index + 1 < len(order) else None


def _after_save(request, record, section):
    """Where "Save and continue" goes (the next section), else back to the record."""
    following = _next_section(record, section)
    if request.POST.get("then") == "next" and following is not None:
        return redirect("section_edit", pk=record.pk, key=following.key)
    return redirect(record)


def _build_section(record, section, editable, data, analyte=""):
    """The section's form and formsets, each form carrying the version of its row,
    and whether the section already holds data (a reason is then required)."""
    instance = section_instance(record, section)
    options = {"record": record, "read_only": not editable, "versioned": True}
    form = None
    if section is CONSENT:
        form = RecordForm(data, instance=record, **options)
    elif section.model is not None:
        form = section_form_class(section)(data, instance=instance or section.model(record=record), **options)
    formsets = []
    for rows in section.rows:
        # Arriving from a "missing: haemoglobin" link: the new row is for that analyte.
        new_row = data is None and analyte in ANALYTES and rows.model is LabResult
        formsets.append((rows, row_formset_class(rows)(
            data, instance=record, prefix=rows.model._meta.model_name, form_kwargs=options,
            initial=[{"analyte": analyte}] if new_row else None,
        )))
    return form, formsets, instance is not None or any(fs.initial_form_count() for _, fs in formsets)


@require_http_methods(["GET", "POST"])
def section_edit(request, pk, key):
    record = get_record_for_user(request, pk)
    section = section_of_record(record, key)
    if section is None:
        raise Http404("No such section for this record.")
    editable = can_edit_section(request.user, section)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if record.frozen_at is not None:  # read-only for everyone until unfrozen (screening/datamanagement/)
        if request.method == "POST":
            messages.error(request, _("Not saved: the record is frozen. It must be unfrozen before any change."))
            return redirect("section_edit", pk=record.pk, key=section.key)
        editable = False
    if section is not CONSENT and not record.consented:
        messages.warning(request, _("Record the consent date and consent form version before any screening data."))
        return redirect("section_edit", pk=record.pk, key=CONSENT.key)

    data = request.POST.copy() if request.method == "POST" else None
    form, formsets, had_data = _build_section(record, section, editable, data, request.GET.get("analyte", ""))
    reason = ReasonForm(data, required=had_data)
    conflict = None
    errors = []

    if request.method == "POST":
        changed = (form is not None and form.has_changed()) or any(
            fs.has_changed() or not fs.management_form.is_valid() for _, fs in formsets)
        valid = all([form is None or form.is_valid(), *[fs.is_valid() for _, fs in formsets], reason.is_valid()])
        # The investigator may save the judgement unchanged, with a reason: it confirms the answers
        # after a CRF change the checklist says contradicts one (eligibility/criteria/infections.py).
        confirming = (not changed and section.judgement and had_data
                      and bool(data.get("reason-reason_choice") or data.get("reason-reason_text")))
        if not changed and not confirming and (form is None or form.is_valid()):
            messages.info(request, _("%(section)s: nothing changed.") % {"section": section.title})
            return _after_save(request, record, section)
        try:
            if valid:
                save_section(request.user, record, section, form, formsets, data, reason.reason, had_data,
                             confirm=confirming)
                if confirming:
                    messages.success(request, _("%(section)s confirmed unchanged.") % {"section": section.title})
                else:
                    messages.success(request, _("%(section)s saved.") % {"section": section.title})
                return _after_save(request, record, section)
            # Refused: say first if the refusal comes from someone else's save (e.g. a deleted row).
            conflict = find_conflict(record, section, form, formsets, data)
        except EditConflict as error:
            conflict = error.conflict
        except RecordFrozen:  # frozen between the page and the save
            messages.error(request, _("Not saved: the record is frozen. It must be unfrozen before any change."))
            return redirect("section_edit", pk=record.pk, key=section.key)
        if conflict is not None:
            record.refresh_from_db()
            form, formsets, had_data = _build_section(record, section, editable, conflict.data)
            reason = ReasonForm(required=had_data, initial={
                "reason_choice": data.get("reason-reason_choice", ""), "reason_text": data.get("reason-reason_text", ""),
            })
            messages.error(request, _(
                "%(section)s was not saved: %(people)s saved changes to it after you opened it. "
                "Nothing was overwritten; check the differences below."
            ) % {"section": section.title, "people": conflict.summary()})
        else:
            errors = page_errors(form, formsets, reason)
            messages.error(request, _("The section was not saved: correct the fields listed below. Nothing you typed is lost."))

    states = section_states(record)
    following = _next_section(record, section)
    return render(request, "screening/section_form.html", {
        "record": record,
        "section": section,
        "form": form,
        "groups": form.groups() if form is not None else [],
        "formsets": formsets,
        "reason": reason,
        "reason_required": had_data,
        "editable": editable,
        "conflict": conflict,
        "errors": errors,
        "states": states,
        "current": next(s for s in states if s.section is section),
        "next_section": following if following is not None and can_edit_section(request.user, following) else None,
        "form_model": form._meta.model._meta.model_name if form is not None else "",
        "live_scores": live_scores.for_page(record, section, form, formsets),
        "live_scores_url": reverse("section_scores", args=[record.pk, section.key]) if live_scores.scored(section) else "",
        "dm": section_data(request.user, record, section, formsets),
    })


def data_dictionary_csv(request):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="trialsite-data-dictionary.csv"'
    data_dictionary.write_csv(response)
    return response


@permission_required("screening.view_review_queue")
def review_queue(request):
    records = awaiting_review(records_for(request.user)).select_related("site", "eligibility_state")
    page = Paginator(records.order_by("-screening_date", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "screening/review_queue.html", {"page": page})


def awaiting_review(records):
    """Complete records not yet signed for their checkpoint, and records whose signature was invalidated."""
    valid = Signature.objects.filter(record=OuterRef("pk"), invalidated_at__isnull=True)
    invalidated = Signature.objects.filter(record=OuterRef("pk"), invalidated_at__isnull=False)
    complete = Q(eligibility_state__incomplete=0)
    unsigned = ~Exists(valid.filter(checkpoint=SCREENING))
    pre_ld_due = (
        Q(actual_ld_date__isnull=False)
        & Exists(valid.filter(checkpoint=SCREENING, meaning=MEANING_ELIGIBLE))
        & ~Exists(valid.filter(checkpoint=PRE_LD))
    )
    return records.annotate(invalidated=Exists(invalidated)).filter(
        (complete & (unsigned | pre_ld_due)) | (Q(invalidated=True) & unsigned)
    )
