from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from screening.exchange.importing import MAX_FILE_BYTES, ImportRefused
from screening.exchange.jobs import ImportBusy, create_run, earlier_run, queue_import, run_import, sha256
from screening.models import Site, SiteMembership


class Command(BaseCommand):
    help = ("Import screening records from a JSON file (docs/exchange-format.md), validated like the browser forms. "
            "Runs here and prints the report; with --background, queues the import for `manage.py db_worker`.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--site", required=True, help="Site code, e.g. S01.")
        parser.add_argument("--user", required=True, help="User name the changes are attributed to.")
        parser.add_argument("--update", action="store_true", help="Update records whose screening number exists.")
        parser.add_argument("--background", action="store_true",
                            help="Queue the import as a job (the worker, `manage.py db_worker`, runs it) and return.")

    def handle(self, *args, file, site, user, update, background, **options):
        try:
            site_obj = Site.objects.get(code=site)
        except Site.DoesNotExist:
            raise CommandError(f"No site {site}.")
        try:
            user_obj = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user {user}.")
        if not SiteMembership.objects.filter(user=user_obj, site=site_obj).exists():
            raise CommandError(f"{user} is not a member of site {site}.")
        path = Path(file)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:  # refused before it is read into memory
                raise CommandError(f"{file}: larger than {MAX_FILE_BYTES // 2**20} MB; split it.")
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}")
        earlier = earlier_run(site_obj, sha256(data))
        if earlier:
            self.stdout.write(f"note: the same file was imported at {site} before (import run {earlier.pk}, "
                              f"{earlier.saved} saved); records it saved are matched by screening number.")
        try:
            if background:
                run = queue_import(data, site_obj, user_obj, path.name, update=update)
                self.stdout.write(f"Queued as import run {run.pk}; `manage.py db_worker` runs it. "
                                  f"Follow it at {reverse('import_run', args=[run.pk])}")
                return
            run = create_run(data, site_obj, user_obj, path.name, update=update)
        except ImportBusy as busy:
            raise CommandError(f"{file} is being imported at {site} now (import run {busy.run.pk if busy.run else '?'}).")
        try:
            reports = run_import(run)
        except ImportRefused as refused:
            raise CommandError(f"{file}: {refused}")
        for report in reports:
            for line in report.lines():
                self.stdout.write(line)
        refused = sum(r.outcome == "refused" for r in reports)
        self.stdout.write(f"Import run {run.pk}: {reverse('import_run', args=[run.pk])}")
        self.stdout.write(f"{len(reports) - refused} imported, {refused} refused.")
        if refused:
            raise CommandError(f"{refused} record(s) refused.", returncode=1)
