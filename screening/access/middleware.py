"""A database that cannot be reached answers 503 with a page saying so, not a 500.

`OperationalError` / `InterfaceError` (connection refused, server closed the
connection, deadlock, database locked) are transient: the request is refused
whole, since every save runs in one transaction, and the next request opens a
fresh connection (`conn_health_checks=True`). Errors raised by the view are
caught in `process_exception`; those raised elsewhere (the session or
authentication middleware reading the database) are turned into a 500 by Django
first, flagged by the `got_request_exception` receiver below and replaced here.
Keep this middleware first in MIDDLEWARE so it wraps all the others.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger("trialsite.database")
RETRY_AFTER_SECONDS = 30
FLAG = "_trialsite_database_unavailable"


def database_unavailable(exception):
    return isinstance(exception, (OperationalError, InterfaceError))


def unavailable_response():
    # Rendered without a request: context processors would query the database.
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _flag(sender, request=None, **kwargs):
    if request is not None and database_unavailable(sys.exc_info()[1]):
        setattr(request, FLAG, True)


got_request_exception.connect(_flag, dispatch_uid="trialsite-database-unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, FLAG, False):
            return unavailable_response()
        return response

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=exception)
            return unavailable_response()
        return None


class PrivatePagesMiddleware:
    """Every page and download is behind the login and may carry patient data: no browser
    or proxy keeps a copy (`Cache-Control: no-store`), and no page may use the camera,
    microphone, location or payment APIs (`Permissions-Policy`). Static files are served
    by WhiteNoise above this middleware and stay cacheable."""

    PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        return response
