"""Imports through the Import page as a person makes them, with the queued job
run as the worker runs it (its task function, in this process): the page's
answer is the run's page, or the Import page again when nothing was queued."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from screening.exchange.jobs import import_file
from screening.models import ImportRun


def run_queued_imports():
    """Run every queued import, oldest first, as `manage.py db_worker` would."""
    for pk in ImportRun.objects.filter(state=ImportRun.QUEUED).order_by("pk").values_list("pk", flat=True):
        import_file.call(pk)


def upload(client, site, body, name="f.json", update=False):
    """POST the file; when a run was queued, run it and return the run's page."""
    fields = {"site": site.pk, "file": SimpleUploadedFile(name, body)}
    if update:
        fields["update"] = "on"
    response = client.post(reverse("import_upload"), fields)
    if response.status_code != 302:
        return response
    run_queued_imports()
    return client.get(response["Location"])


def report(response):
    """(outcome, [(section, field, message)]) of each line of a finished run's page."""
    return [(line.outcome, [tuple(error) for error in line.errors]) for line in response.context["lines"]]
