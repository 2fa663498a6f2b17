"""HTTP as the RFCs say (busanportal/http.py, busanportal/gunicorn.conf.py).

Public views accept GET and HEAD and answer anything else with 405 and ``Allow``; TRACE is refused
everywhere; responses are gzip-compressed for clients that accept it, except those that may carry
a secret; the request-line limit fits the longest legitimate filter URL.

This module doubles as a URLconf (``pytest.mark.urls``) with two views of its own: one that opts
in to POST, and one that puts a CSRF token in its page.
"""

import gzip
import runpy
from urllib.parse import quote, urlencode

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path

from busanportal.http import accepts_methods
from busanportal.urls import urlpatterns as site_urlpatterns
from projects.filters import MAX_QUERY_LENGTH, SORT_CHOICES
from projects.models import Program, ProjectStatus
from sectors.models import Sector
from tests.test_security_headers import ROOT

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}
PUBLIC_PATHS = [
    "/",
    "/projects/",
    "/projects/offshore-wind-farm/",
    "/sectors/",
    "/sectors/it/",
    "/timeline/",
    "/data/",
    "/projects/export.csv",
    "/projects/export.json",
    "/feeds/projects/",
    "/ko/projects/",
]


@accepts_methods("GET", "HEAD", "POST")
def form_view(request):
    return HttpResponse(f"answered {request.method}")


def token_view(request):
    return HttpResponse(f"<form>{get_token(request)}</form>" + "x" * 500)


urlpatterns = [
    path("test-form/", form_view),
    path("test-token/", token_view),
    *site_urlpatterns,
]
own_views = pytest.mark.urls("tests.test_http")


