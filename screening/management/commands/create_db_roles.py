"""The two database roles of a deployment (PostgreSQL): print their SQL, or run it.

    manage.py create_db_roles [--owner trialsite_owner] [--app trialsite_app] [--existing] [--execute]

Run with DATABASE_URL naming a superuser on the application's database. The owner
runs `migrate` (MIGRATE_DATABASE_URL); the application role (DATABASE_URL of the
site) owns nothing and gets its privileges table by table after every migrate.
`--grant ROLE` sets those privileges now, for tables migrated before (as the owner).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ...audit import protection


class Command(BaseCommand):
    help = "Print (or --execute) the SQL creating the owner and application database roles."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="trialsite_owner", help="owner role (default trialsite_owner)")
        parser.add_argument("--app", default="trialsite_app", help="application role (default trialsite_app)")
        parser.add_argument("--database", help="database name (default: that of DATABASE_URL)")
        parser.add_argument("--existing", action="store_true",
                            help="also hand the tables of an already migrated database to the owner")
        parser.add_argument("--execute", action="store_true", help="run the SQL instead of printing it")
        parser.add_argument("--grant", metavar="ROLE",
                            help="only grant ROLE the application's privileges on the tables as they are")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; this database is " + connection.vendor + ".")
        if options["grant"]:
            protection.grant(options["grant"])
            self.stdout.write(f"Granted {options['grant']} the application's privileges.")
            return
        try:
            sql = protection.roles_sql(options["database"] or connection.settings_dict["NAME"],
                                       options["owner"], options["app"], existing=options["existing"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not options["execute"]:
            self.stdout.write(sql, ending="")
            return
        with connection.cursor() as cursor:
            cursor.execute(sql)
        self.stdout.write(f"Created roles {options['owner']} (owner) and {options['app']} (application).")
