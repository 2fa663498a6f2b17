"""Throughput of the filtered exports (issue 19): rows per second of the CSV and JSON writers.

Runs in-process (no web server), against the database of ``DATABASE_URL``: for each filter it
builds the FilterSet the export view builds, drains ``csv_rows`` or ``json_chunks`` into
memory, and prints rows, seconds and rows per second, with the load average beside them (the
machine is shared: compare figures of one run, not across runs). Run by hand, not in CI::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/busan_bench DJANGO_DEBUG=0 \\
        DJANGO_SECRET_KEY=x .venv/bin/python benchmarks/exports.py [--repeat 3] [--language ko]

"every project" measures the same writers over the unfiltered queryset (what builds the full
export's file). ``--formats xlsx`` measures the spreadsheet view (not streamed: openpyxl writes
the workbook first). A database copied with ``createdb -T`` has no planner statistics until it
is analysed: run ``ANALYZE`` on it first, or the chunk queries fall back to sequential scans.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "busanportal.settings")

FILTERS = ["sector=it", "year=2016", "status=not-stated", "q=robot", ""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per export (the median)")
    parser.add_argument("--language", default="en", choices=["en", "ko"])
    parser.add_argument("--formats", default="csv,json", help="comma-separated: csv,json,xlsx")
    parser.add_argument("--chunk-size", type=int, help="rows per chunk (default: the export's)")
    parser.add_argument("filters", nargs="*", default=FILTERS)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.utils import translation

    from projects import export

    if args.chunk_size:
        export.CHUNK_SIZE = args.chunk_size

    def request_for(query):
        prefix = "/ko" if args.language == "ko" else ""
        request = RequestFactory(HTTP_HOST="localhost").get(f"{prefix}/projects/export.csv?{query}")
        request.LANGUAGE_CODE = args.language
        return request

    def drain(kind, query):
        """(rows, bytes) of one export of ``query``."""
        request = request_for(query)
        with translation.override(args.language):
            filterset = export.ProjectFilterSet(
                QueryDict(query), queryset=export.api_projects(), request=request
            )
            assert filterset.is_valid(), filterset.errors
            queryset = filterset.qs
            if kind == "xlsx":  # built whole by the view (openpyxl), then sent from a file
                response = export.export_xlsx(request)
                assert response.status_code == 200, response.status_code
                return queryset.count(), sum(len(chunk) for chunk in response.streaming_content)
            writer = {"csv": export.csv_rows, "json": export.json_chunks}[kind]
            # Each chunk is dropped once counted, as a response sends it on: the body is never
            # held whole, so the peak memory is the writer's.
            size = sum(len(chunk) for chunk in writer(queryset, request, args.language))
            return queryset.count(), size

    setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"language: {args.language}; median of {args.repeat}; chunks of {export.CHUNK_SIZE}")
    print()
    # rows/s is against the wall clock (the database's time included); "Python rows/s" against
    # this process's CPU time only, which another process's load disturbs less.
    print("| export | filter | rows | seconds | rows/s | Python rows/s | MB | load average |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for kind in args.formats.split(","):
        for query in args.filters:
            times, cpu = [], []
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                rows, size = drain(kind, query)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            seconds = statistics.median(times)
            cpu_seconds = statistics.median(cpu)
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"| {kind} | {query or 'every project'} | {rows:,} | {seconds:.2f} | "
                f"{rows / seconds:,.0f} | {rows / cpu_seconds:,.0f} | {size / 1e6:.1f} | {load} |",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MiB (after setup: {setup_rss:.0f} MiB)")


if __name__ == "__main__":
    main()
