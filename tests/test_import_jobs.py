"""Imports as background jobs (docs/exchange-format.md, "Imports run in the background").

The finding of issue 18: a 3,000-record upload was killed by gunicorn's 30 s
timeout with 875 records committed and no report, and uploading it again created
duplicates. Here the request only stores the file and queues the job; the job
commits each record with its report line; a run whose worker died is marked
failed with exactly what was committed; the same file again is offered as an
update and creates nothing twice. The job runs here as the worker runs it (its
task function); tests/test_import_worker.py runs the real worker process.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from screening.exchange import importing, jobs
from screening.exchange.jobs import create_run, fail_stale_runs, import_file, run_import
from screening.models import ImportLine, ImportRun, OrganFunction, ScreeningRecord
from screening.models.sites import INVESTIGATOR, SITE_ADMIN

from . import imports
from .factories import minimal_import


def file_of(items):
    return json.dumps({"records": items}).encode()


@pytest.fixture
def sam(make_user, site_a):
    return make_user(SITE_ADMIN, site_a, username="sam")


@pytest.fixture
def admin_client(client, sam):
    client.force_login(sam)
    return client


def post(client, site, body, name="batch.json", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("import_upload"), {"site": site.pk, "file": SimpleUploadedFile(name, body), **extra})


def upload_queries(client, site, body):
    with CaptureQueriesContext(connection) as captured:
        response = post(client, site, body)
    assert response.status_code == 302
    return len(captured)


def test_an_upload_only_stores_the_file_and_queues_the_job(admin_client, site_a):
    small = upload_queries(admin_client, site_a, file_of([minimal_import()]))
    large_file = file_of([minimal_import() for _ in range(3000)])
    large = upload_queries(admin_client, site_a, large_file)
    # The request's work does not grow with the records: nothing is imported in it.
    assert large == small
    assert not ScreeningRecord.objects.exists()
    run = ImportRun.objects.get(file_name="batch.json", total=None, file__size=len(large_file))
    assert run.state == ImportRun.QUEUED and run.user.username == "sam" and run.site == site_a
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.status == "READY" and task.task_path == "screening.exchange.jobs.import_file"
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}
    page = admin_client.get(run.get_absolute_url())
    assert page.status_code == 200 and "Waiting for the import worker." in page.content.decode()


@pytest.mark.slow
def test_the_3000_record_upload_finishes_with_its_full_report_and_again_creates_nothing(admin_client, site_a):
    items = [minimal_import(f"A01-{i:04d}") if i % 2 else minimal_import() for i in range(1, 3001)]
    items[874] = {**minimal_import(), "colour": "blue"}  # one refusal, where the old import died
    body = file_of(items)
    assert post(admin_client, site_a, body).status_code == 302
    imports.run_queued_imports()
    run = ImportRun.objects.get()
    assert (run.state, run.total, run.done, run.saved, run.refused) == ("done", 3000, 3000, 2999, 1)
    assert run.lines.count() == 3000 and ScreeningRecord.objects.count() == 2999
    page = admin_client.get(run.get_absolute_url())
    assert "Finished: 2999 created, 0 updated, 1 refused." in page.content.decode()
    assert len(page.context["lines"]) == 3000
    # Uploaded again: said so, nothing queued, nothing created.
    again = post(admin_client, site_a, body)
    assert again.status_code == 200 and again.context["earlier"] == run
    assert ImportRun.objects.count() == 1 and ScreeningRecord.objects.count() == 2999


def test_each_record_moves_the_progress_on_in_its_own_transaction(admin_client, site_a, sam, monkeypatch):
    items = [minimal_import("A01-0001"), {"record": 5}, minimal_import(), minimal_import("A01-0001")]
    run = create_run(file_of(items), site_a, sam, "four.json")
    seen = []
    record_done = jobs._record_done

    def watch(run, report):
        record_done(run, report)
        status = admin_client.get(reverse("import_run_status", args=[run.pk])).json()
        seen.append((status["state"], status["total"], status["done"], status["saved"], status["refused"],
                     ScreeningRecord.objects.count()))

    monkeypatch.setattr(jobs, "_record_done", watch)
    run_import(run)
    assert seen == [("running", 4, 1, 1, 0, 1), ("running", 4, 2, 1, 1, 1), ("running", 4, 3, 2, 1, 2),
                    ("running", 4, 4, 2, 2, 2)]
    status = admin_client.get(reverse("import_run_status", args=[run.pk])).json()
    assert status == {"state": "done", "state_label": "done", "finished": True, "total": 4, "done": 4, "saved": 2,
                      "refused": 2, "text": "4 of 4 records imported, 2 refused."}
    lines = list(ImportLine.objects.filter(run=run).values_list("index", "screening_number", "outcome"))
    assert lines == [(1, "A01-0001", "created"), (2, "", "refused"), (3, "A01-0002", "created"),
                     (4, "A01-0001", "refused")]


def test_the_run_page_follows_the_run_then_shows_the_report(admin_client, site_a, sam):
    run = create_run(file_of([minimal_import(), {"record": 5}]), site_a, sam, "two.json")
    queued = admin_client.get(run.get_absolute_url()).content.decode()
    # While it runs: the bar, its status URL for the script, and a reload for a browser without script.
    assert f'data-import-status-url="{reverse("import_run_status", args=[run.pk])}"' in queued
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in queued
    assert "js/import_progress.js" in queued and "<progress" in queued
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.RUNNING, total=2, done=1, saved=1,
                                               heartbeat_at=timezone.now())
    running = admin_client.get(run.get_absolute_url()).content.decode()
    assert 'max="2" value="1"' in running and "1 of 2 records imported, 0 refused." in running
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.QUEUED, total=None, done=0, saved=0)
    run_import(run)
    done = admin_client.get(run.get_absolute_url()).content.decode()
    assert "refresh" not in done and "import_progress.js" not in done and 'data-import-status-url' not in done
    assert 'data-testid="import-report"' in done and "Finished: 1 created, 0 updated, 1 refused." in done
    assert "expected an object of record fields" in done


def test_a_file_imported_before_is_said_so_and_run_again_only_as_an_update(admin_client, site_a):
    # Records with a number and records the import numbers itself: neither is ever created twice.
    body = file_of([{**minimal_import("A01-0007"), "sections": {"organ": {"lvef": 50}}}, minimal_import(),
                    minimal_import()])
    first = imports.upload(admin_client, site_a, body)
    assert imports.report(first) == [("created", [])] * 3
    numbers = sorted(ScreeningRecord.objects.values_list("screening_number", flat=True))
    assert numbers == ["A01-0007", "A01-0008", "A01-0009"]
    earlier = first.context["run"]

    again = post(admin_client, site_a, body)
    page = again.content.decode()
    assert again.status_code == 200 and again.context["earlier"] == earlier
    assert 'data-testid="import-already-imported"' in page and earlier.get_absolute_url() in page
    assert reverse("import_rerun", args=[earlier.pk]) in page
    assert ImportRun.objects.count() == 1

    confirm = admin_client.get(reverse("import_rerun", args=[earlier.pk]))
    assert confirm.status_code == 200 and "updating existing records" in confirm.content.decode()
    queued = admin_client.post(reverse("import_rerun", args=[earlier.pk]))
    rerun = ImportRun.objects.latest("pk")
    assert queued.status_code == 302 and queued["Location"] == rerun.get_absolute_url()
    assert rerun.update and rerun.sha256 == earlier.sha256 and rerun.file_name == earlier.file_name
    imports.run_queued_imports()
    rerun.refresh_from_db()
    assert rerun.state == "done" and rerun.saved == 3
    assert list(rerun.lines.values_list("screening_number", "outcome")) == [
        ("A01-0007", "updated"), ("A01-0008", "updated"), ("A01-0009", "updated")]
    assert sorted(ScreeningRecord.objects.values_list("screening_number", flat=True)) == numbers

    # Ticking "update" on the upload runs it at once, with the same matching.
    ticked = imports.upload(admin_client, site_a, body, update=True)
    assert [outcome for outcome, _ in imports.report(ticked)] == ["updated"] * 3
    assert ScreeningRecord.objects.count() == 3 and OrganFunction.objects.get().lvef == 50


def test_the_command_matches_the_records_an_earlier_run_numbered(tmp_path, make_user, site_a):
    from io import StringIO

    from django.core.management import CommandError, call_command

    make_user(INVESTIGATOR, site_a, username="imp")
    path = tmp_path / "numberless.json"
    path.write_bytes(file_of([minimal_import(), minimal_import()]))
    out = StringIO()
    call_command("import_screenings", str(path), "--site", "A01", "--user", "imp", stdout=out)
    assert "2 imported, 0 refused." in out.getvalue()
    out = StringIO()
    with pytest.raises(CommandError, match="2 record"):
        call_command("import_screenings", str(path), "--site", "A01", "--user", "imp", stdout=out)
    assert "note: the same file was imported at A01 before" in out.getvalue()
    assert out.getvalue().count("already exists; use --update") == 2
    out = StringIO()
    call_command("import_screenings", str(path), "--site", "A01", "--user", "imp", "--update", stdout=out)
    assert "record 1 A01-0001: updated" in out.getvalue() and "record 2 A01-0002: updated" in out.getvalue()
    assert ScreeningRecord.objects.count() == 2
    assert ImportRun.objects.filter(state="done").count() == 3


def test_the_command_in_the_background_queues_and_the_worker_function_runs_it(tmp_path, make_user, site_a):
    from io import StringIO

    from django.core.management import call_command

    make_user(INVESTIGATOR, site_a, username="imp")
    path = tmp_path / "later.json"
    path.write_bytes(file_of([minimal_import()]))
    out = StringIO()
    call_command("import_screenings", str(path), "--site", "A01", "--user", "imp", "--background", stdout=out)
    run = ImportRun.objects.get()
    assert f"Queued as import run {run.pk}" in out.getvalue() and run.state == "queued"
    assert not ScreeningRecord.objects.exists()
    import_file.call(run.pk)
    run.refresh_from_db()
    assert run.state == "done" and run.saved == 1 and ScreeningRecord.objects.count() == 1


def test_one_file_is_not_imported_twice_at_once(admin_client, site_a, site_b, sam):
    body = file_of([minimal_import()])
    running = create_run(body, site_a, sam, "batch.json")
    ImportRun.objects.filter(pk=running.pk).update(state=ImportRun.RUNNING, heartbeat_at=timezone.now())
    response = post(admin_client, site_a, body)
    assert response.status_code == 200 and response.context["busy"] == running
    assert "being imported at this site now" in response.content.decode()
    assert ImportRun.objects.count() == 1
    with pytest.raises(jobs.ImportBusy):
        create_run(body, site_a, sam, "again.json")
    assert create_run(body, site_b, sam, "elsewhere.json").state == "queued"  # another site: another import


def stop_at(monkeypatch, index, error, after_saving):
    """The worker stops in record `index`: before its save, or after it (inside its transaction).
    Chunks of two records: what a stop rolls back is the stopped record's chunk."""
    save_record = importing._import_one
    monkeypatch.setattr(importing, "CHUNK_SIZE", 2)

    def stopping(state, at, *args):
        if at == index and not after_saving:
            raise error
        report = save_record(state, at, *args)
        if at == index:
            raise error
        return report

    monkeypatch.setattr(importing, "_import_one", stopping)


