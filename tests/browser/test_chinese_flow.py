"""The coordinator → investigator → monitor flow in Simplified Chinese (issue 20): each person
switches the language with the header's form, as a person would, and works in Chinese."""

import pytest

from screening.exchange.demo import complete_record_data, create_record
from screening.models import Signature, UserLanguage
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR
from tests.factories import PASSWORD

from .conftest import PHONE, log_in
from .crf import type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to_chinese(page):
    """The header's switch: choose 简体中文 in the labelled list, then press its button."""
    page.get_by_label("Language").select_option(label="简体中文")
    page.get_by_role("button", name="Change language").click()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_a_screening_in_chinese_from_entry_to_the_trail(new_page, make_user, site_a):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    investigator = make_user(INVESTIGATOR, site_a, username="ivy", first_name="Ivy", last_name="Chen")
    make_user(MONITOR, site_a, username="mona")
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)

    # The coordinator switches to Chinese and corrects a comment, giving the reason in Chinese words.
    page = new_page()
    log_in(page, "cora", PASSWORD)
    switch_to_chinese(page)
    assert page.get_by_role("heading", level=1).inner_text() == "筛选记录"
    page.get_by_role("link", name=record.screening_number).click()
    page.get_by_role("link", name="人口学资料与知情同意").first.click()
    type_into(page.get_by_label("备注"), "已与源文件核对")
    page.get_by_label("修改原因").select_option(label="转录更正")
    page.get_by_role("button", name="保存本模块", exact=True).click()
    assert "人口学资料与知情同意 已保存。" in page.content()
    assert UserLanguage.objects.get(user=coordinator).language == "zh-hans"

    # The investigator signs in Chinese: the meaning shown is the meaning stored.
    page = new_page()
    log_in(page, "ivy", PASSWORD)
    switch_to_chinese(page)
    page.goto(f"/records/{record.pk}/eligibility/")
    assert page.get_by_test_id("overall").inner_text() == "符合入选"
    page.get_by_role("link", name="签署入选资格").click()
    meaning = "本人确认该受试者符合全部入选资格标准"
    page.get_by_label(meaning).check()
    type_into(page.get_by_label("您的密码"), PASSWORD)
    page.get_by_role("button", name="签名", exact=True).click()
    assert "入选资格已签名。" in page.content()
    assert meaning in page.get_by_test_id("signatures").inner_text()
    signature = Signature.objects.get(record=record)
    assert (signature.meaning, signature.meaning_text, signature.meaning_language) == ("eligible", meaning, "zh-hans")

    # The monitor, on a phone, switches through the collapsed menu and reads the trail in Chinese.
    page = new_page(PHONE)
    log_in(page, "mona", PASSWORD)
    page.get_by_role("button", name="Toggle navigation").click()
    switch_to_chinese(page)
    page.get_by_role("link", name=record.screening_number).click()
    page.get_by_role("link", name="稽查轨迹").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"稽查轨迹 · {record.screening_number}"
    trail = page.get_by_test_id("audit-table").inner_text()
    assert "已与源文件核对" in trail and "转录更正" in trail and meaning in trail
    assert "原值" in trail and "新值" in trail
    assert "Audit trail" not in page.content()
