"""The pages of import runs: the recent runs, one run's progress then its report,
its status as JSON for the progress bar, and importing a file again as an update.

A run is shown to users who may import and are members of its site; another
site's run is a 404 (screening.access.permissions.import_runs_for).
"""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ..access.permissions import get_import_run_for_user, import_runs_for, permission_required
from ..models.imports import ImportLine
from .jobs import ImportBusy, fail_stale_runs, queue_rerun

RECENT = 50
# Seconds between reloads of a running run's page when the browser runs no script.
REFRESH_SECONDS = 3


@permission_required("screening.import_records")
def import_runs(request):
    fail_stale_runs()
    runs = import_runs_for(request.user).select_related("site", "user")[:RECENT]
    return render(request, "screening/import_runs.html", {"runs": runs, "recent": RECENT})


@permission_required("screening.import_records")
def import_run(request, run):
    fail_stale_runs()
    run = get_import_run_for_user(request, run)
    context = {"run": run, "progress_text": progress_text(run), "refresh": REFRESH_SECONDS}
    if run.finished:
        lines = list(run.lines.all())
        context.update(lines=lines, outcomes=_outcome_counts(lines), committed=[line for line in lines if line.committed])
    return render(request, "screening/import_run.html", context)


@permission_required("screening.import_records")
def import_run_status(request, run):
    fail_stale_runs()
    run = get_import_run_for_user(request, run)
    return JsonResponse({
        "state": run.state, "state_label": run.get_state_display(), "finished": run.finished,
        "total": run.total, "done": run.done, "saved": run.saved, "refused": run.refused,
        "text": progress_text(run),
    })


@permission_required("screening.import_records")
@require_http_methods(["GET", "POST"])
def import_rerun(request, run):
    """Import an earlier run's file again, updating the records that exist (GET asks, POST queues)."""
    earlier = get_import_run_for_user(request, run)
    busy = None
    if request.method == "POST":
        try:
            return redirect(queue_rerun(earlier, request.user))
        except ImportBusy as refused:
            busy = refused.run
    return render(request, "screening/import_rerun.html", {"earlier": earlier, "busy": busy})


def progress_text(run):
    if run.state == run.QUEUED:
        return _("Waiting for the import worker.")
    if run.total is None:
        return _("Reading the file.")
    done = ngettext("%(done)d of %(total)d record imported", "%(done)d of %(total)d records imported",
                    run.total) % {"done": run.done, "total": run.total}
    refused = ngettext("%(refused)d refused", "%(refused)d refused", run.refused) % {"refused": run.refused}
    return f"{done}, {refused}."


def _outcome_counts(lines):
    counts = {outcome: 0 for outcome, _label in ImportLine.OUTCOMES}
    for line in lines:
        counts[line.outcome] += 1
    return counts

