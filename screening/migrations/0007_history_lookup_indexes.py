"""An (id, history_date) index on every history table, for the audit trail.

Each change is shown against the previous version of the same object; with
this index that version is one index seek, however long the object's history
(without it, thousands of versions of one row are read for each change shown).

The indexes are created with SQL, outside the migration state: they belong to
tables django-simple-history generates, whose Meta this project does not
declare, and `makemigrations --check` would otherwise want to drop them.
A history model added later needs its index too (`test_every_history_table_has_the_lookup_index`).
"""

from django.db import migrations


def index_name(table):
    return f"{table[:40]}_id_hdate"


def history_tables(apps):
    for model in apps.get_app_config("screening").get_models():
        if model.__name__.startswith("Historical"):
            yield model._meta.db_table


def forwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for table in history_tables(apps):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name(table))} ON {quote(table)} (id, history_date)"
        )


def backwards(apps, schema_editor):
    for table in history_tables(apps):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(table))}")


class Migration(migrations.Migration):
    dependencies = [("screening", "0006_history_append_only")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
