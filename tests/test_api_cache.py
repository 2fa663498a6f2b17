"""The API answered by the page cache before DRF runs (busanportal/cache.py), and its rate limit
counted on every request, cached or not, in the same round trip (busanportal/throttling.py)."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from busanportal import redis_cache, throttling
from busanportal.cache import page_cache_key
from busanportal.redis_cache import CircuitBreakingRedisCache
from projects.models import Project

pytestmark = pytest.mark.django_db

SLUG = "export-research-reactor"
CACHED = [
    "/api/projects/",
    "/api/projects/?sector=it",
    f"/api/projects/{SLUG}/",
    f"/api/projects/{SLUG}/?lang=ko",
    "/api/sectors/",
    "/api/sectors/it/",
    "/api/programs/",
]


@pytest.fixture
def three_an_hour(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/hour"})


@pytest.fixture
def drf_dispatches():
    """How many requests reached DRF's view."""
    with mock.patch.object(APIView, "dispatch", autospec=True, side_effect=APIView.dispatch) as spy:
        yield spy


# --- Hits --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CACHED)
def test_a_repeated_api_request_is_a_hit_without_sql_or_drf(
    client, path, django_assert_num_queries, drf_dispatches
):
    first = client.get(path)
    assert (first.status_code, first["X-Cache"], drf_dispatches.call_count) == (200, "MISS", 1)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert (second["X-Cache"], drf_dispatches.call_count) == ("HIT", 1)
    assert second.content == first.content


@pytest.mark.parametrize("path", ["/api/projects/?sector=it", f"/api/projects/{SLUG}/?lang=ko"])
def test_a_hit_has_the_headers_of_the_miss(client, path):
    origin = {"Origin": "https://newsroom.example"}
    first, second = client.get(path, headers=origin), client.get(path, headers=origin)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    ignored = {"X-Cache", "Vary"}  # Vary: Cookie on the miss, which read the session's user
    assert {k: v for k, v in second.items() if k not in ignored} == {
        k: v for k, v in first.items() if k not in ignored
    }
    assert second["Access-Control-Allow-Origin"] == "*"  # CORS runs outside the cache
    assert second["Allow"] == "GET, HEAD, OPTIONS"


def test_lang_is_part_of_the_key_and_its_header_is_kept(client):
    english = client.get(f"/api/projects/{SLUG}/")
    client.get(f"/api/projects/{SLUG}/", {"lang": "ko"})
    korean = client.get(f"/api/projects/{SLUG}/", {"lang": "ko"})
    assert (korean["X-Cache"], korean["Content-Language"]) == ("HIT", "ko")
    assert korean.json()["title"] == korean.json()["title_ko"] != english.json()["title"]


def test_a_change_misses_the_cached_api(client):
    client.get(f"/api/projects/{SLUG}/")
    project = Project.objects.get(slug=SLUG)
    project.title_en = "Renamed"
    project.save()
    response = client.get(f"/api/projects/{SLUG}/")
    assert (response["X-Cache"], response.json()["title"]) == ("MISS", "Renamed")


def test_a_matching_etag_gets_a_304_from_the_cached_api(client):
    etag = client.get("/api/projects/")["ETag"]
    response = client.get("/api/projects/", headers={"If-None-Match": etag})
    assert (response.status_code, response["X-Cache"], response.content) == (304, "HIT", b"")


def test_a_hit_tells_its_length(client):
    client.get("/api/sectors/")
    response = client.get("/api/sectors/")
    assert int(response["Content-Length"]) == len(response.content)


# --- Errors and content negotiation are DRF's, never a cached 200 -----------------------------


def test_a_bad_parameter_is_still_a_400_naming_it(client):
    client.get("/api/projects/")
    response = client.get("/api/projects/", {"year": "20x6"})
    assert (response.status_code, list(response.json())) == (400, ["year"])
    assert "X-Cache" not in response


def test_an_unknown_slug_is_still_a_json_404(client):
    for _ in range(2):
        response = client.get("/api/projects/no-such-project/")
        assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_accept_is_part_of_the_key(client):
    client.get("/api/sectors/")
    assert client.get("/api/sectors/", headers={"Accept": "*/*"})["X-Cache"] == "MISS"
    assert client.get("/api/sectors/", headers={"Accept": "*/*"})["X-Cache"] == "HIT"


def test_a_type_drf_cannot_give_is_a_406_even_when_json_is_cached(client):
    client.get("/api/sectors/")
    response = client.get("/api/sectors/", headers={"Accept": "text/csv"})
    assert (response.status_code, response["Content-Type"]) == (406, "application/json")


def test_an_indented_answer_is_cached_apart_from_the_plain_one(client):
    plain = client.get("/api/sectors/")
    indent = {"Accept": "application/json; indent=4"}
    client.get("/api/sectors/", headers=indent)
    indented = client.get("/api/sectors/", headers=indent)
    assert indented["X-Cache"] == "HIT"
    assert indented.content.startswith(b"[\n    {\n") and not plain.content.startswith(b"[\n")


def test_format_json_is_cached_and_another_format_is_a_404(client):
    client.get("/api/sectors/", {"format": "json"})
    assert client.get("/api/sectors/", {"format": "json"})["X-Cache"] == "HIT"
    assert client.get("/api/sectors/", {"format": "xml"}).status_code == 404


# --- Officials -----------------------------------------------------------------------------------


def test_a_signed_in_official_neither_gets_nor_fills_a_cached_answer(admin_client):
    Client().get("/api/sectors/")  # cached for readers
    official = admin_client.get("/api/sectors/")
    assert "X-Cache" not in official
    assert "private" in official["Cache-Control"]
    admin_client.get("/api/programs/")
    assert Client().get("/api/programs/")["X-Cache"] == "MISS"


