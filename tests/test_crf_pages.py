"""What a coordinator meets on a CRF page: radio questions, the error summary,
the section steps, "Save and continue", missing items in words, read-only views."""

import re

import pytest
from django.urls import reverse

from screening.checklist.progress import (
    COMPLETE,
    IN_PROGRESS,
    NEEDS_ATTENTION,
    NOT_STARTED,
    section_states,
)
from screening.crf.field_paths import describe, link
from screening.exchange.demo import complete_record_data, create_record

from .factories import RecordFactory


def section_url(record, key):
    return reverse("section_edit", args=[record.pk, key])


@pytest.fixture
def full_record(site_a, coordinator):
    values, data = complete_record_data("SLE")
    data["sections"].pop("judgement")
    return create_record(site_a, coordinator, values, data)


def page_data(html):
    """What the page would post back: every named input's value (checked radios and boxes only)."""
    data = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else ""
        if kind in ("radio", "checkbox") and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data.setdefault(name.group(1), value.group(1) if value else "")
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_yes_no_unknown_questions_are_radio_groups_named_by_the_question(client, coordinator, record_a):
    client.force_login(coordinator)
    html = client.get(section_url(record_a, "history")).content.decode()
    group = re.search(r'<fieldset class="crf-question crf-choice" id="field-stroke"[^>]*>(.*?)</fieldset>', html, re.S)
    assert group, "the stroke question is a fieldset"
    assert '<legend class="crf-label">History of stroke</legend>' in group.group(1)
    values = re.findall(r'type="radio" name="stroke" id="[^"]+" value="([^"]+)"', group.group(1))
    assert values == ["yes", "no", "unknown"]  # no blank option: blank is nothing checked
    assert " checked" not in group.group(1)
    assert '<select name="stroke"' not in html


def test_unknown_is_kept_distinct_from_blank(client, coordinator, record_a):
    client.force_login(coordinator)
    url = section_url(record_a, "history")
    client.post(url, {**page_data(client.get(url).content.decode()), "stroke": "unknown", "heart_failure": ""})
    html = client.get(section_url(record_a, "history")).content.decode()
    assert re.search(r'name="stroke" id="[^"]+" value="unknown" checked', html)
    assert not re.search(r'name="heart_failure" id="[^"]+" value="[^"]+" checked', html)


def test_a_change_without_a_reason_lists_the_reason_in_the_summary_and_keeps_every_choice(client, coordinator, full_record):
    client.force_login(coordinator)
    url = section_url(full_record, "organ")
    data = page_data(client.get(url).content.decode())
    data.update(lvef="45", pleural_effusion="unknown")
    response = client.post(url, data)
    assert response.status_code == 200
    summary = response.context["errors"]
    assert [(e.text, e.target) for e in summary] == [
        ("Reason for change: A reason is required to change data already entered.", "id_reason-reason_choice")]
    html = response.content.decode()
    assert 'href="#id_reason-reason_choice"' in html and "problem to correct" in html
    assert re.search(r'name="pleural_effusion" id="[^"]+" value="unknown" checked', html)
    assert 'name="lvef" value="45"' in html


