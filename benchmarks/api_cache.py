"""Cached API answers against the static file beside them (issue 19: at least 80% of its rate).

Serves one or two checkouts of the site with gunicorn (2 sync workers, production settings, the
API's rate limit raised since every request comes from one address) on an existing database,
fills the cache with each path, then alternates wrk runs (16 connections) of the static file and
of each path on each server, so that "before" and "after" are measured in the same run, side by
side, on a machine whose spare capacity drifts. Each path's rate is compared with the mean of the
static runs just before and after it on the same server.

    # this checkout alone, local-memory cache
    .venv/bin/python benchmarks/api_cache.py --database postgres://postgres@127.0.0.1:5432/x
    # before (another checkout, e.g. a worktree of main) and after, Redis database 11
    .venv/bin/python benchmarks/api_cache.py --database ... --before /path/to/main \
        --redis redis://127.0.0.1:6379/11
    # and a py-spy profile of one worker while wrk runs one path (needs `pip install py-spy`)
    .venv/bin/python benchmarks/api_cache.py --database ... --profile /api/projects/

The Redis database given is flushed first; the two servers keep apart in it by their release
(``DJANGO_RELEASE``, part of every cache key). The database is only read.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402 (benchmarks/run.py: the server, wrk and static-file helpers)

PATHS = [
    "/projects/",
    "/api/projects/",
    "/api/projects/?sector=it",
    "/api/projects/offshore-wind-farm/",
    "/api/sectors/",
]


class Checkout(bench.Server):
    """``bench.Server`` for the code of any checkout (the same virtualenv's gunicorn)."""

    def __init__(self, root: Path, env: dict, workers: int):
        self.port = bench.free_port()
        bench.RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = open(bench.RESULTS / "gunicorn-api-cache.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                bench.GUNICORN,
                "busanportal.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--no-control-socket",
            ],
            env={**env, "PYTHONPATH": str(root)},
            cwd=root,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        for _ in range(120):
            try:
                if bench.get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz")


def profile(server: Checkout, path: str, seconds: int, connections: int):
    """py-spy's top functions of one worker while wrk runs ``path`` (printed)."""
    worker = server.workers[0]
    out = bench.RESULTS / f"profile-{path.strip('/').replace('/', '_') or 'root'}.txt"
    wrk = subprocess.Popen(
        [
            "wrk",
            f"-c{connections}",
            "-t1",
            f"-d{seconds + 2}s",
            f"http://127.0.0.1:{server.port}{path}",
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(1)
    subprocess.run(
        [
            Path(sys.executable).parent / "py-spy",
            "record",
            "--pid",
            str(worker),
            "--duration",
            str(seconds),
            "--rate",
            "1000",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        check=True,
        capture_output=True,
    )
    wrk.wait()
    print(f"collapsed stacks of {path}: {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="the database URL (only read)")
    parser.add_argument("--before", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--redis", help="a Redis URL for the cache (its database is flushed)")
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paths", nargs="+", default=PATHS)
    parser.add_argument("--profile", help="profile one worker on this path instead of measuring")
    args = parser.parse_args()

    static_root = bench.RESULTS / "static"
    bench.collect_static(static_root)
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    checkouts = [("after", bench.ROOT)]
    if args.before:
        checkouts.insert(0, ("before", args.before.resolve()))
    servers, sizes = {}, {}
    try:
        for name, root in checkouts:
            env = bench.production_env(args.database, static_root, args.redis)
            env["DJANGO_RELEASE"] = name
            servers[name] = Checkout(root, env, args.workers)
        static = bench.static_path(servers["after"].port)
        sizes[static] = len(bench.get(servers["after"].port, static)[2])
        for server in servers.values():
            for path in args.paths:
                for _ in range(args.workers * 2):
                    status, headers, body, _s = bench.get(server.port, path)
                    assert status == 200, (path, status)
                sizes[path] = len(body)
                print(f"{path}: X-Cache {headers.get('X-Cache')}", file=sys.stderr)
        if args.profile:
            for name, server in servers.items():
                print(f"== {name}")
                profile(server, args.profile, max(args.duration, 10), args.connections)
            return

        load_before = os.getloadavg()
        runs = {name: {"static": [], "paths": {}} for name in servers}
        for path in args.paths:
            for name, server in servers.items():
                runs[name]["static"].append(
                    bench.wrk(server.port, static, args.duration, args.connections, 1)
                )
                measured = bench.wrk(server.port, path, args.duration, args.connections, 1)
                measured["static_index"] = len(runs[name]["static"]) - 1
                runs[name]["paths"][path] = measured
                print(f"   {name} {path}: {measured['rps']:.0f} req/s", file=sys.stderr)
        for name, server in servers.items():
            runs[name]["static"].append(
                bench.wrk(server.port, static, args.duration, args.connections, 1)
            )
        load_after = os.getloadavg()
    finally:
        for server in servers.values():
            server.stop()

    print(
        f"\n{args.connections} connections, {args.workers} sync workers, {args.duration} s per "
        f"run, cache: {'Redis' if args.redis else 'local memory'}; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after\n"
    )
    print(
        "| path | bytes | "
        + " | ".join(f"{name} req/s | {name} % of static" for name in runs)
        + " |"
    )
    print("|---|---:|" + "---:|---:|" * len(runs))
    cells = []
    for name in runs:
        rates = [r["rps"] for r in runs[name]["static"]]
        cells.append(f"{min(rates):.0f}–{max(rates):.0f} | 100")
    print(f"| static `{static}` | {sizes[static]:,} | " + " | ".join(cells) + " |")
    for path in args.paths:
        cells = []
        for name in runs:
            measured = runs[name]["paths"][path]
            index = measured["static_index"]
            beside = statistics.mean(r["rps"] for r in runs[name]["static"][index : index + 2])
            errors = measured["non_2xx"] + measured["socket_errors"]
            cells.append(
                f"{measured['rps']:.0f}{f' ({errors} errors)' if errors else ''} | "
                f"{100 * measured['rps'] / beside:.0f}"
            )
        print(f"| `{path}` | {sizes[path]:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
