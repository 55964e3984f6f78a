"""PostgreSQL only: the user access log (AccessEvent) refuses UPDATE and DELETE,
with the trigger and function of 0006_history_append_only (see that migration
and docs/audit-trail.md for what it does and does not stop). Nothing on SQLite.
"""

from django.db import migrations

TRIGGER = "trialsite_append_only"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("screening", "AccessEvent")._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION trialsite_refuse_rewrite()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("screening", "AccessEvent")._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")


class Migration(migrations.Migration):
    dependencies = [("screening", "0009_access_events")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
