"""Recompute the hash chain of every stream of the audit trail and check the anchors.

Exit status 0: every stream intact; 1: a break (the first of each kind is named,
per stream); 2: this database keeps no chain (SQLite) or the anchor file is unreadable.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ...audit import verification


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and its anchors (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--anchors", help="anchor file to check against (default: settings.AUDIT_ANCHOR_FILE)")
        parser.add_argument("--no-anchors", action="store_true", help="do not read the anchor file")
        parser.add_argument("--quiet", action="store_true", help="print broken streams only")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            verification.require_chain(connection)
            anchors = [] if options["no_anchors"] else verification.read_anchors(
                options["anchors"], database=connection.settings_dict["NAME"])
            report = verification.verify(anchors=anchors)
        except verification.ChainUnavailable as error:
            raise CommandError(str(error), returncode=2) from None
        except (ValueError, OSError) as error:
            raise CommandError(str(error), returncode=2) from None
        broken = [s for s in report if not s.ok]
        links = sum(s.links for s in report)
        self.stdout.write(
            f"Audit trail: {len(report)} streams, {links:,} links; "
            f"{len(anchors)} anchors checked ({options['anchors'] or verification.anchor_path()})."
        )
        for stream in report:
            if stream.ok and options["quiet"]:
                continue
            head = f"head #{stream.head_seq} {stream.head_hash[:16]}…" if stream.links else "no links yet"
            state = "OK" if stream.ok else "BROKEN"
            self.stdout.write(f"  {state:<7} {stream.table:<44} {stream.links:>9,} links  {head}")
            for finding in stream.findings:
                more = f" ({finding.count:,} in all)" if finding.count > 1 else ""
                self.stdout.write(f"          {finding.kind}: {finding.text}{more}")
        elapsed = time.perf_counter() - started
        if broken:
            self.stdout.write(f"{len(broken)} of {len(report)} streams broken ({elapsed:.1f} s).")
            raise CommandError("the audit trail's chain is broken", returncode=1)
        self.stdout.write(f"Every stream intact ({elapsed:.1f} s).")
