"""The filters of the audit pages (the record and site trails, the user access log)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..crf.forms import DateInput
from ..crf.recording import history_of
from ..models.sites import SiteMembership
from . import trail

AUDIT_PERMISSION = "screening.view_audit_trail"
PER_PAGE = 50


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return trail.user_name(user)


class FilterForm(forms.Form):
    """A page's filters from its query string, Bootstrap-styled; an invalid one is marked
    for assistive technology beside its error (and the page leaves it out)."""

    def style(self):
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"

    def mark_invalid(self):
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})


class DateRangeFilterForm(FilterForm):
    """Filters of an audit page: a date range in the site's calendar."""

    date_from = forms.DateField(label=_("From (site date)"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To (site date)"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class TrailFilterForm(DateRangeFilterForm):
    section = forms.ChoiceField(label=_("Section"), required=False)
    user = UserChoice(queryset=get_user_model().objects.none(), label=_("User"), required=False,
                      empty_label=_("All users"))
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *trail.FILTER_KINDS.items()]
    )
    field_order = ["section", "user", "kind", "date_from", "date_to"]

    def __init__(self, data, *, site, sections):
        super().__init__(data)
        self.fields["section"].choices = [("", _("All sections")), *((s.key, s.title) for s in sections)]
        # Everyone who is or was a member of the site: people who left stay searchable.
        members = history_of(SiteMembership).filter(site_id=site.pk).values("user_id")
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=members).order_by("username")
        self.style()

    def filters(self):
        """The filters that are valid; an invalid one is shown with its error and not applied."""
        if not self.is_bound:
            return trail.Filters()
        self.is_valid()
        self.mark_invalid()
        data = getattr(self, "cleaned_data", {})
        user = data.get("user")
        return trail.Filters(
            section=data.get("section") or "",
            user=user.pk if user else None,
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
