"""A migration that changes the columns of a history table (CRF version 2 renames and adds some)
changes how every earlier row reads: without new links verify_audit would call each one altered.
relink_after_schema_change links each such row again (op 'S'); a later tampering is still found."""

import types

import pytest
from django.db import connection, transaction

from screening.audit import protection, verification
from screening.exchange.demo import complete_record_data, create_record
from screening.models import ChainLink, OrganFunction

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain is PostgreSQL only")
ORGAN = OrganFunction.history.model._meta.db_table


def execute(sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def kinds():
    return {(s.table, f.kind) for s in verification.verify() for f in s.findings}


def relink():
    with transaction.atomic():
        protection.relink_after_schema_change(types.SimpleNamespace(connection=connection), [(ORGAN, "history_id")])


@pytest.fixture
def added_column(transactional_db, site_a, coordinator):
    values, data = complete_record_data("SLE")
    create_record(site_a, coordinator, values, data)
    assert kinds() == set()
    execute(f"ALTER TABLE {ORGAN} ADD COLUMN probe_added integer")  # as a migration's AddField does
    yield
    execute(f"ALTER TABLE {ORGAN} DROP COLUMN IF EXISTS probe_added")


@on_postgresql
def test_a_column_added_to_a_history_table_is_relinked_and_verifies(added_column):
    assert kinds() == {(ORGAN, verification.ALTERED)}
    rows = OrganFunction.history.model.objects.count()
    relink()
    assert kinds() == set()
    relinked = ChainLink.objects.filter(stream=ORGAN, op=protection.SCHEMA_CHANGE)
    assert relinked.count() == rows
    relink()  # nothing changed since: no further link
    assert relinked.count() == rows


@on_postgresql
def test_a_row_altered_after_the_relink_is_still_named(added_column):
    relink()
    row = OrganFunction.history.model.objects.order_by("history_id").first()
    execute(f"ALTER TABLE {ORGAN} DISABLE TRIGGER USER")
    execute(f"UPDATE {ORGAN} SET history_change_reason = 'nothing to see' WHERE history_id = %s", [row.pk])
    execute(f"ALTER TABLE {ORGAN} ENABLE TRIGGER USER")
    assert kinds() == {(ORGAN, verification.ALTERED)}
