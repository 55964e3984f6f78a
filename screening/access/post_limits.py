"""A post over Django's limits gets its page back with a message, not a bare 400.

`DATA_UPLOAD_MAX_NUMBER_FIELDS`, `DATA_UPLOAD_MAX_NUMBER_FILES` and
`DATA_UPLOAD_MAX_MEMORY_SIZE` bound what Django reads of a post; the first
reader of `request.POST` meets the error. That reader is the CSRF middleware,
before any view, so the limits are checked here, just before it. The post is
not read (that is the point of the limit), so nothing of it can be saved or
shown again: the browser is sent back to the page (PRG, 303) with a message
saying so. Keep this middleware before CsrfViewMiddleware and after the
session, authentication and message middleware (its check is in process_view,
which runs after all of them have set up the request).
"""

import logging

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseRedirect, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger("trialsite.requests")


class PostLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST":
            return None
        try:
            request.POST  # noqa: B018 - reading it is the check
        except (TooManyFieldsSent, TooManyFilesSent) as error:
            refused = error
            message = _("Nothing was saved: the page sent more fields than the site accepts in one save. "
                        "Save fewer rows at a time.")
        except RequestDataTooBig as error:
            refused = error
            message = _("Nothing was saved: the page sent more data than the site accepts in one save. "
                        "Save fewer rows at a time, or shorten long texts.")
        else:
            return None
        logger.warning("post refused over a limit: %s %s (%s)", request.method, request.path, refused)
        # The post stays unread: later readers (none should follow) see an empty one.
        request._post, request._files = QueryDict(), MultiValueDict()
        messages.error(request, message)
        return HttpResponseRedirect(_back(request), status=303)


def _back(request):
    """The page the post came from (its Referer, on this site), else the address posted to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return request.get_full_path()
