"""The restore drill: back up a database with edits and history, restore it into a fresh one, and
find the API output, the change log (the Atom feed of changes) and the audit history identical.

Both shapes: PostgreSQL (``pg_dump``/``pg_restore`` through ``manage.py backup``/``restore``) on
the fault suite's own cluster, and the embedded SQLite default (its online backup API).
Progress reports, once that model exists, are part of the history compared (every model of the
portfolio's apps, historical ones included, is in the dump compared).
"""

import json
import time

import pytest

from tests.fault.conftest import FaultRow, record
from tests.fault.services import Site, site_environment

pytestmark = pytest.mark.fault

EDITS = """
from django.contrib.auth.models import User
from projects.models import Project
official = User.objects.get(username="official")
for number, project in enumerate(Project.objects.published().order_by("slug")[:3]):
    for round_ in range(2):
        project.summary_en = f"Edited {round_} by the drill"
        project._history_user = official
        project.save()
"""

# Everything a reader or an auditor sees, from one process: the API's pages, the feed of changes,
# and the whole data of the portfolio's apps and accounts, history included.
SNAPSHOT = """
import io, json
from django.core.management import call_command
from django.test import Client
client = Client(headers={"host": "localhost"})
outputs = {}
for path in ["/api/projects/", "/api/projects/?lang=ko", "/api/sectors/", "/api/programs/",
             "/api/projects/offshore-wind-farm/", "/feeds/projects/"]:
    response = client.get(path)
    outputs[path] = [response.status_code, response.content.decode()]
dump = io.StringIO()
call_command("dumpdata", "projects", "sectors", "auth.user", "--indent", "0", stdout=dump)
history = json.loads(dump.getvalue())
# Rows in a fixed order: simple-history builds its many-to-many history models from a set, so
# the order of those models (and of dumpdata's output) changes with each process's hash seed.
history.sort(key=lambda row: (row["model"], json.dumps(row["pk"])))
outputs["dumpdata"] = json.dumps(history, ensure_ascii=False, sort_keys=True)
outputs["history rows"] = sum(
    1 for row in history if row["model"].split(".")[1].startswith("historical")
)
print(json.dumps(outputs))
"""


def snapshot(site: Site) -> dict:
    return json.loads(site.shell(SNAPSHOT))


def drill(source: Site, fresh: Site, backup_file) -> tuple[dict, dict, float]:
    source.shell(EDITS)
    before = snapshot(source)
    started = time.monotonic()
    source.manage("backup", str(backup_file))
    fresh.manage("restore", str(backup_file))
    seconds = time.monotonic() - started
    return before, snapshot(fresh), seconds


def assert_identical(before: dict, after: dict):
    assert before["history rows"] >= 6  # the drill's own edits, two per project
    for key, value in before.items():
        assert after[key] == value, key
        if isinstance(value, list):
            assert value[0] == 200, key


def test_postgresql_backup_restores_identically(workdir, prepared):
    env = site_environment(workdir, DATABASE_URL=prepared.url("portal"))
    source = Site(env, workdir / "b.log")
    prepared.sql("DROP DATABASE IF EXISTS restored")
    prepared.sql("CREATE DATABASE restored")
    fresh_env = site_environment(workdir, DATABASE_URL=prepared.url("restored"))
    fresh = Site(fresh_env, workdir / "r.log")
    before, after, seconds = drill(source, fresh, workdir / "portal.dump")
    assert_identical(before, after)
    record(
        FaultRow(
            "restore drill: PostgreSQL",
            {"API, feed, dumpdata": "identical", "history rows": str(after["history rows"])},
            seconds,
            None,
            "manage.py backup (pg_dump -Fc) + restore (pg_restore) into a fresh database",
        )
    )


def test_sqlite_backup_restores_identically(workdir, prepared):
    database = workdir / "embedded.sqlite3"
    env = site_environment(workdir, DATABASE_URL=f"sqlite:///{database}")
    source = Site(env, workdir / "s.log")
    source.manage("migrate", "--noinput", "-v0")
    source.manage("loaddata", "busan", "-v0")
    source.manage("createsuperuser", "--noinput", "--username", "official", "--email", "o@x.org")
    restored = workdir / "restored.sqlite3"
    fresh_env = site_environment(workdir, DATABASE_URL=f"sqlite:///{restored}")
    fresh = Site(fresh_env, workdir / "t.log")
    before, after, seconds = drill(source, fresh, workdir / "embedded.backup")
    assert_identical(before, after)
    record(
        FaultRow(
            "restore drill: SQLite",
            {"API, feed, dumpdata": "identical", "history rows": str(after["history rows"])},
            seconds,
            None,
            "manage.py backup (sqlite3 online backup) + restore into a fresh file",
        )
    )
