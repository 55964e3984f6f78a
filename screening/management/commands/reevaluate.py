import time

from django.core.management.base import BaseCommand, CommandError

from screening.checklist.reevaluation import reevaluate_records
from screening.models import Site


class Command(BaseCommand):
    help = ("Re-evaluate every record (or one site's): stored states refreshed, status changes kept, "
            "signatures whose data hash changed invalidated. Run once after a change of the rules or the snapshot.")

    def add_arguments(self, parser):
        parser.add_argument("--site", help="Site code, e.g. S01 (default: every site).")

    def handle(self, *args, site=None, **options):
        site_obj = None
        if site is not None:
            site_obj = Site.objects.filter(code=site).first()
            if site_obj is None:
                known = ", ".join(Site.objects.values_list("code", flat=True)) or "none"
                raise CommandError(f"No site {site} (sites: {known}).")
        started = time.monotonic()

        def progress(report):
            self.stdout.write(f"{report.line()} ({time.monotonic() - started:.0f} s)")

        report = reevaluate_records(site_obj, progress=progress)
        if report.total == 0:
            self.stdout.write("No records to re-evaluate.")
        self.stdout.write(f"Done: {report.line()} in {time.monotonic() - started:.1f} s.")
