"""The official of the soak (benchmarks/soak.sh): saves a change every second, times its arrival.

Once a second it changes one published project's English summary and saves it the way the admin
does (``Model.save()``: the history row, the page cache's content version moved on in Redis), and
a watcher thread asks the public page over HTTP every 20 ms until the new summary is there. Two
figures per save: ``visible``, from the end of the save to the start of the first request that
got the new summary (how long the change takes to become public), and ``seen``, to the end of
that request (visible plus one page load under the soak's load). When stopped (SIGTERM) it
prints a summary line ``EDITOR saves=... visible_max_ms=... seen_p50_ms=...``.

Run with the server's environment (DATABASE_URL, REDIS_URL, DJANGO_*) and the base URL:
    python benchmarks/soak_editor.py http://127.0.0.1:8743
"""

import os
import signal
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "busanportal.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from projects.models import Project  # noqa: E402  (needs django.setup())

GIVE_UP_SECONDS = 10
stopping = False


def stop(*_):
    global stopping
    stopping = True


def fetch(url: str) -> str:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def watch(url: str, marker: str, saved: float) -> tuple[float, float] | None:
    """Ask the public page until the marker is there: (visible, seen) seconds, or None."""
    while time.monotonic() - saved < GIVE_UP_SECONDS:
        asked = time.monotonic()
        try:
            if marker in fetch(url):
                return asked - saved, time.monotonic() - saved
        except OSError:  # a page load slower than its timeout: ask again, until giving up
            pass
        time.sleep(0.02)
    return None


def main(base_url: str):
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Ten projects in turn: a project is saved again only after GIVE_UP_SECONDS, so a slow page
    # load cannot miss its marker because the next save replaced it.
    projects = list(Project.objects.published().order_by("slug")[:GIVE_UP_SECONDS])
    watchers = ThreadPoolExecutor(max_workers=2 * GIVE_UP_SECONDS)
    pending = []
    number = 0
    next_save = time.monotonic()
    while not stopping:
        project = projects[number % len(projects)]
        number += 1
        marker = f"Soak edit {number} at {time.time():.3f}"
        project.refresh_from_db()
        project.summary_en = marker
        project.save()
        saved = time.monotonic()
        url = f"{base_url}/projects/{project.slug}/"
        pending.append(watchers.submit(watch, url, marker, saved))
        # One save a second, whatever the page loads cost: the watchers run beside the saves.
        next_save += 1.0
        time.sleep(max(0.0, next_save - time.monotonic()))
    watchers.shutdown(wait=True)
    results = [future.result() for future in pending]
    seen = [result[1] for result in results if result]
    visible = [result[0] for result in results if result]
    late = sum(1 for result in results if result is None)
    if seen:

        def ms(values, share):
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

        print(
            f"EDITOR saves={number} seen={len(seen)} never_seen={late} "
            f"visible_p50_ms={statistics.median(visible) * 1000:.0f} "
            f"visible_max_ms={max(visible) * 1000:.0f} "
            f"seen_p50_ms={statistics.median(seen) * 1000:.0f} "
            f"seen_p99_ms={ms(seen, 0.99):.0f} seen_max_ms={max(seen) * 1000:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
