"""The site user administration pages (`manage_site_users`) and every user's own password page.

Access: a site administrator reaches only their own sites (another site's code is a 404, by
get_site_for_user) and only the members of that site (another user id is a 404); the rules of a
change are in screening/access/users.py.
"""

from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.db import IntegrityError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import passwords, reauth, users
from .forms import NewSiteUserForm, OwnPasswordForm, ResetPasswordForm, RoleForm, StateForm
from .permissions import get_site_for_user, permission_required, sites_for
from .roles import role_of

MANAGE = "screening.manage_site_users"


def _forged(request):
    """A post carrying what our forms never set (a superuser flag, a group, a password hash)."""
    return [name for name in users.FORGED_FIELDS if name in request.POST]


@permission_required(MANAGE)
@require_safe
def site_users_home(request):
    """The header's "Users": the list of the administrator's site, or a choice of their sites."""
    sites = list(sites_for(request.user).order_by("code"))
    if len(sites) == 1:
        return redirect("site_users", sites[0].code)
    return render(request, "screening/users/sites.html", {"sites": sites})


@permission_required(MANAGE)
@require_safe
def site_users(request, code):
    site = get_site_for_user(request, code)
    people = list(users.members(site))
    for person in people:
        person.role = role_of(person)
    return render(request, "screening/users/list.html", {"site": site, "people": people})


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def site_user_create(request, code):
    site = get_site_for_user(request, code)
    form = NewSiteUserForm(request.POST or None)
    if request.method == "POST":
        forged = _forged(request)
        if forged:
            form.is_valid()
            form.add_error(None, _("Refused: this page does not set %(fields)s. Nothing was saved.")
                           % {"fields": ", ".join(forged)})
        elif form.is_valid():
            data = form.cleaned_data
            password = data["new_password1"] or passwords.generate()
            try:
                user = users.create(request.user, site, username=data["username"], first_name=data["first_name"],
                                    last_name=data["last_name"], email=data["email"], role=data["role"],
                                    password=password, request=request)
            except users.Refused as refusal:
                form.add_error(refusal.field, refusal.message)
            except IntegrityError:  # another administrator took the name a moment before (the unique keys)
                form.add_error("username", _("A user with this user name exists already."))
            else:
                return render(request, "screening/users/created.html", {
                    "site": site, "person": user, "role": data["role"],
                    "generated": password if not data["new_password1"] else None,
                })
    return render(request, "screening/users/create.html", {"site": site, "form": form})


ACTIONS = ("role", "deactivate", "reactivate", "reset", "remove")


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def site_user_edit(request, code, pk):
    site = get_site_for_user(request, code)
    person = users.member_or_404(site, pk)
    role_form = RoleForm(prefix="role")
    reset_form = ResetPasswordForm(prefix="reset", user=person)
    refusal = generated = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            return HttpResponseBadRequest(_("Unknown change."))
        if action == "role":
            form = role_form = RoleForm(request.POST, prefix="role")
        elif action == "reset":
            form = reset_form = ResetPasswordForm(request.POST, prefix="reset", user=person)
        else:
            form = StateForm(request.POST)
        forged = _forged(request)
        if forged:
            refusal = _("Refused: this page does not set %(fields)s. Nothing was saved.") % {"fields": ", ".join(forged)}
        elif not form.is_valid():
            refusal = _("Nothing was saved: correct the field below.") if action in ("role", "reset") else \
                _("Nothing was saved: the page was incomplete; open it again.")
        else:
            state = form.cleaned_data["state"]
            try:
                if action == "role":
                    users.change_role(request.user, site, person.pk, state, form.cleaned_data["role"], request)
                    done = _("Role changed.")
                elif action in ("deactivate", "reactivate"):
                    users.set_active(request.user, site, person.pk, state, action == "reactivate", request)
                    done = _("Account reactivated.") if action == "reactivate" else _("Account deactivated.")
                elif action == "reset":
                    password = form.cleaned_data["new_password1"] or passwords.generate()
                    users.reset_password(request.user, site, person.pk, state, password, request)
                    generated = None if form.cleaned_data["new_password1"] else password
                    done = _("Password reset: the user must choose a new one at their next login.")
                else:
                    users.remove_from_site(request.user, site, person.pk, state, request)
                    messages.success(request, _("%(user)s no longer has access to site %(site)s.")
                                     % {"user": person.get_username(), "site": site.code})
                    return redirect("site_users", site.code)
            except users.Refused as error:
                refusal = error.message
                if error.field:
                    form.add_error(error.field, error.message)
            else:
                if generated is None:
                    messages.success(request, done)
                    return redirect("site_user_edit", site.code, person.pk)
                messages.success(request, done)
        person = users.member_or_404(site, pk)  # as it is now, after the change or another's
    person.role = role_of(person)
    state = users.fingerprint(person)
    for form in (role_form, reset_form):
        if not form.is_bound:
            form.initial["state"] = state
        else:
            form.data = form.data.copy()
            form.data[form.add_prefix("state")] = state
    if not role_form.is_bound:
        role_form.initial["role"] = person.role
    return render(request, "screening/users/edit.html", {
        "site": site, "person": person, "state": state, "role_form": role_form, "reset_form": reset_form,
        "refusal": refusal, "generated": generated, "is_self": person.pk == request.user.pk,
        "elsewhere": bool(users.other_sites(person, request.user)),
        "other_memberships": person.memberships.exclude(site=site).exists(),
    })


@require_http_methods(["GET", "POST"])
def password_change(request):
    """Every logged-in user's own password: the old one, the new one twice."""
    user = request.user
    if reauth.is_locked(request, user):
        return _locked_out(request, user)
    form = OwnPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            users.change_own_password(request, user, form.cleaned_data["new_password1"])
            messages.success(request, _("Your password was changed."))
            return redirect("home")
        if form.has_error("old_password", "password_incorrect") and reauth.record_failure(request, user):
            return _locked_out(request, user)
    return render(request, "registration/password_change.html", {
        "form": form, "reason": passwords.reason_text(request.session.get(passwords.SESSION_KEY)),
    })


def _locked_out(request, user):
    username = user.get_username()
    logout(request)
    return get_lockout_response(request, None, {"username": username})