# --- Methods ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_PATHS)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_public_views_refuse_other_methods_with_405_and_allow(client, path, method):
    response = client.generic(method, path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_405_page_is_in_the_site_design_and_in_korean_under_ko(client):
    english = client.post("/projects/").content.decode()
    korean = client.post("/ko/projects/").content.decode()
    assert "<h1>This page cannot be used that way</h1>" in english
    assert 'class="skip-link"' in english
    assert '<html lang="ko">' in korean
    assert "오류 405" in korean


def test_a_post_without_a_csrf_token_is_a_405_not_a_csrf_failure():
    response = Client(enforce_csrf_checks=True).post("/projects/", {"q": "port"})
    assert response.status_code == 405


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_get_and_head_still_work(client, path):
    assert client.get(path).status_code == 200
    head = client.head(path)
    assert head.status_code == 200
    body = b"".join(head.streaming_content) if head.streaming else head.content
    assert body == b""


def test_trace_never_echoes_the_request(client):
    response = client.generic("TRACE", "/", headers={"x-secret": "cookie-value-123"})
    assert response.status_code == 405
    assert b"cookie-value-123" not in response.content


def test_the_api_answers_405_in_json_with_allow(client):
    response = client.post("/api/projects/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"detail": 'Method "POST" not allowed.'}
    assert client.generic("TRACE", "/api/projects/").status_code == 405


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_the_admin_refuses_trace_but_keeps_its_forms(client, path):
    assert client.generic("TRACE", path).status_code == 405
    login = client.post("/admin/login/", {"username": "nobody", "password": "wrong-password-1"})
    assert login.status_code == 200
    assert "Please enter the correct username and password" in login.content.decode()


@own_views
def test_a_view_that_opts_in_accepts_post(client):
    response = client.post("/test-form/")
    assert (response.status_code, response.content) == (200, b"answered POST")
    assert client.put("/test-form/").status_code == 405
    assert client.put("/test-form/")["Allow"] == "GET, HEAD, POST"


def test_the_language_switch_still_takes_its_post(client):
    response = client.post(
        "/i18n/setlang/",
        {"language": "ko", "next": "/projects/"},
        headers={"origin": "http://testserver"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ko/projects/"
    assert client.get("/i18n/setlang/").status_code == 405


def test_the_health_check_still_refuses_post(client):
    assert client.post("/healthz").status_code == 405


# --- Cross-Origin-Resource-Policy --------------------------------------------------------------


def test_pages_are_same_origin_resources_and_the_open_data_cross_origin(client):
    assert client.get("/projects/")["Cross-Origin-Resource-Policy"] == "same-origin"
    assert client.get("/no-such-page/")["Cross-Origin-Resource-Policy"] == "same-origin"
    assert client.get("/api/projects/")["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert client.get("/feeds/projects/")["Cross-Origin-Resource-Policy"] == "cross-origin"


# --- Compression ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/projects/", "/ko/timeline/", "/api/projects/", "/feeds/projects/"]
)
def test_responses_are_gzipped_for_clients_that_accept_it(client, path):
    plain = client.get(path)
    compressed = client.get(path, headers=GZIP)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    assert "Content-Encoding" not in plain


def test_a_compressed_page_has_a_weak_etag_that_still_revalidates(client):
    plain = client.get("/projects/")
    first = client.get("/projects/", headers=GZIP)
    assert first["ETag"] == "W/" + plain["ETag"]
    again = client.get("/projects/", headers={**GZIP, "if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["X-Cache"] == "HIT"


@pytest.mark.parametrize("path", ["/projects/export.csv?sector=it", "/projects/export.json"])
def test_the_streamed_exports_stream_compressed(client, path):
    plain = b"".join(client.get(path).streaming_content)
    response = client.get(path, headers=GZIP)
    assert response.streaming
    assert response["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response
    assert gzip.decompress(b"".join(response.streaming_content)) == plain


def test_the_admin_is_never_compressed(client, admin_user):
    client.force_login(admin_user)
    assert "Content-Encoding" not in client.get("/admin/", headers=GZIP)
    assert "Content-Encoding" not in client.get("/projects/", headers=GZIP)  # a session cookie


@own_views
def test_a_page_carrying_a_csrf_token_is_never_compressed(client):
    """BREACH recovers secrets from compressed bodies; a page with a token is sent as it is."""
    response = client.get("/test-token/", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


# --- Request limits -----------------------------------------------------------------------


def gunicorn_settings() -> dict:
    return runpy.run_path(str(ROOT / "busanportal" / "gunicorn.conf.py"))


def longest_legitimate_filter_url() -> str:
    """Every sector, the longest program slug, status and sort, a year, a far page, and a search
    of the longest length allowed in Korean (nine bytes a character once percent-encoded), on
    the longest path that takes filters (the Korean timeline)."""
    params = [("sector", slug) for slug in Sector.objects.values_list("slug", flat=True)]
    params += [
        ("program", max(Program.objects.values_list("slug", flat=True), key=len)),
        ("status", max(ProjectStatus.values, key=len)),
        ("year", "undated"),
        ("sort", max((value for value, _ in SORT_CHOICES), key=len)),
        ("page", "99999"),
        ("q", "부" * MAX_QUERY_LENGTH),
    ]
    return "/ko/timeline/?" + urlencode(params, quote_via=quote)


def test_the_longest_legitimate_filter_url_fits_gunicorns_request_line_limit(client):
    url = longest_legitimate_filter_url()
    request_line = f"GET {url} HTTP/1.1"
    limit = gunicorn_settings()["limit_request_line"]
    assert len(request_line) < limit, (len(request_line), limit)
    # …and room to spare: a 6,000-byte filter URL (sectors repeated) must also fit.
    assert limit > 6_000 + len("GET  HTTP/1.1")
    assert client.get(url).status_code in (200, 404)  # page 99999 is past the end: a 404 page


def test_a_6000_byte_filter_url_gets_a_proper_answer(client):
    slugs = list(Sector.objects.values_list("slug", flat=True))
    query = "&".join(f"sector={slug}" for slug in slugs)
    url = "/projects/?" + "&".join([query] * (6_000 // len(query) + 1))[:6_000]
    url = url[: url.rfind("&")]
    assert len(url) > 5_900
    response = client.get(url)
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_gunicorn_runs_the_portal_with_the_repository_limits():
    conf = gunicorn_settings()
    assert conf["wsgi_app"] == "busanportal.wsgi:application"
    assert (conf["limit_request_fields"], conf["limit_request_field_size"]) == (100, 8190)
    assert conf["worker_class"] == "gthread"
