"""Passwords over time: the history of each account's password hashes, the rule that none of
the last five may be chosen again, and the password that must be changed before anything else
(one set by an administrator, or one older than TRIALSITE_PASSWORD_MAX_AGE_DAYS).

- Every password set is recorded (`PasswordRecord`, append-only): Django calls each password
  validator's `password_changed` after a user with a new password is saved, whatever set it
  (our pages, the Django admin, `createsuperuser`, a script). The kind of the record is what
  the setter put on the user (`set_password`), else "set".
- `RecentPasswordValidator` (in AUTH_PASSWORD_VALIDATORS) refuses any of the last five,
  the password in force included: every form that validates a password (ours, the Django
  admin's) applies it.
- At login (`user_logged_in`) the newest record says whether the password must be changed;
  the answer is kept in the session, so `PasswordChangeRequiredMiddleware` costs no query.
  A reset by an administrator changes the password hash, which ends every session of the
  account (Django's session hash): the next login sees the reset.
"""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import PasswordRecord
from .identity import current_actor

REMEMBERED = 5
SESSION_KEY = "trialsite_password_change"  # "temporary" or "expired" while a change is required
TEMPORARY, EXPIRED = "temporary", "expired"
KIND_ATTRIBUTE = "_trialsite_password_kind"
# Letters and digits that cannot be mistaken for each other when read out or copied.
GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def max_age():
    days = getattr(settings, "TRIALSITE_PASSWORD_MAX_AGE_DAYS", 0) or 0
    return datetime.timedelta(days=days) if days > 0 else None


def set_password(user, raw, kind):
    """Set the password of `user` (saved by the caller) and say what kind of setting it is."""
    user.set_password(raw)
    setattr(user, KIND_ATTRIBUTE, kind)


def generate():
    """A random password Django's validators accept (16 characters, about 92 bits)."""
    return get_random_string(16, GENERATED_ALPHABET)


def recent_hashes(user, count=REMEMBERED):
    hashes = list(PasswordRecord.objects.filter(user_id=user.pk).order_by("-at", "-id")
                  .values_list("password", flat=True)[:count])
    if user.password and user.password not in hashes:
        hashes = [user.password, *hashes][:count]  # the one in force, recorded or not
    return hashes


def latest(user):
    return PasswordRecord.objects.filter(user_id=user.pk).order_by("-at", "-id").first()


class RecentPasswordValidator:
    """Refuses any of the account's last `count` passwords, and records each new one."""

    def __init__(self, count=REMEMBERED):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in dict.fromkeys(recent_hashes(user, self.count))):
            raise ValidationError(self.message(), code="password_recently_used")

    def message(self):
        return ngettext("This password is the account's current one: choose a new one.",
                        "This password is one of the account's last %(count)d: choose one not used before.",
                        self.count) % {"count": self.count}

    def get_help_text(self):
        return ngettext("Your password can't be your current one.",
                        "Your password can't be one of your last %(count)d.", self.count) % {"count": self.count}

    def password_changed(self, password, user):
        kind = getattr(user, KIND_ATTRIBUTE, None) or PasswordRecord.SET
        previous = latest(user)
        if kind == PasswordRecord.SET and previous is not None and check_password(password, previous.password):
            return  # the same password rehashed (a newer hasher or more iterations at login): not a new one
        PasswordRecord.objects.create(user_id=user.pk, kind=kind, password=user.password, set_by=current_actor())
        if hasattr(user, KIND_ATTRIBUTE):
            delattr(user, KIND_ATTRIBUTE)


def change_required(user, now=None):
    """TEMPORARY, EXPIRED or None: whether the password in force must be changed, and why."""
    record = latest(user)
    if record is not None and record.must_change:
        return TEMPORARY
    limit = max_age()
    if limit is not None:
        since = record.at if record is not None else user.date_joined
        if (now or timezone.now()) - since >= limit:
            return EXPIRED
    return None


def on_login(sender, request, user, **kwargs):
    """user_logged_in receiver: note in the session whether the password must be changed."""
    if request is None or not hasattr(request, "session"):
        return
    reason = change_required(user)
    if reason:
        request.session[SESSION_KEY] = reason
    else:
        request.session.pop(SESSION_KEY, None)


def reason_text(reason):
    if reason == EXPIRED:
        return _("Your password is older than the site allows: choose a new one to continue.")
    if reason == TEMPORARY:
        return _("Your password was set by an administrator: choose your own to continue.")
    return ""


def changed(request):
    """The user chose a new password: nothing more is required."""
    request.session.pop(SESSION_KEY, None)


def connect():
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_login, dispatch_uid="screening.access.passwords.login")


class PasswordChangeRequiredMiddleware:
    """While the session says the password must be changed, every page but the change page,
    logout and static files sends the user to the change page. Keep it after the session,
    authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if reason and request.user.is_authenticated and not self.exempt(request.path_info):
            return redirect("password_change")  # the page says why (reason_text)
        return self.get_response(request)

    @staticmethod
    def exempt(path):
        allowed = (reverse("password_change"), reverse("logout"), reverse("login"), "/favicon.ico")
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in allowed or path.startswith(static)
