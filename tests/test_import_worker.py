"""The real worker, `manage.py db_worker` (django-tasks-db), as a process against
the test's PostgreSQL database: it runs an upload queued by the page; killed
half-way through a file, it leaves a run that is marked failed with exactly the
records committed, and the file imported again finishes the import without a
duplicate (docs/exchange-format.md, "Imports run in the background")."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from screening.models import ImportRun, ScreeningRecord
from screening.models.sites import SITE_ADMIN

from .factories import minimal_import

ROOT = Path(__file__).resolve().parent.parent
STALE = 2  # seconds without a heartbeat before a run counts as stopped, here

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a server database"),
    pytest.mark.django_db(transaction=True),
]


def worker(tmp_path, *args):
    settings = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update({
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
                        f"{settings['NAME']}",
        "DJANGO_SETTINGS_MODULE": "trialsite.settings", "IMPORT_STALE_SECONDS": str(STALE),
    })
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w")
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                             "--interval", "0.2", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def finish(process, timeout=300):
    try:
        assert process.wait(timeout=timeout) == 0
    finally:
        if process.poll() is None:
            process.kill()


def upload(client, site, items, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = json.dumps({"records": items}).encode()
    return client.post(reverse("import_upload"), {"site": site.pk, "file": SimpleUploadedFile(name, body)})


@pytest.fixture
def admin_client(client, make_user, site_a):
    client.force_login(make_user(SITE_ADMIN, site_a, username="sam"))
    return client


def test_the_worker_process_runs_an_upload_to_its_report(tmp_path, admin_client, site_a):
    response = upload(admin_client, site_a, [minimal_import(), {"record": 5}, minimal_import("A01-0009")], "three.json")
    run = ImportRun.objects.get()
    assert response["Location"] == run.get_absolute_url() and run.state == "queued"
    finish(worker(tmp_path, "--batch"))
    run.refresh_from_db()
    assert (run.state, run.total, run.done, run.saved, run.refused) == ("done", 3, 3, 2, 1)
    page = admin_client.get(run.get_absolute_url()).content.decode()
    assert "Finished: 2 created, 0 updated, 1 refused." in page
    assert sorted(ScreeningRecord.objects.values_list("screening_number", flat=True)) == ["A01-0001", "A01-0009"]


def test_a_killed_worker_leaves_a_failed_run_with_what_was_committed_and_the_file_again_finishes_it(
        tmp_path, admin_client, site_a, settings):
    settings.IMPORT_STALE_SECONDS = STALE
    # Half the records numbered in the file, half numbered by the import.
    items = [minimal_import(f"A01-{i:04d}") if i % 2 else minimal_import() for i in range(1, 121)]
    upload(admin_client, site_a, items, "long.json")
    run = ImportRun.objects.get()
    process = worker(tmp_path)
    try:
        deadline = time.monotonic() + 120
        while ImportRun.objects.get(pk=run.pk).done < 5:
            assert time.monotonic() < deadline and process.poll() is None, "the worker did not start the import"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)  # no handler runs: as a crash, an OOM kill, a pulled plug
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    run.refresh_from_db()
    assert run.state == "running" and 5 <= run.done < 120
    time.sleep(STALE + 0.5)

    page = admin_client.get(run.get_absolute_url())
    run.refresh_from_db()
    assert run.state == "failed" and "its worker stopped" in run.error
    committed = [line.screening_number for line in page.context["committed"]]
    saved = list(ScreeningRecord.objects.order_by("pk").values_list("screening_number", flat=True))
    assert committed == saved and len(saved) == run.saved == run.done  # exactly what was committed, in order
    assert f"{len(saved)} records of 120 were saved before it stopped" in page.content.decode()

    # The same file again: said so, then run as an update from the run's offer.
    again = upload(admin_client, site_a, items, "long.json")
    assert again.status_code == 200 and again.context["earlier"] == run
    response = admin_client.post(reverse("import_rerun", args=[run.pk]))
    rerun = ImportRun.objects.latest("pk")
    assert response["Location"] == rerun.get_absolute_url()
    finish(worker(tmp_path, "--batch"))
    rerun.refresh_from_db()
    assert (rerun.state, rerun.total, rerun.saved, rerun.refused) == ("done", 120, 120, 0)
    outcomes = list(rerun.lines.values_list("outcome", flat=True))
    assert outcomes == ["updated"] * len(saved) + ["created"] * (120 - len(saved))
    numbers = list(ScreeningRecord.objects.values_list("screening_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 120  # not one record twice
