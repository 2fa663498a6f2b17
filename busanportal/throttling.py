"""The API's rate limit: one counter per client address and window, failing open.

Every request to the API counts, whether the page cache answers it or a view renders it (and the
exports count too, projects/export.py). The limit exists to stop one address from taking the
service for itself, and the published promise is simple: "2,000 requests an hour, then 429"
(settings.SPECTACULAR_SETTINGS). Not counting cached answers would make the limit depend on
what others happened to fetch first, and would let a runaway script loop over cached pages
unnoticed until it reached an uncached one. Counting them costs next to nothing: the count is
one Redis ``INCR``, sent in the same round trip as the page cache's read
(``read_and_count``, used by busanportal/cache.py), so a cached API answer costs what a cached
HTML page costs.

Why not DRF's ``AnonRateThrottle`` as it is: it keeps each address's request *history*, a list
of up to the rate's number of timestamps (2,000 floats, about 18 KB pickled), and reads and
rewrites the whole list on every request: two round trips and the list's (de)serialisation,
which measured as a large share of a cached API answer's time. This counter is a fixed window
(windows of the rate's period, aligned to the clock): exact within a window, at the price that
an address may make up to twice the rate across a window's boundary, which a generous limit
against runaway scripts can afford. (django-ratelimit counts the same way, but in two round
trips of its own that cannot share the page cache's.)

When the cache (Redis) cannot be reached the request is let through and the failure logged: a
few minutes without a rate limit cost far less than an API that is down.
"""

import logging
import math

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)

#: Where the page cache leaves the count it took for a request, by counter key, so that the
#: throttle of the view it then renders does not count the same request twice.
COUNTED_ATTRIBUTE = "rate_limit_counted"


def read_and_count(keys: list[str], counter: str, timeout: int) -> tuple[dict, int]:
    """``cache.get_many(keys)`` and the counter ``counter`` moved on by one, created to expire
    after ``timeout`` seconds: one round trip where the backend can (busanportal/redis_cache.py),
    else a few cheap calls (the local-memory cache)."""
    combined = getattr(cache, "get_many_and_count", None)
    if combined is not None:
        return combined(keys, counter, timeout)
    found = cache.get_many(keys) if keys else {}
    try:
        return found, cache.incr(counter)  # the window's counter exists but for its first request
    except ValueError:
        pass
    if cache.add(counter, 1, timeout=timeout):
        return found, 1
    try:
        return found, cache.incr(counter)  # another request created it in between
    except ValueError:  # and it expired in between: count afresh
        cache.set(counter, 1, timeout=timeout)
        return found, 1


class FailOpenAnonRateThrottle(AnonRateThrottle):
    """DRF's anonymous rate limit (the same ``anon`` rate, ``NUM_PROXIES`` and client address),
    counted in fixed windows with one increment per request, and allowing the request when the
    cache raises."""

    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_cache_key(self, request, view):
        # Every reader of the API is anonymous (it has no authentication), so unlike DRF's this
        # asks for no user: the page cache counts the request before any user is known.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def counter(self, request) -> tuple[str, int] | None:
        """The key and lifetime of this request's counter; None when nothing is limited."""
        if self.rate is None:
            return None
        base = self.get_cache_key(request, None)
        if base is None:
            return None
        self.now = self.timer()
        window = math.floor(self.now / self.duration)
        return f"{base}:{window}", self.duration

    def allow_request(self, request, view):
        counter = self.counter(request)
        if counter is None:
            return True
        key, timeout = counter
        count = getattr(request, COUNTED_ATTRIBUTE, {}).get(key)
        if count is None:
            try:
                count = read_and_count([], key, timeout)[1]
            except Exception:  # each cache backend has its own errors (redis-py's ConnectionError)
                logger.warning("Rate-limit cache unreachable; request allowed", exc_info=True)
                return True
        return count <= self.num_requests

    def wait(self):
        """Seconds until the window ends and the address may ask again."""
        return max(1.0, self.duration - (self.now % self.duration))


def count_for_page_cache(request) -> tuple[str, int, int] | None:
    """For the page cache: the API throttle's counter for ``request`` (key, lifetime, limit),
    or None when the API is not limited by this throttle (the settings name another, or none)."""
    if FailOpenAnonRateThrottle not in api_settings.DEFAULT_THROTTLE_CLASSES:
        return None
    throttle = FailOpenAnonRateThrottle()
    counter = throttle.counter(request)
    if counter is None:
        return None
    return (*counter, throttle.num_requests)
