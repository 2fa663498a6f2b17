"""A cache outage costs speed, never answers: the fail-open rate limit and the Redis breaker.

The fault suite (tests/fault) measures both against a real Redis under gunicorn; these pin the
mechanisms in-process.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from busanportal import redis_cache
from busanportal.redis_cache import CircuitBreakingRedisCache, CircuitOpen


@pytest.mark.django_db
def test_the_api_answers_when_the_rate_limit_cache_is_down(client):
    with (
        mock.patch.object(cache, "get", side_effect=RedisConnectionError("down")),
        mock.patch.object(cache, "get_many", side_effect=RedisConnectionError("down")),
    ):
        response = client.get("/api/projects/")
    assert response.status_code == 200
    assert response.json()["count"] == 25


@pytest.fixture
def breaking_cache(monkeypatch):
    monkeypatch.setattr(redis_cache, "BREAKER", redis_cache._Breaker())
    return CircuitBreakingRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"CIRCUIT_OPEN_SECONDS": 60}}
    )


def redis_answering(**commands):
    """redis-py's client replaced: each command given answers (or raises) as told."""
    return mock.patch.object(RedisCacheClient, "get_client", return_value=mock.Mock(**commands))


def test_after_one_timeout_redis_is_skipped_without_waiting(breaking_cache):
    slow = mock.Mock(side_effect=RedisTimeoutError("Timeout reading from socket"))
    with redis_answering(get=slow, set=slow):
        with pytest.raises(RedisTimeoutError):
            breaking_cache.get("page")
        with pytest.raises(CircuitOpen):
            breaking_cache.get("page")
        with pytest.raises(CircuitOpen):
            breaking_cache.set("page", 1)
    assert slow.call_count == 1  # the second and third never reached Redis


def test_the_breaker_closes_by_itself(breaking_cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(redis_cache.time, "monotonic", lambda: clock[0])
    with redis_answering(get=mock.Mock(side_effect=RedisConnectionError("down"))):
        with pytest.raises(RedisConnectionError):
            breaking_cache.get("page")
        with pytest.raises(CircuitOpen):
            breaking_cache.get("page")
    clock[0] += 61  # CIRCUIT_OPEN_SECONDS later Redis is asked again
    answer = mock.Mock(return_value=breaking_cache._cache._serializer.dumps("cached"))
    with redis_answering(get=answer):
        assert breaking_cache.get("page") == "cached"
    assert answer.call_count == 1


def test_a_circuit_open_error_is_a_connection_error_for_every_caller():
    assert issubclass(CircuitOpen, RedisConnectionError)
