"""The eligibility engine's texts on the pages: Chinese when the language is zh-hans (engine.po
compiled into a temporary catalogue), English otherwise; the JSON is data, English with the
message form beside it."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from screening.checklist.translation import translate_field
from screening.exchange.demo import complete_record_data, create_record
from screening.models import EligibilityStatusChange

from .catalogue import engine_catalogue


@pytest.fixture
def too_young(site_a, coordinator, investigator):
    """A complete SLE record whose age fails INC-01 (text, reason and evidence all from the engine)."""
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    record.date_of_birth = record.screening_date.replace(year=record.screening_date.year - 16)
    record.save()
    return record


def _page(client, user, name, record):
    """The page in the active language: asked for by header and cookie too, for when LocaleMiddleware
    chooses the language from the request."""
    client.force_login(user)
    language = translation.get_language()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse(name, args=[record.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_checklist_page_shows_engine_texts_in_chinese(client, monitor, too_young, tmp_path):
    with engine_catalogue(tmp_path), translation.override("zh-hans"):
        body = _page(client, monitor, "eligibility", too_young)
    assert "年龄 18–65 岁" in body  # INC-01's title
    assert "时年龄 16 岁，不在 18–65 岁范围内。" in body  # its reason
    assert "SCR 时年龄: 16 岁" in body  # an evidence line: label, value, unit
    assert "Age 16 on" not in body


def test_the_print_view_shows_engine_texts_in_chinese(client, monitor, too_young, tmp_path):
    with engine_catalogue(tmp_path), translation.override("zh-hans"):
        body = _page(client, monitor, "eligibility_print", too_young)
    assert "年龄 18–65 岁" in body and "不在 18–65 岁范围内" in body


def test_english_pages_are_unchanged(client, monitor, too_young, tmp_path):
    with engine_catalogue(tmp_path), translation.override("en-gb"):
        body = _page(client, monitor, "eligibility", too_young)
    assert "<td>Age 18–65</td>" in body and "is outside 18–65." in body and "年龄" not in body


def test_the_json_keeps_english_and_adds_the_message_form(client, monitor, too_young, tmp_path):
    client.force_login(monitor)
    with engine_catalogue(tmp_path), translation.override("zh-hans"):  # the language does not change data
        data = client.get(reverse("eligibility_json", args=[too_young.pk])).json()
    age = next(r for r in data["results"] if r["id"] == "INC-01")
    assert age["text"] == "Age 18–65" and age["reason"].startswith("Age 16 on ")
    assert age["i18n"]["text"] == {"id": "Age {age_min}–{age_max}", "params": {"age_min": 18, "age_max": 65}}
    assert age["i18n"]["reason"]["id"] == "Age {years} on {scr} is outside {age_min}–{age_max}."
    assert age["evidence"][0]["i18n"]["label"] == {"id": "Age on SCR", "params": {}}


def test_a_stored_status_change_translates_and_an_old_one_reads_in_english(client, coordinator, too_young, tmp_path):
    client.force_login(coordinator)
    client.get(reverse("eligibility", args=[too_young.pk]))  # evaluates: the status moves to NOT_ELIGIBLE
    change = EligibilityStatusChange.objects.filter(record=too_young).latest("at")
    assert change.overall == "NOT_ELIGIBLE"
    stored = next(r for r in change.results["results"] if r["id"] == "INC-01")
    with engine_catalogue(tmp_path), translation.override("zh-hans"):
        assert translate_field(stored, "reason").endswith("不在 18–65 岁范围内。")
        old = {k: v for k, v in stored.items() if k != "i18n"}
        assert translate_field(old, "reason") == stored["reason"]
