"""The two database roles (PostgreSQL): the owner migrates, the application role owns
nothing and may only what the site does. Connected as the application role, the site
saves a section, signs and imports; the ways around the trail's protection are refused.

Roles are cluster-wide: each run (each xdist worker) makes its own, uniquely named,
and drops them afterwards."""

import contextlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from screening.audit import protection, verification
from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import (
    AccessEvent,
    ChainLink,
    EligibilityStatusChange,
    LabResult,
    OrganFunction,
    ScreeningRecord,
    Signature,
    SignatureAttempt,
)
from screening.models.sites import SITE_ADMIN

from .factories import PASSWORD, minimal_import
from .imports import upload
from .pages import page_data

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")

ROOT = Path(__file__).resolve().parent.parent
HISTORY = LabResult.history.model._meta.db_table
SIGNATURES = Signature._meta.db_table
ATTEMPTS = SignatureAttempt._meta.db_table


def unique_roles():
    tag = uuid.uuid4().hex[:10]
    return f"trialsite_test_owner_{tag}", f"trialsite_test_app_{tag}"


def server(settings_dict, dbname=None, user=None):
    """A psycopg connection to the test server (trust authentication, as in CI)."""
    return psycopg.connect(
        dbname=dbname or settings_dict["NAME"], user=user or settings_dict["USER"] or "postgres",
        host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432, autocommit=True,
    )


def drop_roles(conn, *roles):
    for role in roles:
        conn.execute(f'DROP OWNED BY "{role}"')  # its privileges in this database
        conn.execute(f'DROP ROLE "{role}"')


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    """Both roles made by create_db_roles' SQL on the test database, and the application
    role granted what `migrate` grants it (the tables stay the test runner's here)."""
    owner, app = unique_roles()
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
        with server(settings_dict) as admin:
            admin.execute(protection.roles_sql(settings_dict["NAME"], owner, app))
            try:
                protection.grant(app)
                yield app
            finally:
                connections.close_all()
                drop_roles(admin, app, owner)


@pytest.fixture
def app_sql(app_role):
    """A raw connection as the application role."""
    with server(connection.settings_dict, user=app_role) as conn:
        yield conn


@contextlib.contextmanager
def site_connected_as(role):
    """Django's default connection replaced by one logged in as `role`, for the test client's requests."""
    original = connections["default"]
    wrapper = original.__class__({**original.settings_dict, "USER": role, "PASSWORD": ""}, "default")
    connections["default"] = wrapper
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role
        yield
    finally:
        wrapper.close()
        connections["default"] = original


def test_the_site_works_as_the_application_role(app_role, transactional_db, site_a, coordinator, investigator,
                                                make_user):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    admin = make_user(SITE_ADMIN, site_a)
    organ_versions = OrganFunction.history.filter(record_id=record.pk).count()
    with site_connected_as(app_role):
        browser = Client()
        browser.force_login(investigator)
        shown = browser.get(reverse("sign_record", args=[record.pk]))
        assert shown.status_code == 200
        signed = browser.post(reverse("sign_record", args=[record.pk]), {
            "meaning": "eligible", "password": PASSWORD, "snapshot_hash": evaluate_record(record).digest})
        assert signed.status_code == 302, signed.content.decode()[:2000]

        browser.force_login(coordinator)
        url = reverse("section_edit", args=[record.pk, "organ"])
        data = page_data(browser.get(url))
        data.update({"weight": "71", "reason-reason_choice": "Data entry error"})
        saved = browser.post(url, data)
        assert saved.status_code == 302, saved.content.decode()[:2000]

        browser.force_login(admin)
        imported = upload(browser, site_a, json.dumps({"records": [minimal_import()]}).encode(), "batch.json")
        assert imported.status_code == 200 and "created" in imported.content.decode()  # queued, run, its report

        report = verification.verify()  # the application role reads the chain
    assert OrganFunction.history.filter(record_id=record.pk).count() == organ_versions + 1
    signature = Signature.objects.get()
    assert signature.invalidated_at is not None  # the save invalidated it: an UPDATE the role may make
    assert ScreeningRecord.objects.count() == 2 and SignatureAttempt.objects.get().success
    assert all(s.ok for s in report), [(s.table, s.findings) for s in report if not s.ok]
    chained = set(ChainLink.objects.values_list("stream", flat=True).distinct())
    assert {SIGNATURES, ATTEMPTS, OrganFunction.history.model._meta.db_table, AccessEvent._meta.db_table,
            EligibilityStatusChange._meta.db_table} <= chained

    # The invalidated signature cannot be restored, even through the columns the role may update.
    with server(connection.settings_dict, user=app_role) as conn:
        with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
            conn.execute(f"UPDATE {SIGNATURES} SET invalidated_at = NULL, invalidated_by = ''")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"UPDATE {SIGNATURES} SET meaning = 'screen_failure'")


