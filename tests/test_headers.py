"""Pages and downloads carrying patient data are not cached and run no inline script
(issue 15 finding 9): Cache-Control no-store, Content-Security-Policy (django-csp),
Referrer-Policy, Permissions-Policy."""

import re
import tokenize
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pages(record_a, site_a):
    return [
        reverse("record_detail", args=[record_a.pk]),
        reverse("eligibility", args=[record_a.pk]),
        reverse("eligibility_json", args=[record_a.pk]),
        reverse("record_audit_csv", args=[record_a.pk]),
    ]


def test_patient_pages_and_downloads_are_not_stored(client, monitor, pages):
    client.force_login(monitor)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


def test_the_content_security_policy_allows_no_inline_script(client, monitor, pages):
    client.force_login(monitor)
    policy = client.get(pages[0])["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_templates_hold_no_inline_script_nor_event_handler():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path


def test_the_content_security_policy_allows_no_inline_style(client, monitor, pages):
    """No style="" attribute and no <style> element is left to need 'unsafe-inline'."""
    client.force_login(monitor)
    policy = client.get(pages[0])["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy


INLINE_STYLE = re.compile(r"""\sstyle\s*=|<style[\s>]|\.style\s*=|setAttribute\(\s*["']style""", re.IGNORECASE)


def _python_strings(path):
    """The string literals of a Python file: the HTML it renders (a `style=` keyword argument is not)."""
    with open(path, "rb") as source:
        return " ".join(token.string for token in tokenize.tokenize(source.readline)
                        if token.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)))


def test_templates_and_python_rendered_html_hold_no_inline_style():
    templates = [path for path in (ROOT / "templates").rglob("*.html") if INLINE_STYLE.search(path.read_text())]
    python = [path for path in (ROOT / "screening").rglob("*.py") if INLINE_STYLE.search(_python_strings(path))]
    assert not templates + python


def test_rendered_pages_hold_no_inline_style(client, monitor, record_a, site_a):
    client.force_login(monitor)
    urls = [
        reverse("record_detail", args=[record_a.pk]),
        reverse("section_edit", args=[record_a.pk, "labs"]),
        reverse("eligibility", args=[record_a.pk]),
        reverse("eligibility_print", args=[record_a.pk]),
        reverse("record_audit", args=[record_a.pk]),
        reverse("site_audit", args=[site_a.code]),
        reverse("access_log", args=[site_a.code]),
        reverse("review_queue"),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert not re.search(r"\sstyle\s*=|<style[\s>]", body, re.IGNORECASE), url
    record_page = client.get(urls[0]).content.decode()
    assert 'class="sections-progress"' in record_page and "<progress" in record_page
