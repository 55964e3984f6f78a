"""Django's migrate, run as the owner role when MIGRATE_DATABASE_URL is set.

The application connects as a role that owns nothing (DATABASE_URL); the tables
are created and altered by the owner. Rather than a second database alias (which
every other command, the test runner and the routers would have to know about),
this one command swaps the default connection's credentials for the owner's while
it runs, on the same database, and tells the post_migrate step which role to grant
the application's privileges to (screening/audit/protection.py `grant`).
"""

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As the owner role of MIGRATE_DATABASE_URL when it is set."

    def handle(self, *args, **options):
        url = getattr(settings, "MIGRATE_DATABASE_URL", "")
        if not url or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        owner = dj_database_url.parse(url)
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql" or not owner["ENGINE"].endswith("postgresql"):
            raise CommandError("MIGRATE_DATABASE_URL is for PostgreSQL, with DATABASE_URL on PostgreSQL too.")
        app_role = connection.settings_dict["USER"]
        kept = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
        connection.close()
        # The database name stays DATABASE_URL's (the test runner's test database too).
        connection.settings_dict.update({key: owner.get(key) for key in CREDENTIALS})
        connection.trialsite_app_role = app_role if app_role != owner["USER"] else None
        try:
            return super().handle(*args, **options)
        finally:
            connection.close()
            connection.settings_dict.update(kept)
            connection.trialsite_app_role = None
