"""Every password an account has had, as Django's hash (never the password itself):
append-only, written whenever a password is set (screening/access/passwords.py). The
newest row says whether the password in force was set by an administrator (and so must
be changed at the next login) and since when it is in force (its age, for
TRIALSITE_PASSWORD_MAX_AGE_DAYS); the last five hashes may not be chosen again."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordRecord(models.Model):
    append_only = True  # never changed or deleted, and chained (models/chain.py)

    INITIAL, RESET, CHANGED, SET, EXISTING = "initial", "reset", "changed", "set", "existing"
    KINDS = [
        (INITIAL, _("Initial password set by an administrator")),
        (RESET, _("Password reset by an administrator")),
        (CHANGED, _("Password changed by the user")),
        (SET, _("Password set elsewhere (Django admin, a command)")),
        (EXISTING, _("Password in force when the password history began")),
    ]
    # Set by someone other than the user: to be changed at the next login.
    TEMPORARY = {INITIAL, RESET}

    # No database constraint, like AccountVersion: the rows of a deleted account stay.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    password = models.CharField(max_length=128, help_text="Django's hash of the password, as on the user.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", help_text="Who set it (none from a management command or a migration).",
    )

    class Meta:
        ordering = ["user_id", "at", "id"]
        indexes = [models.Index(fields=["user", "at", "id"], name="passwordrecord_user_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} user {self.user_id}: {self.kind}"

    @property
    def must_change(self):
        return self.kind in self.TEMPORARY
