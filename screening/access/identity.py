"""User identity over time: each account's versions, and user names never reused.

- Every creation of an account and every change of its user name, first or last name
  or active state writes an `AccountVersion` (who changed it: the request's user),
  from `pre_save` (the stored values) and `post_save` receivers on the user model,
  connected in ScreeningConfig.ready(). The user access log reads the same stored
  values to log renames and (de)activations (screening/audit/access_log.py).
- Every user name an account takes is claimed for ever (`UsernameClaim`, lower-cased):
  another account can never take it, even after a rename or a deletion. Forms say so
  (`check_username_free`, the admin's user forms); the save refuses it whatever form or
  script saves; on PostgreSQL a trigger on the user table holds it for raw SQL too.
- Pages show a person's name as it was at the time of the event (`Versions.at`):
  the trails, the field history, the access log, the CSV exports; signatures keep the
  printed name they were signed with.

Not caught: bulk changes that send no signal (QuerySet.update(username=...)); the
PostgreSQL trigger still refuses a reused name there.
"""

import bisect

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..models.identity import AccountVersion, UsernameClaim

TRACKED = ("username", "first_name", "last_name", "is_active")
REUSED = _("This user name has been used by another account before: user names are never given to "
           "someone else (21 CFR Part 11 §11.100). Choose another.")


def current_actor():
    """The user of the current request (django-simple-history's HistoryRequestMiddleware keeps it)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def name_key(username):
    return (username or "").lower()


def username_claimed_by_other(username, user_id=None):
    """Whether another account holds (or held) this user name."""
    claims = UsernameClaim.objects.filter(name_key=name_key(username))
    if user_id is not None:
        claims = claims.exclude(user_id=user_id)
    return claims.exists()


def check_username_free(username, user=None):
    """Form validation: refuse a user name another account has ever held."""
    if username and username_claimed_by_other(username, user.pk if user is not None else None):
        raise ValidationError(REUSED, code="username_reused")


def claim(user):
    UsernameClaim.objects.get_or_create(
        name_key=name_key(user.get_username()), defaults={"username": user.get_username(), "user_id": user.pk},
    )


# --------------------------------------------------------------------------
# Receivers (pre_save, post_save of the user model)


def _snapshot(user):
    return {name: getattr(user, name) for name in TRACKED}


def before_user_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Keep the stored identity on the instance (None: nothing tracked is being saved)."""
    instance._identity_before = None
    if raw:
        return
    if update_fields is not None and not set(update_fields) & set(TRACKED):
        return  # e.g. the last_login update of every login costs no query
    if instance.pk is not None:
        instance._identity_before = (
            sender._default_manager.filter(pk=instance.pk).values(*TRACKED).first()
        )
    before = instance._identity_before
    if (before is None or name_key(before["username"]) != name_key(instance.get_username())) \
            and username_claimed_by_other(instance.get_username(), instance.pk):
        raise IntegrityError(str(REUSED))


def after_user_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_identity_before", None)
    now = _snapshot(instance)
    if not created and (before is None or before == now):
        return
    AccountVersion.objects.create(
        user_id=instance.pk, kind=AccountVersion.CREATED if created else AccountVersion.CHANGED,
        actor=current_actor(), **now,
    )
    if created or name_key(before["username"]) != name_key(instance.get_username()):
        claim(instance)


def connect():
    from django.db.models.signals import post_save, pre_save

    User = get_user_model()
    uid = "screening.access.identity."
    pre_save.connect(before_user_save, sender=User, dispatch_uid=uid + "before")
    post_save.connect(after_user_save, sender=User, dispatch_uid=uid + "after")


# --------------------------------------------------------------------------
# Names as they were


class Versions:
    """The versions of some accounts, loaded in one query; `at(user_id, moment)` is the
    version in force then (the first known one for a moment before it; None when the
    account has no version at all: the caller shows the account as it is)."""

    def __init__(self, user_ids):
        ids = {i for i in user_ids if i is not None}
        self._by_user = {}
        if ids:
            for version in AccountVersion.objects.filter(user_id__in=ids).order_by("user_id", "at", "id"):
                self._by_user.setdefault(version.user_id, []).append(version)
        self._times = {uid: [v.at for v in versions] for uid, versions in self._by_user.items()}

    def at(self, user_id, moment):
        versions = self._by_user.get(user_id)
        if not versions:
            return None
        index = bisect.bisect_right(self._times[user_id], moment) - 1
        return versions[max(index, 0)]


def version_at(user_id, moment):
    """One account's version at `moment` (one query), or the account itself, or None."""
    if user_id is None:
        return None
    version = Versions([user_id]).at(user_id, moment)
    if version is not None:
        return version
    return get_user_model()._default_manager.filter(pk=user_id).first()
