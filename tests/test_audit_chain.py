"""The hash chain of the audit trail (PostgreSQL): written at commit for every
history, log, signature and attempt row, and verify_audit names each way of
altering the trail below the application: a row changed or deleted with the
triggers disabled, a back-dated row, a row slipped in unchained, a link rewritten
or removed, a chain rebuilt after the anchors were written."""

import io
import threading
import types

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from screening.audit import protection, verification
from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import AccessEvent, ChainLink, LabResult, OrganFunction, Signature, SignatureAttempt
from screening.models.chain import is_append_only, time_column
from screening.signatures import signing

from .factories import PASSWORD

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain is PostgreSQL only")

ORGAN = OrganFunction.history.model._meta.db_table
LABS = LabResult.history.model._meta.db_table


def execute(sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def findings(**kwargs):
    """{(stream, kind): Finding} of a verification."""
    return {(s.table, f.kind): f for s in verification.verify(**kwargs) for f in s.findings}


def copy_row_sql(model, **override):
    """INSERT … SELECT of a copy of one history row (a new history_id), with `override`."""
    columns = [f.column for f in model._meta.concrete_fields if f.column != model._meta.pk.column]
    values = [override.get(c, c) for c in columns]
    return (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s")


@pytest.fixture
def worked(transactional_db, site_a, coordinator, investigator):
    """A record entered through the forms, signed, then changed (the signature invalidated):
    every kind of stream has links, the signature's stream an invalidation."""
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    signing.sign(record, investigator, PASSWORD, "eligible", evaluate_record(record).digest)
    lab = LabResult.objects.filter(record=record, analyte="hb").first()
    from screening.crf.recording import save_with_audit

    lab.value = 75
    with transaction.atomic():
        save_with_audit(lab, coordinator, "Transcription error")
        signing.invalidate_stale(record, evaluate_record(record).digest, signing.describe_change)
    assert Signature.objects.get().invalidated_at is not None
    return record


@on_postgresql
def test_every_row_of_the_trail_is_chained_and_the_chain_verifies(worked):
    report = {s.table: s for s in verification.verify()}
    assert all(s.ok for s in report.values()), [(s.table, s.findings) for s in report.values() if not s.ok]
    for model in (LabResult.history.model, OrganFunction.history.model, Signature, SignatureAttempt, AccessEvent):
        table = model._meta.db_table
        assert report[table].links == model.objects.count() + (table == Signature._meta.db_table) > 0
    # The invalidation is a link of its own, after the signature's.
    assert list(ChainLink.objects.filter(stream=Signature._meta.db_table).values_list("op", flat=True)
                .order_by("seq")) == ["I", "U"]


@on_postgresql
def test_every_append_only_model_has_its_chain_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = 'trialsite_chain' AND NOT t.tgisinternal")
        chained = {row[0] for row in cursor.fetchall()}
    from django.apps import apps

    wanted = {m._meta.db_table for m in apps.get_models() if is_append_only(m)}
    assert wanted >= {Signature._meta.db_table, SignatureAttempt._meta.db_table, ORGAN, LABS}
    assert wanted <= chained


def test_every_model_is_either_append_only_or_known_to_change():
    """A new model must be put on one side: append-only and chained (`append_only = True`,
    or a history model), or changed by the application. A log added as a plain model
    would otherwise be left out of the trail's protection."""
    from django.apps import apps

    from screening.crf.sections import CRF_MODELS
    from screening.models import EligibilityState, ImportFile, ImportRun, Query, Site, SiteMembership, UserLanguage

    # An import run's progress and state change while it runs; its file is stored once, kept for re-runs.
    # A query's state changes (each step is an append-only QueryStep).
    # A user's interface language is theirs to change (not part of the trail).
    changed_by_the_app = {*CRF_MODELS, Site, SiteMembership, EligibilityState, ChainLink, ImportRun, ImportFile,
                          Query, UserLanguage}
    for model in apps.get_app_config("screening").get_models():
        assert is_append_only(model) != (model in changed_by_the_app), model


@on_postgresql
def test_a_row_altered_with_the_triggers_disabled_is_named(worked):
    row = OrganFunction.history.model.objects.order_by("history_id").first()
    execute(f"ALTER TABLE {ORGAN} DISABLE TRIGGER USER")
    execute(f"UPDATE {ORGAN} SET history_change_reason = 'nothing to see' WHERE history_id = %s", [row.pk])
    execute(f"ALTER TABLE {ORGAN} ENABLE TRIGGER USER")
    found = findings()
    altered = found[ORGAN, verification.ALTERED]
    assert altered.row_key == str(row.pk) and f"history_id={row.pk}" in altered.text
    assert {kind for stream, kind in found} == {verification.ALTERED}


@on_postgresql
def test_a_change_the_chain_saw_is_named_even_when_the_content_matches(worked):
    """The owner disabled only the append-only trigger: the chain's trigger recorded the change."""
    row = OrganFunction.history.model.objects.order_by("history_id").first()
    execute(f"ALTER TABLE {ORGAN} DISABLE TRIGGER trialsite_append_only")
    execute(f"UPDATE {ORGAN} SET history_change_reason = 'nothing to see' WHERE history_id = %s", [row.pk])
    execute(f"ALTER TABLE {ORGAN} ENABLE TRIGGER trialsite_append_only")
    changed = findings()[ORGAN, verification.CHANGED]
    assert changed.row_key == str(row.pk) and "changed after it was written" in changed.text


@on_postgresql
def test_a_deleted_row_is_named(worked):
    row = LabResult.history.model.objects.order_by("history_id")[3]
    execute(f"ALTER TABLE {LABS} DISABLE TRIGGER USER")
    execute(f"DELETE FROM {LABS} WHERE history_id = %s", [row.pk])
    execute(f"ALTER TABLE {LABS} ENABLE TRIGGER USER")
    deleted = findings()[LABS, verification.DELETED]
    assert deleted.row_key == str(row.pk) and "is gone" in deleted.text


@on_postgresql
def test_a_back_dated_row_is_named(worked):
    """Inserted with every trigger on, so chained, but dated a month before it was written."""
    History = OrganFunction.history.model
    first = History.objects.order_by("history_id").first()
    execute(copy_row_sql(History, history_date="history_date - interval '30 days'",
                         history_change_reason="'Entered on paper last month'"), [first.pk])
    forged = History.objects.get(history_change_reason="Entered on paper last month")
    backdated = findings()[ORGAN, verification.BACKDATED]
    assert backdated.row_key == str(forged.pk) and "back-dated" in backdated.text


@on_postgresql
def test_a_row_slipped_in_without_the_chain_is_named(worked):
    """session_replication_role = replica (a superuser's) silences every trigger."""
    History = OrganFunction.history.model
    first = History.objects.order_by("history_id").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(copy_row_sql(History, history_change_reason="'slipped in'"), [first.pk])
    forged = History.objects.get(history_change_reason="slipped in")
    unchained = findings()[ORGAN, verification.UNCHAINED]
    assert unchained.row_key == str(forged.pk) and "has no link" in unchained.text


@on_postgresql
def test_a_rewritten_link_and_a_removed_link_are_named(worked):
    links = ChainLink._meta.db_table
    execute(f"ALTER TABLE {links} DISABLE TRIGGER USER")
    execute(f"UPDATE {links} SET digest = repeat('0', 64) WHERE stream = %s AND seq = 2", [LABS])
    execute(f"DELETE FROM {links} WHERE stream = %s AND seq IN (5, 6)", [LABS])
    execute(f"ALTER TABLE {links} ENABLE TRIGGER USER")
    found = findings()
    assert found[LABS, verification.LINK_BROKEN].seq == 2
    missing = found[LABS, verification.LINKS_MISSING]
    assert missing.seq == 7 and "link #5–#6 missing" in missing.text


def rebuild_stream(table):
    """What an owner who knows the algorithm does after altering a row: every digest
    and hash of the stream recomputed, so the chain is consistent again."""
    links = ChainLink._meta.db_table
    execute(f"ALTER TABLE {links} DISABLE TRIGGER USER")
    execute(f"""
        DO $$ DECLARE l record; h text; d text; BEGIN
          FOR l IN SELECT * FROM {links} WHERE stream = '{table}' ORDER BY seq LOOP
            SELECT trialsite_row_digest(t) INTO d FROM {table} t WHERE t.history_id::text = l.row_key;
            h := trialsite_link_hash(h, l.stream, l.seq, l.op, l.row_key, d, l.written_at);
            UPDATE {links} SET digest = d, hash = h WHERE id = l.id;
          END LOOP;
        END $$""")
    execute(f"ALTER TABLE {links} ENABLE TRIGGER USER")


@on_postgresql
def test_a_rebuilt_chain_does_not_match_the_anchor(worked, tmp_path):
    anchors = tmp_path / "anchors.log"
    with override_settings(AUDIT_ANCHOR_FILE=str(anchors)):
        call_command("anchor_audit", stdout=io.StringIO())
        assert verification.read_anchors()[0]["heads"][LABS]["seq"] > 1
        row = LabResult.history.model.objects.order_by("history_id").first()
        execute(f"ALTER TABLE {LABS} DISABLE TRIGGER USER")
        execute(f"UPDATE {LABS} SET value = 140 WHERE history_id = %s", [row.pk])
        execute(f"ALTER TABLE {LABS} ENABLE TRIGGER USER")
        rebuild_stream(LABS)
        assert findings() == {}  # consistent again: only the anchor can tell
        found = findings(anchors=verification.read_anchors())
    assert set(found) == {(LABS, verification.ANCHOR)}
    assert "the chain was rebuilt or cut" in found[LABS, verification.ANCHOR].text


@on_postgresql
def test_a_cut_tail_is_revealed_by_the_anchor(worked, tmp_path):
    """The last row and its link both deleted: nothing in the database says so."""
    anchors = verification.write_anchor(verification.anchor_record(), tmp_path / "anchors.log")
    last = OrganFunction.history.model.objects.order_by("history_id").last()
    links = ChainLink._meta.db_table
    for table in (ORGAN, links):
        execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    execute(f"DELETE FROM {ORGAN} WHERE history_id = %s", [last.pk])
    execute(f"DELETE FROM {links} WHERE stream = %s AND row_key = %s", [ORGAN, str(last.pk)])
    for table in (ORGAN, links):
        execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    assert findings() == {}
    anchor = findings(anchors=verification.read_anchors(anchors))[ORGAN, verification.ANCHOR]
    assert "is missing" in anchor.text


@on_postgresql
def test_verify_audit_names_the_stream_and_exits_1(worked, tmp_path):
    out = io.StringIO()
    call_command("verify_audit", "--anchors", str(tmp_path / "none.log"), stdout=out)
    assert "Every stream intact" in out.getvalue()
    row = LabResult.history.model.objects.order_by("history_id").first()
    execute(f"ALTER TABLE {LABS} DISABLE TRIGGER USER")
    execute(f"DELETE FROM {LABS} WHERE history_id = %s", [row.pk])
    execute(f"ALTER TABLE {LABS} ENABLE TRIGGER USER")
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit", "--no-anchors", "--quiet", stdout=out)
    assert refused.value.returncode == 1
    text = out.getvalue()
    assert f"BROKEN  {LABS}" in text and f"deleted: row history_id={row.pk} is gone" in text
    assert ORGAN not in text  # --quiet: intact streams are not listed


@on_postgresql
def test_concurrent_writers_leave_one_chain_without_gaps(transactional_db, coordinator):
    """Two connections committing interleaved transactions: the links follow commit order."""
    def write(n):
        try:
            for i in range(15):
                with transaction.atomic():
                    AccessEvent.objects.create(kind=AccessEvent.LOGIN, username=f"writer{n}-{i}")
                    AccessEvent.objects.create(kind=AccessEvent.LOGOUT, username=f"writer{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stream = next(s for s in verification.verify() if s.table == AccessEvent._meta.db_table)
    assert stream.ok and stream.links == AccessEvent.objects.count() >= 60


@on_postgresql
def test_a_table_chained_for_the_first_time_links_the_rows_it_holds(worked):
    """A database migrated before the chain existed: its rows are linked when it is installed."""
    links = ChainLink._meta.db_table
    execute(f"DROP TRIGGER trialsite_chain ON {ORGAN}")
    execute(f"ALTER TABLE {links} DISABLE TRIGGER USER")
    execute(f"DELETE FROM {links} WHERE stream = %s", [ORGAN])
    execute(f"ALTER TABLE {links} ENABLE TRIGGER USER")
    assert findings()[ORGAN, verification.UNCHAINED]
    protection.install()
    assert findings() == {}
    assert ChainLink.objects.filter(stream=ORGAN).count() == OrganFunction.history.model.objects.count()


@on_postgresql
def test_the_anchor_file_is_evidence_a_bad_line_is_refused(tmp_path):
    anchors = tmp_path / "anchors.log"
    anchors.write_text('{"anchored_at": "2026-12-01T00:00:00+00:00", "heads": {}}\nnot json\n')
    with pytest.raises(ValueError, match="line 2: not an anchor"):
        verification.read_anchors(anchors)


def test_without_postgresql_verify_audit_says_there_is_no_chain():
    with pytest.raises(verification.ChainUnavailable, match="PostgreSQL only; this database is sqlite"):
        verification.require_chain(types.SimpleNamespace(vendor="sqlite"))


# ---------------------------------------------------------------- signatures and attempts: append-only


@pytest.fixture
def signed(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    return signing.sign(record, investigator, PASSWORD, "eligible", evaluate_record(record).digest)


def refused(sql, params=None):
    with pytest.raises(DatabaseError, match="append-only"):
        execute(sql, params)


@on_postgresql
def test_a_signature_is_invalidated_once_and_nothing_else_changes(signed):
    table = Signature._meta.db_table
    refused(f"UPDATE {table} SET meaning = 'screen_failure' WHERE id = %s", [signed.pk])
    refused(f"UPDATE {table} SET snapshot_hash = repeat('0', 64) WHERE id = %s", [signed.pk])
    refused(f"UPDATE {table} SET invalidated_by = 'early' WHERE id = %s", [signed.pk])  # without invalidating
    refused(f"UPDATE {table} SET invalidated_at = now(), meaning = 'screen_failure' WHERE id = %s", [signed.pk])
    signed.invalidated_at, signed.invalidated_by = timezone.now(), "Lab results changed"
    signed.save(update_fields=["invalidated_at", "invalidated_by"])  # what signing.invalidate_stale does
    refused(f"UPDATE {table} SET invalidated_at = NULL WHERE id = %s", [signed.pk])  # restored
    refused(f"UPDATE {table} SET invalidated_by = 'another change' WHERE id = %s", [signed.pk])
    refused(f"UPDATE {table} SET invalidated_at = now() WHERE id = %s", [signed.pk])  # a second invalidation
    refused(f"DELETE FROM {table} WHERE id = %s", [signed.pk])
    signed.refresh_from_db()
    assert signed.invalidated_by == "Lab results changed" and signed.meaning == "eligible"


@on_postgresql
@pytest.mark.parametrize("statement", ["UPDATE {table} SET outcome = 'signed', success = true", "DELETE FROM {table}"])
def test_a_signature_attempt_is_never_changed_or_deleted(signed, statement):
    refused(statement.format(table=SignatureAttempt._meta.db_table))
    assert SignatureAttempt.objects.get().success


@on_postgresql
def test_the_chain_itself_is_append_only(worked):
    refused(f"UPDATE {ChainLink._meta.db_table} SET hash = digest")
    refused(f"DELETE FROM {ChainLink._meta.db_table}")


def test_the_time_of_a_row_is_the_date_and_time_it_is_ordered_by():
    """What verify_audit compares with the start of the transaction that wrote the row."""
    assert time_column(OrganFunction.history.model) == "history_date"
    assert time_column(Signature) == "signed_at"
    assert time_column(AccessEvent) == "at"


# ---------------------------------------------------------------- the page of the heads


@on_postgresql
def test_site_administrators_see_each_head_and_whether_the_last_anchor_holds(worked, client, make_user, site_a,
                                                                            tmp_path):
    from django.urls import reverse

    from screening.models.sites import SITE_ADMIN

    client.force_login(make_user(SITE_ADMIN, site_a))
    with override_settings(AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.log")):
        assert "No anchor in" in client.get(reverse("audit_chain")).content.decode()
        call_command("anchor_audit", stdout=io.StringIO())
        head = ChainLink.objects.filter(stream=LABS).order_by("-seq").first()
        body = client.get(reverse("audit_chain")).content.decode()
        row = body[body.index(f'data-stream="{LABS}"'):]
        row = row[:row.index("</tr>")]
        assert head.hash in row and f"link {head.seq}: matches" in row
        first = LabResult.history.model.objects.order_by("history_id").first()
        execute(f"ALTER TABLE {LABS} DISABLE TRIGGER USER")
        execute(f"UPDATE {LABS} SET value = 140 WHERE history_id = %s", [first.pk])
        execute(f"ALTER TABLE {LABS} ENABLE TRIGGER USER")
        rebuild_stream(LABS)
        body = client.get(reverse("audit_chain")).content.decode()
    row = body[body.index(f'data-stream="{LABS}"'):]
    assert "does not match: the chain was rebuilt or cut" in row[:row.index("</tr>")]
    assert body.count("does not match") == 1


def test_without_postgresql_the_page_says_there_is_no_chain(client, make_user, site_a, monkeypatch):
    from django.urls import reverse

    from screening.audit import chain_views
    from screening.models.sites import SITE_ADMIN

    monkeypatch.setattr(chain_views, "connection", types.SimpleNamespace(vendor="sqlite"))
    client.force_login(make_user(SITE_ADMIN, site_a))
    body = client.get(reverse("audit_chain")).content.decode()
    assert 'data-testid="chain-unavailable"' in body and "PostgreSQL only" in body
