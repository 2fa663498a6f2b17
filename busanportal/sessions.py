"""Admin sessions that end: after a spell of inactivity, and after a fixed time in all.

Django has one session lifetime (``SESSION_COOKIE_AGE``) and renews it on every save; it has no
notion of "idle". ``SessionExpiryMiddleware`` keeps two stamps in a signed-in session, when it
began and when it was last used, and ends the session (signing the official out) once either
limit is passed: ``SESSION_IDLE_SECONDS`` since the last request, or ``SESSION_COOKIE_AGE``
since the sign-in, however active the official has been. Anonymous visitors have no session and
are not touched, so public pages stay cacheable.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

#: Session keys of the two stamps (seconds since the epoch).
STARTED_AT = "_portal_session_started_at"
LAST_SEEN_AT = "_portal_session_last_seen_at"


def session_has_expired(session, now: float) -> bool:
    """Whether a signed-in session has been idle too long or has lived too long in all."""
    started = session.get(STARTED_AT, now)
    last_seen = session.get(LAST_SEEN_AT, now)
    return (
        now - last_seen > settings.SESSION_IDLE_SECONDS
        or now - started > settings.SESSION_COOKIE_AGE
    )


class SessionExpiryMiddleware:
    """End signed-in sessions idle for ``SESSION_IDLE_SECONDS`` or older than
    ``SESSION_COOKIE_AGE``; otherwise stamp the request and shorten the cookie to match."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # Without a session cookie there is nothing to expire; reading the session would mark it
        # accessed and make the public page uncacheable (busanportal/cache.py).
        has_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
        if session is not None and has_cookie and session.get(SESSION_KEY) is not None:
            now = time.time()
            if session_has_expired(session, now):
                # flush() deletes the stored session and signs the user out; the request goes on
                # as anonymous, so the admin answers with its sign-in page.
                session.flush()
            else:
                session.setdefault(STARTED_AT, now)
                session[LAST_SEEN_AT] = now
                remaining = settings.SESSION_COOKIE_AGE - (now - session[STARTED_AT])
                # The cookie and the stored session end with whichever limit comes first.
                session.set_expiry(max(1, int(min(settings.SESSION_IDLE_SECONDS, remaining))))
        return self.get_response(request)
