"""The CRF's own widgets and formset cells render what Django and crispy would."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import override_settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from screening.crf.forms import DateInput, RecordForm, section_form_class
from screening.crf.sections import SECTIONS
from screening.crf.widgets import INPUTS, WidgetRenderer

from .factories import RecordFactory

FORMS = [RecordForm] + [section_form_class(s) for s in SECTIONS if s.model is not None]
WITH_DATES = [c for c in FORMS if any(isinstance(f, forms.DateField) for f in c.base_fields.values())]
DJANGO = DjangoTemplates()
OURS = WidgetRenderer()
HOSTILE = '"><script>alert(1)</script>'


@pytest.mark.parametrize("form_class", WITH_DATES, ids=lambda c: c.__name__)
def test_every_crf_form_gives_dates_the_browsers_date_picker(form_class):
    """ModelForm reads formfield_callback from Meta only: a forgotten one went unseen."""
    for field in (f for f in form_class().fields.values() if isinstance(f, forms.DateField)):
        assert field.widget.input_type == "date"
        assert field.widget.format_value(datetime.date(2026, 1, 31)) == "2026-01-31"


def both(widget, name, value, attrs=None):
    return widget.render(name, value, attrs=attrs, renderer=OURS), widget.render(name, value, attrs=attrs, renderer=DJANGO)


ATTRS = {"id": "id_x", "class": "form-control", "aria-invalid": "true", "required": True, "disabled": False,
         "placeholder": HOSTILE, "data-n": 5}


@pytest.mark.parametrize("widget", [
    forms.TextInput(), forms.NumberInput(), DateInput(), forms.DateInput(), forms.HiddenInput(), forms.EmailInput(),
    forms.PasswordInput(render_value=True), forms.URLInput(), forms.TimeInput(), forms.DateTimeInput(),
    forms.CheckboxInput(), forms.Textarea(), forms.RadioSelect(choices=[("a", "A"), ("b", HOSTILE)]),
    forms.ClearableFileInput(),
], ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", [None, "", "a", 0, 1.5, True, False, HOSTILE, mark_safe("<i>safe</i>"),
                                   datetime.date(2026, 1, 31), Decimal("7.50")])
def test_inputs_render_the_html_of_djangos_templates(widget, value):
    ours, django = both(widget, "x", value, ATTRS)
    assert ours == django
    assert "<script>" not in ours


CHOICES = [("", "— choose —"), ("a", "Apples & pears"), ("<b>", HOSTILE), (3, "Three")]


SELECTS = {
    "select": forms.Select(choices=CHOICES),
    "multiple": forms.SelectMultiple(choices=CHOICES),
    "null-boolean": forms.NullBooleanSelect(),
    "grouped": forms.Select(choices=[("Fruit", [("a", "Apple"), ("<b>", HOSTILE)]), ("b", "Bread"), ("", "None")]),
}
SELECTED = [None, "", "a", "<b>", 3, "not a choice", True, "unknown"]


@pytest.mark.parametrize("name, value", [(name, value) for name in SELECTS for value in SELECTED]
                         + [("multiple", ["a", 3]), ("multiple", [])])
def test_selects_render_the_html_of_djangos_templates(name, value):
    ours, django = both(SELECTS[name], "x", value, {"id": "id_x", "class": "form-select", "required": True})
    assert ours == django
    assert "<script>" not in ours


def test_the_input_templates_are_only_djangos_input():
    """WidgetRenderer writes these templates' HTML itself: each must be just an include of input.html."""
    for name in INPUTS - {"django/forms/widgets/input.html"}:
        source = DJANGO.get_template(name).template.source.strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name


def test_the_site_renders_widgets_with_it():
    assert isinstance(get_default_renderer(), WidgetRenderer)


@pytest.mark.parametrize("section", ["consent", "labs", "medications", "sle", "judgement"])
def test_section_pages_are_the_same_html_with_djangos_renderer(client, coordinator, site_a, section):
    record = RecordFactory(site=site_a, indication="SLE")
    client.force_login(coordinator)
    url = reverse("section_edit", args=[record.pk, section])
    ours = client.get(url).content.decode()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        django = client.get(url).content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(ours) == strip(django)
    assert "<select" in ours or "<input" in ours


def test_formset_cells_have_a_label_help_and_errors_beside_the_field(client, coordinator, site_a):
    record_a = RecordFactory(site=site_a, indication="DCSSC")
    client.force_login(coordinator)
    url = reverse("section_edit", args=[record_a.pk, "ssc"])
    data = {"pulmonaryfunctiontest-TOTAL_FORMS": "1", "pulmonaryfunctiontest-INITIAL_FORMS": "0",
            "pulmonaryfunctiontest-0-test_date": str(record_a.screening_date), "pulmonaryfunctiontest-0-fvc_pct": "900",
            "mrssassessment-TOTAL_FORMS": "0", "mrssassessment-INITIAL_FORMS": "0"}
    page = client.post(url, data).content.decode()
    assert '<label class="cell-label" for="id_pulmonaryfunctiontest-0-fvc_pct">' in page
    assert 'id="help-pulmonaryfunctiontest-fvc_pct">% predicted; 10–150.</div>' in page
    field = re.search(r'<input[^>]*name="pulmonaryfunctiontest-0-fvc_pct"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "is-invalid" in field
    assert 'aria-describedby="help-pulmonaryfunctiontest-fvc_pct id_pulmonaryfunctiontest-0-fvc_pct_error"' in field
    error = re.search(r'<div id="id_pulmonaryfunctiontest-0-fvc_pct_error"[^>]*>(.*?)</div>', page).group(1)
    assert "150" in error