def test_row_errors_are_in_the_summary_with_the_row_number_and_analyte(client, coordinator, record_a):
    client.force_login(coordinator)
    data = {"labresult-TOTAL_FORMS": "2", "labresult-INITIAL_FORMS": "0",
            "labresult-0-analyte": "plt", "labresult-0-sample_date": str(record_a.screening_date),
            "labresult-0-value": "210", "labresult-0-unit": "10^9/L",
            "labresult-1-analyte": "hb", "labresult-1-sample_date": str(record_a.screening_date),
            "labresult-1-value": "118", "labresult-1-unit": "10^9/L"}
    response = client.post(section_url(record_a, "labs"), data)
    texts = [(e.text, e.target) for e in response.context["errors"]]
    assert len(texts) == 1
    text, target = texts[0]
    assert text.startswith("Lab results, row 2 (Haemoglobin): Unit: This analyte is reported in")
    assert target == "id_labresult-1-unit"
    html = response.content.decode()
    row = re.search(r'<tr id="row-labresult-1"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "This analyte is reported in" in row  # beside the cell, in its row


def test_save_and_continue_goes_to_the_next_section_of_the_indication(client, coordinator, record_a):
    client.force_login(coordinator)
    # The history and infection pages hold row tables too: their posts carry the tables' management forms.
    url = section_url(record_a, "history")
    response = client.post(url, {**page_data(client.get(url).content.decode()), "stroke": "no", "then": "next"})
    assert response.status_code == 302 and response.url == section_url(record_a, "sle")
    # Nothing changed, and continue: still the next section.
    response = client.post(section_url(record_a, "reproductive"), {"then": "next"})
    assert response.url == section_url(record_a, "medications")
    # Plain save: back to the record.
    url = section_url(record_a, "infection")
    response = client.post(url, {**page_data(client.get(url).content.decode()), "hbsag": "negative"})
    assert response.url == record_a.get_absolute_url()


def test_the_last_section_a_coordinator_edits_offers_no_continue(client, coordinator, record_a):
    client.force_login(coordinator)
    html = client.get(section_url(record_a, "sle")).content.decode()
    assert "Save and continue" not in html  # the judgement section after it is the investigator's
    assert "Save and continue to Infection screen" in client.get(section_url(record_a, "labs")).content.decode()


def test_section_steps_show_every_section_with_state_and_counts(client, coordinator, full_record):
    client.force_login(coordinator)
    response = client.get(section_url(full_record, "organ"))
    states = {s.key: s for s in response.context["states"]}
    assert list(states) == ["consent", "organ", "pap", "labs", "infection", "reproductive", "medications", "events",
                            "history", "sle", "judgement"]
    assert states["organ"].state == COMPLETE and states["organ"].answered == states["organ"].total
    assert states["labs"].answered == 11 and states["labs"].total == 0
    assert states["judgement"].state == NOT_STARTED
    html = response.content.decode()
    assert 'aria-current="step"' in html and "11 rows" in html


def test_a_section_whose_data_fail_a_criterion_needs_attention(site_a, coordinator):
    values, data = complete_record_data("SLE")
    data["labs"][0]["value"] = 72  # haemoglobin below 80 g/L: INC-04a fails
    record = create_record(site_a, coordinator, values, data)
    states = {s.key: s for s in section_states(record)}
    assert states["labs"].state == NEEDS_ATTENTION and "INC-04a" in states["labs"].failing
    assert states["organ"].state == COMPLETE


def test_unknown_counts_as_answered_but_not_as_complete(site_a, coordinator):
    values, data = complete_record_data("SLE")
    data["sections"]["sle"].update(ana_test="unknown", ana_titre=None, ana_lab_cutoff=None)
    record = create_record(site_a, coordinator, values, data)
    sle = next(s for s in section_states(record) if s.key == "sle")
    assert sle.state == IN_PROGRESS and "sle.ana_test" in sle.missing


def test_missing_paths_read_as_words_and_link_to_the_field(record_a):
    assert describe("sle.ana_test") == "SLE: Highest ANA result on record"
    assert describe("labs.hb") == "Lab result: Haemoglobin"
    assert describe("record.consent_date") == "Demographics and consent: Informed consent date"
    assert describe("pfts") == "Pulmonary function tests"
    assert link(record_a, "sle.ana_titre").url == section_url(record_a, "sle") + "#field-ana_titre"
    assert describe("pap_readings") == "Pulmonary artery pressure readings"
    assert link(record_a, "labs.hb").url == section_url(record_a, "labs") + "?analyte=hb#analyte-hb"


def test_the_record_page_lists_what_is_missing_in_words(client, coordinator, site_a):
    values, data = complete_record_data("SLE")
    data["labs"] = [row for row in data["labs"] if row["analyte"] != "plt"]
    record = create_record(site_a, coordinator, values, data)
    client.force_login(coordinator)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "labs.plt" not in html
    assert f'<a href="{section_url(record, "labs")}?analyte=plt#analyte-plt">Lab result: Platelet count</a>' in html
    assert "sections complete" in html


def test_a_missing_analyte_link_opens_a_new_row_for_it(client, coordinator, record_a):
    client.force_login(coordinator)
    html = client.get(section_url(record_a, "labs") + "?analyte=plt").content.decode()
    select = re.search(r'<select name="labresult-0-analyte".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="plt" selected>', select)


def test_a_monitor_reads_values_as_text_with_no_controls(client, monitor, full_record):
    client.force_login(monitor)
    for key in ("organ", "labs", "sle"):
        html = client.get(section_url(full_record, key)).content.decode()
        form = re.search(r'<form method="post" novalidate id="section-form".*?</form>', html, re.S).group(0)
        visible = [t for t in re.findall(r"<(?:input|select|textarea)[^>]*>", form) if 'type="hidden"' not in t]
        assert visible == [], key
        assert "Tick “Delete”" not in form and "Save" not in form
    html = client.get(section_url(full_record, "labs")).content.decode()
    assert "Haemoglobin" in html and ">118<" in html.replace('<span class="cell-label">Value</span>', "")
    assert "118.000" not in html


def test_numbers_are_shown_as_entered_in_the_form(client, coordinator, full_record):
    client.force_login(coordinator)
    html = client.get(section_url(full_record, "labs")).content.decode()
    assert 'value="118"' in html and "118.000" not in html
    assert 'value="3.2"' in html  # ANC 3.2, not 3.200
    organ = client.get(section_url(full_record, "organ")).content.decode()
    assert 'name="weight" value="62"' in organ


def test_new_record_form_lists_errors_with_links(client, coordinator, site_a):
    client.force_login(coordinator)
    response = client.post(reverse("record_create"), {"site": site_a.pk, "initials": "J1"})
    targets = {e.target for e in response.context["errors"]}
    assert {"id_initials", "id_sex_0", "id_indication_0"} <= targets
    assert RecordFactory._meta.model.objects.count() == 0
