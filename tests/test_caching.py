"""The anonymous page cache (busanportal/cache.py): hits, invalidation, conditional GET, privacy.

This module doubles as a URLconf (``pytest.mark.urls``) for the few behaviours no real page
shows: a view that sets a cookie, one that uses the CSRF token and one that answers a redirect.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import include, path
from django.utils import translation
from django.utils.http import http_date, parse_http_date

from busanportal import cache as page_cache
from busanportal.urls import urlpatterns as site_urlpatterns
from projects.models import Phase, Project
from sectors.models import Sector
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db

SLUG = "export-research-reactor"
DETAIL = f"/projects/{SLUG}/"


# --- A URLconf with views that must never be cached ------------------------------------------

calls = {"count": 0}


def counted(body):
    calls["count"] += 1
    return HttpResponse(body)


def sets_a_cookie(request):
    response = counted("cookie")
    response.set_cookie("seen", "1")
    return response


def uses_the_csrf_token(request):
    return counted(f"token {get_token(request)}")


def redirects(request):
    counted("")
    return HttpResponseRedirect("/")


def plain(request):
    return counted("plain")


test_views = (
    [
        path("cookie/", sets_a_cookie),
        path("csrf/", uses_the_csrf_token),
        path("redirect/", redirects),
        path("plain/", plain),
    ],
    "cachetest",
)


urlpatterns = [
    path("cachetest/", include(test_views)),
    *site_urlpatterns,
]

own_views = pytest.mark.urls("tests.test_caching")


@pytest.fixture
def test_namespace(settings):
    settings.PAGE_CACHE_NAMESPACES = ["cachetest"]
    calls["count"] = 0
    return calls


# --- Helpers --------------------------------------------------------------------------------


def anonymous():
    return Client()


# --- Hits ----------------------------------------------------------------------------------


def test_the_first_anonymous_request_is_a_miss_and_the_second_a_hit(client):
    first = client.get("/projects/")
    second = client.get("/projects/")
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content


@pytest.mark.parametrize("path", ["/feeds/projects/", "/ko/feeds/changes/"])
def test_a_feed_is_cached_and_still_answers_its_etag_with_a_304(client, path):
    first = client.get(path)
    second = client.get(path)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content
    assert second["Content-Type"].startswith("application/atom+xml")
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_feed_follows_a_change(client):
    client.get("/feeds/projects/")
    Project.objects.filter(slug="offshore-wind-farm").get().save()
    assert client.get("/feeds/projects/")["X-Cache"] == "MISS"


def test_a_hit_runs_no_sql(client, django_assert_num_queries):
    client.get("/projects/?sector=it&year=2016")
    with django_assert_num_queries(0):
        response = client.get("/projects/?sector=it&year=2016")
    assert response["X-Cache"] == "HIT"


def test_a_hit_keeps_the_content_type_and_language(client):
    client.get("/ko/sectors/")
    response = client.get("/ko/sectors/")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Language"] == "ko"


def test_a_hit_answers_before_the_session_and_locale_middleware(client):
    miss = client.get("/projects/?sector=it")
    hit = client.get("/projects/?sector=it")
    assert hit["X-Cache"] == "HIT"
    # A hit is the page the miss sent, headers included, with none of the inner middleware run.
    assert hit.content == miss.content
    assert (hit["Content-Language"], hit["ETag"]) == ("en", miss["ETag"])
    assert hasattr(miss.wsgi_request, "session")
    assert not hasattr(hit.wsgi_request, "session")
    assert not hasattr(hit.wsgi_request, "LANGUAGE_CODE")


@pytest.mark.parametrize(
    ("path", "active", "language"), [("/projects/", "ko", "en"), ("/ko/projects/", "en", "ko")]
)
def test_a_hit_is_keyed_by_the_language_its_address_names_not_the_active_one(
    client, path, active, language
):
    client.get(path)
    # A worker's thread keeps the language of the request it served last.
    with translation.override(active):
        hit = client.get(path)
    assert hit["X-Cache"] == "HIT"
    assert hit["Content-Language"] == language
    assert f'<html lang="{language}">' in hit.content.decode()


def test_a_hit_still_carries_the_security_headers(client):
    client.get("/timeline/")
    response = client.get("/timeline/")
    assert response["X-Cache"] == "HIT"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_head_request_is_answered_from_the_cached_get(client):
    first = client.get("/sectors/")
    response = client.head("/sectors/")
    assert response["X-Cache"] == "HIT"
    assert response["ETag"] == first["ETag"]


def test_the_korean_page_has_its_own_key(client):
    client.get("/")
    response = client.get("/ko/")
    assert response["X-Cache"] == "MISS"
    assert '<html lang="ko">' in response.content.decode()


def test_the_query_string_is_part_of_the_key(client):
    it = client.get("/projects/?sector=it")
    robotics = client.get("/projects/?sector=robotics")
    assert robotics["X-Cache"] == "MISS"
    assert robotics.content != it.content


def test_the_host_is_part_of_the_key(client):
    client.get("/sectors/", HTTP_HOST="localhost")
    response = client.get("/sectors/", HTTP_HOST="127.0.0.1")
    assert response["X-Cache"] == "MISS"


def test_a_bad_host_is_still_refused_before_the_cache(client):
    client.get("/sectors/")
    client.raise_request_exception = False
    response = client.get("/sectors/", HTTP_HOST="evil.example.org")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "active", "language"), [("/ko/sectors/", "en", "ko"), ("/sectors/", "ko", "en")]
)
def test_a_bad_host_is_refused_in_the_language_of_the_address(client, path, active, language):
    client.raise_request_exception = False
    with translation.override(active):  # what the worker's thread served last
        response = client.get(path, HTTP_HOST="evil.example.org")
    assert response.status_code == 400
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_page_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/sectors/")
    response = client.get("/sectors/")
    assert "X-Cache" not in response


# --- Invalidation ---------------------------------------------------------------------------


def test_an_admin_edit_is_seen_on_the_next_anonymous_request(client, admin_client):
    project = Project.objects.get(slug=SLUG)
    assert client.get(DETAIL)["X-Cache"] == "MISS"
    change_url = f"/admin/projects/project/{project.pk}/change/"
    data = rendered_form_data(admin_client.get(change_url))
    data["title_en"] = "Export research reactor, renamed in the admin"
    saved = admin_client.post(change_url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]

    response = client.get(DETAIL)
    assert response["X-Cache"] == "MISS"
    assert "Export research reactor, renamed in the admin" in response.content.decode()


def test_an_admin_edit_invalidates_every_cached_page(client, admin_client):
    project = Project.objects.get(slug=SLUG)
    for url in ("/projects/", "/ko/timeline/", "/sectors/"):
        client.get(url)
    change_url = f"/admin/projects/project/{project.pk}/change/"
    data = rendered_form_data(admin_client.get(change_url))
    data["title_en"] = "Renamed reactor"
    admin_client.post(change_url, data)

    assert [client.get(url)["X-Cache"] for url in ("/projects/", "/ko/timeline/", "/sectors/")] == [
        "MISS",
        "MISS",
        "MISS",
    ]


def test_a_model_save_invalidates_the_list(client):
    client.get("/projects/?q=reactor")
    Project.objects.filter(slug=SLUG).first().save()
    assert client.get("/projects/?q=reactor")["X-Cache"] == "MISS"


def test_deleting_a_phase_invalidates_the_timeline(client):
    client.get("/timeline/")
    Phase.objects.filter(project__slug=SLUG).first().delete()
    assert client.get("/timeline/")["X-Cache"] == "MISS"


def test_changing_a_projects_sectors_invalidates_the_sector_page(client):
    before = client.get("/sectors/robotics/").content.decode()
    assert "Export-oriented research reactor" not in before
    Project.objects.get(slug=SLUG).sectors.add(Sector.objects.get(slug="robotics"))
    response = client.get("/sectors/robotics/")
    assert response["X-Cache"] == "MISS"
    assert Project.objects.get(slug=SLUG).title_en in response.content.decode()


def test_editing_a_sector_invalidates_the_pages(client):
    client.get("/sectors/")
    sector = Sector.objects.get(slug="it")
    sector.name_en = "Information technology"
    sector.save()
    response = client.get("/sectors/")
    assert response["X-Cache"] == "MISS"
    assert "Information technology" in response.content.decode()


def test_the_version_moves_on_again_when_the_write_commits(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        Project.objects.get(slug=SLUG).save()
        version_at_save = page_cache.current_content_version()
        # A page rendered before the commit, from the old data, is stored under this version.
        client.get("/projects/")
    for callback in callbacks:
        callback()
    assert page_cache.current_content_version() > version_at_save
    assert client.get("/projects/")["X-Cache"] == "MISS"


def test_a_burst_of_changes_keeps_the_version_within_a_second_of_the_clock():
    import time

    versions = [page_cache.bump_content_version() for _ in range(50)]
    assert versions == sorted(set(versions))  # each change still misses every page before it
    # At most a second ahead, and a millisecond more per change of the burst made while it was
    # that far ahead (each must still be newer than the last): never seconds.
    assert versions[-1] - time.time() <= 1.0 + 0.001 * len(versions)


def test_changes_a_second_apart_differ_in_last_modified():
    first = page_cache.bump_content_version()
    with mock.patch("busanportal.cache.time.time", return_value=first + 1.0):
        second = page_cache.bump_content_version()
    assert int(second) > int(first)


def test_a_lost_version_misses_every_page(client):
    client.get("/projects/")
    cache.delete(page_cache.VERSION_KEY)
    assert client.get("/projects/")["X-Cache"] == "MISS"


# --- Conditional GET ------------------------------------------------------------------------


def test_a_matching_etag_gets_a_304_without_a_body(client):
    etag = client.get("/projects/")["ETag"]
    response = client.get("/projects/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_matching_etag_gets_a_304_on_a_miss_too(client):
    etag = client.get("/sectors/it/")["ETag"]
    cache.clear()
    response = client.get("/sectors/it/", HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, response["X-Cache"]) == (304, "MISS")


def test_another_etag_gets_the_page(client):
    client.get("/projects/")
    response = client.get("/projects/", HTTP_IF_NONE_MATCH='"something-else"')
    assert response.status_code == 200
    assert b"<html" in response.content


def test_the_etag_changes_when_the_page_changes(client):
    etag = client.get(DETAIL)["ETag"]
    Project.objects.filter(slug=SLUG).update(title_en="Quietly renamed")
    Project.objects.get(slug=SLUG).save()
    response = client.get(DETAIL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Quietly renamed" in response.content.decode()


def test_if_modified_since_the_last_change_gets_a_304(client):
    last_modified = client.get("/timeline/")["Last-Modified"]
    response = client.get("/timeline/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304
    assert response["Last-Modified"] == last_modified


def test_if_modified_since_before_the_last_change_gets_the_page(client):
    last_modified = parse_http_date(client.get("/timeline/")["Last-Modified"])
    response = client.get("/timeline/", HTTP_IF_MODIFIED_SINCE=http_date(last_modified - 60))
    assert response.status_code == 200


def test_last_modified_moves_on_with_each_change(client):
    before = parse_http_date(client.get("/sectors/")["Last-Modified"])
    Sector.objects.get(slug="it").save()
    after = parse_http_date(client.get("/sectors/")["Last-Modified"])
    assert after > before


def test_an_old_date_no_longer_gets_a_304_after_a_change(client):
    last_modified = client.get("/sectors/")["Last-Modified"]
    Sector.objects.get(slug="it").save()
    response = client.get("/sectors/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200


def test_cacheable_pages_ask_browsers_to_revalidate(client):
    response = client.get("/projects/")
    assert set(response["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "must-revalidate",
    }


def test_a_cdn_lifetime_can_be_configured(client, settings):
    settings.PAGE_CACHE_CDN_SECONDS = 60
    assert "s-maxage=60" in client.get("/projects/")["Cache-Control"]


# --- Never cached ---------------------------------------------------------------------------


def test_a_signed_in_official_is_never_served_a_cached_page(
    client, admin_client, django_assert_max_num_queries
):
    client.get("/projects/")
    response = admin_client.get("/projects/")
    assert "X-Cache" not in response
    assert response.status_code == 200


def test_a_signed_in_officials_page_is_never_stored(client, admin_client):
    admin_client.get("/sectors/")
    assert client.get("/sectors/")["X-Cache"] == "MISS"


def test_a_signed_in_officials_page_is_private(admin_client):
    response = admin_client.get("/sectors/")
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_visitor_with_a_pending_message_is_not_served_from_the_cache(client):
    client.get("/sectors/")
    client.cookies["messages"] = "pending"
    assert "X-Cache" not in client.get("/sectors/")


def test_a_post_is_never_answered_from_the_cache(client):
    client.get("/sectors/")
    response = client.post("/sectors/")
    assert "X-Cache" not in response


def test_a_404_is_not_cached(client, django_assert_num_queries):
    client.get("/projects/no-such-project/")
    with django_assert_num_queries(1):
        response = client.get("/projects/no-such-project/")
    assert response.status_code == 404
    assert "X-Cache" not in response


def test_a_streamed_export_is_not_cached(client):
    client.get("/projects/export.csv")
    response = client.get("/projects/export.csv")
    assert response.streaming
    assert "X-Cache" not in response


def test_the_admin_is_outside_the_page_cache(client):
    client.get("/admin/login/")
    assert "X-Cache" not in client.get("/admin/login/")


def test_the_api_is_cached_too(client):
    client.get("/api/sectors/")
    assert client.get("/api/sectors/")["X-Cache"] == "HIT"  # more in tests/test_api_cache.py


@own_views
def test_a_response_that_sets_a_cookie_is_not_cached(client, test_namespace):
    client.get("/cachetest/cookie/")
    Client().get("/cachetest/cookie/")
    assert test_namespace["count"] == 2


@own_views
def test_a_response_that_uses_the_csrf_token_is_not_cached(test_namespace):
    anonymous().get("/cachetest/csrf/")
    response = anonymous().get("/cachetest/csrf/")
    assert test_namespace["count"] == 2
    assert settings.CSRF_COOKIE_NAME in response.cookies


@own_views
def test_a_redirect_is_not_cached(client, test_namespace):
    client.get("/cachetest/redirect/")
    client.get("/cachetest/redirect/")
    assert test_namespace["count"] == 2


@own_views
def test_an_allowed_namespace_is_cached(client, test_namespace):
    client.get("/cachetest/plain/")
    response = client.get("/cachetest/plain/")
    assert (response.content, test_namespace["count"]) == (b"plain", 1)


def test_a_cache_outage_costs_speed_not_the_page(client):
    with mock.patch.object(cache, "get_many", side_effect=ConnectionError("redis is down")):
        response = client.get("/sectors/")
    assert response.status_code == 200
    assert "Robot" in response.content.decode()


def test_a_cache_outage_does_not_fail_an_officials_save():
    project = Project.objects.get(slug=SLUG)
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis is down")):
        project.save()
    assert Project.objects.get(slug=SLUG).updated_at == project.updated_at


# --- Many readers, one render ----------------------------------------------------------------


def test_a_reader_waits_for_the_page_another_request_is_rendering(client):
    client.get("/sectors/")
    key = page_cache.page_cache_key(client.get("/sectors/").wsgi_request)
    entry = cache.get(key)
    cache.add(f"{key}:rendering", 1)
    waited = page_cache.PageCacheMiddleware._wait_for(key, f"{key}:rendering", entry["version"])
    assert waited == entry


def test_a_reader_renders_itself_when_the_other_render_stored_nothing(client):
    client.get("/sectors/")
    key = page_cache.page_cache_key(client.get("/sectors/").wsgi_request)
    cache.delete(key)
    waited = page_cache.PageCacheMiddleware._wait_for(key, f"{key}:rendering", 0.0)
    assert waited is None


def test_a_stuck_render_does_not_hold_other_readers_for_long(client, monkeypatch):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.05)
    first = client.get("/sectors/")
    key = page_cache.page_cache_key(first.wsgi_request)
    Sector.objects.get(slug="it").save()  # the stored page is now out of date
    cache.add(f"{key}:rendering", 1)  # and someone else claims to be rendering it, forever
    response = client.get("/sectors/")
    assert (response.status_code, response["X-Cache"]) == (200, "MISS")


# --- With a read replica ---------------------------------------------------------------------


def pages_stored_for(stored) -> list[int]:
    """The lifetimes of the pages (not the portfolio's counts) a mocked ``cache.set`` stored."""
    return [
        call.kwargs["timeout"]
        for call in stored.call_args_list
        if call.args[0].startswith("page-cache:") and call.args[0] != page_cache.VERSION_KEY
    ]


def test_with_a_replica_a_page_rendered_just_after_a_change_is_kept_briefly(client, settings):
    settings.PAGE_CACHE_REPLICA_LAG_SECONDS = 5
    Sector.objects.get(slug="it").save()  # a change, this very second
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        client.get("/sectors/")
    assert pages_stored_for(stored) == [5]


def test_with_a_replica_a_page_rendered_well_after_a_change_is_kept_long(client, settings):
    settings.PAGE_CACHE_REPLICA_LAG_SECONDS = 5
    cache.set(page_cache.VERSION_KEY, page_cache.time.time() - 60, timeout=None)
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        client.get("/sectors/")
    assert pages_stored_for(stored) == [600]
