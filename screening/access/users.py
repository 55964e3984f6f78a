"""Site user administration: a site administrator creates the users of their own sites,
changes their role, deactivates and reactivates them and resets their password.

The rules, each refused with a `Refused` naming the field it is about:
- only members of the administrator's site, and never a superuser or staff account (those
  are managed in the Django admin): anyone else is a 404 before any of this is reached;
- the roles are exactly the four (ROLES): nothing above site administrator is ever granted;
- an administrator does not change their own role, deactivate or reset themselves;
- a user who is also a member of a site the administrator is not a member of keeps their
  role, password and active state (an administrator of all their sites manages those); the
  administrator may remove them from their own site;
- two administrators changing one user at once: every change locks the user's row and
  compares the state the page was built from (`fingerprint`) with the state under the lock;
  a page built before another change is refused with what changed, never saved over it.

Every change is written to the user access log with who, what and old → new; the events
that Django's signals would log too (a group added and removed, is_active) are marked on the
instance as logged here (screening/audit/access_log.py honours `LOGGED_HERE`).
"""

import ipaddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..models import AccessEvent, PasswordRecord, SiteMembership
from ..models.sites import ROLES, role_label
from . import passwords
from .roles import role_of

LOGGED_HERE = "_trialsite_access_logged"  # on a user: the receivers leave these events to us
# Fields a page of ours never sets; a post carrying one was not made by our form.
FORGED_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions", "password", "last_login", "date_joined")


class Refused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


# ---------------------------------------------------------------- who may be managed


def members(site):
    """The site's users, with their roles (one query for the users, one for their groups)."""
    return (get_user_model()._default_manager.filter(memberships__site=site, is_superuser=False, is_staff=False)
            .prefetch_related("groups").order_by("username"))


def member_or_404(site, pk):
    user = members(site).filter(pk=pk).first()
    if user is None:
        raise Http404("No such user at this site.")
    return user


def other_sites(user, admin):
    """The ids of the sites `user` is a member of and `admin` is not."""
    mine = SiteMembership.objects.filter(user=admin).values("site_id")
    return set(SiteMembership.objects.filter(user=user).exclude(site_id__in=mine).values_list("site_id", flat=True))


def fingerprint(user):
    """What the page was built from: role, active state, password and sites (an HMAC: the page
    carries nothing of the password)."""
    sites = ",".join(str(s) for s in sorted(SiteMembership.objects.filter(user=user).values_list("site_id", flat=True)))
    value = f"{role_of(user) or ''}|{user.is_active}|{user.password}|{sites}"
    return salted_hmac("screening.access.users.fingerprint", value).hexdigest()[:32]


def _locked(site, pk, state):
    """The user's row, locked until the transaction ends; refused if it changed since `state`."""
    user = get_user_model()._default_manager.select_for_update().filter(
        pk=pk, memberships__site=site, is_superuser=False, is_staff=False).first()
    if user is None:
        raise Http404("No such user at this site.")
    if fingerprint(user) != state:
        raise Refused(_("Someone else changed this user after you opened the page: nothing was saved. "
                        "The page now shows the user as they are; make your change again if it still applies."))
    return user


def _may_manage_account(admin, user, what):
    if user.pk == admin.pk:
        raise Refused({
            "role": _("You cannot change your own role: another site administrator must."),
            "active": _("You cannot deactivate your own account: another site administrator must."),
            "password": _("You cannot reset your own password here: change it on your password page."),
        }[what], {"role": "role", "password": "new_password1"}.get(what))
    if other_sites(user, admin):
        raise Refused(_("This user is also a member of a site you do not administer: their role, password and "
                        "account are managed by an administrator of all their sites. You can remove their access "
                        "to this site."), {"role": "role", "password": "new_password1"}.get(what))


# ---------------------------------------------------------------- the access log


def _ip(request):
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR"))) if request is not None else None
    except ValueError:
        return None


