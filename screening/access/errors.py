"""Error views. A refused attempt to change data is itself an audit event."""

from django.views.defaults import permission_denied as django_permission_denied

from ..models import AccessEvent
from .roles import role_of

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def permission_denied(request, exception=None):
    user = request.user
    if request.method not in SAFE_METHODS and user.is_authenticated:
        AccessEvent.objects.create(
            kind=AccessEvent.WRITE_REFUSED,
            user=user,
            username=user.get_username(),
            actor=user,
            detail=f"{request.method} {request.path[:150]} as {role_of(user) or 'no role'}",
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    return django_permission_denied(request, exception)
