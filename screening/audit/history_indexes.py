"""Keep the (id, history_date, history_id) index on every history table (the
lookup the audit trail relies on, screening/audit/trail.py).

SQLite rebuilds a table when a migration alters one of its columns, dropping
indexes made outside the migration state; re-creating them after every migrate
(IF NOT EXISTS) keeps them whatever later migrations do.
"""

from django.db import connections


def index_name(table):
    return f"{table[:40]}_id_hdate_hid"


def ensure_history_indexes(sender=None, using="default", **kwargs):
    from django.apps import apps

    connection = connections[using]
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_app_config("screening").get_models():
            table = model._meta.db_table
            if model.__name__.startswith("Historical") and table in existing:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {quote(index_name(table))} ON {quote(table)} (id, history_date, history_id)"
                )
