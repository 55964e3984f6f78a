"""Section posts and Django's limits: a full page saves, a post over a limit gets
its page back with a message (not a bare 400), and a forged row id is refused
(docs/robustness.md)."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from screening.crf.forms import MAX_ROWS, most_fields_posted
from screening.crf.sections import SECTIONS
from screening.models import LabResult

from .factories import RecordFactory


def labs_url(record):
    return reverse("section_edit", args=[record.pk, "labs"])


def lab_rows(record, rows, initial=0):
    data = {"labresult-TOTAL_FORMS": str(len(rows)), "labresult-INITIAL_FORMS": str(initial),
            "labresult-MIN_NUM_FORMS": "0", "labresult-MAX_NUM_FORMS": str(MAX_ROWS)}
    for i, row in enumerate(rows):
        row = {"analyte": "hb", "sample_date": str(record.screening_date), "value": "120", "unit": "g/L",
               "lln": "115", "uln": "150", "version": "0", "record": str(record.pk), **row}
        data.update({f"labresult-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def logged_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_field_limit_allows_every_section_page_at_its_row_limit():
    largest = max(most_fields_posted(section) for section in SECTIONS)
    assert largest <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= largest * 1.1


def test_a_labs_page_of_130_rows_saves(logged_in, record_a):
    # 130 new rows post 1,044 fields: Django's default limit (1,000) answered a bare 400.
    response = logged_in.post(labs_url(record_a), lab_rows(record_a, [{}] * 130))
    assert response.status_code == 302
    assert LabResult.objects.filter(record=record_a).count() == 130


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("extra,words", [
    ({f"junk{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}, "more fields than the site accepts"),
    ({"reason-reason_text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}, "more data than the site accepts"),
])
def test_a_post_over_a_limit_gets_the_page_back_with_a_message(coordinator, record_a, extra, words):
    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check is the first reader of the post
    client.force_login(coordinator)
    url = labs_url(record_a)
    response = client.post(url, {**lab_rows(record_a, [{}]), **extra}, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 303 and response["Location"] == f"http://testserver{url}"
    assert any(words in m and "Nothing was saved" in m for m in messages_of(response))
    page = client.get(url)
    assert page.status_code == 200 and words in page.content.decode()
    assert not LabResult.objects.exists()


def test_a_saved_row_posted_with_another_records_row_id_is_refused(logged_in, record_a, site_a):
    other = RecordFactory(site=site_a)
    foreign = LabResult.objects.create(record=other, analyte="hb", sample_date=other.screening_date, value=100, unit="g/L")
    data = lab_rows(record_a, [{"id": str(foreign.pk), "version": str(foreign.version)}], initial=1)
    data["reason-reason_choice"] = "Data entry error"
    response = logged_in.post(labs_url(record_a), data)
    # It used to become a new row of record_a (302).
    assert response.status_code == 200
    assert any("not one of this record's rows" in error.text for error in response.context["errors"])
    assert not LabResult.objects.filter(record=record_a).exists()
    foreign.refresh_from_db()
    assert foreign.value == 100 and foreign.record == other


def test_a_new_row_posted_with_another_records_row_id_is_refused(logged_in, record_a, site_a):
    other = RecordFactory(site=site_a)
    foreign = LabResult.objects.create(record=other, analyte="hb", sample_date=other.screening_date, value=100, unit="g/L")
    response = logged_in.post(labs_url(record_a), lab_rows(record_a, [{"id": str(foreign.pk)}]))
    assert response.status_code == 200
    assert not LabResult.objects.filter(record=record_a).exists()