def test_a_worker_stopped_in_a_record_leaves_exactly_the_records_before_it(admin_client, site_a, sam, monkeypatch):
    run = create_run(file_of([minimal_import()] * 4), site_a, sam, "stopped.json")
    stop_at(monkeypatch, 3, SystemExit(1), after_saving=True)  # a worker told twice to stop: SystemExit in the job
    with pytest.raises(SystemExit):
        run_import(run)
    run.refresh_from_db()
    assert run.state == "failed" and "SystemExit" in run.error
    assert (run.total, run.done, run.saved) == (4, 2, 2)
    assert list(ScreeningRecord.objects.values_list("screening_number", flat=True).order_by("pk")) == [
        "A01-0001", "A01-0002"]
    page = admin_client.get(run.get_absolute_url())
    assert [line.screening_number for line in page.context["committed"]] == ["A01-0001", "A01-0002"]
    assert "2 records of 4 were saved before it stopped" in page.content.decode()


def test_a_run_whose_worker_died_is_marked_failed_with_what_was_committed(admin_client, site_a, sam, settings,
                                                                           monkeypatch):
    run = create_run(file_of([minimal_import()] * 3), site_a, sam, "killed.json")
    # Killed in the third record: no handler of the job runs, the run is left running.
    stop_at(monkeypatch, 3, SystemExit(1), after_saving=True)
    monkeypatch.setattr(jobs, "_finish", lambda *args, **kwargs: None)
    with pytest.raises(SystemExit):
        run_import(run)
    monkeypatch.undo()
    run.refresh_from_db()
    assert (run.state, run.done, run.saved) == ("running", 2, 2)
    assert admin_client.get(run.get_absolute_url()).context["run"].state == "running"  # a live worker, maybe
    later = run.heartbeat_at + datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    assert fail_stale_runs(now=later) == 1
    run.refresh_from_db()
    assert run.state == "failed" and "its worker stopped" in run.error and run.finished_at == later
    page = admin_client.get(run.get_absolute_url())
    body = page.content.decode()
    assert 'data-testid="import-failed"' in body and "2 records of 3 were saved before it stopped" in body
    committed = [line.screening_number for line in page.context["committed"]]
    assert committed == ["A01-0001", "A01-0002"] == list(
        ScreeningRecord.objects.values_list("screening_number", flat=True).order_by("pk"))
    # Nothing runs it on: a late worker's next record is rolled back and its job stops.
    with pytest.raises(jobs.RunNoLongerRunning):
        jobs._record_done(run, importing.RecordReport(3, "A01-0003", "created"))