# --- The rate limit counts every request once ---------------------------------------------------


def test_cached_answers_count_against_the_rate_limit(client, three_an_hour, drf_dispatches):
    statuses = [client.get("/api/sectors/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert drf_dispatches.call_count == 2  # the miss, and the 429 DRF answers
    limited = client.get("/api/sectors/")
    assert limited.json()["detail"].startswith("Request was throttled")
    assert 0 < int(limited["Retry-After"]) <= 3600
    assert "X-Cache" not in limited


def test_a_miss_is_counted_once(client, three_an_hour):
    paths = ["/api/sectors/", "/api/programs/", f"/api/projects/{SLUG}/"]
    assert [client.get(path)["X-Cache"] for path in paths] == ["MISS"] * 3
    assert client.get("/api/sectors/").status_code == 429


def test_the_limit_is_per_address(three_an_hour):
    for _ in range(3):
        Client(REMOTE_ADDR="192.0.2.1").get("/api/sectors/")
    assert Client(REMOTE_ADDR="192.0.2.1").get("/api/sectors/").status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.2").get("/api/sectors/").status_code == 200


def test_a_new_window_starts_a_new_count(client, three_an_hour, monkeypatch):
    clock = [7200.0]
    monkeypatch.setattr(throttling.FailOpenAnonRateThrottle, "timer", lambda self: clock[0])
    assert [client.get("/api/sectors/").status_code for _ in range(4)][-1] == 429
    clock[0] += 3600
    assert client.get("/api/sectors/").status_code == 200


def test_the_cached_api_answers_when_the_rate_limit_cache_is_down(client):
    client.get("/api/sectors/")
    with mock.patch.object(cache, "incr", side_effect=ConnectionError("redis is down")):
        response = client.get("/api/sectors/")
    assert response.status_code == 200


def test_with_the_cache_off_drf_counts_alone(client, three_an_hour, settings):
    settings.PAGE_CACHE_SECONDS = 0
    statuses = [client.get("/api/sectors/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- Redis: the count rides in the page cache's round trip --------------------------------------


class RecordingPipeline:
    """Stands in for redis-py's pipeline: records the commands, answers as Redis would."""

    def __init__(self, stored):
        self.stored, self.commands, self.executed = stored, [], 0

    def mget(self, keys):
        self.commands.append(("MGET", *keys))

    def set(self, key, value, ex=None, nx=False):
        self.commands.append(("SET", key, value, f"EX {ex}", "NX" if nx else ""))

    def incr(self, key):
        self.commands.append(("INCR", key))

    def execute(self):
        self.executed += 1
        results = []
        for command in self.commands:
            if command[0] == "MGET":
                results.append([self.stored.get(key) for key in command[1:]])
            elif command[0] == "SET":
                results.append(self.stored.setdefault(command[1], b"0") == b"0")
            else:
                self.stored[command[1]] = str(int(self.stored[command[1]]) + 1).encode()
                results.append(int(self.stored[command[1]]))
        return results


def test_redis_reads_and_counts_in_one_round_trip(monkeypatch):
    monkeypatch.setattr(redis_cache, "BREAKER", redis_cache._Breaker())
    backend = CircuitBreakingRedisCache("redis://127.0.0.1:1/0", {"KEY_PREFIX": "p"})
    client = backend._cache
    pipeline = RecordingPipeline({"p:1:page": client._serializer.dumps({"body": 1})})
    redis = mock.Mock(pipeline=mock.Mock(return_value=pipeline))
    monkeypatch.setattr(client, "get_client", mock.Mock(return_value=redis))

    found, count = backend.get_many_and_count(["page", "version"], "counter", 3600)

    assert (found, count, pipeline.executed) == ({"page": {"body": 1}}, 1, 1)
    assert pipeline.commands == [
        ("MGET", "p:1:page", "p:1:version"),
        ("SET", "p:1:counter", 0, "EX 3600", "NX"),
        ("INCR", "p:1:counter"),
    ]


def test_the_cache_key_of_the_api_holds_accept(rf):
    plain, json = rf.get("/api/sectors/"), rf.get("/api/sectors/", HTTP_ACCEPT="application/json")
    assert page_cache_key(plain) == page_cache_key(json)
    assert page_cache_key(plain, accept=True) != page_cache_key(json, accept=True)


def test_without_the_throttle_in_the_settings_nothing_is_counted(client, monkeypatch):
    monkeypatch.setattr(throttling.api_settings, "DEFAULT_THROTTLE_CLASSES", [])
    with mock.patch("busanportal.cache.read_and_count") as counted:
        client.get("/api/sectors/")
        assert client.get("/api/sectors/")["X-Cache"] == "HIT"
    counted.assert_not_called()  # by the page cache (the views keep the classes they had)


def test_the_rate_limit_counts_each_request_once_from_the_first_of_its_window():
    cache.set("page", "the page")
    counts = [throttling.read_and_count(["page"], "counter:window", 60) for _ in range(3)]
    assert counts == [
        ({"page": "the page"}, 1),
        ({"page": "the page"}, 2),
        ({"page": "the page"}, 3),
    ]


def test_a_window_that_expires_between_the_reads_starts_again_at_one(monkeypatch):
    # The counter is gone at the first increment, and again (expired) after another request
    # created it: the count starts afresh instead of failing.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", mock.Mock(side_effect=ValueError))
    assert throttling.read_and_count([], "counter:window", 60) == ({}, 1)
