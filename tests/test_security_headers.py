"""Production security settings: HTTPS, HSTS, cookies, headers and the Content-Security-Policy.

Tests run with debug off, as production does, over the test client's plain HTTP with the HTTPS
redirect switched off by the test environment (DJANGO_SECURE_SSL_REDIRECT=0 in the Makefile);
the tests below prove the redirect is on whenever that variable is not set.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

PUBLIC_PAGES = ["/", "/projects/", "/sectors/", "/sectors/it/", "/ko/", "/ko/projects/"]


def parse_csp(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def production_env(**overrides) -> dict[str, str]:
    """The environment of a production process: no inherited DJANGO_* switches, a real key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SECRET_KEY"] = "k3Y-" + "x7Qp2Lm9Zr4Tb8Wc1Nd6Hf0Jg5Vs3Ay" * 2
    env.update(overrides)
    return env


def setting_in_production(name: str, **env) -> object:
    """Read one setting in a fresh process with production settings."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import json; from django.conf import settings; "
            f"print(json.dumps(getattr(settings, {name!r}, None)))",
        ],
        cwd=ROOT,
        env={**production_env(**env), "DJANGO_SETTINGS_MODULE": "busanportal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def inline_code(html: str) -> list[str]:
    """Inline scripts, <style> elements, style="" and on*="" attributes: what the CSP blocks."""
    found = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        # JSON and JSON-LD blocks are data, never run, so the CSP does not apply to them.
        is_data = "application/json" in attrs or "application/ld+json" in attrs
        if "src=" not in attrs and body.strip() and not is_data:
            found.append(f"<script{attrs}>{body[:60]}")
    found += re.findall(r"<style\b[^>]*>", html, re.I)
    found += re.findall(r"""<[^>]*\sstyle\s*=\s*["'][^>]*>""", html, re.I)
    found += re.findall(r"""<[^>]*\son[a-z]+\s*=\s*["'][^>]*>""", html, re.I)
    return found


# --- The deployment checklist -----------------------------------------------------------


def test_check_deploy_reports_no_warning_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_redirect_is_on_in_production_unless_switched_off():
    assert setting_in_production("SECURE_SSL_REDIRECT") is True
    assert setting_in_production("SECURE_SSL_REDIRECT", DJANGO_SECURE_SSL_REDIRECT="0") is False


def test_proxy_ssl_header_is_trusted_only_when_asked_for():
    assert setting_in_production("SECURE_PROXY_SSL_HEADER") is None
    assert setting_in_production("SECURE_PROXY_SSL_HEADER", DJANGO_SECURE_PROXY_SSL_HEADER="1") == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_cookies_are_secure_in_production():
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"):
        assert setting_in_production(name) is True, name


# --- HTTPS ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_the_redirect_on_a_plain_http_request_is_sent_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/projects/?sector=it")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/projects/?sector=it"


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_forwarded_scheme_counts_as_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/sectors/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@pytest.mark.django_db
def test_the_health_check_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_https_responses_carry_hsts_for_one_year_with_subdomains(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


# --- Headers on every kind of page -------------------------------------------------------


def assert_security_headers(response):
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "Server" not in response
    assert "X-Powered-By" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_security_headers_and_the_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_inline_script_or_style_the_csp_would_block(client, path):
    html = client.get(path).content.decode()
    assert inline_code(html) == []


@pytest.mark.django_db
def test_a_project_page_carries_the_csp_and_has_no_inline_code(client):
    response = client.get("/projects/radiological-medical-sciences-complex/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_the_not_found_page_carries_the_security_headers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_admin_login_page_works_under_the_csp(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    html = response.content.decode()
    assert 'name="password"' in html
    assert [code for code in inline_code(html) if code.startswith("<script")] == []


@pytest.mark.django_db
def test_admin_pages_load_only_external_scripts(admin_client):
    """Django's admin ships its JavaScript as files, so script-src 'self' keeps it working."""
    from django.contrib import admin
    from django.urls import reverse

    paths = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        paths.append(reverse("admin:{}_{}_changelist".format(*info)))
        # Some models (axes' attempt logs, for one) are read-only: no add page to check.
        if model_admin.has_add_permission(admin_client.get("/admin/").wsgi_request):
            paths.append(reverse("admin:{}_{}_add".format(*info)))
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP, path
        scripts = [c for c in inline_code(response.content.decode()) if c.startswith("<script")]
        assert scripts == [], path


@pytest.mark.django_db
def test_the_api_docs_work_under_the_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert_security_headers(response)
    html = response.content.decode()
    assert [c for c in inline_code(html) if c.startswith(("<script", "<style"))] == []
    # The reference is rendered on the server: no script at all, so nothing for the CSP to stop.
    assert re.findall(r"<script\b", html) == []
    assert "/api/projects/" in html


@pytest.mark.django_db
def test_json_responses_carry_the_headers_too(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert_security_headers(response)


# --- Cookies ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_csrf_cookie_is_secure_httponly_and_same_site(client):
    client.get("/admin/login/")
    cookie = client.cookies["__Host-csrftoken"]  # the prefix: Secure, path /, this host only
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_session_cookie_is_secure_httponly_and_same_site(client):
    get_user_model().objects.create_superuser("official", "o@example.org", "a-long-passphrase-42")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "official", "password": "a-long-passphrase-42"},
    )
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- The real server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_names_no_version_in_any_header(tmp_path):
    port = free_port()
    env = production_env(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_PLAIN_STATIC="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "busanportal.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    headers, body = r.headers, json.loads(r.read())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert body == {"database": "ok", "cache": "ok"}
    assert headers["Server"] == "gunicorn"
    for name, value in headers.items():
        assert not re.search(r"\d+\.\d+", value) or name in {"Date", "Content-Length"}, name
