"""Faults, one at a time, against the production shape (gunicorn, PostgreSQL, Redis).

For each: what every kind of public URL, the API, the exports and the admin answer while the part
is broken (200 from the database or the page cache where possible, otherwise a 503 with
Retry-After in the site's design, never a 500), how long the slowest request took (< 2.5 s), and
how soon after the repair the site was whole again, by itself. The figures go to the report
printed at the end of the run (tests/fault/conftest.py) and into docs/deployment.md.
"""

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.fault.conftest import FaultRow, record
from tests.fault.probes import (
    API,
    PAGES,
    assert_never_broken,
    everything,
    merge,
    probe,
    slowest,
    status_summary,
    with_fresh,
)
from tests.fault.services import HOST, Proxy, fetch, wait_until

pytestmark = pytest.mark.fault

SLOW_LIMIT = 2.5


def cache_hit(site, path="/projects/") -> bool:
    fetch(site.url + path)
    return fetch(site.url + path).headers.get("X-Cache") == "HIT"


def all_ok(answers) -> bool:
    return all(answer.status == 200 for answer in everything(answers))


def test_baseline_everything_answers_200(site, nonce):
    answers = merge(probe(site), probe(site, fresh=nonce))
    assert_never_broken(answers)
    assert status_summary(answers) == {
        "pages": f"200×{2 * len(PAGES)}",
        "api": f"200×{2 * len(API)}",
        "exports": "200×6",
        "admin": "200×8",
    }
    record(FaultRow("none (baseline)", status_summary(answers), slowest(answers).seconds))


def test_redis_stopped(site, redis_server, nonce):
    probe(site)  # the usual pages are in the cache…
    redis_server.stop()  # …and the cache is gone
    try:
        answers = merge(probe(site), probe(site, fresh=nonce))
        health = fetch(site.url + "/healthz")
    finally:
        redis_server.start()
    back = time.monotonic()
    wait_until(lambda: cache_hit(site), timeout=30)
    recovery = time.monotonic() - back

    assert_never_broken(answers)
    assert all_ok(answers), status_summary(answers)  # the API's rate limit fails open
    assert (health.status, health.body) == (503, b'{"database": "ok", "cache": "error"}')
    row = record(
        FaultRow(
            "Redis stopped",
            status_summary(answers),
            slowest(answers).seconds,
            recovery,
            "pages rendered without the cache; /healthz 503 (cache error); "
            "recovery: first page-cache hit after the restart",
        )
    )
    assert row.recovery < 10


def test_redis_answering_slowly(site, redis_server, nonce):
    """CLIENT PAUSE holds every command for 6 s: Redis accepts connections but does not answer,
    which is what an overloaded or swapping Redis looks like."""
    probe(site)
    redis_server.command("CLIENT", "PAUSE", "6000", "ALL")
    paused = time.monotonic()
    answers = merge(probe(site), probe(site, fresh=nonce))
    assert time.monotonic() - paused < 6, "the probe outlasted the pause"
    wait_until(lambda: time.monotonic() - paused > 6, timeout=10)
    back = time.monotonic()
    wait_until(lambda: cache_hit(site), timeout=30)
    recovery = time.monotonic() - back

    assert_never_broken(answers)
    assert all_ok(answers), status_summary(answers)
    record(
        FaultRow(
            "Redis slow (CLIENT PAUSE 6 s)",
            status_summary(answers),
            slowest(answers).seconds,
            recovery,
            "one 0.5 s socket timeout per worker, then Redis skipped for 2 s (circuit breaker)",
        )
    )
    assert recovery < 10


class Load:
    """Readers that keep asking while a fault happens; every answer is kept."""

    def __init__(self, site, threads: int = 4):
        self.site, self.answers, self.stopping = site, [], threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(threads)]

    def read(self, number):
        paths = PAGES + API
        position = number * 5
        while not self.stopping.is_set():
            position += 1
            self.answers.append(fetch(self.site.url + paths[position % len(paths)]))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


#: Pages rendered without a query once the portfolio's counts are kept (projects.selectors).
NEEDS_NO_DATABASE = {"/sectors/"}


