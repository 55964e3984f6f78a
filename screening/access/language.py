"""The interface language (issue 20): the signed-in user's saved choice
(models.UserLanguage), else the language cookie or Accept-Language (Django's
LocaleMiddleware), else English.

The choice is read once, at login, into the session, so a page costs no query
for it; the header's switch (language_views.set_language) saves it and the session.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils import translation

from ..models import UserLanguage

SESSION_KEY = "trialsite_language"
CODES = {code for code, _name in settings.LANGUAGES}


def saved_language(user):
    return UserLanguage.objects.filter(user=user).values_list("language", flat=True).first()


def save_language(request, code):
    """The user's choice, kept for the next login and applied from this request on."""
    if code not in CODES:
        raise ValueError(code)
    UserLanguage.objects.update_or_create(user=request.user, defaults={"language": code})
    request.session[SESSION_KEY] = code
    translation.activate(code)
    request.LANGUAGE_CODE = code


def on_login(sender, request, user, **kwargs):
    code = saved_language(user)
    if code and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = code


def connect():
    user_logged_in.connect(on_login, dispatch_uid="trialsite-user-language")


class UserLanguageMiddleware:
    """After authentication: a signed-in user's saved language beats the cookie and Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        code = session.get(SESSION_KEY) if session is not None else None
        if code in CODES and request.user.is_authenticated:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
