import sys

from django.core.management.base import BaseCommand

from screening.crf import data_dictionary


class Command(BaseCommand):
    help = "Print the CRF data dictionary as CSV (REDCap-style columns), generated from the models."

    def handle(self, *args, **options):
        data_dictionary.write_csv(sys.stdout if self.stdout._out is sys.stdout else self.stdout._out)
