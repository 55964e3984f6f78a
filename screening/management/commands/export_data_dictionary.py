import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from screening.crf import data_dictionary


class Command(BaseCommand):
    help = ("Print the CRF data dictionary as CSV (REDCap-style columns), generated from the models; "
            "--update-doc FILE rewrites the generated field table of FILE (docs/data-dictionary.md).")

    def add_arguments(self, parser):
        parser.add_argument("--update-doc", metavar="FILE", help="rewrite the table between the markers of FILE")

    def handle(self, *args, **options):
        if options["update_doc"]:
            path = Path(options["update_doc"])
            try:
                text = data_dictionary.with_criteria_table(path.read_text(encoding="utf-8"))
            except ValueError as error:
                raise CommandError(f"{path}: {error}") from error
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"{path}: field table regenerated.")
            return
        data_dictionary.write_csv(sys.stdout if self.stdout._out is sys.stdout else self.stdout._out)
