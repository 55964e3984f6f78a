"""Demo data: two sites, one user per role per site, records in several states.

Idempotent: running it again changes nothing that exists already.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from screening.exchange.demo import DEMO_PASSWORD, seed_records
from screening.models import Site, SiteMembership
from screening.models.sites import ROLES

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
            seed_records(site, users["coordinator"], users["investigator"])
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for code, label, username in rows:
            self.stdout.write(f"  {code}  {label:<20} {username}")
