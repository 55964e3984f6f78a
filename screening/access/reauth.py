"""Re-authentication inside a session (the password asked again to sign).

A wrong password here is a failed authentication like a failed login: it is
sent as Django's `user_login_failed`, so django-axes counts it toward the same
lockout (per user name, AXES_FAILURE_LIMIT within AXES_COOLOFF_TIME) and the
user access log records it with the page (screening/access_log.py). Nothing
else a form can carry (a stale snapshot hash, a missing meaning) touches the
count: only a correct password is a success, and it does not clear earlier
failures (they expire with axes' cool-off, or at the next successful login).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed


def _credentials(user):
    return {get_user_model().USERNAME_FIELD: user.get_username()}


def is_locked(request, user):
    """Whether django-axes has locked the account (after failed logins or re-authentications)."""
    return AxesProxyHandler.is_locked(request, _credentials(user))


def record_failure(request, user, record=None):
    """Count a failed re-authentication; True when it locks the account. `record`: the
    record whose page asked for the password (its audit trail shows the lockout)."""
    # axes' lockout signal comes before the log's receiver: the page and record wait on the request
    request.reauthentication_page = request.path
    request.reauthentication_record = record.pk if record is not None else None
    user_login_failed.send(
        sender=__name__, credentials=_credentials(user), request=request, reauthentication=request.path,
        record_id=request.reauthentication_record,
    )
    return bool(getattr(request, "axes_locked_out", False)) or is_locked(request, user)

