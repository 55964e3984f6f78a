"""PostgreSQL only: the history tables and the audit logs refuse UPDATE and DELETE.

The application never rewrites them (no view does, the admin is read only);
this trigger also stops a script or a database session using the
application's credentials. What it does not stop (the table owner, a
superuser) and what does: docs/audit-trail.md.

A history table or log added later needs the trigger too; the test
`test_postgresql_protects_every_history_and_log_table` fails until it has it.
SQLite has no equivalent worth the name: nothing is done there.

The (id, history_date, history_id) lookup index of every history table is not
made here but after every migrate (screening/audit/history_indexes.py), since
SQLite drops indexes made outside the migration state when it rebuilds a table.
"""

from django.db import migrations

LOG_MODELS = ("EligibilityAccess", "EligibilityStatusChange", "AuditExport", "AccessEvent")
TRIGGER = "trialsite_append_only"

FUNCTION = """
CREATE OR REPLACE FUNCTION trialsite_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'History and audit log rows are never changed or deleted; record a correction instead.';
END;
$$;
"""


def protected_tables(apps):
    for model in apps.get_app_config("screening").get_models():
        if model.__name__.startswith("Historical") or model.__name__ in LOG_MODELS:
            yield model._meta.db_table


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: its "%" are RAISE formats
    quote = schema_editor.quote_name
    for table in protected_tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quote(table)}")
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {quote(table)} "
            "FOR EACH ROW EXECUTE FUNCTION trialsite_refuse_rewrite()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in protected_tables(apps):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {schema_editor.quote_name(table)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS trialsite_refuse_rewrite()")


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
