"""Failure handling: error pages that leak nothing, a 503 when the database is gone, /healthz.

This module doubles as a URLconf (``pytest.mark.urls``): the site's URLs plus a few views that
fail on purpose, so that the real 403 and 500 handlers run.
"""

import json
import logging
import subprocess
import sys
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connections
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from busanportal.jsonlog import JsonLinesFormatter
from busanportal.urls import urlpatterns as site_urlpatterns
from tests.test_security_headers import ROOT, production_env

SECRET = "internal-detail-7f3a9"


def boom(request):
    raise RuntimeError(f"{SECRET} Traceback-worthy failure")


def forbidden(request):
    raise PermissionDenied(f"{SECRET} rule")


def api_database_down(request):
    raise OperationalError(f"could not connect to server {SECRET}")


class DatabaseDownInMiddleware:
    """Raises the way a database-backed middleware (sessions, auth) would during an outage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/test-middleware-database-down/":
            raise OperationalError(f"server closed the connection unexpectedly {SECRET}")
        return self.get_response(request)


urlpatterns = [
    path("test-boom/", boom),
    path("test-forbidden/", forbidden),
    path("api/test-database-down/", api_database_down),
    *site_urlpatterns,
]
handler400 = "busanportal.views.bad_request"
handler500 = "busanportal.views.server_error"

failing_views = pytest.mark.urls("tests.test_failure_handling")


@contextmanager
def database_down():
    """Make every use of the default connection fail as it does when the server is gone."""
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    conn = connections["default"]
    with (
        mock.patch.object(conn, "cursor", side_effect=error),
        mock.patch.object(conn, "chunked_cursor", side_effect=error),
        mock.patch.object(conn, "ensure_connection", side_effect=error),
    ):
        yield


def assert_leaks_nothing(html: str):
    for detail in (SECRET, "Traceback", "RuntimeError", "OperationalError", "File &quot;"):
        assert detail not in html


# --- Error pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_address_gets_the_404_page_in_the_site_design(client):
    response = client.get("/no-such-page-<b>x</b>/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert 'class="skip-link"' in html
    assert "<b>x</b>" not in html


@pytest.mark.django_db
def test_an_unknown_project_gets_the_404_page(client):
    response = client.get("/projects/no-such-project/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_the_korean_404_page_is_in_korean_markup(client):
    response = client.get("/ko/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="ko">' in response.content.decode()


@pytest.mark.django_db
def test_a_bad_host_header_gets_the_400_page(client):
    client.raise_request_exception = False
    response = client.get("/", headers={"host": "evil.example.org"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "We could not understand that request" in html
    assert "evil.example.org" not in html


@failing_views
@pytest.mark.django_db
def test_a_permission_error_gets_the_403_page_without_the_reason(client):
    response = client.get("/test-forbidden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You do not have access to this page" in html
    assert_leaks_nothing(html)


@pytest.mark.django_db
def test_a_failed_csrf_check_gets_the_403_page_in_the_site_design():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form could not be accepted" in html
    assert "CSRF cookie not set" not in html


@failing_views
@pytest.mark.django_db
def test_a_crash_gets_the_500_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/test-boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert_leaks_nothing(html)


def test_the_500_page_renders_without_a_request_or_a_database():
    """Django renders 500.html with an empty context; pytest-django blocks the database here."""
    html = loader.get_template("500.html").render()
    assert "<h1>Something went wrong on our side</h1>" in html
    assert 'class="skip-link"' in html


def test_the_500_page_follows_the_active_language():
    with translation.override("ko"):
        html = loader.get_template("500.html").render()
    assert '<html lang="ko">' in html


def test_the_503_page_renders_without_a_request_or_a_database():
    html = loader.get_template("503.html").render({"retry_after": 30})
    assert "The portal is temporarily unavailable" in html
    assert "please try again in 30 seconds" in html


# --- The database goes away -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "The portal is temporarily unavailable"),
        ("/projects/", "The portal is temporarily unavailable"),
        ("/sectors/it/", "The portal is temporarily unavailable"),
        ("/ko/projects/", "포털을 일시적으로 이용할 수 없습니다"),
    ],
)
def test_without_the_database_public_pages_answer_503_with_retry_after(client, path, heading):
    with database_down():
        response = client.get(path, {"q": uuid.uuid4().hex})
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert f"<h1>{heading}</h1>" in html
    assert_leaks_nothing(html)


@pytest.mark.django_db
def test_the_503_page_is_never_cached(client):
    with database_down():
        response = client.get("/projects/")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_503_page_carries_the_security_headers(client):
    with database_down():
        response = client.get("/sectors/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@failing_views
@pytest.mark.django_db
def test_without_the_database_the_api_answers_503_json(client):
    response = client.get("/api/test-database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The portal is temporarily unavailable. Please try again in a minute."
    }


@failing_views
@pytest.mark.django_db
def test_a_database_outage_outside_any_view_still_gets_the_503_page(client, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:5],
        "tests.test_failure_handling.DatabaseDownInMiddleware",
        *settings.MIDDLEWARE[5:],
    ]
    client.raise_request_exception = False
    response = client.get("/test-middleware-database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert_leaks_nothing(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/projects/?sector=it", "/ko/sectors/"])
def test_a_page_already_in_the_cache_is_still_served_without_the_database(client, path):
    first = client.get(path)  # the page cache (busanportal/cache.py) stores it
    with database_down():
        response = client.get(path)
    assert response.status_code == 200
    assert response.content == first.content


@pytest.mark.django_db
def test_during_the_outage_an_uncached_page_still_gets_the_503(client):
    client.get("/projects/?sector=it")
    with database_down():
        response = client.get("/projects/?sector=green-energy")
    assert response.status_code == 503


def run_request_in_a_process(database_url: str, paths: list[str], **env) -> dict:
    """Serve ``paths`` in a fresh production process whose database is ``database_url``."""
    script = """
