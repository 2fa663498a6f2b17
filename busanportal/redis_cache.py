"""Django's Redis cache backend with a circuit breaker: a failing Redis is skipped, not waited on.

Every caller of the cache already treats an error as "no cache" (the page cache renders, the API's
rate limit lets the request through, an official's save carries on). What a plain backend cannot
avoid is the wait: with Redis stopped each command fails at once, but with Redis answering slowly
(an overloaded or paused server) each command waits out the socket timeout, and a request makes
several. After one connection error or timeout this backend fails every command of the process
at once for ``CIRCUIT_OPEN_SECONDS`` (option, default 2), then lets the next command try Redis
again; so a slow Redis costs one timeout per worker every few seconds, and recovery is automatic.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_OPEN_SECONDS = 2.0
#: The client methods RedisCache calls; each is one or a few Redis commands.
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class CircuitOpen(RedisConnectionError):
    """Raised instead of contacting Redis while the breaker is open (a ConnectionError, so that
    callers need to know of one error type only)."""


class _Breaker:
    """When Redis last failed, per server address and per process (threads share it)."""

    def __init__(self):
        self._open_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def is_open(self, location: str) -> bool:
        return time.monotonic() < self._open_until.get(location, 0.0)

    def trip(self, location: str, seconds: float):
        with self._lock:
            first = not self.is_open(location)
            self._open_until[location] = time.monotonic() + seconds
        if first:
            logger.warning("Redis failed; skipping it for %.1f s", seconds)


BREAKER = _Breaker()


def _guarded(operation):
    def call(self, *args, **kwargs):
        if BREAKER.is_open(self._location):
            raise CircuitOpen("Redis skipped after a recent failure")
        try:
            return operation(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            BREAKER.trip(self._location, self._open_seconds)
            raise

    call.__name__ = operation.__name__
    call.__doc__ = operation.__doc__
    return call


class CircuitBreakingRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose every operation goes through the process's breaker."""

    def __init__(self, servers, serializer=None, *, circuit_open_seconds=None, **options):
        super().__init__(servers, serializer=serializer, **options)
        self._location = ",".join(servers)
        self._open_seconds = float(circuit_open_seconds or DEFAULT_OPEN_SECONDS)

    def get_many_and_count(self, keys, counter, timeout):
        """MGET ``keys`` and INCR ``counter`` (created with its expiry if new) in one round
        trip: a pipeline, not a transaction, since nothing else reads the two together."""
        pipeline = self.get_client(counter, write=True).pipeline(transaction=False)
        if keys:
            pipeline.mget(keys)
        pipeline.set(counter, 0, ex=timeout, nx=True)
        pipeline.incr(counter)
        *values, _created, count = pipeline.execute()
        found = {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values[0] if keys else [], strict=True)
            if value is not None
        }
        return found, count


for _name in (*_OPERATIONS, "get_many_and_count"):
    setattr(
        CircuitBreakingRedisCacheClient,
        _name,
        _guarded(getattr(CircuitBreakingRedisCacheClient, _name)),
    )


class CircuitBreakingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` plus the breaker above.

    ``OPTIONS`` takes ``CIRCUIT_OPEN_SECONDS`` besides redis-py's own connection options.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        open_seconds = options.pop("CIRCUIT_OPEN_SECONDS", None)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = CircuitBreakingRedisCacheClient
        self._options = {**self._options, "circuit_open_seconds": open_seconds}

    def get_many_and_count(self, keys, counter, timeout):
        """``get_many(keys)`` and the counter moved on by one, in one round trip
        (busanportal/throttling.py counts the API's rate limit with it)."""
        key_map = {self.make_and_validate_key(key): key for key in keys}
        found, count = self._cache.get_many_and_count(
            list(key_map), self.make_and_validate_key(counter), self.get_backend_timeout(timeout)
        )
        return {key_map[key]: value for key, value in found.items()}, count