def test_a_job_taken_by_a_worker_that_never_started_it_is_marked_failed(site_a, sam, settings):
    run = jobs.queue_import(file_of([minimal_import()]), site_a, sam, "lost.json")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    DBTaskResult.objects.filter(id=run.task_id).update(status="RUNNING", started_at=long_ago)
    assert fail_stale_runs() == 1
    assert ImportRun.objects.get(pk=run.pk).state == "failed"
    ImportRun.objects.filter(pk=run.pk).update(created_at=long_ago)
    waiting = jobs.queue_import(file_of([minimal_import("A01-0005")]), site_a, sam, "waiting.json")
    ImportRun.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    DBTaskResult.objects.filter(id=waiting.task_id).update(enqueued_at=long_ago)
    assert fail_stale_runs() == 0  # waiting long for a worker is not stale: no worker took it


def test_the_next_job_marks_stale_runs_failed_before_it_starts(site_a, sam, settings):
    stale = create_run(file_of([minimal_import()]), site_a, sam, "stale.json")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    ImportRun.objects.filter(pk=stale.pk).update(state=ImportRun.RUNNING, heartbeat_at=long_ago)
    queued = create_run(file_of([minimal_import("A01-0009")]), site_a, sam, "next.json")
    import_file.call(queued.pk)
    assert ImportRun.objects.get(pk=stale.pk).state == "failed"
    assert ImportRun.objects.get(pk=queued.pk).state == "done"


