"""A refused page logs one line; a server error still logs its traceback."""

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse

from trialsite.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", login_not_required(boom)), path("", include(site_urlpatterns))]
handler403 = "screening.access.errors.permission_denied"


def request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def console_handlers(name):
    """The handlers a record of logger `name` reaches, less pytest's own."""
    logger, found = logging.getLogger(name), []
    while logger:
        found += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    return found


@pytest.mark.urls(__name__)
def test_a_403_logs_one_line_without_traceback(client, coordinator, caplog):
    client.force_login(coordinator)
    with caplog.at_level(logging.WARNING):
        assert client.get(reverse("review_queue")).status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == "Forbidden (Permission denied): /review/"
    assert "\n" not in logging.Formatter().format(record)


@pytest.mark.urls(__name__)
def test_a_500_still_logs_the_traceback(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.WARNING):
        assert client.get("/boom/").status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info[0] is RuntimeError
    assert "Traceback" in logging.Formatter().format(record)


def test_django_records_are_printed_once():
    # Django's own DEBUG console handler printed each one a second time.
    assert len(console_handlers("django.request")) == 1
