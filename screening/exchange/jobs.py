"""Imports as background jobs (django-tasks, its database backend; `manage.py db_worker` runs them).

The request stores the file and queues a job (`queue_import`); the worker reads
the file and imports record by record (`run_import`), each record and its report
line committed together, the run's counts and heartbeat moved on in the same
transaction. So the page's progress bar is what is committed, and a worker that
is killed (a restart, a deploy, a crash) leaves a run whose lines are exactly the
records saved: `fail_stale_runs` marks such a run failed, with that list, when
its heartbeat is older than IMPORT_STALE_SECONDS: the next job a worker takes
and every run page check.

Records are idempotent by screening number: a file imported again (same SHA-256
at the same site) is offered as an update, and the records an earlier run of it
numbered itself (they had no number in the file) keep that number, matched by
their place in the file, so nothing is ever created twice.
"""

import hashlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from ..models.imports import ImportFile, ImportLine, ImportRun
from . import importing
from .importing import ImportRefused, import_parsed, parse, shown

logger = logging.getLogger(__name__)


class ImportBusy(Exception):
    """The same file is being imported at the site now."""

    def __init__(self, run):
        super().__init__(f"run {run.pk if run else '?'} of the same file is not finished")
        self.run = run


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def earlier_run(site, digest):
    """The latest run of the same file at the site that saved records, or None
    (a run that saved nothing cannot be duplicated: the file is simply run again)."""
    return (ImportRun.objects.filter(site=site, file_id=digest, saved__gt=0)
            .select_related("site", "user").order_by("-created_at", "-pk").first())


def create_run(data, site, user, file_name, update=False):
    """A queued ImportRun of `data` (not yet given to a worker). Raises ImportBusy when
    a run of the same file at the site is queued or running."""
    fail_stale_runs()
    digest = sha256(data)
    try:
        with transaction.atomic():
            ImportFile.objects.get_or_create(sha256=digest, defaults={"data": data, "size": len(data)})
            return ImportRun.objects.create(site=site, user=user, file_name=shown(file_name, 250), file_id=digest,
                                            update=update, language=translation.get_language() or "")
    except IntegrityError:
        raise ImportBusy(ImportRun.objects.filter(site=site, file_id=digest, state__in=ImportRun.ACTIVE).first())


def queue_import(data, site, user, file_name, update=False):
    """Store the file, create its run and queue the job, in one transaction: a
    request does no more, whatever the size of the file."""
    with transaction.atomic():
        run = create_run(data, site, user, file_name, update)
        enqueue(run)
    return run


