"""The fault suite's services: PostgreSQL primary and streaming replica, Redis, two sites.

Session-scoped, built once (about 20 s): a primary cluster with the Busan document loaded, a
streaming replica of it (``pg_basebackup -R``), a Redis, and two gunicorn sites with production
settings, one on the primary alone and one reading the replica. Each fault test breaks one part,
measures, repairs it and adds a row to the report that is printed at the end of the run (and
written as JSON to ``$FAULT_REPORT`` when set): docs/deployment.md quotes those figures.
"""

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fault.services import PostgresCluster, RedisServer, Site, site_environment, wait_until

DATABASE = "portal"
OFFICIAL = "official"
#: Short, so that the lag test is quick; production's default is 5 s.
REPLICA_LAG_SECONDS = 3

REPORT: list["FaultRow"] = []


@dataclass
class FaultRow:
    """One fault's figures: what was answered, how slowly, and how soon all was well again."""

    fault: str
    statuses: dict = field(default_factory=dict)  # group -> sorted "code×count" strings
    slowest: float = 0.0
    recovery: float | None = None
    note: str = ""


def record(row: FaultRow) -> FaultRow:
    REPORT.append(row)
    return row


def pytest_terminal_summary(terminalreporter):
    if not REPORT:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fault figures")
    write(f"{'fault':<36} {'slowest':>8} {'recovery':>9}  statuses")
    for row in REPORT:
        recovery = "-" if row.recovery is None else f"{row.recovery:.1f} s"
        statuses = "; ".join(f"{group}: {codes}" for group, codes in row.statuses.items())
        write(f"{row.fault:<36} {row.slowest:>6.2f} s {recovery:>9}  {statuses}")
        if row.note:
            write(f"{'':<57}{row.note}")
    if os.environ.get("FAULT_REPORT"):
        Path(os.environ["FAULT_REPORT"]).write_text(
            json.dumps([row.__dict__ for row in REPORT], indent=2, ensure_ascii=False)
        )


@pytest.fixture(scope="session")
def workdir():
    directory = Path(tempfile.mkdtemp(prefix="busanportal-fault-"))
    os.chmod(directory, 0o755)  # noqa: S103 - the postgres user must reach its data directories inside
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def primary(workdir):
    cluster = PostgresCluster(workdir / "primary").initdb().start()
    cluster.sql(f"CREATE DATABASE {DATABASE}")
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def redis_server(workdir):
    server = RedisServer(workdir / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def prepared(workdir, primary):
    """The primary migrated, loaded, with an official; static files collected once."""
    env = site_environment(workdir, DATABASE_URL=primary.url(DATABASE))
    site = Site(env=env, log=workdir / "prepare.log")
    site.manage("migrate", "--noinput", "-v0")
    site.manage("loaddata", "busan", "-v0")
    site.manage("collectstatic", "--noinput", "-v0")
    site.manage("createsuperuser", "--noinput", "--username", OFFICIAL, "--email", "o@example.org")
    return primary


@pytest.fixture(scope="session")
def replica(workdir, prepared):
    cluster = PostgresCluster(workdir / "replica").basebackup_of(prepared).start()
    wait_until(lambda: cluster.sql("SELECT pg_is_in_recovery()") == "t", timeout=30)
    yield cluster
    cluster.destroy()


def official_session(site: Site) -> dict:
    """A signed-in official's cookie, made the way the admin's sign-in makes one."""
    # The cookie's name is the deployment's (``__Host-sessionid`` where cookies are secure).
    cookie = site.shell(
        "from django.conf import settings; from django.contrib.auth.models import User; "
        "from django.test import Client; "
        f"c = Client(); c.force_login(User.objects.get(username='{OFFICIAL}')); "
        "name = settings.SESSION_COOKIE_NAME; print(f'{name}={c.cookies[name].value}')"
    )
    return {"Cookie": cookie}


def warm_up(site: Site):
    """Every worker has imported, compiled its templates and connected before anything is timed
    (a fresh worker's first requests are slower, whatever the fault)."""
    from tests.fault.probes import probe

    for round_ in range(3):
        probe(site, fresh=f"warm{round_}")


@pytest.fixture(scope="session")
def site(workdir, prepared, redis_server):
    """The production shape: gunicorn, PostgreSQL, Redis as the shared cache."""
    env = site_environment(workdir, DATABASE_URL=prepared.url(DATABASE), REDIS_URL=redis_server.url)
    server = Site(env=env, log=workdir / "site.log").start()
    server.official = official_session(server)
    warm_up(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def replica_site(workdir, prepared, replica, redis_server):
    """The same with a read replica (DATABASE_REPLICA_URL); its own Redis database."""
    env = site_environment(
        workdir,
        DATABASE_URL=prepared.url(DATABASE),
        DATABASE_REPLICA_URL=replica.url(DATABASE),
        REDIS_URL=redis_server.url.replace("/0", "/1"),
        DJANGO_REPLICA_LAG_SECONDS=str(REPLICA_LAG_SECONDS),
    )
    server = Site(env=env, log=workdir / "replica-site.log").start()
    server.official = official_session(server)
    warm_up(server)
    yield server
    server.stop()


@pytest.fixture
def nonce():
    """A query-string value no cached page has: the request reaches the view and the database."""
    return f"fault{time.monotonic_ns()}"
