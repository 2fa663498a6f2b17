"""The read replica for real: a PostgreSQL streaming replica (``pg_basebackup -R``) of the primary.

tests/test_routers.py checks the routing decisions with two aliases on one database; here the
replica is a second server that really lags and really stops. Replay is paused with
``pg_wal_replay_pause()`` to make the lag as long as a test needs: what the replica serves is then
visibly older than the primary.
"""

import hashlib
import time

import pytest

from tests.fault.conftest import REPLICA_LAG_SECONDS, FaultRow, record
from tests.fault.probes import assert_never_broken, everything, probe, slowest, status_summary
from tests.fault.services import fetch, wait_until

pytestmark = pytest.mark.fault

SLUG = "offshore-wind-farm"


def set_title(site, title: str) -> str:
    """Save a project's title as the admin does (history, page-cache version); the old one."""
    return site.shell(
        "from projects.models import Project; "
        f"p = Project.objects.get(slug='{SLUG}'); print(p.title_en); "
        f"p.title_en = {title!r}; p.save()"
    )


def title_seen(site, path: str, headers: dict | None = None) -> str:
    return fetch(site.url + path, headers).body.decode()


@pytest.fixture
def paused(replica):
    replica.sql("SELECT pg_wal_replay_pause()")
    yield replica
    replica.sql("SELECT pg_wal_replay_resume()")


@pytest.fixture
def new_title(replica_site):
    title = f"Replica check {time.monotonic_ns()}"
    yield title
    # Put the original back (read from the history of the first save).
    replica_site.shell(
        "from projects.models import Project; "
        f"p = Project.objects.get(slug='{SLUG}'); "
        "p.title_en = p.history.order_by('history_id').first().title_en; p.save()"
    )


def test_anonymous_reads_use_the_replica_officials_and_writes_the_primary(
    replica_site, paused, new_title, nonce
):
    set_title(replica_site, new_title)
    page = f"/projects/{SLUG}/?_={nonce}"
    api = f"/api/projects/{SLUG}/?_={nonce}"
    # The replica has not replayed the save: anonymous readers see the old title…
    assert new_title not in title_seen(replica_site, page)
    assert new_title not in title_seen(replica_site, api)
    # …a signed-in official reads the primary and sees the save at once.
    assert new_title in title_seen(replica_site, page, replica_site.official)
    changelist = f"/admin/projects/project/?q={SLUG}"
    assert new_title in title_seen(replica_site, changelist, replica_site.official)
    paused.sql("SELECT pg_wal_replay_resume()")
    resumed = time.monotonic()
    wait_until(lambda: new_title in title_seen(replica_site, f"{page}x"), timeout=10)
    record(
        FaultRow(
            "replica replay paused (real replica)",
            {"anonymous": "old title (replica)", "official": "new title (primary)"},
            0.0,
            time.monotonic() - resumed,
            "recovery: replay resumed until an uncached anonymous page showed the save",
        )
    )


def page_cache_ttl(site, redis_server, path: str) -> int:
    """The seconds Redis will keep the cached page (busanportal/cache.py's key, Django's prefix)."""
    parts = "\n".join(("http", f"127.0.0.1:{site.port}", "en", path, ""))
    key = f":1:page-cache::{hashlib.sha256(parts.encode()).hexdigest()}"
    return int(redis_server.command("-n", "1", "TTL", key))


def test_a_page_rendered_while_replay_is_paused_is_cached_only_for_the_lag(
    replica_site, redis_server, paused, new_title
):
    path = f"/projects/{SLUG}/"
    # The last change (another test's) must be older than the lag; a content version may run up
    # to a second ahead of the clock (two changes within a second still differ).
    time.sleep(REPLICA_LAG_SECONDS + 2)
    assert fetch(replica_site.url + path).status == 200  # cached long before the change: 600 s
    assert page_cache_ttl(replica_site, redis_server, path) > 500
    set_title(replica_site, new_title)  # the content version moves on

    stale = fetch(replica_site.url + path)  # rendered from the paused replica
    assert stale.headers["X-Cache"] == "MISS"
    assert new_title.encode() not in stale.body
    ttl = page_cache_ttl(replica_site, redis_server, path)
    assert 0 < ttl <= REPLICA_LAG_SECONDS
    assert fetch(replica_site.url + path).headers["X-Cache"] == "HIT"

    paused.sql("SELECT pg_wal_replay_resume()")
    resumed = time.monotonic()
    wait_until(lambda: new_title in title_seen(replica_site, path), timeout=15, interval=0.1)
    stale_for = time.monotonic() - resumed
    assert stale_for <= REPLICA_LAG_SECONDS + 1
    record(
        FaultRow(
            f"page cached during replica lag ({REPLICA_LAG_SECONDS} s setting)",
            {"stored TTL": f"{ttl} s (600 s otherwise)"},
            0.0,
            stale_for,
            "recovery: replay resumed until the cached page showed the save",
        )
    )


def replica_connections(replica) -> int:
    return int(
        replica.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'portal' "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
    )


def test_a_stopped_replica_sends_reads_to_the_primary(replica_site, replica, nonce):
    probe(replica_site, fresh=f"{nonce}a")
    assert replica_connections(replica) > 0  # the site reads the replica
    replica.stop("fast")
    try:
        answers = probe(replica_site, fresh=nonce)
        again = probe(replica_site, fresh=f"{nonce}b")
    finally:
        replica.start()
    back = time.monotonic()

    def reading_the_replica_again():
        probe_path = f"/projects/?_={time.monotonic_ns()}"
        assert fetch(replica_site.url + probe_path).status == 200
        return replica_connections(replica) > 0

    wait_until(reading_the_replica_again, timeout=30, interval=0.3)
    recovery = time.monotonic() - back

    both = {group: answers[group] + again[group] for group in answers}
    assert_never_broken(both)
    assert {a.status for a in everything(both)} == {200}, status_summary(both)
    record(
        FaultRow(
            "replica stopped",
            status_summary(both),
            slowest(both).seconds,
            recovery,
            "reads fall back to the primary; recovery: the site reads the replica again "
            "(retried every 5 s)",
        )
    )
    assert recovery < 15
