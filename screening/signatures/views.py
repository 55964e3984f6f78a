from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..access.permissions import get_record_for_user, permission_required
from ..checklist.evaluation import evaluate_record
from ..models.signatures import MEANINGS
from .signing import (
    SigningRefused,
    allowed_meanings,
    next_checkpoint,
    sign,
    signing_locked,
)


class SignForm(forms.Form):
    meaning = forms.ChoiceField(widget=forms.RadioSelect, label="Meaning of this signature")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password",
        help_text="Re-enter your password to sign. Five wrong passwords in a row lock signing for 30 minutes.",
    )
    snapshot_hash = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, overall, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meaning"].choices = [(k, v) for k, v in MEANINGS if k in allowed_meanings(overall)]


@permission_required("screening.sign_eligibility")
@require_http_methods(["GET", "POST"])
def sign_record(request, pk):
    record = get_record_for_user(request, pk)
    result = evaluate_record(record)
    checkpoint = next_checkpoint(record)
    form = SignForm(request.POST or None, overall=result.overall, initial={"snapshot_hash": result.digest})
    if request.method == "POST":
        # Every attempt goes to sign(), which records it, even when the form is incomplete.
        try:
            sign(record, request.user, request.POST.get("password", ""), request.POST.get("meaning", ""),
                 request.POST.get("snapshot_hash", ""))
        except SigningRefused as refusal:
            messages.error(request, f"Not signed: {refusal}.")
            form = SignForm(overall=result.overall, initial={"snapshot_hash": result.digest})
        else:
            messages.success(request, "Eligibility signed.")
            return redirect("eligibility", pk=record.pk)
    failing = [r for r in result.evaluation.results if r.status == "FAIL"]
    return render(request, "screening/sign.html", {
        "record": record,
        "result": result,
        "form": form,
        "checkpoint": checkpoint,
        "failing": failing,
        "locked": signing_locked(request.user),
    })