def test_postgresql_stopped_and_started_again_under_load(site, prepared, nonce):
    probe(site)
    cached = {a.url for a in everything(probe(site)) if a.headers.get("X-Cache") == "HIT"}
    with Load(site) as load:
        time.sleep(1)
        prepared.stop("fast")
        try:
            time.sleep(0.5)
            during = merge(probe(site), probe(site, fresh=nonce))
            health = fetch(site.url + "/healthz")
        finally:
            prepared.start()
        back = time.monotonic()

        def whole_again():
            fresh = f"{nonce}-{time.monotonic_ns()}"
            return all_ok(
                {
                    "pages": [fetch(site.url + with_fresh("/projects/", fresh))],
                    "api": [fetch(site.url + with_fresh("/api/projects/", fresh))],
                    "admin": [fetch(site.url + "/admin/", site.official)],
                }
            )

        wait_until(whole_again, timeout=60, interval=0.2)
        recovery = time.monotonic() - back
        time.sleep(1)

    assert_never_broken(during)
    assert_never_broken({"load": load.answers})
    assert all_ok(probe(site))  # …and afterwards everything is as before
    assert health.status == 503
    # What was in the page cache did not notice the outage; pages that need the database said
    # 503 (the sign-in form and the API schema need none, and stayed 200).
    assert {a.status for a in everything(during) if a.url in cached} == {200}
    # The sector list is drawn from the portfolio's kept counts alone (no query: it stays 200).
    uncached = [a for a in during["pages"] if "_=" in a.url]
    assert {urlsplit(a.url).path for a in uncached if a.status == 200} <= NEEDS_NO_DATABASE
    assert {a.status for a in uncached if urlsplit(a.url).path not in NEEDS_NO_DATABASE} == {503}
    assert {a.status for a in during["admin"] if "login" not in a.url} == {503}  # signed in
    summary = status_summary(during)
    summary["load"] = status_summary({"load": load.answers})["load"]
    record(
        FaultRow(
            "PostgreSQL stopped, started under load",
            summary,
            max(slowest(during).seconds, max(a.seconds for a in load.answers)),
            recovery,
            f"{len(cached)} URLs in the page cache 200, the rest 503 + Retry-After (feeds, exports "
            f"and admin are never cached); load: {len(load.answers)} requests "
            "by 4 readers; recovery: uncached page, API and admin 200 after pg_ctl start",
        )
    )
    assert recovery < 10


def slow_client(port: int, stop: threading.Event, trickle: bool):
    """A client that connects and then sends its request a byte a second, or nothing at all."""
    with socket.create_connection((HOST, port), timeout=30) as conn:
        if trickle:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(1):
            if trickle:
                try:
                    conn.sendall(b"X")
                except OSError:
                    return


def test_a_full_queue_of_slow_clients_behind_the_proxy(site, workdir, nonce):
    """200 connections that never finish their request (half send nothing, half trickle a header
    a byte a second), far more than gunicorn's 2 workers × 2 threads. Neither worker class can
    hold them (a sync worker or a gthread thread blocks on each until the request is complete),
    so production has nginx in front (docs/deployment.md): with it, ordinary readers still get
    every page at once."""
    proxy = Proxy(workdir / "nginx", f"{HOST}:{site.port}", official=site.official).start()
    stop = threading.Event()
    clients = [
        threading.Thread(target=slow_client, args=(proxy.port, stop, number % 2 == 0))
        for number in range(200)
    ]
    try:
        for client in clients:
            client.start()
        time.sleep(2)
        answers = merge(probe(proxy), probe(proxy, fresh=nonce))
    finally:
        stop.set()
        for client in clients:
            client.join()
        proxy.stop()
    assert_never_broken(answers, limit=SLOW_LIMIT)
    assert all_ok(answers), status_summary(answers)
    record(
        FaultRow(
            "200 slow clients (nginx in front)",
            status_summary(answers),
            slowest(answers).seconds,
            None,
            "nginx holds the slow connections; gunicorn sees only complete requests",
        )
    )


# --- HTTP through gunicorn ------------------------------------------------------------------------


def raw_request(site, method: str, target: str) -> bytes:
    with socket.create_connection((HOST, site.port), timeout=10) as conn:
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        conn.sendall(head.encode())
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "OPTIONS"])
def test_other_methods_on_a_public_page_get_405_through_gunicorn(site, method):
    answer = raw_request(site, method, "/projects/")
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 405")
    assert "Allow: GET, HEAD" in head
    assert "Content-Security-Policy:" in head


def test_a_6000_byte_filter_url_gets_the_page_through_gunicorn(site):
    query = "&".join(f"sector={slug}" for slug in ["it", "robotics", "green-energy"] * 200)
    url = f"/projects/?{query}"[:6000]
    url = url[: url.rfind("&")]
    answer = fetch(site.url + url)
    assert len(url) > 5900
    assert answer.status == 200
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]


def test_a_request_line_over_gunicorns_limit_gets_gunicorns_own_414(site):
    """What the README now says: gunicorn refuses it before the application sees it, without the
    site's headers. A proxy in front (nginx: large_client_header_buffers) answers it first."""
    answer = raw_request(site, "GET", "/projects/?q=" + "x" * 9000)
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 414 URI Too Long")
    assert "Content-Security-Policy" not in head
