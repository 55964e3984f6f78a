"""Access control in one place: every view fetches records through these helpers.

A user reaches only the records of the sites they are a member of; a record of
another site is a 404, never a page (so its existence is not disclosed).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import ImportRun, ScreeningRecord, Site


def sites_for(user):
    if not user.is_authenticated:
        return Site.objects.none()
    return Site.objects.filter(memberships__user=user)


def records_for(user):
    if not user.is_authenticated:
        return ScreeningRecord.objects.none()
    return ScreeningRecord.objects.filter(site__memberships__user=user)


def import_runs_for(user):
    """The import runs of the user's sites, for a user who may import (others see none)."""
    if not user.is_authenticated or not user.has_perm("screening.import_records"):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(site__memberships__user=user)


def get_import_run_for_user(request, pk):
    return get_object_or_404(import_runs_for(request.user).select_related("site", "user"), pk=pk)


def get_record_for_user(request, pk):
    return get_object_or_404(records_for(request.user).select_related("site"), pk=pk)


def get_site_for_user(request, code):
    return get_object_or_404(sites_for(request.user), code=code)


def require_perm(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def permission_required(perm):
    """Like Django's, but always 403 (never a redirect loop for a logged-in user)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_perm(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_edit_section(user, section):
    """Judgement sections are the investigator's; every other section the coordinator's."""
    if section.judgement:
        return user.has_perm("screening.record_judgement")
    return user.has_perm("screening.enter_crf")
