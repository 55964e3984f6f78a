"""A site administrator uploads a file through the Import page, watches the progress
bar move as the job commits record after record, and reads the report; the same
file again is said to be imported, and imported again as an update creates nothing.

The job runs in the test's own thread, as the worker runs it (the task function),
with its own PostgreSQL connection beside the live server's; at the fifth record
it waits until the page shows it, so the bar is seen half-way, not only at the end.
"""

import json
import re

import pytest
from django.db import connection, transaction

from screening.exchange import importing, jobs
from screening.models import ImportRun, ScreeningRecord
from screening.models.sites import SITE_ADMIN
from tests.factories import PASSWORD, minimal_import
from tests.imports import run_queued_imports

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True),
    # On SQLite the live server shares the test's one in-memory connection: no second writer beside it.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the job and the live server need two connections"),
]

RECORDS = 20


def choose_file(page, path):
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(r"^File")).click()
    chooser.value.set_files(str(path))


def test_an_upload_shows_its_progress_then_its_report_and_again_creates_nothing(page, login, make_user, site_a,
                                                                                 tmp_path, monkeypatch):
    make_user(SITE_ADMIN, site_a, username="sam")
    items = [minimal_import() for _ in range(RECORDS)]
    items[1] = {"record": 5}
    path = tmp_path / "twenty.json"
    path.write_text(json.dumps({"records": items}))

    login("sam", PASSWORD)
    page.get_by_role("link", name="Import", exact=True).click()
    choose_file(page, path)
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/import/runs/\d+/$"))
    progress = page.get_by_test_id("import-progress-text")
    assert progress.inner_text() == "Waiting for the import worker."

    record_done = jobs._record_done
    seen = []

    def watched(run, report):
        record_done(run, report)
        if report.index == 5:  # once committed, the page must show it before the job goes on
            transaction.on_commit(lambda: seen.append(page.wait_for_function(
                "() => document.querySelector('progress').value === 5"
                " && document.querySelector('progress').max === 20").json_value()))

    monkeypatch.setattr(jobs, "_record_done", watched)
    monkeypatch.setattr(importing, "CHUNK_SIZE", 5)  # the page is seen after the first chunk commits
    run_queued_imports()
    assert seen == [True]
    assert page.get_by_test_id("import-progress-text").inner_text() != "Waiting for the import worker."

    # At the end the page reloads itself with the report.
    report = page.get_by_test_id("import-report")
    report.wait_for()
    assert page.get_by_test_id("import-summary").inner_text() == "Finished: 19 created, 0 updated, 1 refused."
    assert report.locator("tbody tr").count() == RECORDS
    assert "expected an object of record fields" in report.inner_text()
    assert ScreeningRecord.objects.count() == 19

    # The same file again: said so, with the earlier run and the offer to update.
    page.get_by_role("link", name="Import", exact=True).click()
    choose_file(page, path)
    page.get_by_role("button", name="Import", exact=True).click()
    notice = page.get_by_test_id("import-already-imported")
    assert "This file was already imported" in notice.inner_text()
    assert ImportRun.objects.count() == 1
    notice.get_by_role("link", name="Import it again, updating existing records").click()
    page.get_by_role("button", name="Import again, updating existing records").click()
    page.wait_for_url(re.compile(r"/import/runs/\d+/$"))
    run_queued_imports()
    page.get_by_test_id("import-report").wait_for()
    assert page.get_by_test_id("import-summary").inner_text() == "Finished: 0 created, 19 updated, 1 refused."
    assert ScreeningRecord.objects.count() == 19
