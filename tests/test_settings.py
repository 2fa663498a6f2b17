"""Settings fail closed: no debug by default, no secret key fallback, no wildcard hosts."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_secret_key_production_settings_refuse_to_start():
    result = run_check()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "busanportal.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False"


def test_a_wildcard_allowed_host_is_refused():
    result = run_check(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "'*' is not allowed" in result.stderr


def test_with_a_secret_key_the_checks_pass():
    result = run_check(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_an_empty_database_url_means_the_default_sqlite_file():
    result = run_check(DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="")
    assert result.returncode == 0, result.stderr