def queue_rerun(earlier, user):
    """A new run of an earlier run's file, updating the records that exist."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = ImportRun.objects.create(site=earlier.site, user=user, file_name=earlier.file_name,
                                               file_id=earlier.file_id, update=True,
                                               language=translation.get_language() or "")
        except IntegrityError:
            raise ImportBusy(ImportRun.objects.filter(site=earlier.site, file_id=earlier.file_id,
                                                      state__in=ImportRun.ACTIVE).first())
        enqueue(run)
    return run


def enqueue(run):
    result = import_file.enqueue(run.pk)
    run.task_id = result.id
    run.save(update_fields=["task_id"])


@task()
def import_file(run_id):
    """The job: one run, by its id (a task's arguments are JSON)."""
    fail_stale_runs()
    try:
        run_import(ImportRun.objects.select_related("site", "user").get(pk=run_id))
    except ImportRefused:
        pass  # the run says why; the job did its work


def run_import(run):
    """Import the run's file record by record; returns the RecordReports (none if
    the run was not queued). Never leaves the run silently unfinished: an error
    marks it failed with its text (ImportRefused, for a file that cannot be read,
    is raised again after), and a killed worker leaves a heartbeat that
    `fail_stale_runs` finds."""
    now = timezone.now()
    if not ImportRun.objects.filter(pk=run.pk, state=ImportRun.QUEUED).update(
            state=ImportRun.RUNNING, started_at=now, heartbeat_at=now):
        return []  # already taken, or failed as stale before a worker came
    run.refresh_from_db()
    try:
        with translation.override(run.language or settings.LANGUAGE_CODE):
            try:
                records = parse(bytes(ImportFile.objects.values_list("data", flat=True).get(sha256=run.file_id)))
            except ImportRefused as refused:
                _finish(run, ImportRun.FAILED, _("Nothing was imported: %(why)s.") % {"why": refused}, total=0)
                raise
            records = _numbered_before(run, records)
            ImportRun.objects.filter(pk=run.pk).update(total=len(records), heartbeat_at=timezone.now())
            reports = import_parsed(records, run.site, run.user, run.file_name, update=run.update,
                                    on_record=lambda report: _record_done(run, report),
                                    chunk_size=importing.CHUNK_SIZE)
    except ImportRefused:
        raise
    except BaseException as error:  # SystemExit too: a worker told twice to stop ends the job here
        logger.exception("import run %s failed", run.pk)
        try:
            _finish(run, ImportRun.FAILED, _("The import stopped with an error: %(error)s") % {
                "error": shown(f"{type(error).__name__}: {error}", 300)})
        except Exception:
            logger.exception("import run %s: could not record its failure; it will be found stale", run.pk)
        raise
    _finish(run, ImportRun.DONE, "")
    return reports


def _record_done(run, report):
    """In the record's transaction: its report line, the run's counts and heartbeat."""
    ImportLine.objects.create(run=run, index=report.index, screening_number=report.screening_number,
                              outcome=report.outcome, errors=[[e.section, e.field, str(e.message)] for e in report.errors])
    refused = report.outcome == ImportLine.REFUSED
    if not ImportRun.objects.filter(pk=run.pk, state=ImportRun.RUNNING).update(
            done=F("done") + 1, saved=F("saved") + int(not refused), refused=F("refused") + int(refused),
            heartbeat_at=timezone.now()):
        # Marked failed as stale while this worker was stalled: its report is
        # final, so this record is rolled back with its line and the job stops.
        raise RunNoLongerRunning(run.pk)
    if connection.vendor == "sqlite":
        transaction.on_commit(_let_others_write)


# SQLite (`make run`) has one write lock for the file, and a waiting writer polls
# for it: without a pause between records the worker takes it back at once and
# the pages' writes (each request saves its session) wait until the import ends.
SQLITE_PAUSE_SECONDS = 0.01


def _let_others_write():
    time.sleep(SQLITE_PAUSE_SECONDS)


class RunNoLongerRunning(Exception):
    pass


def _finish(run, state, error, **fields):
    ImportRun.objects.filter(pk=run.pk, state=ImportRun.RUNNING).update(
        state=state, error=error, finished_at=timezone.now(), **fields)


def _numbered_before(run, records):
    """The file's records, those an earlier run of the same file at the site
    numbered itself given that number (matched by their place in the file)."""
    given = dict(ImportLine.objects.filter(run__site=run.site_id, run__file_id=run.file_id,
                                           outcome=ImportLine.CREATED).exclude(run=run)
                 .values_list("index", "screening_number"))
    if not given:
        return records
    return [{**item, "screening_number": given[i]}
            if isinstance(item, dict) and not item.get("screening_number") and i in given else item
            for i, item in enumerate(records, 1)]


def fail_stale_runs(now=None):
    """Mark failed every run whose worker stopped: running with no heartbeat for
    IMPORT_STALE_SECONDS, or queued but taken by a worker that never started it.
    Returns how many. Its report lines are what was committed.

    Pages call it on every view: it only reads unless a run is stale (a write on
    SQLite would wait behind the worker's commits, record after record)."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    stale = ImportRun.objects.filter(Q(state=ImportRun.RUNNING, heartbeat_at__lt=limit)
                                     | Q(state=ImportRun.QUEUED, task_id__in=_tasks_taken_before(limit)))
    stale = list(stale.values_list("pk", flat=True))
    if not stale:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The import stopped: its worker stopped (a restart or a crash) and it did not go on. "
                    "The records listed in the report were committed; the others were not imported.")
    # Still stale when written: a run whose worker beat in between is left running.
    return (ImportRun.objects.filter(pk__in=stale).filter(Q(state=ImportRun.RUNNING, heartbeat_at__lt=limit)
                                                          | Q(state=ImportRun.QUEUED))
            .update(state=ImportRun.FAILED, finished_at=now, error=message))


def _tasks_taken_before(limit):
    from django_tasks_db.models import DBTaskResult

    return (DBTaskResult.objects.filter(task_path=import_file.module_path).exclude(status="READY")
            .filter(Q(started_at__lt=limit) | Q(started_at__isnull=True, enqueued_at__lt=limit))
            .values_list("id", flat=True))