def test_a_run_is_taken_once(site_a, sam):
    run = create_run(file_of([minimal_import()]), site_a, sam, "once.json")
    assert len(run_import(run)) == 1
    assert run_import(run) == [] and ImportLine.objects.count() == 1 and ScreeningRecord.objects.count() == 1


def test_runs_are_listed_for_the_users_sites_only(admin_client, make_user, site_a, site_b, sam):
    ours = create_run(file_of([minimal_import()]), site_a, sam, "ours.json")
    theirs = create_run(file_of([minimal_import()]), site_b, make_user(SITE_ADMIN, site_b), "theirs.json")
    body = admin_client.get(reverse("import_runs")).content.decode()
    assert "ours.json" in body and "theirs.json" not in body
    assert "ours.json" in admin_client.get(reverse("import_upload")).content.decode()
    for name in ("import_run", "import_run_status", "import_rerun"):
        assert admin_client.get(reverse(name, args=[theirs.pk])).status_code == 404
        assert admin_client.get(reverse(name, args=[ours.pk])).status_code == 200
    assert admin_client.post(reverse("import_rerun", args=[theirs.pk])).status_code == 404
    assert ImportRun.objects.count() == 2


def test_a_user_who_may_not_import_sees_no_run_of_their_site(client, make_user, site_a, sam):
    run = create_run(file_of([minimal_import()]), site_a, sam, "ours.json")
    client.force_login(make_user(INVESTIGATOR, site_a))
    assert client.get(run.get_absolute_url()).status_code == 403
    assert client.post(reverse("import_rerun", args=[run.pk])).status_code == 403
    assert ImportRun.objects.count() == 1
