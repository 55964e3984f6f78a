"""A user's own settings: the language of the interface (issue 20). Changed by the
user at will (screening/access/language.py), so not part of the trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserLanguage(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="language_preference")
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interface language")

    def __str__(self):
        return f"{self.user_id}: {self.language}"
