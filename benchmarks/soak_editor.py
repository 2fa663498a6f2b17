"""The official of the soak (benchmarks/soak.sh): saves a change every second, times its arrival.

Each second it changes one published project's English summary and saves it the way the admin
does (``Model.save()``: the history row, the page cache's content version moved on in Redis),
then asks the public page over HTTP every 20 ms until the new summary is there. Two figures per
save: ``visible`` is from the end of the save to the start of the first request that got the new
summary (how long the change takes to become public: the cache's content version moves on inside
the save, so this is the polling interval at most), ``seen`` to the end of that request (visible
plus one page load under the soak's load). When stopped (SIGTERM) it prints a summary line
``EDITOR saves=... visible_max_ms=... seen_p50_ms=...``.

Run with the server's environment (DATABASE_URL, REDIS_URL, DJANGO_*) and the base URL:
    python benchmarks/soak_editor.py http://127.0.0.1:8743
"""

import os
import signal
import statistics
import sys
import time
import urllib.request

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


def main(base_url: str):
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    projects = list(Project.objects.published().order_by("slug")[:5])
    visible, seen, late = [], [], 0
    number = 0
    while not stopping:
        started = time.monotonic()
        project = projects[number % len(projects)]
        number += 1
        marker = f"Soak edit {number} at {time.time():.3f}"
        project.refresh_from_db()
        project.summary_en = marker
        project.save()
        saved = time.monotonic()
        url = f"{base_url}/projects/{project.slug}/"
        while time.monotonic() - saved < GIVE_UP_SECONDS:
            asked = time.monotonic()
            if marker in fetch(url):
                visible.append(asked - saved)
                seen.append(time.monotonic() - saved)
                break
            time.sleep(0.02)
        else:
            late += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
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
