from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..access.permissions import permission_required, sites_for
from ..vocabulary import INDICATIONS
from .importing import ImportRefused, import_records

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The format is documented once, in docs/; the Import page shows that file and
# its examples rather than a copy that could drift from it.
FORMAT_DOC = settings.BASE_DIR / "docs" / "exchange-format.md"
EXAMPLES_DIR = settings.BASE_DIR / "docs" / "examples"
EXAMPLES = {code.lower(): label for code, label in INDICATIONS.items()}


class ImportForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, empty_label=None)
    file = forms.FileField(help_text="JSON in the exchange format (see the documentation).")
    update = forms.BooleanField(required=False, label="Update records whose screening number exists")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB; split it.")
        return upload


@permission_required("screening.import_records")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    reports, error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8")
            reports = import_records(text, form.cleaned_data["site"], request.user, upload.name,
                                     update=form.cleaned_data["update"])
        except UnicodeDecodeError:
            error = "The file is not UTF-8 text."
        except ImportRefused as refused:
            error = str(refused)
    return render(request, "screening/import.html", {
        "form": form, "reports": reports, "error": error, "examples": EXAMPLES.items(),
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
