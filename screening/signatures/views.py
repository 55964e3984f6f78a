from axes.helpers import get_lockout_response
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ..access.permissions import get_record_for_user, permission_required
from ..checklist.evaluation import evaluate_and_log
from ..models import EligibilityAccess
from ..models.signatures import MEANINGS
from .signing import SigningRefused, allowed_meanings, next_checkpoint, sign, signing_locked


class SignForm(forms.Form):
    meaning = forms.ChoiceField(
        widget=forms.RadioSelect, label=_("Meaning of this signature"),
        error_messages={"required": _("Choose the meaning of your signature.")},
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label=_("Your password"),
        help_text=_("Re-enter your password to sign. Wrong passwords count with failed logins: five lock the "
                    "account for 30 minutes and end the session."),
    )
    snapshot_hash = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, overall, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(k, v) for k, v in MEANINGS if k in allowed_meanings(overall)]
        self.fields["meaning"].choices = choices
        if len(choices) == 1:  # the only meaning that applies
            self.fields["meaning"].initial = choices[0][0]


REFUSALS = {  # what sign() refused, in words for the signer
    "wrong password": _("Not signed: the password is not correct."),
    "choose the meaning of your signature": _("Choose the meaning of your signature."),
}


def _locked_out(request, user):
    """The account is locked (or deactivated): end the session, show the lockout page."""
    username = user.get_username()
    logout(request)
    return get_lockout_response(request, None, {"username": username})


@permission_required("screening.sign_eligibility")
@require_http_methods(["GET", "POST"])
def sign_record(request, pk):
    record = get_record_for_user(request, pk)
    user = request.user
    if request.method == "GET" and signing_locked(request, user):
        return _locked_out(request, user)
    changed = False
    if request.method == "POST":
        # Every attempt goes to sign(), which records it, even when the form is incomplete.
        meaning = request.POST.get("meaning", "")
        try:
            sign(record, user, request.POST.get("password", ""), meaning,
                 request.POST.get("snapshot_hash", ""), request=request)
        except SigningRefused as refusal:
            if refusal.locked:
                return _locked_out(request, user)
            changed = refusal.data_changed
            if not changed:
                messages.error(request, REFUSALS.get(refusal.outcome) or gettext("Not signed: %(why)s.") % {
                    "why": gettext(refusal.outcome)})
        else:
            messages.success(request, gettext("Eligibility signed."))
            return redirect("eligibility", pk=record.pk)
    # The page shows the computed status and the failing criteria: an eligibility access.
    result = evaluate_and_log(record, user, EligibilityAccess.SIGN)
    form = SignForm(overall=result.overall, initial={"snapshot_hash": result.digest})
    if request.method == "POST" and not changed and request.POST.get("meaning") in allowed_meanings(result.overall):
        form.initial["meaning"] = request.POST["meaning"]  # kept after an error
    shown = [r for r in result.evaluation.results
             if r.status in ("FAIL", "AWAITING_INVESTIGATOR")]
    return render(request, "screening/sign.html", {
        "record": result.record,
        "result": result,
        "form": form,
        "checkpoint": next_checkpoint(result.record),
        "shown_rows": shown,
        "changed": changed,
    })
