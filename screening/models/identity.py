"""Who a user account was, over time (21 CFR Part 11 §11.100(a), §11.300(a); ICH E6(R3)
4.2.2(a)(i)): every version of an account's user name, names and active state, and every
user name ever held, so none is given to someone else. Written only by
screening/access/identity.py; append-only on PostgreSQL (migration 0006)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountVersion(models.Model):
    """The identity of an account from `at` until its next version."""

    append_only = True  # never changed or deleted, and chained (models/chain.py)

    CREATED, CHANGED = "created", "changed"
    KINDS = [(CREATED, _("Account created")), (CHANGED, _("Account changed"))]

    # No database constraint: the versions of a deleted account stay, naming its id.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", help_text="Who made the change (none from a management command or a migration).",
    )
    username = models.CharField(max_length=150)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField()

    class Meta:
        ordering = ["user_id", "at", "id"]
        indexes = [models.Index(fields=["user", "at", "id"], name="accountversion_user_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}"

    # The two methods values.user_display_name reads, as on a User.
    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_username(self):
        return self.username


class UsernameClaim(models.Model):
    """A user name, lower-cased, held by one account for ever: never reassigned, even
    after a rename or the account's deletion. The unique key is the guarantee; on
    PostgreSQL a trigger on the user table writes and checks it whatever writes the
    user (migration 0006)."""

    append_only = True

    name_key = models.CharField(max_length=150, unique=True)
    username = models.CharField(max_length=150, help_text="As first written.")
    user_id = models.IntegerField(help_text="The account that holds it (kept after a deletion).")
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_key"]

    def __str__(self):
        return self.username
