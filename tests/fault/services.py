"""The parts the fault suite breaks: its own PostgreSQL clusters, Redis and gunicorn.

Everything runs on loopback, on ports picked free, with data under a temporary directory; the
machine's shared PostgreSQL (5432) and Redis (6379) are never touched. PostgreSQL refuses to run
as root, so its commands run as the ``postgres`` OS user when the suite runs as root.
"""

import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def postgres_bin(name: str) -> str:
    """Debian keeps initdb and pg_ctl off the PATH, in the versioned directory."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's servers and tools run as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def run(command: list[str], **kwargs) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_until(condition, timeout: float, interval: float = 0.1) -> float:
    """Seconds until ``condition()`` is true; raises after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if condition():
                return time.monotonic() - started
        except Exception:  # noqa: S110 - not up yet: any error counts as "not yet"
            pass
        time.sleep(interval)
    raise TimeoutError(f"not within {timeout} s")


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of its own: ``initdb`` (or ``pg_basebackup`` of a primary)."""

    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def prepare_directory(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    def initdb(self):
        self.prepare_directory()
        run(
            as_postgres(
                [postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
            )
        )
        return self

    def basebackup_of(self, primary: "PostgresCluster"):
        """A streaming replica of ``primary``: a base backup with ``-R`` (standby.signal and
        primary_conninfo written for us)."""
        self.prepare_directory()
        run(
            as_postgres(
                [
                    postgres_bin("pg_basebackup"),
                    *("-h", HOST, "-p", str(primary.port), "-U", "postgres"),
                    *("-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast"),
                ]
            )
        )
        return self

    def start(self):
        options = " ".join(
            [
                f"-p {self.port}",
                f"-c listen_addresses={HOST}",
                f"-k {self.directory}",  # the Unix socket stays in our directory
                "-c fsync=off -c full_page_writes=off",  # throwaway data: speed over durability
                "-c max_connections=100",
                "-c hot_standby_feedback=on",
            ]
        )
        run(
            as_postgres(
                [
                    postgres_bin("pg_ctl"),
                    *("-D", str(self.data), "-l", str(self.directory / "server.log")),
                    *("-o", options, "-w", "-t", "30", "start"),
                ]
            )
        )
        return self

    def stop(self, mode: str = "fast"):
        run(as_postgres([postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]))

    def is_running(self) -> bool:
        result = subprocess.run(
            as_postgres([postgres_bin("pg_ctl"), "-D", str(self.data), "status"]),
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def sql(self, query: str, database: str = "postgres") -> str:
        return run(
            [
                postgres_bin("psql"),
                *("-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", database),
                *("-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", query),
            ]
        ).strip()

    def destroy(self):
        if self.data.exists() and self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class RedisServer:
    """A redis-server of its own, without persistence (it comes back empty, as documented)."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no"),
                *("--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")),
            ]
        )
        wait_until(lambda: self.command("PING") == "PONG", timeout=10)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def command(self, *args: str) -> str:
        return run(["redis-cli", "-h", HOST, "-p", str(self.port), *args], timeout=30).strip()


@dataclass
class Site:
    """The portal under gunicorn (busanportal/gunicorn.conf.py) with production settings."""

    env: dict
    log: Path
    process: subprocess.Popen | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def manage(self, *args: str) -> str:
        return run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env)

    def shell(self, code: str) -> str:
        return self.manage("shell", "-v0", "-c", code).strip()

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log_file:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    *("-c", str(ROOT / "busanportal" / "gunicorn.conf.py")),
                ],
                cwd=ROOT,
                env={**self.env, "GUNICORN_BIND": f"{HOST}:0"},
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )

        def listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()}")
            match = LISTENING.search(self.log.read_text())
            if match:
                self.port = int(match.group(1))
                return fetch(self.url + "/healthz").status == 200
            return False

        wait_until(listening, timeout=60, interval=0.2)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def site_environment(workdir: Path, **variables) -> dict:
    """Production settings, nothing inherited from the caller's DJANGO_* or database variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "GUNICORN_"))
        and name not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="fault-only-not-a-secret-" + os.urandom(16).hex(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_EXPORT_DIR=str(workdir / "exports"),
        # Builds in processes of their own would add database connections to the counts.
        DJANGO_EXPORT_BUILD_IN_BACKGROUND="0",
        # A fault run sends many API requests from one address.
        DJANGO_API_ANON_RATE="1000000/hour",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        GUNICORN_MAX_REQUESTS="0",
        PYTHONUNBUFFERED="1",
        **variables,
    )
    return env


@dataclass
class Answer:
    """One request's outcome."""

    url: str
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    seconds: float
    headers: dict
    body: bytes


def fetch(url: str, headers: dict | None = None, timeout: float = 15) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http only
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
            status, answer_headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        body, status, answer_headers = error.read(), error.code, dict(error.headers)
    except (OSError, http.client.HTTPException):  # refused, reset, timed out, truncated
        body, status, answer_headers = b"", 0, {}
    return Answer(url, status, time.monotonic() - started, answer_headers, body)


def fetch_all(base: str, paths: list[str], headers: dict | None = None, parallel: int = 4):
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda path: fetch(base + path, headers), paths))


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # What docs/deployment.md asks of the proxy: slow clients wait here, not in gunicorn.
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 10s;
    keepalive_timeout 5s;
    large_client_header_buffers 4 8k;
    upstream portal {{ server {upstream}; keepalive 8; }}
    server {{
        listen {listen};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering on;
        }}
    }}
}}
"""


@dataclass
class Proxy:
    """nginx in front of a site, as in production: it buffers requests and responses."""

    directory: Path
    upstream: str
    official: dict = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o777)  # noqa: S103 - nginx's workers run as nobody
        conf = self.directory / "nginx.conf"
        listen = f"{HOST}:{self.port}"
        text = NGINX_CONF.format(dir=self.directory, upstream=self.upstream, listen=listen)
        conf.write_text(text)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(self.directory), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: fetch(self.url + "/healthz").status == 200, timeout=15)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
