import json

from django.core.management.base import BaseCommand, CommandError

from screening.checklist.evaluation import as_json, evaluate_and_log
from screening.models import EligibilityAccess, ScreeningRecord


class Command(BaseCommand):
    help = "Evaluate one record's eligibility now; --json prints the same structure as the JSON endpoint."

    def add_arguments(self, parser):
        parser.add_argument("screening_number")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, screening_number, **options):
        try:
            record = ScreeningRecord.objects.select_related("site").get(screening_number=screening_number)
        except ScreeningRecord.DoesNotExist:
            raise CommandError(f"No screening record {screening_number}.")
        result = evaluate_and_log(record, None, EligibilityAccess.COMMAND)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(result), indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{record.screening_number}: {result.overall}")
        for row in result.evaluation.results:
            status = str(row.status)
            self.stdout.write(f"  {row.id:<12} {status:<22} {row.reason}")
