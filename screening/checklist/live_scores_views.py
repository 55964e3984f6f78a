"""The live scores of a CRF section: what the calculators make of the values
being typed on the section page (docs/live-scores.md)."""

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from ..access.permissions import get_record_for_user
from ..crf.sections import section_of_record
from . import live_scores


# POST, not GET: the page posts its form as it is (CSRF token included), and the
# values being typed stay out of URLs and logs. It reads only: any role that may
# view the section may ask. no-store: the answer is about unsaved data. The input
# is bounded by Django's upload limits (DATA_UPLOAD_MAX_NUMBER_FIELDS) and the
# formsets' MAX_ROWS.
@require_POST
@cache_control(no_store=True)
def section_scores(request, pk, key):
    record = get_record_for_user(request, pk)
    section = section_of_record(record, key)
    if section is None or not live_scores.scored(section):
        raise Http404("This section has no scores.")
    # A fragment, rendered without the page's context processors (they would query for nothing).
    return HttpResponse(render_to_string("screening/_live_scores.html", {
        "live_scores": live_scores.from_post(record, section, request.POST),
    }))
