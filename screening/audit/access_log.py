"""The user access log (ICH E6(R3) 4.2.2(a)(i)): receivers that write an
AccessEvent for each login, logout, failed login and lockout, and each change
of a user's roles (groups), site memberships, names and active state.

These events come from Django (auth views, the admin, the ORM) and from
django-axes, not from code of this project, so they are caught with signals,
connected in ScreeningConfig.ready(). The actor is the user of the current
request, which django-simple-history's HistoryRequestMiddleware keeps in
HistoricalRecords.context.request; outside a request (management commands,
shell) it is None.

Not caught: bulk changes that send no signal (QuerySet.update(is_active=...),
raw SQL).
"""

import ipaddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation

from ..access.identity import current_actor
from ..models import AccessEvent
from ..models.sites import role_label

USERNAME_MAX = AccessEvent._meta.get_field("username").max_length


def ip_of(request):
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def log(kind, *, user=None, username=None, actor=None, detail="", request=None, site=None, record_id=None):
    if username is None:
        username = user.get_username() if user is not None else ""
    return AccessEvent.objects.create(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=str(username)[:USERNAME_MAX],
        actor_id=actor.pk if actor is not None else None,
        detail=detail[:200],
        ip_address=ip_of(request),
        site=site,
        record_id=record_id,
    )


# --------------------------------------------------------------------------
# Logins (django.contrib.auth) and lockouts (django-axes)


def logged_in(sender, request, user, **kwargs):
    log(AccessEvent.LOGIN, user=user, actor=user, request=request)


def logged_out(sender, request, user, **kwargs):
    if user is not None:  # a logout without a session logs nobody out
        log(AccessEvent.LOGOUT, user=user, actor=user, request=request)


def _user_named(username):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None


def login_failed(sender, credentials, request=None, reauthentication=None, record_id=None, **kwargs):
    """A failed login, or a wrong password re-entered on a page (`reauthentication`
    is that page's path, `record_id` its record: screening/reauth.py)."""
    username = credentials.get(get_user_model().USERNAME_FIELD) or ""
    if reauthentication:
        log(AccessEvent.REAUTH_FAILED, user=_user_named(username), username=username, request=request,
            actor=_user_named(username), detail=reauthentication, record_id=record_id)
    else:
        log(AccessEvent.LOGIN_FAILED, user=_user_named(username), username=username, request=request)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    page = getattr(request, "reauthentication_page", None)
    if page and failures:
        detail = f"after {failures} failed logins or re-authentications, the last on {page}"
    else:
        detail = f"after {failures} failed logins" if failures else ""
    log(AccessEvent.LOCKED_OUT, user=_user_named(username), username=username or "", request=request,
        detail=detail, record_id=getattr(request, "reauthentication_record", None) if page else None)


# --------------------------------------------------------------------------
# Roles: User.groups (either side of the relation)


def _pairs_of(instance, reverse, pk_set):
    """The existing (user id, group id) pairs that pk_set (all, if None) names."""
    through = get_user_model().groups.through
    if reverse:  # instance is a Group
        rows = through.objects.filter(group_id=instance.pk)
        if pk_set is not None:
            rows = rows.filter(user_id__in=pk_set)
    else:
        rows = through.objects.filter(user_id=instance.pk)
        if pk_set is not None:
            rows = rows.filter(group_id__in=pk_set)
    return list(rows.values_list("user_id", "group_id"))


def _log_roles(kind, pairs):
    if not pairs:
        return
    users = get_user_model()._default_manager.in_bulk({u for u, _ in pairs})
    groups = Group.objects.in_bulk({g for _, g in pairs})
    actor = current_actor()
    for user_id, group_id in pairs:
        with translation.override("en"):  # stored in one language; the page shows it translated
            detail = role_label(groups[group_id].name)
        log(kind, user=users[user_id], actor=actor, detail=detail)


def _logged_elsewhere(instance, what):
    """Site user administration (screening/access/users.py) logs this change itself, old → new."""
    return what in getattr(instance, "_trialsite_access_logged", ())


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse and _logged_elsewhere(instance, "role"):
        return
    if action == "post_add":  # Django passes only the ids actually added
        pairs = [(pk, instance.pk) if reverse else (instance.pk, pk) for pk in pk_set]
        _log_roles(AccessEvent.ROLE_GRANTED, pairs)
    elif action in ("pre_remove", "pre_clear"):  # pk_set may name groups the user does not hold
        instance._access_log_removed = _pairs_of(instance, reverse, pk_set)
    elif action in ("post_remove", "post_clear"):
        _log_roles(AccessEvent.ROLE_REVOKED, getattr(instance, "_access_log_removed", []))
        instance._access_log_removed = []


# --------------------------------------------------------------------------
# Site memberships


def membership_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        log(AccessEvent.SITE_GRANTED, user=instance.user, actor=current_actor(),
            detail=instance.site.code, site=instance.site)


def membership_deleted(sender, instance, **kwargs):
    log(AccessEvent.SITE_REVOKED, user=instance.user, actor=current_actor(),
        detail=instance.site.code, site=instance.site)


# --------------------------------------------------------------------------
# Active state and names: compared with the stored values that
# screening/access/identity.py reads before each save of a user


NAME_FIELDS = (("username", "user name"), ("first_name", "first name"), ("last_name", "last name"))


def renaming(before, user):
    """"user name coord → coord-renamed; last name Smith → Jones", or "" when no name changed."""
    parts = [f"{label} {before[name] or '—'} → {getattr(user, name) or '—'}"
             for name, label in NAME_FIELDS if before[name] != getattr(user, name)]
    return "; ".join(parts)


def user_post_save(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_identity_before", None)
    if created or raw or before is None:
        return
    actor = current_actor()
    renamed = renaming(before, instance)
    if renamed:
        log(AccessEvent.RENAMED, user=instance, actor=actor, detail=renamed)
    if before["is_active"] != instance.is_active and not _logged_elsewhere(instance, "active"):
        log(AccessEvent.ACTIVATED if instance.is_active else AccessEvent.DEACTIVATED, user=instance, actor=actor)


def connect():
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import (
        user_logged_in,
        user_logged_out,
        user_login_failed,
    )
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ..models import SiteMembership

    User = get_user_model()
    uid = "screening.audit.access_log."
    user_logged_in.connect(logged_in, dispatch_uid=uid + "login")
    user_logged_out.connect(logged_out, dispatch_uid=uid + "logout")
    user_login_failed.connect(login_failed, dispatch_uid=uid + "login_failed")
    user_locked_out.connect(locked_out, dispatch_uid=uid + "locked_out")
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid=uid + "groups")
    post_save.connect(membership_saved, sender=SiteMembership, dispatch_uid=uid + "membership_saved")
    post_delete.connect(membership_deleted, sender=SiteMembership, dispatch_uid=uid + "membership_deleted")
    post_save.connect(user_post_save, sender=User, dispatch_uid=uid + "user_post_save")
