from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext

from ..access.permissions import get_record_for_user
from ..crf.field_paths import links
from ..models import EligibilityAccess
from ..signatures.signing import next_checkpoint, valid_signatures
from . import pdf
from .evaluation import as_json, evaluate_and_log


def _section_links(record, result):
    """Where to enter each datum the criterion misses, named in words."""
    return links(record, result.missing)


def eligibility(request, pk):
    record = get_record_for_user(request, pk)
    result = evaluate_and_log(record, request.user, EligibilityAccess.VIEW)
    groups = {"general": [], "indication": [], "exclusion": [], "other": []}
    for row in result.evaluation.results:
        if row.group == "general":
            groups["general"].append(row)
        elif row.group == "exclusion":
            groups["exclusion"].append(row)
        elif row.group == record.indication:
            groups["indication"].append(row)
        else:
            groups["other"].append(row)
    rows = {
        key: [(row, _section_links(record, row)) for row in group] for key, group in groups.items()
    }
    signatures = list(record.signatures.select_related("signer"))
    return render(request, "screening/eligibility.html", {
        "record": record,
        "result": result,
        "evaluation": result.evaluation,
        "groups": [
            (gettext("General inclusion"), rows["general"]),
            (gettext("Inclusion: %(indication)s") % {"indication": record.get_indication_display()}, rows["indication"]),
            (gettext("Exclusion criteria (PASS = not excluded)"), rows["exclusion"]),
        ],
        "other_rows": rows["other"],
        "signatures": signatures,
        "can_sign": request.user.has_perm("screening.sign_eligibility") and next_checkpoint(record, valid_signatures(record, signatures)) is not None,
        "can_judge": request.user.has_perm("screening.record_judgement"),
    })


def eligibility_print(request, pk):
    record = get_record_for_user(request, pk)
    result = evaluate_and_log(record, request.user, EligibilityAccess.PRINT)
    return render(request, "screening/eligibility_print.html", {
        "record": record, "result": result, "evaluation": result.evaluation,
        "signatures": record.signatures.select_related("signer"),
    })


def eligibility_pdf(request, pk):
    record = get_record_for_user(request, pk)
    result = evaluate_and_log(record, request.user, EligibilityAccess.PDF)
    html = render_to_string("screening/eligibility_pdf.html", {
        "record": record, "result": result, "evaluation": result.evaluation,
        "signatures": record.signatures.select_related("signer"),
    }, request=request)
    response = HttpResponse(pdf.checklist_pdf(html, f"{record.screening_number} {result.digest}"),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="eligibility-{record.screening_number}.pdf"'
    return response


def eligibility_json(request, pk):
    record = get_record_for_user(request, pk)
    result = evaluate_and_log(record, request.user, EligibilityAccess.JSON)
    return JsonResponse(as_json(result))
