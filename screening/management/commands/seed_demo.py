"""Demo data: two sites, one user per role per site, records in several states.

Idempotent: running it again changes nothing that exists already.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from screening.checklist.evaluation import evaluate_record, track_status
from screening.crf.recording import save_with_audit
from screening.exchange.demo import DEMO_PASSWORD, seed_records
from screening.models import LabResult, Site, SiteMembership
from screening.models.sites import ROLES
from screening.signatures.signing import SigningRefused, sign

SITES = [("S01", "Renji Hospital, Shanghai", "Asia/Shanghai"), ("S02", "Charité, Berlin", "Europe/Berlin")]


class Command(BaseCommand):
    help = "Create demo sites, users (one per role per site) and screening records."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        rows = []
        for code, name, tz in SITES:
            site, _ = Site.objects.get_or_create(code=code, defaults={"name": name, "time_zone": tz})
            users = {}
            for role, label in ROLES.items():
                username = f"{role.replace('_', '')}{code[-1]}"
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={"first_name": label, "last_name": f"{code}", "email": f"{username}@example.org"},
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                user.groups.add(Group.objects.get(name=role))
                SiteMembership.objects.get_or_create(user=user, site=site)
                rows.append((code, label, username))
                users[role] = user
            created = seed_records(site, users["coordinator"], users["investigator"])
            if created:
                signature_story(created[0], users["investigator"], users["coordinator"])
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for code, label, username in rows:
            self.stdout.write(f"  {code}  {label:<20} {username}")


def signature_story(record, investigator, coordinator):
    """What the audit trail shows of a signature's life, on the first record: a wrong
    password, the signature, a corrected lab value that invalidates it, the signature again."""
    try:
        sign(record, investigator, "not the password", "eligible", evaluate_record(record).digest)
    except SigningRefused:
        pass
    sign(record, investigator, DEMO_PASSWORD, "eligible", evaluate_record(record).digest)
    hb = LabResult.objects.filter(record=record, analyte="hb").first()
    hb.value += 1
    save_with_audit(hb, coordinator, "Transcription error: value re-read from the lab report")
    track_status(evaluate_record(record), coordinator)  # what a save through the forms does
    sign(record, investigator, DEMO_PASSWORD, "eligible", evaluate_record(record).digest)
