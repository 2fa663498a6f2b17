"""The API's rate limit, failing open: a cache outage must not become an API outage.

DRF keeps each address's request history in the default cache. When that cache (Redis) cannot be
reached, DRF's own throttle raises and every API request answers 500; this one lets the request
through and logs, since a few minutes without a rate limit cost far less than an API that is down.
"""

import logging

from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)


class FailOpenAnonRateThrottle(AnonRateThrottle):
    """``AnonRateThrottle`` that allows the request when the cache raises."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # each cache backend has its own errors (redis-py's ConnectionError)
            logger.warning("Rate-limit cache unreachable; request allowed", exc_info=True)
            return True
