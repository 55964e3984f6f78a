"""Append-only user access log (ICH E6(R3) 4.2.2(a)(i)): logins, logouts,
failed logins, lockouts, and each change of a user's roles, site memberships
and active state, with who did it. Written only by screening/access_log.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .records import ScreeningRecord
from .sites import Site


class AccessEvent(models.Model):
    append_only = True  # never changed or deleted, and chained (models/chain.py)
    LOGIN, LOGOUT, LOGIN_FAILED, LOCKED_OUT = "login", "logout", "login_failed", "locked_out"
    ROLE_GRANTED, ROLE_REVOKED = "role_granted", "role_revoked"
    SITE_GRANTED, SITE_REVOKED = "site_granted", "site_revoked"
    ACTIVATED, DEACTIVATED = "activated", "deactivated"
    RENAMED = "renamed"
    WRITE_REFUSED = "write_refused"
    REAUTH_FAILED = "reauth_failed"
    # Site user administration (screening/access/users.py) and passwords: detail says old → new.
    USER_CREATED, ROLE_CHANGED = "user_created", "role_changed"
    PASSWORD_RESET, PASSWORD_CHANGED = "password_reset", "password_changed"
    KINDS = [
        (LOGIN, _("Logged in")),
        (LOGOUT, _("Logged out")),
        (LOGIN_FAILED, _("Failed login")),
        (REAUTH_FAILED, _("Failed re-authentication (wrong password on a page)")),
        (LOCKED_OUT, _("Locked out")),
        (ROLE_GRANTED, _("Role granted")),
        (ROLE_REVOKED, _("Role revoked")),
        (SITE_GRANTED, _("Site access granted")),
        (SITE_REVOKED, _("Site access revoked")),
        (ACTIVATED, _("Account activated")),
        (DEACTIVATED, _("Account deactivated")),
        (RENAMED, _("Account renamed (user name or name changed)")),
        (WRITE_REFUSED, _("Change refused (403)")),
        (USER_CREATED, _("Account created by a site administrator")),
        (ROLE_CHANGED, _("Role changed")),
        (PASSWORD_RESET, _("Password reset by an administrator")),
        (PASSWORD_CHANGED, _("Password changed by the user")),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=16, choices=KINDS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("The subject: whose access it is (none for an unknown user name)."),
    )
    username = models.CharField(max_length=150, help_text=_("The user name as given, kept even when no user has it."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Who did it (none from a management command or an anonymous request)."),
    )
    detail = models.CharField(max_length=200, blank=True, help_text=_("The role or site concerned."))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    record = models.ForeignKey(
        ScreeningRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("The record whose page it happened on (a wrong password or a lockout while signing)."),
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.get_kind_display()}"
