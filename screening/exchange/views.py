from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..access.permissions import import_runs_for, permission_required, sites_for
from ..vocabulary import INDICATIONS
from .importing import MAX_FILE_BYTES
from .jobs import ImportBusy, earlier_run, queue_import, sha256

MAX_UPLOAD_BYTES = MAX_FILE_BYTES
# The format is documented once, in docs/; the Import page shows that file and
# its examples rather than a copy that could drift from it.
FORMAT_DOC = settings.BASE_DIR / "docs" / "exchange-format.md"
EXAMPLES_DIR = settings.BASE_DIR / "docs" / "examples"
EXAMPLES = {code.lower(): gettext_lazy(label) for code, label in INDICATIONS.items()}


class ImportForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, empty_label=None)
    file = forms.FileField(help_text=gettext_lazy("JSON in the exchange format (see the documentation)."))
    update = forms.BooleanField(required=False, label=gettext_lazy("Update records whose screening number exists"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_UPLOAD_BYTES // 2**20},
                                        code="too_large")
        return upload


@permission_required("screening.import_records")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """The file is stored and its import queued (screening.exchange.jobs); the run's page
    follows it. A file already imported at the site is not queued again unless asked."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    earlier, busy = None, None
    if request.method == "POST" and form.is_valid():
        upload, site, update = form.cleaned_data["file"], form.cleaned_data["site"], form.cleaned_data["update"]
        data = upload.read()
        earlier = None if update else earlier_run(site, sha256(data))
        if earlier is None:
            try:
                return redirect(queue_import(data, site, request.user, upload.name, update=update))
            except ImportBusy as refused:
                busy = refused.run
                form.add_error(None, _("This file is being imported at this site now; wait for that run to finish."))
    recent = import_runs_for(request.user).select_related("site", "user")[:5]
    return render(request, "screening/import.html", {
        "form": form, "earlier": earlier, "busy": busy, "recent": recent, "examples": EXAMPLES.items(),
    })


@permission_required("screening.import_records")
def import_format(request):
    text = FORMAT_DOC.read_text(encoding="utf-8")
    return render(request, "screening/import_format.html", {"text": text, "examples": EXAMPLES.items()})


@permission_required("screening.import_records")
def import_example(request, indication):
    if indication not in EXAMPLES:
        raise Http404
    body = (EXAMPLES_DIR / f"{indication}.json").read_bytes()
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{indication}.json"'
    return response
