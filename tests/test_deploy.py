"""Production settings pass `manage.py check --deploy` with nothing to report."""

import os
import subprocess
import sys
from pathlib import Path

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
