"""Side by side with Datasette 0.65 on the same 10,000 projects, in one run, caches off.

Datasette is a benchmark-only dependency: this script installs it into a virtual environment
of its own (``benchmarks/results/datasette-venv``; nothing in requirements.txt). It copies the
tables behind the project list from the PostgreSQL benchmark database that ``run.py`` built
(projects, their sector links, sectors, programs) into a SQLite file, serves that with Datasette
and this site with gunicorn (production settings, 2 sync workers sharing a Redis cache as in
production, the page cache off; the portfolio's counts kept, as after any change), and measures:

- first render, median of 10 uncached requests one at a time: our filtered list with its four
  facets (``/projects/?sector=it&year=2016``) against Datasette's fastest form of the same facet
  page (``_nosuggest=1``, 20 rows, facets on status, program and primary sector, filtered on
  published);
- the rate under 16 connections (wrk, 10 s each): our filtered list, unfiltered list and search
  against Datasette's default table page (with its facet suggestions).

    .venv/bin/python benchmarks/datasette_compare.py \\
        --postgres-url postgres://postgres@127.0.0.1:5432/busan_bench_10000
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402 (the benchmark's own helpers)
    RESULTS,
    Server,
    collect_static,
    free_port,
    get,
    log,
    production_env,
    with_nonce,
    wrk,
)

DATASETTE_VERSION = "0.65.5"
# PostgreSQL type OIDs -> SQLite column types: bool, int2, int4, int8; float4, float8, numeric.
SQLITE_TYPES = {16: "INTEGER", 21: "INTEGER", 23: "INTEGER", 20: "INTEGER"}
SQLITE_TYPES |= {700: "REAL", 701: "REAL", 1700: "REAL"}
VENV = RESULTS / "datasette-venv"
TABLES = ["projects_project", "projects_project_sectors", "sectors_sector", "projects_program"]
OURS = {
    "filtered list": "/projects/?sector=it&year=2016",
    "list": "/projects/",
    "search": "/projects/?q=robot",
}


def install_datasette():
    if not (VENV / "bin" / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run(
            [VENV / "bin" / "pip", "install", "-q", f"datasette=={DATASETTE_VERSION}"], check=True
        )


def copy_to_sqlite(postgres_url: str, path: Path):
    """The tables behind the list, row for row, into a fresh SQLite file, with the indexes a
    Datasette user would add for these facets."""
    import psycopg2

    path.unlink(missing_ok=True)
    target = sqlite3.connect(path)
    with psycopg2.connect(postgres_url) as source, source.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
            names = [column.name for column in cursor.description]
            # Typed columns: without an affinity SQLite compares a stored 1 with the '1' of a
            # Datasette filter as unequal, and the filtered page would be empty (it was, in the
            # first comparison: its 5 ms were an empty page).
            columns = ", ".join(
                f"{column.name} {SQLITE_TYPES.get(column.type_code, 'TEXT')}"
                for column in cursor.description
            )
            target.execute(f"CREATE TABLE {table} ({columns})")
            target.executemany(
                f"INSERT INTO {table} VALUES ({', '.join('?' * len(names))})",  # noqa: S608
                cursor.fetchall(),
            )
    for column in ("is_published", "current_status", "program_id", "primary_sector_id"):
        target.execute(f"CREATE INDEX project_{column} ON projects_project ({column})")
    target.commit()
    target.execute("ANALYZE")
    target.close()


def first_render(port: int, path: str, count: int = 10) -> dict:
    timings = []
    for _ in range(count):
        status, _, _, seconds = get(port, with_nonce(path))
        assert status == 200, (path, status)
        timings.append(seconds * 1000)
    return {"median_ms": statistics.median(timings), "max_ms": max(timings)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/busan_bench_10000"
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/14",
        help="the cache the workers share (its database is flushed), as production has: the "
        "portfolio's kept counts live there; '' for each worker's own memory",
    )
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    install_datasette()
    database = RESULTS / "bench.db"
    log(f"== copying the list's tables to {database}")
    copy_to_sqlite(args.postgres_url, database)
    static_root = RESULTS / "static"
    collect_static(static_root)

    if args.redis:
        subprocess.run(["redis-cli", "-u", args.redis, "FLUSHDB"], check=True, capture_output=True)
    env = production_env(args.postgres_url, static_root, args.redis or None)
    env["DJANGO_PAGE_CACHE_SECONDS"] = "0"  # the page cache off, as Datasette has none
    ours = Server(env, workers=2, threads=1)
    datasette_port = free_port()
    datasette = subprocess.Popen(
        [
            VENV / "bin" / "datasette",
            "serve",
            database,
            "--port",
            str(datasette_port),
            "--setting",
            "default_cache_ttl",
            "0",
            "--setting",
            "sql_time_limit_ms",
            "5000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    facet_page = (
        "/bench/projects_project?is_published=1&_facet=current_status&_facet=program_id"
        "&_facet=primary_sector_id&_nosuggest=1&_size=20"
    )
    default_page = "/bench/projects_project"
    result = {"load_before": os.getloadavg()}
    try:
        for _ in range(60):
            try:
                if get(datasette_port, "/-/versions.json")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        # The home page keeps the portfolio's counts and facet index, as every committed
        # change does in production (projects.selectors.recount_portfolio): the state a first
        # render after a change finds. The page cache stays off.
        for path in ["/", *OURS.values()]:
            get(ours.port, path)
        # The page measured must be the facet page itself, not an error: its JSON twin has
        # the three facets' counts and twenty rows.
        status, _headers, body, _seconds = get(
            datasette_port, facet_page.replace("projects_project?", "projects_project.json?")
        )
        answer = json.loads(body)
        assert status == 200, (status, body[:300])
        assert len(answer["rows"]) == 20, (answer["filtered_table_rows_count"], answer["query"])
        assert set(answer["facet_results"]) == {"current_status", "program_id", "primary_sector_id"}
        get(datasette_port, facet_page)
        result["first_render"] = {
            "ours filtered list": first_render(ours.port, OURS["filtered list"]),
            "datasette facet page (_nosuggest=1)": first_render(datasette_port, facet_page),
            "datasette default page": first_render(datasette_port, default_page),
        }
        result["rate"] = {}
        for label, path in OURS.items():
            log(f"   wrk: ours {label}")
            result["rate"][f"ours {label}"] = wrk(ours.port, path, args.duration, 16, 1)
        log("   wrk: datasette default page")
        result["rate"]["datasette default page"] = wrk(
            datasette_port, default_page, args.duration, 16, 1
        )
        result["load_after"] = os.getloadavg()
    finally:
        ours.stop()
        datasette.terminate()
        datasette.wait(timeout=30)

    first = result["first_render"]
    lines = [
        f"Load average {result['load_before'][0]:.1f} before, {result['load_after'][0]:.1f} after.",
        "",
        "| first render (median of 10, uncached) | ms | max ms |",
        "|---|---:|---:|",
        *(f"| {label} | {v['median_ms']:.0f} | {v['max_ms']:.0f} |" for label, v in first.items()),
        "",
        "| 16 connections, 10 s | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {label} | {v['rps']:.0f} | {v['p50_ms']:.0f} | {v['p99_ms']:.0f} | "
            f"{v['non_2xx'] + v['socket_errors']} |"
            for label, v in result["rate"].items()
        ),
    ]
    base = result["rate"]["datasette default page"]["rps"]
    theirs = first["datasette facet page (_nosuggest=1)"]["median_ms"]
    speedup = theirs / first["ours filtered list"]["median_ms"]
    lines += [
        "",
        "Our rate as a multiple of Datasette's default page: "
        + ", ".join(
            f"{label.removeprefix('ours ')} {v['rps'] / base:.1f} ×"
            for label, v in result["rate"].items()
            if label.startswith("ours")
        )
        + "; first render, ours against Datasette's `_nosuggest=1` facet page: "
        f"{speedup:.1f} × as fast.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