import json, sys, time
import django
django.setup()
from django.test import Client
client = Client()
answers = {}
for path in sys.argv[1:]:
    started = time.monotonic()
    response = client.get(path, headers={"host": "localhost"})
    answers[path] = {
        "status": response.status_code,
        "seconds": time.monotonic() - started,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
    }
print(json.dumps(answers))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, *paths],
        cwd=ROOT,
        env={
            **production_env(DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_PLAIN_STATIC="1", **env),
            "DJANGO_SETTINGS_MODULE": "busanportal.settings",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {"answers": json.loads(result.stdout), "stderr": result.stderr}


def test_a_broken_database_url_gives_503_pages_and_an_honest_health_check():
    run = run_request_in_a_process(
        "postgres://portal@127.0.0.1:1/nowhere", ["/projects/", "/healthz"]
    )
    page, health = run["answers"]["/projects/"], run["answers"]["/healthz"]
    assert (page["status"], page["retry_after"]) == (503, "30")
    assert "The portal is temporarily unavailable" in page["body"]
    assert "Traceback" not in page["body"]
    assert health["status"] == 503
    assert json.loads(health["body"]) == {"database": "error", "cache": "ok"}


def test_the_outage_is_logged_to_stderr_as_json_lines():
    run = run_request_in_a_process("postgres://portal@127.0.0.1:1/nowhere", ["/projects/"])
    # Python's own warnings (e.g. whitenoise's about a missing static folder) are not log records.
    records = [json.loads(line) for line in run["stderr"].splitlines() if line.startswith("{")]
    outage = [r for r in records if r["logger"] == "busanportal.middleware"]
    assert outage[0]["level"] == "ERROR"
    assert outage[0]["message"] == "Database unavailable: OperationalError"
    assert outage[0]["status_code"] == 503
    assert outage[0]["path"] == "/projects/"
    assert "Traceback" in outage[0]["exc_info"]


def test_an_unreachable_database_host_fails_fast_instead_of_hanging():
    """10.255.255.1 drops packets (or is unroutable): only the connect timeout ends the wait."""
    run = run_request_in_a_process(
        "postgres://portal@10.255.255.1:5432/nowhere", ["/projects/"], DJANGO_DB_CONNECT_TIMEOUT="2"
    )
    page = run["answers"]["/projects/"]
    assert page["status"] == 503
    assert page["seconds"] < 8


def test_an_unreachable_redis_fails_the_health_check_fast(tmp_path):
    """Without socket timeouts, redis-py would wait on a dropped connection forever."""
    run = run_request_in_a_process(
        f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        ["/healthz"],
        REDIS_URL="redis://10.255.255.1:6379/0",
    )
    health = run["answers"]["/healthz"]
    assert health["status"] == 503
    assert json.loads(health["body"]) == {"database": "ok", "cache": "error"}
    assert health["seconds"] < 8


def test_postgresql_connections_have_a_three_second_connect_timeout():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; "
            "print(settings.DATABASES['default']['OPTIONS']['connect_timeout'])",
        ],
        cwd=ROOT,
        env={
            **production_env(),
            "DJANGO_SETTINGS_MODULE": "busanportal.settings",
            "DATABASE_URL": "postgres://portal@db.example.org:5432/portal",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "3", result.stderr


# --- /healthz ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_both_services_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_database_outage_with_503(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_reports_a_cache_outage_with_503(client):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis is down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error"}


@pytest.mark.django_db
def test_healthz_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405


# --- Structured logging -------------------------------------------------------------------------


def test_log_records_become_single_json_lines_with_the_traceback_inside():
    request = RequestFactory().get("/projects/?q=private")
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/x",),
            sys.exc_info(),
        )
    record.status_code = 500
    record.request = request
    line = JsonLinesFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Internal Server Error: /x"
    assert (entry["status_code"], entry["method"], entry["path"]) == (500, "GET", "/projects/")
    assert entry["exc_type"] == "ValueError"
    assert "private" not in line


def test_production_logs_to_stderr_in_json(settings):
    handler = settings.LOGGING["handlers"]["stderr"]
    assert handler == {"class": "logging.StreamHandler", "formatter": "json"}
    assert settings.LOGGING["root"]["handlers"] == ["stderr"]
