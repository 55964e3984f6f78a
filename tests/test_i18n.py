"""The interface in Simplified Chinese (issue 20, docs/i18n.md).

(a) the catalogue is complete: msgfmt counts no untranslated and no fuzzy message;
(b) every string marked in the code is in the catalogue (makemessages run on a copy finds
    nothing new), and no template shows English outside a translate tag;
(c) every page of every role, rendered in zh-hans, shows none of the catalogue's English
    msgids (a crawler over the URL conf, as the access matrix walks it);
(d) the user's saved language beats Accept-Language, which still serves the login page;
    <html lang> follows; the switch saves the choice and goes back only to this site;
(e) a signature keeps the words of its meaning as the signer read them.
"""

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from screening.exchange.demo import complete_record_data, create_record
from screening.models import Signature, UserLanguage
from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

from .factories import PASSWORD
from .urlmatrix import ALL_ROLES, EXPECTED_GET, url_for

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH = "zh-hans"
MAKEMESSAGES_IGNORE = [".venv", "tests", "bench", "docs", "staticfiles", "node_modules"]

# Words a template may show untranslated: names of the trial and of instruments, units, formats.
TEMPLATE_WORDS = {"json", "trialsite", "F01", "NCT06208280", "SLEDAI-2K", "ULN", "SHA-256", "UTC", "CSV", "JSON",
                  "XLSX", "PDF"}


# --------------------------------------------------------------------------
# The catalogue


PLURALS = {}  # (context, msgid) -> msgid_plural, of the entries parse_po has read


def parse_po(path):
    """{(context, msgid): (msgstrs, fuzzy)} of a .po file (the header left out)."""
    entries, current, key, fuzzy = {}, {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current and current["msgid"]:
            strs = [v for k, v in current.items() if k.startswith("msgstr")]
            entries[(current.get("msgctxt"), current["msgid"])] = (strs, fuzzy)
            if "msgid_plural" in current:
                PLURALS[(current.get("msgctxt"), current["msgid"])] = current["msgid_plural"]
        current, fuzzy = {}, False

    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
            key = None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += _unquote(line)
        else:
            key, _space, rest = line.partition(" ")
            current[key] = _unquote(rest)
    return entries


def _unquote(text):
    return text.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape") \
        if "\\" in text else text.strip()[1:-1]


def test_msgfmt_counts_no_untranslated_and_no_fuzzy_message(tmp_path):
    out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO)],
                         capture_output=True, text=True, check=True)
    stats = out.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages\.", stats), stats


