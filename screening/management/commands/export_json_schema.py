import json

from django.core.management.base import BaseCommand

from screening.exchange.json_schema import schema


class Command(BaseCommand):
    help = "Print the JSON Schema of the screening exchange format, generated from the models."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(schema(), indent=2, ensure_ascii=False))
