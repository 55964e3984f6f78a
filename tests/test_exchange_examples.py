"""The documented example files import with the status the documentation gives,
and the Import page offers them and the format description."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.models import ScreeningRecord
from screening.models.sites import INVESTIGATOR, SITE_ADMIN

from .factories import SiteFactory

DOCS = Path(__file__).resolve().parent.parent / "docs"
# | [`examples/sle.json`](examples/sle.json) | SLE | ELIGIBLE |
ROW = re.compile(r"^\| \[`examples/(\w+\.json)`\]\(examples/\1\) \| (\w+) \| (\w+) \|$", re.M)


def documented_examples():
    return ROW.findall((DOCS / "exchange-format.md").read_text(encoding="utf-8"))


def test_every_example_file_is_documented():
    assert sorted(name for name, _, _ in documented_examples()) == sorted(p.name for p in (DOCS / "examples").glob("*.json"))


@pytest.mark.parametrize("name,indication,status", documented_examples())
def test_example_imports_with_the_documented_status(make_user, name, indication, status):
    site = SiteFactory(code="S01")
    make_user(INVESTIGATOR, site, username="investigator1")
    out = StringIO()
    call_command("import_screenings", str(DOCS / "examples" / name), "--site", "S01", "--user", "investigator1", stdout=out)
    assert "1 imported, 0 refused." in out.getvalue()
    record = ScreeningRecord.objects.get(site=site)
    assert record.indication == indication
    assert evaluate_record(record).overall == status


@pytest.fixture
def admin_logged_in(client, make_user, site_a):
    user = make_user(SITE_ADMIN, site_a)
    client.force_login(user)
    return user


def test_import_page_links_the_format_and_every_example(client, admin_logged_in):
    body = client.get(reverse("import_upload")).content.decode()
    assert f'href="{reverse("import_format")}"' in body
    for code in ("sle", "aav", "iim", "dcssc"):
        assert f'href="{reverse("import_example", args=[code])}"' in body


def test_format_page_shows_the_documentation(client, admin_logged_in):
    body = client.get(reverse("import_format")).content.decode()
    assert "Importing and exporting screening records (JSON)" in body
    assert "history.medications_complete" in body


def test_example_downloads_as_the_documented_file(client, admin_logged_in):
    response = client.get(reverse("import_example", args=["dcssc"]))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="dcssc.json"'
    assert response.content == (DOCS / "examples" / "dcssc.json").read_bytes()


def test_unknown_example_is_404(client, admin_logged_in):
    assert client.get(reverse("import_example", args=["gout"])).status_code == 404
