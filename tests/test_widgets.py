"""The CRF's own widgets and formset cells render what Django and crispy would."""

import re

import pytest
from django import forms
from django.urls import reverse

from screening.forms import RecordForm, row_formset_class, section_form_class
from screening.sections import BY_KEY, SECTIONS
from screening.widgets import QuickSelect

from .factories import RecordFactory

CHOICES = [("", "— choose —"), ("a", "Apples & pears"), ("<b>", '<script>alert("x")</script>'), (3, "Three")]


FORMS = [RecordForm] + [section_form_class(s) for s in SECTIONS if s.model is not None]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_every_crf_form_gets_the_crf_widgets(form_class):
    """Dates as the browser's date picker (ISO values), coded answers as QuickSelect.
    (ModelForm reads formfield_callback from Meta only: a forgotten one went unseen.)"""
    form = form_class()
    dates = [f for f in form.fields.values() if isinstance(f, forms.DateField)]
    coded = [f for f in form.fields.values() if isinstance(f, forms.TypedChoiceField)]
    assert dates or coded
    for field in dates:
        assert field.widget.input_type == "date"
    for field in coded:
        assert isinstance(field.widget, QuickSelect)


def squeeze(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "a", "<b>", 3, "not a choice"])
def test_quick_select_renders_the_html_of_djangos_select(value):
    attrs = {"id": "id_x", "class": "form-select", "aria-invalid": "true", "required": True, "disabled": False}
    ours = QuickSelect(choices=CHOICES).render("x", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    assert squeeze(ours) == squeeze(django)
    assert "<script>" not in ours


def test_grouped_choices_keep_djangos_rendering():
    grouped = [("Fruit", [("a", "Apple")]), ("b", "Bread")]
    assert squeeze(QuickSelect(choices=grouped).render("x", "a")) == squeeze(forms.Select(choices=grouped).render("x", "a"))


def test_choice_fields_of_the_crf_use_it():
    form = row_formset_class(BY_KEY["labs"].rows[0])(prefix="labresult").empty_form
    assert isinstance(form.fields["analyte"].widget, QuickSelect)
    assert isinstance(form.fields["unit"].widget, QuickSelect)


def test_formset_cells_have_a_label_help_and_errors_beside_the_field(client, coordinator, site_a):
    record_a = RecordFactory(site=site_a, indication="DCSSC")
    client.force_login(coordinator)
    url = reverse("section_edit", args=[record_a.pk, "ssc"])
    data = {"pulmonaryfunctiontest-TOTAL_FORMS": "1", "pulmonaryfunctiontest-INITIAL_FORMS": "0",
            "pulmonaryfunctiontest-0-test_date": str(record_a.screening_date), "pulmonaryfunctiontest-0-fvc_pct": "900",
            "mrssassessment-TOTAL_FORMS": "0", "mrssassessment-INITIAL_FORMS": "0"}
    page = client.post(url, data).content.decode()
    assert '<label class="visually-hidden" for="id_pulmonaryfunctiontest-0-fvc_pct">' in page
    assert 'id="help-pulmonaryfunctiontest-fvc_pct">% predicted; 10–150.</div>' in page
    field = re.search(r'<input[^>]*name="pulmonaryfunctiontest-0-fvc_pct"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "is-invalid" in field
    assert 'aria-describedby="help-pulmonaryfunctiontest-fvc_pct id_pulmonaryfunctiontest-0-fvc_pct_error"' in field
    error = re.search(r'<div id="id_pulmonaryfunctiontest-0-fvc_pct_error"[^>]*>(.*?)</div>', page).group(1)
    assert "150" in error