def log(kind, user, actor, detail, request=None, site=None):
    return AccessEvent.objects.create(kind=kind, user_id=user.pk, username=user.get_username(), actor=actor,
                                      detail=detail[:200], ip_address=_ip(request), site=site)


def _active_word(active):
    return _("active") if active else _("inactive")


# ---------------------------------------------------------------- the changes


def _set_role(user, role):
    """The user holds `role` and no other of the four (other groups are left alone)."""
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    setattr(user, LOGGED_HERE, {"role"})
    user.groups.remove(*[g for name, g in groups.items() if name != role])
    user.groups.add(groups[role])
    user._trialsite_role = role


def check_role(role):
    if role not in ROLES:
        raise Refused(_("Choose one of the four roles."), "role")


@transaction.atomic
def create(admin, site, *, username, first_name, last_name, email, role, password, request=None):
    """A new user of `site` with `role` and an initial password they must change at first login."""
    check_role(role)
    User = get_user_model()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    passwords.set_password(user, password, PasswordRecord.INITIAL)
    user.save()
    _set_role(user, role)
    SiteMembership.objects.create(user=user, site=site)
    log(AccessEvent.USER_CREATED, user, admin, _("%(role)s at %(site)s; must change the password at first login")
        % {"role": role_label(role), "site": site.code}, request, site)
    return user


@transaction.atomic
def change_role(admin, site, pk, state, role, request=None):
    check_role(role)
    user = _locked(site, pk, state)
    _may_manage_account(admin, user, "role")
    old = role_of(user)
    if old == role:
        raise Refused(_("The user already holds this role: nothing was changed."), "role")
    _set_role(user, role)
    log(AccessEvent.ROLE_CHANGED, user, admin, f"{role_label(old) or _('no role')} → {role_label(role)}", request)
    return user


@transaction.atomic
def set_active(admin, site, pk, state, active, request=None):
    user = _locked(site, pk, state)
    _may_manage_account(admin, user, "active")
    if user.is_active == active:
        raise Refused(_("The account is already %(state)s: nothing was changed.") % {"state": _active_word(active)})
    user.is_active = active
    setattr(user, LOGGED_HERE, {"active"})
    user.save(update_fields=["is_active"])
    log(AccessEvent.ACTIVATED if active else AccessEvent.DEACTIVATED, user, admin,
        f"{_active_word(not active)} → {_active_word(active)}", request)
    return user


@transaction.atomic
def reset_password(admin, site, pk, state, password, request=None):
    """A new password the user must change at their next login (their sessions end now)."""
    user = _locked(site, pk, state)
    _may_manage_account(admin, user, "password")
    passwords.set_password(user, password, PasswordRecord.RESET)
    user.save(update_fields=["password"])
    log(AccessEvent.PASSWORD_RESET, user, admin,
        _("password set by an administrator → to be changed at the next login"), request)
    return user


@transaction.atomic
def remove_from_site(admin, site, pk, state, request=None):
    """The user loses access to this site (logged as site access revoked by the signal receiver)."""
    user = _locked(site, pk, state)
    if user.pk == admin.pk:
        raise Refused(_("You cannot remove your own access: another site administrator must."))
    if not SiteMembership.objects.filter(user=user).exclude(site=site).exists():
        raise Refused(_("This is the user's only site: deactivate the account instead."))
    SiteMembership.objects.filter(user=user, site=site).delete()
    return user


def change_own_password(request, user, password):
    """The user's own new password (validated by the form): keeps the session, clears the demand."""
    from django.contrib.auth import update_session_auth_hash

    with transaction.atomic():
        passwords.set_password(user, password, PasswordRecord.CHANGED)
        user.save(update_fields=["password"])
        log(AccessEvent.PASSWORD_CHANGED, user, user, _("old password → new password chosen by the user"), request)
    update_session_auth_hash(request, user)
    passwords.changed(request)
