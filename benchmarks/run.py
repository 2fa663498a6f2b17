"""The performance benchmark of issue 10: the public site at 10,000 projects, measured.

For each database (SQLite and PostgreSQL by default) this script

1. builds a separate benchmark database with N generated projects (``benchmarks/generate.py``;
   SQLite under ``benchmarks/results/``, PostgreSQL in ``busan_bench``) unless it already
   holds them, and refreshes the planner statistics;
2. serves the site with gunicorn on loopback with production settings (debug off, a generated
   secret key, hashed and compressed static files, 2 sync workers; only the HTTPS redirect is
   off, since wrk speaks plain HTTP, and the API's per-address rate limit is raised, since all
   requests come from one address) and waits for ``/healthz``;
3. measures each page with wrk for a fixed time (16 connections): requests per second and the
   50th and 99th percentile latency, beside a static file served by the same server in the same
   run (measured before every page and at the end; each page is compared with the runs just
   before and after it);
4. measures each page's first, uncached render (a fresh query parameter misses the page cache),
   the CSV export of every project (time, size, peak worker memory), the workers' memory after
   the run, the compressed weight of each page and of the site's CSS and JavaScript, and the
   caching headers of a hashed static file;
5. prints a table and writes it (Markdown and JSON) to ``benchmarks/results/``.

Usage (the benchmark is run by hand, not in CI)::

    .venv/bin/python benchmarks/run.py                       # both databases, 10,000 projects
    .venv/bin/python benchmarks/run.py --databases postgresql --duration 20
    .venv/bin/python benchmarks/run.py --redis redis://127.0.0.1:6379/14   # shared cache

Needs wrk (``apt-get install wrk``) and, for PostgreSQL, a server the ``postgres`` role can
create databases on (``--postgres-url``).
"""

import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

#: (label, path): the pages of the issue, in the order of its list.
PAGES = [
    ("home", "/"),
    ("list", "/projects/"),
    ("list ?sector=it&year=2016", "/projects/?sector=it&year=2016"),
    ("list ?q=robot", "/projects/?q=robot"),
    ("project page", "/projects/offshore-wind-farm/"),
    ("timeline", "/timeline/"),
    ("CSV export (all)", "/projects/export.csv"),
    ("API list", "/api/projects/"),
]
#: Further HTML pages whose first render and weight are measured (no wrk run).
MORE_HTML = [
    ("sectors", "/sectors/"),
    ("sector it", "/sectors/it/"),
    ("list ?q=해상풍력 (Korean)", "/ko/projects/?q=%ED%95%B4%EC%83%81%ED%92%8D%EB%A0%A5"),
    ("list ?sort=-start", "/projects/?sort=-start"),
    ("list ?sort=budget", "/projects/?sort=budget"),
    ("list ?sort=-budget page 400", "/projects/?sort=-budget&page=400"),
    ("list ?sector=it&program=cloud-iot", "/projects/?sector=it&program=cloud-iot"),
    ("list ?year=undated", "/projects/?year=undated"),
    ("list last page", "/projects/?page=500"),
    ("timeline ?sector=green-energy", "/timeline/?sector=green-energy"),
]
CSV_PATH = "/projects/export.csv"
#: Portfolio sizes measured, up to --projects (the issue's table).
SIZES = [1_000, 10_000, 100_000]
#: The issue's table: first render of these pages at each size.
ISSUE_PAGES = [
    ("home", "/"),
    ("list", "/projects/"),
    ("list ?sector=it&year=2016", "/projects/?sector=it&year=2016"),
    ("list ?q=robot", "/projects/?q=robot"),
    ("list ?sort=budget", "/projects/?sort=budget"),
    ("timeline", "/timeline/"),
]
HTML_LABELS = {label for label, path in PAGES if "export" not in path and "/api/" not in path}


# --- Helpers --------------------------------------------------------------------------------


