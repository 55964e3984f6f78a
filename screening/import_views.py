from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .importing import ImportRefused, import_records
from .permissions import permission_required, sites_for

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


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
    return render(request, "screening/import.html", {"form": form, "reports": reports, "error": error})
