"""Browser tests: the site served as in production, driven by Debian's Chromium.

Why a gunicorn subprocess rather than pytest-django's ``live_server``: ``live_server`` needs the
transactional database, which flushes every table after each test and would wipe the fixtures the
rest of the suite loads once per session; it also serves static files through Django's test
handler. Here one gunicorn process runs the real WSGI application with debug off, whitenoise
serving the hashed, compressed files that ``collectstatic`` wrote, against a throwaway SQLite
database that is migrated and loaded once per session. That is what a visitor meets in
production, minus TLS and Redis. One worker (with threads) keeps the process-local cache
coherent, so that an edit in the admin is seen on the next public page as it is with Redis.

The test process itself never touches a database: the server is set up with ``manage.py``
commands, and the tests see it only through HTTP, as a browser does.

Every page a test opens is watched: a JavaScript error, a console error (which is also how
Chromium reports a Content-Security-Policy violation or a failed sub-resource) or a
``securitypolicyviolation`` event fails the test.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_USERNAME = "official"
# A throwaway account in a throwaway database that lives as long as the test session.
ADMIN_PASSWORD = "e2e-official-Tq8mZ2vK"  # noqa: S105
SERVER_START_TIMEOUT = 30  # seconds
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")

# Reported by an init script in every page: CSP violations as console errors, in our own words,
# so that the check does not depend on how Chromium phrases its own message.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline")
  );
});
"""


# What the city reports after the plan, for one project, so that the accessibility and HTML
# checks also see a progress report, actual dates and a milestone met (the fixture has none).
# The research reactor stays active in 2015, which the flows rely on.
LATER_FACTS = """
import datetime
from projects.models import Phase, ProgressUpdate, Project
project = Project.objects.get(slug="export-research-reactor")
source = {"actual_source_title": "Busan city report", "actual_source_url": "https://www.busan.go.kr/r"}
Phase.objects.filter(project=project, kind="period").update(actual_start_year=2011, **source)
Phase.objects.filter(project=project, kind="milestone").update(
    milestone_state="met", date_met=datetime.date(2015, 4, 20), actual_start_year=2015,
    actual_start_month=4, **source,
)
ProgressUpdate.objects.create(
    project=project, as_of=datetime.date(2025, 6, 30), status="preparation",
    progress_percent=60, note_en="Reactor building under construction.",
    note_ko="원자로 건물 건설 중.", source_title="Busan city report",
    source_url="https://www.busan.go.kr/r",
)
"""


@dataclass(frozen=True)
class Server:
    """The running site: its base URL and the environment its manage.py commands need."""

    url: str
    env: dict
    log: Path

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database and return its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout


def server_environment(workdir: Path) -> dict:
    """Production settings (debug off, hashed static files) with a throwaway database.

    Inherited DJANGO_* variables and DATABASE_URL are dropped first, so that the developer's
    shell (for example DJANGO_PLAIN_STATIC from the unit-test instructions) cannot change what
    is tested. HTTPS is the only thing switched off: the browser speaks plain HTTP to 127.0.0.1.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="e2e-only-not-a-secret-" + os.urandom(16).hex(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_EXPORT_DIR=str(workdir / "exports"),
        DATABASE_URL=f"sqlite:///{workdir / 'e2e.sqlite3'}",
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_for_server(process: subprocess.Popen, log: Path) -> str:
    """Wait for gunicorn to say where it listens (it picks a free port) and answer /healthz."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        if url is None and (match := LISTENING.search(log.read_text())):
            url = match.group(1)
        if url:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=10) as response:  # noqa: S310
                    if response.status == 200:
                        return url
            except OSError:  # not listening yet, or the worker still loading the application
                pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer within {SERVER_START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Collect static files, migrate and load the Busan fixtures, create an official, serve."""
    workdir = tmp_path_factory.mktemp("e2e-site")
    env = server_environment(workdir)
    log = workdir / "gunicorn.log"
    site = Server(url="", env=env, log=log)
    site.manage("collectstatic", "--noinput", "-v0")
    site.manage("migrate", "--noinput", "-v0")
    site.manage("load_document", "-v0")
    site.manage("shell", "-c", LATER_FACTS)
    site.manage(
        "createsuperuser", "--noinput", "--username", ADMIN_USERNAME, "--email", "o@example.org"
    )
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "busanportal.wsgi",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "1",
                "--threads",
                "8",
                "--no-control-socket",
                "--log-level",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        url = wait_for_server(process, log)
        yield Server(url=url, env=env, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(server):
    """pytest-playwright's base URL, so that ``page.goto("/projects/")`` reaches the server."""
    return server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; switches for a container without a GPU."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@dataclass(frozen=True)
class ConsoleProblem:
    """A console error or an uncaught exception, and the page address it came from."""

    text: str
    url: str

    def __str__(self):
        return f"{self.text} ({self.url})"


def is_admin_favicon(resource_url: str, page_url: str) -> bool:
    """Chromium asks for /favicon.ico on a page that names no icon. The public pages name one
    (templates/base.html); Django's own admin templates do not, and the site serves nothing at
    /favicon.ico, so on admin pages that one request is forgiven. Nothing else is."""
    return urlsplit(resource_url).path == "/favicon.ico" and urlsplit(page_url).path.startswith(
        "/admin/"
    )


@pytest.fixture
def console_problems(context):
    """Every console error, JavaScript exception and CSP violation of every page in the test."""
    problems: list[ConsoleProblem] = []
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        page_url = message.page.url if message.page else ""
        if is_admin_favicon(url, page_url):
            return
        problems.append(ConsoleProblem(message.text, url or page_url))

    def on_web_error(web_error):
        page_url = web_error.page.url if web_error.page else ""
        problems.append(ConsoleProblem(f"uncaught {web_error.error}", page_url))

    context.on("console", on_console)
    context.on("weberror", on_web_error)
    return problems


@pytest.fixture
def page(context, console_problems):
    """pytest-playwright's page, failing the test if anything went wrong in the console."""
    page = context.new_page()
    yield page
    assert [str(problem) for problem in console_problems] == []
