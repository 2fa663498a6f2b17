"""The SQL behind each public page, with its query plans: what to look at before adding an index.

Renders each page in-process with the page cache off, captures every query, and (on PostgreSQL)
runs ``EXPLAIN (ANALYZE, BUFFERS)`` on each. Prints, per page, the render time, the number of
queries and the time the database spent, then the plans; ``--summary`` prints only the first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/busan_bench DJANGO_DEBUG=0 \\
        DJANGO_SECRET_KEY=x DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_PAGE_CACHE_SECONDS=0 \\
        DJANGO_PLAIN_STATIC=1 .venv/bin/python benchmarks/explain.py
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "busanportal.settings")

PAGES = [
    "/",
    "/projects/",
    "/projects/?sector=it&year=2016",
    "/projects/?q=robot",
    "/projects/?q=해상풍력",
    "/projects/?sort=-start",
    "/projects/?sort=budget",
    "/projects/?sort=title",
    "/ko/projects/?sort=title",
    "/projects/?sort=updated",
    "/projects/?status=implementation&program=cloud-iot",
    "/projects/?year=undated",
    "/projects/?page=300",
    "/projects/offshore-wind-farm/",
    "/sectors/",
    "/sectors/it/",
    "/timeline/",
    "/timeline/?sector=green-energy",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="times and counts, no plans")
    parser.add_argument(
        "--slowest", action="store_true", help="only the plan of each page's slowest statement"
    )
    parser.add_argument("--repeat", type=int, default=5, help="renders per page for the median")
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.get("/")  # warm up imports, templates and the connection
    plans = []
    print(f"{'page':<48} {'ms median':>9} {'ms max':>7} {'queries':>7} {'SQL ms':>7}")
    for page in args.pages:
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(page)
                timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (page, response.status_code)
        sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        print(
            f"{page:<48} {statistics.median(timings):>9.1f} {max(timings):>7.1f} "
            f"{len(captured.captured_queries):>7} {sql_ms:>7.1f}"
        )
        plans.append((page, [query["sql"] for query in captured.captured_queries]))

    if args.summary or connection.vendor != "postgresql":
        return
    control = ("SAVEPOINT", "RELEASE", "SET ", "ROLLBACK")
    with connection.cursor() as cursor:
        for page, queries in plans:
            explained = []
            for sql in queries:
                if sql.startswith(control):
                    continue  # the facets' time limit (busanportal/deadline.py)
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                took = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
                explained.append((took, sql, plan))
            if args.slowest:
                explained = [max(explained)]
            print(f"\n{'=' * 100}\n{page}")
            for took, sql, plan in explained:
                print(f"\n-- {took:.1f} ms: {sql[:300]}{'…' if len(sql) > 300 else ''}\n{plan}")


if __name__ == "__main__":
    main()
