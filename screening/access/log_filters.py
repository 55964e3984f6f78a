"""Filters for the `django.request` logger (LOGGING in trialsite/settings.py)."""


def forbidden_without_traceback(record):
    """A 403 is a one-line warning, not a traceback.

    Django logs PermissionDenied with the exception attached, so every refused
    page printed a traceback in the console; a refusal is ordinary (the access
    matrix refuses on purpose) and already names the path. Errors (5xx) keep theirs.
    """
    if getattr(record, "status_code", None) == 403:
        record.exc_info = None
        record.exc_text = None
    return True
