"""Production settings pass `manage.py check --deploy` with nothing to report."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_check({
        "DEBUG": "False",
        "SECRET_KEY": "x" * 30 + "a-production-secret-key-with-enough-entropy-" + "y" * 20,
        "ALLOWED_HOSTS": "trialsite.example.org",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"DEBUG": "False", "ALLOWED_HOSTS": "trialsite.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_must_be_spelled_true_or_false():
    result = run_check({"DEBUG": "yes"})
    assert result.returncode != 0
    assert "DEBUG must be True or False" in result.stderr


def database_options(extra_env):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    env.update(extra_env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "trialsite.settings"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries():
    url = "postgres://postgres@127.0.0.1:5432/test"
    assert database_options({"DATABASE_URL": url}) == "{'server_side_binding': True, 'prepare_threshold': 5}"
    # Behind a pooler in transaction mode they must be off: one switch does it.
    assert database_options({"DATABASE_URL": url, "DATABASE_PREPARED_STATEMENTS": "False"}) in ("{}", "None")
    # SQLite (`make run`: pages and the import worker on one file) takes its write lock when a transaction begins.
    assert database_options({"DATABASE_URL": "sqlite:///tmp.sqlite3"}) == (
        "{'transaction_mode': 'IMMEDIATE', 'timeout': 20, 'init_command': 'PRAGMA journal_mode=WAL;'}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection option")
def test_the_connection_in_use_prepares_statements_on_postgresql(db):
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    assert type(connection.connection.cursor()).__name__ == "ServerBindingCursor"
