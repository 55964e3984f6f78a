"""Append the head of every stream of the audit trail's chain to the anchor file
(settings.AUDIT_ANCHOR_FILE): run it from cron, and keep copies of the file off the
database host, where the database's owner cannot rewrite them (docs/audit-trail.md)."""

from django.core.management.base import BaseCommand, CommandError

from ...audit import verification


class Command(BaseCommand):
    help = "Write the head hash of every audit stream to the anchor file (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="anchor file (default: settings.AUDIT_ANCHOR_FILE)")

    def handle(self, *args, **options):
        try:
            record = verification.anchor_record()
            path = verification.write_anchor(record, options["file"])
        except verification.ChainUnavailable as error:
            raise CommandError(str(error), returncode=2) from None
        except OSError as error:
            raise CommandError(f"cannot write the anchor file: {error}", returncode=2) from None
        self.stdout.write(f"Anchored {len(record['heads'])} streams at {record['anchored_at']} in {path}.")