REFUSED = {
    "truncate history": f"TRUNCATE {HISTORY}",
    "truncate signatures": f"TRUNCATE {SIGNATURES}",
    "truncate the chain": f"TRUNCATE {ChainLink._meta.db_table}",
    "disable the trigger": f"ALTER TABLE {HISTORY} DISABLE TRIGGER trialsite_append_only",
    "disable the chain": f"ALTER TABLE {HISTORY} DISABLE TRIGGER trialsite_chain",
    "drop the trigger": f"DROP TRIGGER trialsite_append_only ON {HISTORY}",
    "replica role": "SET session_replication_role = replica",
    "update history": f"UPDATE {HISTORY} SET history_change_reason = 'rewritten'",
    "delete history": f"DELETE FROM {HISTORY}",
    "update a signature": f"UPDATE {SIGNATURES} SET meaning = 'screen_failure'",
    "delete a signature": f"DELETE FROM {SIGNATURES}",
    "update an attempt": f"UPDATE {ATTEMPTS} SET success = true",
    "delete an attempt": f"DELETE FROM {ATTEMPTS}",
    "write a link": f"INSERT INTO {ChainLink._meta.db_table} (stream, seq, op, row_key, digest, written_at, hash) "
                    "VALUES ('x', 1, 'I', '1', 'd', now(), 'h')",
    "alter a table": f"ALTER TABLE {HISTORY} ADD COLUMN note text",
    "add a trigger": f"CREATE TRIGGER quiet BEFORE INSERT ON {HISTORY} FOR EACH ROW "
                     "EXECUTE FUNCTION suppress_redundant_updates_trigger()",
    "create a table": "CREATE TABLE shadow (id int)",
    "update the migrations": "DELETE FROM django_migrations",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_application_role_cannot_get_around_the_trail(app_sql, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_sql.execute(statement)


def test_the_application_role_owns_nothing_and_gets_what_the_app_does(app_sql, app_role):
    owned = app_sql.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [app_role]
    ).fetchone()[0]
    assert owned == 0

    def may(table, privilege):
        return app_sql.execute("SELECT has_table_privilege(%s, %s)", [table, privilege]).fetchone()[0]

    assert may(HISTORY, "SELECT") and may(HISTORY, "INSERT") and not may(HISTORY, "UPDATE")
    assert not may(SIGNATURES, "UPDATE") and app_sql.execute(
        "SELECT has_column_privilege(%s, 'invalidated_at', 'UPDATE')", [SIGNATURES]).fetchone()[0]
    # What Django's own tables and the CRF need: sessions end, axes resets, users log in, sections change.
    for table in ("django_session", "axes_accessattempt", "auth_user", OrganFunction._meta.db_table):
        assert may(table, "UPDATE") and may(table, "DELETE"), table
    assert not any(may(t, "TRUNCATE") for t in ("django_session", OrganFunction._meta.db_table))


@pytest.mark.slow
def test_deploy_two_roles_migrate_as_the_owner_run_as_the_application(django_db_setup):
    """The README's deploy steps on a fresh database: create_db_roles, migrate as the owner
    (MIGRATE_DATABASE_URL), then the application role seeds the demo data and verifies
    the chain; a table a later migration creates gets the application's default grants."""
    settings_dict = connection.settings_dict
    owner, app = unique_roles()
    dbname = f"{settings_dict['NAME']}_deploy_{uuid.uuid4().hex[:6]}"[:63]
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    superuser = settings_dict["USER"] or "postgres"

    def url(user):
        return f"postgres://{user}@{host}:{port}/{dbname}"

    def manage(*args, **env):
        environment = {k: v for k, v in os.environ.items() if k != "MIGRATE_DATABASE_URL"}
        environment.update(env, DJANGO_SETTINGS_MODULE="trialsite.settings", DEBUG="True")
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    with server(settings_dict, dbname="postgres") as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    try:
        manage("create_db_roles", "--owner", owner, "--app", app, "--execute", DATABASE_URL=url(superuser))
        manage("migrate", "--noinput", DATABASE_URL=url(app), MIGRATE_DATABASE_URL=url(owner))
        with server(settings_dict, dbname=dbname) as check:
            owners = dict(check.execute(
                "SELECT r.rolname, count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' GROUP BY 1").fetchall())
            assert set(owners) == {owner}
            functions = {row[0] for row in check.execute(
                "SELECT r.rolname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
                "WHERE p.proname LIKE 'trialsite%%'").fetchall()}
            assert functions == {owner}
        manage("seed_demo", DATABASE_URL=url(app))
        out = manage("verify_audit", "--no-anchors", DATABASE_URL=url(app))
        assert "Every stream intact" in out
        with server(settings_dict, dbname=dbname, user=owner) as later:  # a table a later migration makes
            later.execute("CREATE TABLE screening_later (id bigint)")
            granted = later.execute("SELECT has_table_privilege(%s, 'screening_later', 'INSERT'), "
                                    "has_table_privilege(%s, 'screening_later', 'DELETE')", [app, app]).fetchone()
            assert granted == (True, False)
    finally:
        with server(settings_dict, dbname="postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')
