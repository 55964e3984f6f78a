from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.datamanagement import QUERY_TEXT_MAX


class RaiseForm(forms.Form):
    """A new query: what it is about (a target key of the section) and its text."""

    target = forms.ChoiceField(label=_("About"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    row_field = forms.ChoiceField(label=_("Field of the row"), required=False,
                                  widget=forms.Select(attrs={"class": "form-select"}),
                                  help_text=_("For a row: one of its fields, or the whole row."))
    text = forms.CharField(label=_("Question"), max_length=QUERY_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUERY_TEXT_MAX, "class": "form-control"}))

    def __init__(self, *args, target_choices=(), row_field_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(target_choices)
        self.fields["row_field"].choices = list(row_field_choices) or [("", "")]


class StepForm(forms.Form):
    """An answer, a closing comment or the comment that re-opens a query."""

    text = forms.CharField(label=_("Text"), max_length=QUERY_TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": QUERY_TEXT_MAX}))


class SdvForm(forms.Form):
    target = forms.ChoiceField(label=_("Verified against source"), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, target_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(target_choices)


class UnfreezeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for unfreezing"), max_length=QUERY_TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUERY_TEXT_MAX,
                                                          "class": "form-control"}))