def log(message: str):
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str, static_root: Path, redis_url: str | None) -> dict:
    """The environment of a production process; inherited DJANGO_* variables are dropped."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # The API's per-address rate limit would answer 429 to a load generator on one address.
        DJANGO_API_ANON_RATE="1000000000/day",
        DATABASE_URL=database_url,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def get(port: int, path: str, headers: dict | None = None):
    """GET over a fresh connection: (status, headers, body, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    # The Host header wrk sends, so that both fill and read the same page-cache entries.
    connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, dict(response.getheaders()), body, elapsed


def with_nonce(path: str) -> str:
    """The same page under a key the cache has never seen (the filters ignore the parameter)."""
    return f"{path}{'&' if '?' in path else '?'}nocache={uuid.uuid4().hex}"


def workers_of(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kib(pid: int) -> dict:
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1))
        for key in ("VmRSS", "VmHWM")
    }


def reset_peak_memory(pid: int):
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port: int, path: str, duration: int, connections: int, threads: int) -> dict:
    """One time-bounded wrk run: requests/s, p50, p99, errors."""
    url = f"http://127.0.0.1:{port}{path}"
    output = subprocess.run(
        [
            "wrk",
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={duration}s",
            "--timeout=30s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    distribution = output.partition("Latency Distribution")[2]
    percentiles = dict(re.findall(r"\b(50|99)%\s+([\d.]+(?:us|ms|s|m))", distribution))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"could not read wrk's output for {path}:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


# --- Databases ------------------------------------------------------------------------------


def prepare_database(kind: str, projects: int, postgres_url: str) -> str:
    """Create (or reuse) the benchmark database; return its URL."""
    if kind == "sqlite":
        url = f"sqlite:///{RESULTS / f'bench-{projects}.sqlite3'}"
    else:
        url = postgres_url
        parsed = urllib.parse.urlparse(postgres_url)
        admin = parsed._replace(path="/postgres").geturl()
        name = parsed.path.lstrip("/")
        exists = subprocess.run(
            ["psql", admin, "-Atc", "SELECT datname FROM pg_database"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if name not in exists:
            subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url,
    }
    log(f"== {kind}: migrate, load the document, generate {projects:,} projects ({url})")
    subprocess.run(
        [PYTHON, ROOT / "benchmarks" / "generate.py", f"--projects={projects}"],
        env=env,
        check=True,
    )
    # Fresh planner statistics, as autovacuum (PostgreSQL) or a scheduled ANALYZE would keep.
    if kind == "postgresql":
        # SSD storage: random reads cost little more than sequential ones. With the default
        # (4.0) the planner prefers reading every row to the trigram indexes of the q search
        # (docs/deployment.md sets the same for production).
        name = urllib.parse.urlparse(url).path.lstrip("/")
        subprocess.run(
            ["psql", url, "-qc", f'ALTER DATABASE "{name}" SET random_page_cost = 1.1'],
            check=True,
        )
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    else:
        subprocess.run(
            [PYTHON, "-c", "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('ANALYZE')"]
            + [url.removeprefix("sqlite:///")],
            check=True,
        )
    return url


def collect_static(static_root: Path):
    env = production_env("sqlite:///:memory:", static_root, None)
    subprocess.run(
        [PYTHON, ROOT / "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


# --- One run --------------------------------------------------------------------------------


class Server:
    """gunicorn with production settings on a free loopback port."""

    def __init__(self, env: dict, workers: int, threads: int):
        self.port = free_port()
        self.log = open(RESULTS / "gunicorn.log", "a")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "busanportal.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--no-control-socket",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        for _ in range(120):
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz; see benchmarks/results/gunicorn.log")

    @property
    def workers(self) -> list[int]:
        return workers_of(self.process.pid)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def static_path(port: int) -> str:
    """The hashed stylesheet the home page links to."""
    html = get(port, "/")[2].decode()
    return re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html).group(1)


def asset_weight(port: int, html_pages: list[bytes]) -> dict:
    """CSS and JavaScript the public pages load, as sent compressed, and any web font."""
    assets = set()
    for html in html_pages:
        text = html.decode()
        assets |= set(re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text))
        assets |= set(re.findall(r'<script[^>]+src="([^"]+)"', text))
    sizes, fonts = {}, []
    for asset in sorted(assets):
        if not asset.startswith("/"):
            fonts.append(asset)  # anything fetched from elsewhere
            continue
        status, headers, body, _ = get(port, asset, {"Accept-Encoding": "gzip"})
        sizes[asset] = {"bytes": len(body), "encoding": headers.get("Content-Encoding", "none")}
        plain = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        if b"@font-face" in plain or re.search(rb"url\(\s*['\"]?https?:", plain):
            fonts.append(asset)
    for html in html_pages:
        fonts += re.findall(r'href="(https?://[^"]*font[^"]*)"', html.decode())
    return {"assets": sizes, "total_bytes": sum(a["bytes"] for a in sizes.values()), "fonts": fonts}


def run_database(kind: str, url: str, args, static_root: Path) -> dict:
    env = production_env(url, static_root, args.redis)
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    log(f"== {kind}: gunicorn, {args.workers} workers x {args.threads} threads")
    server = Server(env, args.workers, args.threads)
    result = {
        "database": kind,
        "database_url": url.split("@")[-1],
        "cache": "redis" if args.redis else "local memory",
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_before": os.getloadavg(),
        "pages": {},
    }
    try:
        port = server.port
        static = static_path(port)
        status, headers, body, _ = get(port, static)
        result["static"] = {
            "path": static,
            "cache_control": headers.get("Cache-Control"),
            "bytes": len(body),
        }
        for _, path in PAGES:  # warm: every page cached, every worker's templates compiled
            for _ in range(1 if path == CSV_PATH else args.workers * args.threads):
                get(port, path)

        # The static file is measured before every page and once more at the end, and each
        # page is compared with the static runs just before and after it: on a shared machine
        # the capacity left to the benchmark drifts over minutes.
        static_seconds = max(3, args.duration // 2)

        def static_run():
            log(f"   wrk: static file {static}")
            return wrk(port, static, static_seconds, args.connections, args.wrk_threads)

        static_runs = []
        for label, path in PAGES:
            if path == CSV_PATH:
                result["pages"][label] = {"path": path}  # measured below, after the memory
                continue
            static_runs.append(static_run())
            log(f"   wrk: {label} {path}")
            measured = wrk(port, path, args.duration, args.connections, args.wrk_threads)
            measured["static_index"] = len(static_runs) - 1
            result["pages"][label] = {"path": path, "wrk": measured}
        static_runs.append(static_run())
        result["static"]["wrk"] = static_runs
        result["worker_rss_after_pages_mib"] = [
            memory_kib(pid)["VmRSS"] / 1024 for pid in server.workers
        ]
        for entry in result["pages"].values():
            if "wrk" in entry:
                index = entry["wrk"]["static_index"]
                beside = (static_runs[index]["rps"] + static_runs[index + 1]["rps"]) / 2
                entry["wrk"]["static_rps"] = beside
                entry["wrk"]["static_share"] = entry["wrk"]["rps"] / beside
        result["static"]["rps"] = statistics.mean(run["rps"] for run in static_runs)

        log("   first (uncached) renders, compressed weight")
        html_pages = []
        for label, path in PAGES + MORE_HTML:
            if "export" in path:
                continue
            timings, statuses = [], set()
            for _ in range(args.renders):
                status, headers, body, seconds = get(port, with_nonce(path))
                statuses.add(status)
                timings.append(seconds * 1000)
            entry = result["pages"].setdefault(label, {"path": path})
            entry["uncached_ms"] = {"median": statistics.median(timings), "max": max(timings)}
            entry["statuses"] = sorted(statuses)
            entry["bytes"] = len(body)
            entry["gzip_bytes"] = len(gzip.compress(body, compresslevel=6))
            if label in HTML_LABELS or (label, path) in MORE_HTML:
                html_pages.append(body)
        result["assets"] = asset_weight(port, html_pages)

        log("   CSV export of every project: one at a time, then under wrk")
        for pid in server.workers:
            reset_peak_memory(pid)
        csv_runs = []
        for _ in range(3):
            status, headers, body, seconds = get(port, CSV_PATH)
            csv_runs.append(seconds)
        result["csv"] = {
            "status": status,
            "seconds": {"median": statistics.median(csv_runs), "max": max(csv_runs)},
            "bytes": len(body),
            "rows": body.count(b"\n") - 1,
            "streamed": "Content-Length" not in headers,
            "peak_worker_rss_mib": max(memory_kib(pid)["VmHWM"] for pid in server.workers) / 1024,
        }
        # A multi-second download at 16 connections would finish no request within the run:
        # as many connections as workers, for at least 30 s.
        label = next(label for label, path in PAGES if path == CSV_PATH)
        csv_wrk = wrk(port, CSV_PATH, max(args.duration, 30), args.workers, 1)
        csv_wrk["connections"] = args.workers
        result["pages"][label]["wrk"] = csv_wrk
        result["worker_rss_mib"] = [memory_kib(pid)["VmRSS"] / 1024 for pid in server.workers]
        result["worker_peak_rss_mib"] = [memory_kib(pid)["VmHWM"] / 1024 for pid in server.workers]
        result["load_after"] = os.getloadavg()
        result["renders"] = args.renders
    finally:
        server.stop()
    return result


# --- Report ---------------------------------------------------------------------------------


def size_table(results: dict, sizes: list, databases: list) -> str:
    """The issue's table: first render (median of the uncached renders) per page and size."""
    lines = []
    for kind in databases:
        lines += [
            f"### First render by portfolio size ({kind}, median of "
            f"{results[(kind, sizes[0])]['renders']} uncached renders, 2 sync workers)",
            "",
            "| page | " + " | ".join(f"{size:,}" for size in sizes) + " |",
            "|---|" + "---:|" * len(sizes),
        ]
        for _, path in ISSUE_PAGES + [("CSV export (all)", CSV_PATH)]:
            cells = []
            for size in sizes:
                result = results[(kind, size)]
                if path == CSV_PATH:
                    csv = result["csv"]
                    cells.append(f"{csv['seconds']['median'] * 1000:.0f} ms ({csv['rows']:,} rows)")
                    continue
                entry = next(e for e in result["pages"].values() if e["path"] == path)
                cells.append(f"{entry['uncached_ms']['median']:.0f} ms")
            lines.append(f"| `{path}` | " + " | ".join(cells) + " |")
        loads = ", ".join(
            f"{size:,}: {results[(kind, size)]['load_before'][0]:.1f}–"
            f"{results[(kind, size)]['load_after'][0]:.1f}"
            for size in sizes
        )
        lines += ["", f"Load average (1 min) before–after each size's run: {loads}.", ""]
    return "\n".join(lines)


def slowest_plans(url: str, static_root: Path) -> str:
    """benchmarks/explain.py's slowest statement per page, with its plan."""
    env = production_env(url, static_root, None)
    env["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    env["DJANGO_PLAIN_STATIC"] = "1"
    return subprocess.run(
        [PYTHON, ROOT / "benchmarks" / "explain.py", "--slowest"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout


def markdown(result: dict, projects: int, args) -> str:
    static = result["static"]
    lines = [
        f"### {result['database']} · {projects:,} projects · {result['started']}",
        "",
        f"gunicorn {args.workers} workers × {args.threads} threads, page cache: "
        f"{result['cache']}; wrk {args.wrk_threads} thread(s), {args.connections} connections, "
        f"{args.duration} s per row; machine: {os.cpu_count()} CPUs, load average "
        f"{result['load_before'][0]:.1f} before and {result['load_after'][0]:.1f} after.",
        "",
        "| page | req/s | p50 ms | p99 ms | static file req/s beside it | % of static | errors "
        "| first render ms (median / max) | KB gzip |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    static_runs = static["wrk"]
    lines.append(
        f"| static file `{static['path']}` ({len(static_runs)} runs) | "
        f"{min(r['rps'] for r in static_runs):.0f}–{max(r['rps'] for r in static_runs):.0f} | "
        f"{statistics.median(r['p50_ms'] for r in static_runs):.1f} | "
        f"{statistics.median(r['p99_ms'] for r in static_runs):.1f} | | 100 | "
        f"{sum(r['non_2xx'] + r['socket_errors'] for r in static_runs)} | | |"
    )
    for label, entry in result["pages"].items():
        run = entry.get("wrk")
        first = entry.get("uncached_ms")
        connections = f" ({run['connections']} connections)" if run and "connections" in run else ""
        cells = [
            f"{label} `{entry['path']}`{connections}",
            (f"{run['rps']:.0f}" if run["rps"] >= 10 else f"{run['rps']:.1f}") if run else "",
            f"{run['p50_ms']:.1f}" if run else "",
            f"{run['p99_ms']:.1f}" if run else "",
            f"{run['static_rps']:.0f}" if run and "static_rps" in run else "",
            f"{100 * run['static_share']:.0f}" if run and "static_share" in run else "",
            str(run["non_2xx"] + run["socket_errors"]) if run else "",
            f"{first['median']:.0f} / {first['max']:.0f}" if first else "",
            f"{entry['gzip_bytes'] / 1024:.1f}" if "gzip_bytes" in entry else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    csv = result["csv"]
    assets = result["assets"]
    asset_list = ", ".join(
        f"{path} {asset['bytes'] / 1024:.1f} KB {asset['encoding']}"
        for path, asset in assets["assets"].items()
    )
    lines += [
        "",
        f"- CSV export of every published project: {csv['rows']:,} rows, "
        f"{csv['bytes'] / 1e6:.1f} MB in {csv['seconds']['median']:.2f} s (max "
        f"{csv['seconds']['max']:.2f} s), streamed: {csv['streamed']}, peak worker RSS while "
        f"streaming {csv['peak_worker_rss_mib']:.0f} MiB.",
        "- Worker RSS after the page runs: "
        + ", ".join(f"{rss:.0f} MiB" for rss in result["worker_rss_after_pages_mib"])
        + "; after the CSV runs (the end): "
        + ", ".join(f"{rss:.0f} MiB" for rss in result["worker_rss_mib"])
        + " (peak during the CSV runs "
        + ", ".join(f"{rss:.0f}" for rss in result["worker_peak_rss_mib"])
        + " MiB).",
        f"- CSS + JS of the public pages, compressed as served: {assets['total_bytes'] / 1024:.1f} "
        f"KB ({asset_list}); "
        f"web fonts or off-site assets: {assets['fonts'] or 'none'}.",
        f"- Hashed static file `{static['path']}`: `Cache-Control: {static['cache_control']}`.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--projects",
        type=int,
        default=10_000,
        help="the largest portfolio; every size of 1,000, 10,000 and 100,000 up to it is "
        "built and measured in turn (each in a database of its own)",
    )
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/busan_bench",
        help="the size is appended to the database name, e.g. busan_bench_100000",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="measure only these sizes (default: all up to N)"
    )
    parser.add_argument("--redis", help="a Redis URL for the cache (its database is flushed)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)"
    )
    parser.add_argument("--renders", type=int, default=10, help="uncached renders per page")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    RESULTS.mkdir(parents=True, exist_ok=True)
    static_root = RESULTS / "static"
    collect_static(static_root)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    reports = []
    sizes = args.sizes or [size for size in SIZES if size <= args.projects] or [args.projects]
    if not args.sizes and args.projects not in sizes:
        sizes.append(args.projects)
    first_renders = {}
    for projects in sizes:
        for kind in args.databases:
            postgres_url = f"{args.postgres_url}_{projects}"
            url = prepare_database(kind, projects, postgres_url)
            result = run_database(kind, url, args, static_root)
            result["projects"] = projects
            if kind == "postgresql":
                result["plans"] = slowest_plans(url, static_root)
            report = markdown(result, projects, args)
            reports.append(report)
            (RESULTS / f"{stamp}-{kind}-{projects}.json").write_text(json.dumps(result, indent=2))
            print(report + "\n", flush=True)
            first_renders[(kind, projects)] = result
    summary = size_table(first_renders, sizes, args.databases)
    print(summary + "\n", flush=True)
    reports.insert(0, summary)
    (RESULTS / f"{stamp}.md").write_text("\n\n".join(reports) + "\n")
    log(f"written: {RESULTS / f'{stamp}.md'}")


if __name__ == "__main__":
    main()
