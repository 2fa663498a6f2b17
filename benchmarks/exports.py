"""Throughput of the filtered exports (issue 19): rows per second of the CSV and JSON writers.

Runs in-process (no web server), against the database of ``DATABASE_URL``: for each filter it
builds the FilterSet the export view builds, drains the export into memory, and prints rows,
seconds and rows per second, with the load average beside them (the machine is shared: compare
figures of one run, not across runs). Run by hand, not in CI::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/busan_bench DJANGO_DEBUG=0 \\
        DJANGO_SECRET_KEY=x DJANGO_EXPORT_DIR=/tmp/bench-exports \\
        .venv/bin/python benchmarks/exports.py [--repeat 3] [--language ko] [--paths copied]

Two paths (``--paths``): "written" drains ``csv_rows`` or ``json_chunks`` (every row built from
the database, the fallback); "copied" first builds the full files and their row indexes into
``PORTAL_EXPORT_DIR`` (timed: the build's seconds, the files' sizes) and then drains
``filtered_body``, the view's body: the filter's ids, the fingerprint, each row copied from the
file. "every project" measures the writers over the unfiltered queryset (what builds the full
export's file); on the copied path, the copy of every row. ``--formats xlsx`` measures the
spreadsheet view (not streamed: openpyxl writes the workbook first). A database copied with
``createdb -T`` has no planner statistics until it is analysed: run ``ANALYZE`` on it first, or
the chunk queries fall back to sequential scans.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from functools import partial
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
    parser.add_argument("--paths", default="written,copied", help="comma-separated: written,copied")
    parser.add_argument("filters", nargs="*", default=FILTERS)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.utils import translation

    from projects import export, export_files

    if args.chunk_size:
        export.CHUNK_SIZE = args.chunk_size

    def request_for(query):
        prefix = "/ko" if args.language == "ko" else ""
        request = RequestFactory(HTTP_HOST="localhost").get(f"{prefix}/projects/export.csv?{query}")
        request.LANGUAGE_CODE = args.language
        return request

    def drain(kind, query, path):
        """(bytes, the queryset) of one export of ``query`` by ``path`` ("written" or
        "copied"). Its rows are counted by the caller, outside the time measured."""
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
                return sum(len(chunk) for chunk in response.streaming_content), queryset
            if path == "copied":
                body = export.filtered_body(kind, queryset, request, args.language)
                # Not copied (a missing file) would measure the written path twice.
                assert isinstance(body, export_files.CopiedExport), "no current file"
            else:
                writer = {"csv": export.csv_rows, "json": export.json_chunks}[kind]
                body = writer(queryset, request, args.language)
            # Each chunk is dropped once counted, as a response sends it on: the body is never
            # held whole, so the peak memory is the writer's.
            return sum(len(chunk) for chunk in body), queryset

    def build_files():
        """Build the full files and their indexes (as ``build_exports`` does), timed."""
        request = request_for("")
        root = export.site_root(request)
        print("| full file | rows | seconds | rows/s | MB | index MB | load average |")
        print("|---|---:|---:|---:|---:|---:|---|")
        with translation.override(args.language):
            for kind in ("csv", "json"):
                path = export_files.export_path(kind, args.language, root)
                for stale in (path, export_files.index_path(path)):
                    stale.unlink(missing_ok=True)  # measure a build, not a file already there
                parts = {"csv": export.csv_parts, "json": export.json_parts}[kind]
                started = time.perf_counter()
                export_files.ensure_built(
                    path, partial(parts, export.api_projects(), request, args.language)
                )
                seconds = time.perf_counter() - started
                rows = export.api_projects().count()
                index = export_files.index_path(path).stat().st_size
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                print(
                    f"| {kind} with index | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | "
                    f"{path.stat().st_size / 1e6:.1f} | {index / 1e6:.2f} | {load} |",
                    flush=True,
                )
        print()

    setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    paths = args.paths.split(",")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"language: {args.language}; median of {args.repeat}; chunks of {export.CHUNK_SIZE}")
    print()
    if "copied" in paths:
        build_files()
    # rows/s is against the wall clock (the database's time included); "Python rows/s" against
    # this process's CPU time only, which another process's load disturbs less.
    print(
        "| export | path | filter | rows | seconds | rows/s | Python rows/s | MB | load average |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    runs = [(kind, path) for kind in args.formats.split(",") for path in paths]
    for kind, path in runs:
        if kind == "xlsx" and path == "copied":
            continue  # the spreadsheet is never copied
        for query in args.filters:
            times, cpu = [], []
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                size, queryset = drain(kind, query, path)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            rows = queryset.count()
            seconds = statistics.median(times)
            cpu_seconds = statistics.median(cpu)
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"| {kind} | {path} | {query or 'every project'} | {rows:,} | {seconds:.2f} | "
                f"{rows / seconds:,.0f} | {rows / cpu_seconds:,.0f} | {size / 1e6:.1f} | {load} |",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MiB (after setup: {setup_rss:.0f} MiB)")


if __name__ == "__main__":
    main()
