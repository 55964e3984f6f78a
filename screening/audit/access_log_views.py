"""The user access log of a site, for monitors and site administrators.

Access, with the helpers of permissions.py: `view_audit_trail` (so coordinators
get a 403), and investigators are refused too (403, whatever the site); the
others reach only their own sites, another site is a 404.

A site's log holds the events naming the site (its memberships granted and
revoked) and the site-less events (logins, roles, active state) of everyone who
is or was a member of it. A failed login under a user name nobody has belongs
to no site and is not shown here.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ..access.identity import Versions
from ..access.permissions import get_site_for_user, permission_required
from ..crf.recording import history_of
from ..models import AccessEvent, SiteMembership
from ..values import user_display_name, zone_name
from . import trail
from .forms import PER_PAGE, DateRangeFilterForm, UserChoice


class AccessFilterForm(DateRangeFilterForm):
    kind = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All events")), *AccessEvent.KINDS])
    user = UserChoice(queryset=get_user_model().objects.none(), label=_("User"), required=False,
                      empty_label=_("All users"))
    field_order = ["kind", "user", "date_from", "date_to"]

    def __init__(self, data, *, members):
        super().__init__(data)
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=members).order_by("username")
        self.style()

    def apply(self, events, tz):
        """The valid filters; an invalid one is shown with its error and not applied."""
        if not self.is_bound:
            return events
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("user"):
            events = events.filter(user=data["user"])
        start, end = trail.local_day_bounds(tz, data.get("date_from"), data.get("date_to"))
        if start:
            events = events.filter(at__gte=start)
        if end:
            events = events.filter(at__lt=end)
        return events


def site_events(site, members):
    return AccessEvent.objects.filter(Q(site=site) | Q(site__isnull=True, user_id__in=members))


@permission_required("screening.view_access_log")
@require_GET
def access_log(request, code):
    site = get_site_for_user(request, code)
    tz = trail.Scope(site).tz
    # Everyone who is or was a member of the site: people who left stay in the log.
    members = history_of(SiteMembership).filter(site_id=site.pk).values("user_id")
    data = request.GET if any(k in request.GET for k in AccessFilterForm.base_fields) else None
    form = AccessFilterForm(data, members=members)
    events = form.apply(site_events(site, members), tz).select_related("user", "actor")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = name_as_then(page.object_list)
    return render(request, "screening/audit/access_log.html", {
        "site": site,
        "form": form,
        "page": page,
        "tz_name": zone_name(tz),
    })


def name_as_then(events):
    """Each event's user and actor named as they were at its time (screening/access/identity.py);
    an unknown user name as it was given."""
    events = list(events)
    versions = Versions({e.user_id for e in events} | {e.actor_id for e in events})
    for e in events:
        subject = versions.at(e.user_id, e.at) or e.user
        e.subject_name = user_display_name(subject) if subject is not None else e.username
        actor = versions.at(e.actor_id, e.at) or e.actor
        e.actor_name = user_display_name(actor) if actor is not None else ""
    return events
