from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

COORDINATOR = "coordinator"
INVESTIGATOR = "investigator"
MONITOR = "monitor"
SITE_ADMIN = "site_admin"
ROLES = {
    COORDINATOR: _("Coordinator"),
    INVESTIGATOR: _("Investigator"),
    MONITOR: _("Monitor"),
    SITE_ADMIN: _("Site administrator"),
}


def role_label(role):
    """The words for a role code ("site_admin" -> "Site administrator"); other names as they are."""
    return str(ROLES.get(role, role or ""))


class Site(models.Model):
    code = models.CharField(
        _("site code"), max_length=8, unique=True, help_text=_("Prefix of screening numbers, e.g. S01.")
    )
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="UTC", help_text=_("IANA name, e.g. Asia/Shanghai."))
    next_screening_sequence = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class SiteMembership(models.Model):
    """A user's access to one site; their role comes from their group."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.site.code}"