def test_the_catalogue_keeps_every_placeholder():
    for (ctx, msgid), (strs, _fuzzy) in parse_po(PO).items():
        # Chinese has one plural form: its msgstr[0] is the plural's, placeholders included.
        wanted = sorted(re.findall(r"%\(\w+\)[sd]|\{\w*\}", PLURALS.get((ctx, msgid), msgid)))
        for text in strs:
            assert sorted(re.findall(r"%\(\w+\)[sd]|\{\w*\}", text)) == wanted, (msgid, text)
            assert text.strip(), msgid


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the code: a string marked since the .po was made, and not
    translated, shows up as a msgid the committed catalogue does not hold."""
    for name in ("screening", "templates", "trialsite", "locale"):
        shutil.copytree(BASE / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(BASE / "manage.py", tmp_path / "manage.py")
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"]
    command += [f"--ignore={d}" for d in MAKEMESSAGES_IGNORE]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    committed = parse_po(PO)
    fresh = parse_po(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert sorted(set(fresh) - set(committed)) == []
    assert [key for key, (strs, fuzzy) in fresh.items() if fuzzy or not all(strs)] == []


def visible_template_text(source):
    """What a template shows a reader outside translate tags: its text nodes and readable
    attributes, every template tag and variable replaced by a marker."""
    from django.template.base import Lexer, TokenType

    parts, depth, comment = [], 0, False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            depth += name in ("blocktranslate", "blocktrans")
            depth -= name in ("endblocktranslate", "endblocktrans")
            comment = {"comment": True, "endcomment": False}.get(name, comment)
            parts.append("\x00")
        elif token.token_type == TokenType.TEXT and not depth and not comment:
            parts.append(token.contents)
        else:
            parts.append("\x00")
    text = "".join(parts)
    found = re.findall(r'\b(?:aria-label|placeholder|title|alt)\s*=\s*"([^"]*)"', text)
    found.append(re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", " ", text, flags=re.S))
    return " ".join(found).replace("&amp;", " ").replace("&nbsp;", " ")


def test_no_template_shows_english_outside_a_translate_tag():
    found = {}
    for path in sorted((BASE / "templates").rglob("*.html")):
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9'’\-]*", visible_template_text(path.read_text()))
                 if w not in TEMPLATE_WORDS]
        if words:
            found[str(path.relative_to(BASE))] = words
    assert found == {}


def test_the_checker_finds_english_text_and_attributes():
    assert visible_template_text('<p title="Hello">{% translate "x" %} Stray words</p>').split() == \
        ["Hello", "\x00", "Stray", "words"]
    assert "Inside" not in visible_template_text("{% blocktranslate %}Inside{% endblocktranslate %}")


# --------------------------------------------------------------------------
# Every page in Chinese


def english_msgids():
    """The catalogue's English phrases that must not appear on a Chinese page: each msgid's
    longest literal piece between placeholders, when it is two words or more and its
    translation differs from it."""
    phrases = set()
    for (_ctx, msgid), (strs, _fuzzy) in parse_po(PO).items():
        if all(s == msgid for s in strs):
            continue
        for piece in re.split(r"%\(\w+\)[sd]|\{\w*\}|%s|%d|\n", msgid):
            piece = piece.strip(" .,:;()·—–-\"“”'")
            # two English words at least: names and codes ("2019 EULAR/ACR", "INC-SLE-03") are not prose
            if len(re.findall(r"(?<![\w/-])[a-z]{2,}(?![\w/-])", piece)) >= 1 and len(piece.split()) >= 2:
                phrases.add(piece)
    return phrases


ENGLISH = re.compile(r"<(\w+)[^>]*\bdata-i18n-english\b[^>]*>.*?</\1>", re.S)


def page_text(body):
    """The visible text of a page: no scripts, styles, tags or comments. The engine's texts
    (criteria, reasons, evidence) are checked like any other; regions marked data-i18n-english
    are English on purpose (the exchange format's documentation, lang="en")."""
    body = ENGLISH.sub(" ", body)
    body = re.sub(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", " ", body, flags=re.S)
    attrs = re.findall(r'\b(?:aria-label|placeholder|title|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]*>", " ", body)
    return html.unescape(" ".join([text, *attrs]))


@pytest.fixture
def zh_users(make_user, site_a):
    users = {role: make_user(role, site_a, username=f"zh-{role}") for role in ALL_ROLES}
    UserLanguage.objects.bulk_create([UserLanguage(user=u, language=ZH) for u in users.values()])
    return users


@pytest.fixture
def worked_record(site_a, zh_users, client):
    """A complete SLE record signed in Chinese, with a query and an SDV mark."""
    values, data = complete_record_data("SLE")
    record = create_record(site_a, zh_users[COORDINATOR], values, data, judged_by=zh_users[INVESTIGATOR])
    client.force_login(zh_users[INVESTIGATOR])
    page = client.get(reverse("sign_record", args=[record.pk]))
    client.post(reverse("sign_record", args=[record.pk]), {
        "meaning": "eligible", "password": PASSWORD, "snapshot_hash": page.context["result"].digest})
    client.force_login(zh_users[MONITOR])
    client.post(reverse("query_raise", args=[record.pk, "organ"]),
                {"target": "lvef", "text": "请核对 LVEF 原始记录"})
    client.post(reverse("sdv_mark", args=[record.pk, "organ"]), {"target": "section"})
    client.logout()
    return record


def chinese_pages(client, users, record):
    from screening.crf.sections import sections_for

    for role in ALL_ROLES:
        client.force_login(users[role])
        for name, expected in sorted(EXPECTED_GET.items()):
            if expected[role] != 200 or name in ("section_scores", "home"):
                continue
            urls = [url_for(name, record)]
            if name == "section_edit":
                urls = [reverse(name, args=[record.pk, s.key]) for s in sections_for(record)]
            for url in urls:
                response = client.get(url)
                if response.get("Content-Type", "").startswith("text/html"):
                    yield role, url, response


def test_every_page_of_every_role_is_in_chinese(client, zh_users, worked_record):
    phrases = english_msgids()
    assert len(phrases) > 300  # the catalogue read as meant
    pattern = re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                         + r")(?![A-Za-z])")
    english, seen = {}, 0
    for role, url, response in chinese_pages(client, zh_users, worked_record):
        seen += 1
        body = response.content.decode()
        assert '<html lang="zh-hans">' in body, url
        found = sorted(set(pattern.findall(page_text(body))))
        if found:
            english[f"{role} {url}"] = found
    assert seen > 60
    assert english == {}, "\n".join(f"{page}: {found}" for page, found in english.items())


def test_the_crawler_would_see_an_english_page(client, zh_users, worked_record):
    client.force_login(zh_users[COORDINATOR])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("record_detail", args=[worked_record.pk])).content.decode()
    assert "Eligibility checklist" in page_text(body)
    assert re.search(r"\bEligibility checklist\b", page_text(body)) and "Eligibility checklist" in english_msgids()


# --------------------------------------------------------------------------
# Which language


def test_accept_language_zh_cn_gives_the_login_page_in_chinese(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="zh-hans">' in body
    with translation.override(ZH):
        assert translation.gettext("Log in") in body and translation.gettext("Log in") != "Log in"


def test_without_a_choice_the_interface_is_english(client, coordinator):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body and "Log in" in body
    client.force_login(coordinator)
    assert '<html lang="en">' in client.get(reverse("record_list")).content.decode()


def test_the_saved_language_beats_accept_language(client, coordinator):
    UserLanguage.objects.create(user=coordinator, language="en")
    client.force_login(coordinator)
    response = client.get(reverse("record_list"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en">' in response.content.decode() and response["Content-Language"] == "en"
    UserLanguage.objects.filter(user=coordinator).update(language=ZH)
    client.logout()
    client.force_login(coordinator)  # read at login
    response = client.get(reverse("record_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-hans">' in response.content.decode() and response["Content-Language"] == ZH


def test_the_switch_saves_the_choice_and_goes_back(client, coordinator, record_a):
    client.force_login(coordinator)
    back = reverse("record_detail", args=[record_a.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("set_language"), {"language": ZH, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert len(queries) <= 12
    assert UserLanguage.objects.get(user=coordinator).language == ZH
    assert '<html lang="zh-hans">' in client.get(back).content.decode()
    client.logout()
    client.force_login(coordinator)  # remembered for the next login, on another browser too
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    assert '<html lang="zh-hans">' in client.get(back, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_switch_goes_back_only_to_this_site(client, coordinator, back):
    client.force_login(coordinator)
    response = client.post(reverse("set_language"), {"language": ZH, "next": back})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize("code", ["fr", "", "zh-hans" * 40, "en\x00"])
def test_a_forged_language_is_refused_and_nothing_saved(client, coordinator, code):
    client.force_login(coordinator)
    response = client.post(reverse("set_language"), {"language": code, "next": "/records/"}, follow=True)
    assert response.status_code == 200
    assert "That language is not offered." in response.content.decode()
    assert not UserLanguage.objects.filter(user=coordinator).exists()


def test_the_switch_takes_a_post_only(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("set_language"), {"language": ZH}).status_code == 405
    assert not UserLanguage.objects.exists()


def test_the_header_switch_is_a_labelled_form(client, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("record_list")).content.decode()
    form = re.search(r'<form[^>]*data-testid="language-switch".*?</form>', body, re.S).group(0)
    assert 'action="/language/"' in form and 'name="csrfmiddlewaretoken"' in form
    assert '<label class="visually-hidden" for="language-select">' in form
    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in form
    assert 'type="submit"' in form


def test_dates_stay_iso_in_chinese(client, zh_users, record_a):
    client.force_login(zh_users[COORDINATOR])
    body = client.get(reverse("record_list")).content.decode()
    assert record_a.screening_date.isoformat() in body


# --------------------------------------------------------------------------
# Signatures: the meaning as the signer read it


def test_the_meaning_is_stored_as_shown_to_the_signer(client, zh_users, worked_record):
    signature = Signature.objects.get(record=worked_record)
    with translation.override(ZH):
        shown = translation.gettext("I confirm the participant meets all eligibility criteria")
    assert shown != "I confirm the participant meets all eligibility criteria"
    assert (signature.meaning, signature.meaning_text, signature.meaning_language) == ("eligible", shown, ZH)
    # A reader in English sees the words signed, not today's English label.
    reader = zh_users[MONITOR]
    UserLanguage.objects.filter(user=reader).update(language="en")
    client.force_login(reader)
    body = client.get(reverse("eligibility", args=[worked_record.pk])).content.decode()
    assert shown in body and '<html lang="en">' in body
    # The attempt is stored in one language, whatever the signer's.
    attempt = worked_record.signature_attempts.get(success=True)
    assert attempt.outcome == "I confirm the participant meets all eligibility criteria"


def test_a_signature_without_stored_words_shows_its_label(worked_record):
    signature = Signature.objects.get(record=worked_record)
    signature.meaning_text = ""
    with translation.override("en"):
        assert signature.meaning_as_signed == "I confirm the participant meets all eligibility criteria"


def test_the_trail_shows_the_meaning_as_signed(client, zh_users, worked_record):
    client.force_login(zh_users[MONITOR])
    body = client.get(reverse("record_audit", args=[worked_record.pk])).content.decode()
    assert Signature.objects.get(record=worked_record).meaning_text in body


def test_csv_headers_stay_variable_names_in_chinese(client, zh_users, worked_record):
    client.force_login(zh_users[MONITOR])
    response = client.get(reverse("record_audit_csv", args=[worked_record.pk]))
    english = client.get(reverse("record_audit_csv", args=[worked_record.pk]), HTTP_ACCEPT_LANGUAGE="en")
    head = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    head_en = b"".join(english.streaming_content if english.streaming else [english.content]).decode()
    assert head.splitlines()[0] == head_en.splitlines()[0]
    assert re.fullmatch(r"[\x20-\x7e\ufeff]+", head.splitlines()[0])


def test_site_admin_and_others_get_chinese_error_pages(client, zh_users, record_a):
    client.force_login(zh_users[COORDINATOR])
    response = client.get(reverse("review_queue"))
    assert response.status_code == 403
    with translation.override(ZH):
        assert translation.gettext("Not permitted") in response.content.decode()
    response = client.get("/records/999999/")
    assert response.status_code == 404
    with translation.override(ZH):
        assert translation.gettext("Not found") in response.content.decode()


def test_roles_are_named_in_chinese(client, zh_users):
    client.force_login(zh_users[SITE_ADMIN])
    body = client.get(reverse("record_list")).content.decode()
    with translation.override(ZH):
        assert str(translation.gettext("Site administrator")) in body
