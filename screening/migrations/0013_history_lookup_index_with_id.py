"""The history lookup index of 0007 gains history_id: (id, history_date, history_id).

The previous version of an object is the newest one before it, ordered by
history_date then history_id. With history_id in the index that order is the
index's own, so the seek stops at the first row; without it PostgreSQL read
every older version of the object and sorted them (0.1 ms per change shown on
a record with 2,000 changes, docs/performance.md).
"""

from django.db import migrations


def old_name(table):
    return f"{table[:40]}_id_hdate"


def new_name(table):
    return f"{table[:40]}_id_hdate_hid"


def history_tables(apps):
    for model in apps.get_app_config("screening").get_models():
        if model.__name__.startswith("Historical"):
            yield model._meta.db_table


def forwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for table in history_tables(apps):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(new_name(table))} ON {quote(table)} (id, history_date, history_id)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old_name(table))}")


def backwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for table in history_tables(apps):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(old_name(table))} ON {quote(table)} (id, history_date)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(new_name(table))}")


class Migration(migrations.Migration):
    dependencies = [("screening", "0012_write_refused_events")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
