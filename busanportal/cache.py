"""The anonymous page cache: public pages rendered once per content change, not once per reader.

A news story can send thousands of readers to one filtered list. ``PageCache`` keeps each public
page (the URL namespaces in ``settings.PAGE_CACHE_NAMESPACES``) in Django's cache framework,
keyed by scheme, host, language, path and the full query string, so that a repeated anonymous
request costs no SQL at all. The cache is local memory by default and Redis in production
(``REDIS_URL``), where every worker and every host shares it.

Invalidation is a *content version*: one small cache key holding the time of the newest change
to the portfolio. Saving or deleting any portfolio object (and changing a project's sectors,
places or organisations) moves it on: each app's ``AppConfig.ready()`` hands its models to
``watch_models``, which connects their signals to ``content_changed`` (this module names no
app). Each cached page remembers the version it was rendered under and is served only while
that version is still current, so one write misses every page cached before it, without
listing or deleting keys. When many readers ask for the same missing page at once, one
renders it and the others wait for its result (a short lock in the cache) instead of all
rendering it in parallel.

The version is read before a page is rendered and moved on again once the writing transaction
has committed, so a page rendered from data that was about to change can never be stored under
the newer version.

Every cacheable page also carries an ``ETag`` (a digest of its body) and a ``Last-Modified``
(the content version), and a request with a matching ``If-None-Match`` or a recent enough
``If-Modified-Since`` gets a bodiless 304: browsers and a CDN revalidate for free.

What is never cached: anything but GET (HEAD is answered from a cached GET), any response but a
plain 200, streamed responses, responses that set a cookie or the CSRF cookie, responses that
touched the session or vary on cookies, responses marked private or no-store, and every request
that carries a session cookie (officials signed in to the admin see their edits at once) or a
pending message.

The API (the URL namespaces in ``settings.PAGE_CACHE_API_NAMESPACES``) is cached by the same
middleware, before DRF runs, so that a cached API answer costs what a cached page costs instead
of DRF's dispatch, content negotiation and throttle first. Two things differ for it. Its key
also holds the ``Accept`` header, since DRF answers it (a 406 for a type it cannot give, an
indented body for ``application/json; indent=4``). And every API request is counted against the
API's rate limit in the same round trip as the cache read (busanportal/throttling.py says why
cached answers count): over the limit the request goes on to DRF, which answers the 429 with
``Retry-After``, and a miss hands the count it took to DRF's throttle, which does not count the
request again.

``PageCache`` holds the one lookup, render-lock and store logic; ``PageCacheMiddleware`` decides
which requests get there.
"""

import hashlib
import logging
import math
import time
from functools import lru_cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from busanportal.throttling import COUNTED_ATTRIBUTE, count_for_page_cache, read_and_count

logger = logging.getLogger(__name__)

#: While one request renders a page, identical requests wait for it, polling, up to a limit.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 3.0
RENDER_POLL_SECONDS = 0.02

VERSION_KEY = "page-cache:content-version"
CACHE_HEADER = "X-Cache"
# Headers a cached page keeps; everything the outer middleware adds is added again on each hit.
STORED_HEADERS = (
    "Allow",
    "Content-Type",
    "Content-Language",
    "Vary",
    "X-Frame-Options",
    "ETag",
    "Last-Modified",
    "Cache-Control",
)
_UNCACHEABLE_CONTROLS = frozenset(("private", "no-store", "no-cache"))


# --- The content version -------------------------------------------------------------------


def current_content_version(known: float | None = None) -> float:
    """The time of the newest change, as the cache knows it (set to now when it knows none).

    ``known`` is a value just read along with a page, which saves a round trip to Redis.
    """
    version = known if known is not None else cache.get(VERSION_KEY)
    if version is None:
        # Lost (a restart, an eviction): a fresh version misses every stored page, which is
        # safe. ``add`` does not overwrite, so concurrent workers agree on one value.
        cache.add(VERSION_KEY, time.time(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version if version is not None else time.time()


def bump_content_version() -> float:
    """Move the content version on, so that every page cached until now is missed.

    The new version is normally a whole second later than the old one: ``Last-Modified`` has a
    resolution of one second, and two edits within a second should still differ there. That
    second is borrowed from the future, though, and a burst of writes (an import, each save's
    two moves) would push the version ever further ahead of the clock: ``Last-Modified`` in the
    future and, behind a replica, every page kept only for the replica's lag long after the
    burst. So the version runs at most a second ahead (and a millisecond more per change of
    a burst made while it is); within a burst it moves on by a
    millisecond, and pages differ there by their ETag alone (``Last-Modified`` is a weak
    validator within a second anyway, RFC 9110 8.8.2.2).
    """
    previous = cache.get(VERSION_KEY) or 0
    now = time.time()
    next_second = math.floor(previous) + 1
    version = max(now, next_second if next_second <= now + 1 else previous + 0.001)
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def content_changed(sender=None, **kwargs):
    """Signal receiver: an object a public page shows changed.

    The version moves on at once (so a page rendered in the same process, and every test, sees
    the change) and again when the transaction commits (so that no page rendered from the data
    before the commit outlives it).
    """
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after; the "post_" half is enough
    try:
        bump_content_version()
    except Exception:  # an official's save must not fail because the cache is down
        logger.exception("Page cache unreachable; content version not moved on")
    connection = transaction.get_connection()
    # Once per transaction: a save fires several signals (the row, its history, its links), and
    # what runs after the commit (``after_content_change``) may count the whole portfolio.
    # ``run_on_commit`` holds (savepoint ids, callable, robust) for each callback due.
    if connection.in_atomic_block and any(
        entry[1] is content_committed for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(content_committed, robust=True)


#: Called, in order, each time a change to watched content has committed (after the content
#: version moved on): apps register what they derive from the whole portfolio.
_after_change: list = []


def after_content_change(callback):
    """Call ``callback()`` after each committed change of watched content (the page cache's
    content version already moved on), once per transaction. An app registers it from its
    ``AppConfig.ready()``; an exception is logged, never raised into the official's save."""
    if callback not in _after_change:
        _after_change.append(callback)


def content_committed():
    """On commit: move the content version on, then run the registered callbacks."""
    bump_content_version()
    for callback in _after_change:
        try:
            callback()
        except Exception:
            logger.exception("After-change callback %r failed", callback)


def watch_models(*models):
    """Call ``content_changed`` on every save or delete of ``models`` and every change of their
    many-to-many relations. Each app calls it from its ``AppConfig.ready()`` with the models its
    public pages show, so that this module never imports an app."""
    for model in models:
        label = model._meta.label
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"page-cache-delete-{label}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                content_changed,
                sender=through,
                dispatch_uid=f"page-cache-m2m-{through._meta.label}",
            )


# --- Which requests and responses ------------------------------------------------------------


def _has_private_cookie(request: HttpRequest) -> bool:
    """A session (possibly signed in) or a pending flash message: the page is not generic."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    )


def page_cache_key(request: HttpRequest, *, accept: bool = False) -> str:
    """The cache key of a page: scheme, host, language, path and full query string, and with
    ``accept`` (the API) the ``Accept`` header.

    ``get_host`` also validates the Host header against ``ALLOWED_HOSTS`` (a bad one raises
    ``DisallowedHost``, which Django turns into a 400), exactly as it would have further in.
    Django's own ``learn_cache_key`` would cost a second cache read on every hit (the list of
    headers first, then the page); the pages vary on nothing but the language, which is here,
    and the API on ``Accept`` besides (DRF's content negotiation).
    """
    parts = "\n".join(
        (
            request.scheme,
            request.get_host(),
            path_language(request),
            request.path,
            request.META.get("QUERY_STRING", ""),
            *((request.META.get("HTTP_ACCEPT", ""),) if accept else ()),
        )
    )
    digest = hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page-cache:{settings.PAGE_CACHE_RELEASE}:{digest}"


PAGE, API = "page", "api"


def path_language(request: HttpRequest) -> str:
    """The language the address names: what ``LocaleMiddleware`` will activate for a public
    page (``i18n_patterns`` without a prefix for the default language), known before it runs,
    since a hit answers before it does."""
    return _language_of(request.path_info)


@lru_cache(maxsize=2048)
def _language_of(path: str) -> str:
    # Remembered: Django's prefix match costs about 10 microseconds, a twentieth of a hit.
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def _cached_kind(request: HttpRequest) -> str | None:
    """``PAGE`` for a public page, ``API`` for the API, None for anything the cache leaves."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    namespace = _namespace_of(request.path_info, urlconf, path_language(request))
    if namespace in settings.PAGE_CACHE_NAMESPACES:
        return PAGE
    if namespace in settings.PAGE_CACHE_API_NAMESPACES:
        return API
    return None


def _is_public_page(request: HttpRequest) -> bool:
    return _cached_kind(request) is not None


@lru_cache(maxsize=2048)
def _namespace_of(path: str, urlconf: str, language: str) -> str | None:
    """The outermost URL namespace of the view ``path`` resolves to; remembered, since a cache
    hit would otherwise spend a good part of its time resolving the URL again."""
    try:
        # The language prefix is matched against the active language, which on a hit is not
        # yet this request's (busanportal/settings.py: the cache answers before the locale).
        with translation.override(language):
            match = resolve(path, urlconf)
    except Resolver404:
        return None
    return match.namespaces[0] if match.namespaces else None


def _is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    controls = {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if controls & _UNCACHEABLE_CONTROLS:
        return False
    if has_vary_header(response, "Cookie") or has_vary_header(response, "*"):
        return False
    return len(response.content) <= settings.PAGE_CACHE_MAX_BYTES


def _lifetime(version: float, longest: int | None = None) -> int:
    """How long to keep a page rendered under ``version``.

    With a read replica, a page rendered just after a change may have read the replica before
    the change reached it, and would then be kept, out of date, under the new version. Pages
    rendered within the replica's lag of a change are therefore kept only that long.
    """
    lag = settings.PAGE_CACHE_REPLICA_LAG_SECONDS
    if lag and time.time() - version < lag:
        return lag
    return settings.PAGE_CACHE_SECONDS if longest is None else longest


def keep_seconds(longest: int | None = None) -> int:
    """How long to keep something derived from the data as read now: ``longest`` (by default
    the page cache's lifetime), or only the replica's lag just after a change (``_lifetime``)."""
    return _lifetime(current_content_version(), longest)


def _revalidation_headers(response: HttpResponse, version: float):
    """ETag from the body, Last-Modified from the content version, and "revalidate each time"."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(math.floor(version))
    # Anyone may store the page, but must ask again before reusing it: with the ETag, asking
    # again costs a 304. A CDN that may serve slightly old pages can get s-maxage from the
    # environment (DJANGO_PAGE_CACHE_CDN_SECONDS).
    controls = {"public": True, "max_age": 0, "must_revalidate": True}
    if settings.PAGE_CACHE_CDN_SECONDS:
        controls["s_maxage"] = settings.PAGE_CACHE_CDN_SECONDS
    patch_cache_control(response, **controls)


#: The request headers that can make a cached 200 a 304 or a 412 (RFC 9110 13.1).
_PRECONDITIONS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 304 (or 412) when the request's preconditions say the client's copy is current."""
    if not any(header in request.META for header in _PRECONDITIONS):
        return response  # most requests ask for no precondition: nothing to parse
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


# --- The page cache ------------------------------------------------------------------------


class PageCache:
    """Answer an anonymous GET or HEAD from the cache, or render it once and store it.

    ``answer`` is the whole mechanism: read the page and the content version in one round
    trip; serve a current entry (as a 304 when the client's copy is current); otherwise take a
    short render lock (or wait for the request holding it), render, and store a cacheable
    200. A cache outage costs speed, never the page. The middleware and the decorator below
    only decide which requests get here.
    """

    @staticmethod
    def is_candidate(request: HttpRequest) -> bool:
        """A GET or HEAD from a reader without a session or pending message, cache switched on."""
        return (
            request.method in ("GET", "HEAD")
            and settings.PAGE_CACHE_SECONDS > 0
            and not _has_private_cookie(request)
        )

    def answer(self, request: HttpRequest, render, *, api: bool = False) -> HttpResponse:
        """The cached page for ``request``, or ``render()``'s response, stored if it may be.

        ``render`` may return a response rendered later (a DRF or template response): it is
        then stored, and the render lock released, once its content exists. With ``api``, the
        key holds the ``Accept`` header and the request is counted against the API's rate
        limit in the same round trip; over the limit, ``render()`` answers (DRF's 429).
        """
        key = page_cache_key(request, accept=api)
        try:
            # One round trip: the page, the version it must have been rendered under and, for
            # the API, the rate-limit count.
            found, over_limit = self._read(request, [VERSION_KEY, key], api)
            version = current_content_version(found.get(VERSION_KEY))
        except Exception:  # a cache outage must cost speed, never the page
            logger.warning("Page cache unreachable; rendering", exc_info=True)
            return render()
        if over_limit:
            return render()
        entry = found.get(key)
        if entry is not None and entry["version"] == version:
            return self._hit(request, entry)

        lock = f"{key}:rendering"
        if not self._acquire(lock):
            # Another request is rendering this very page (a spike of readers arriving at once):
            # wait for its result rather than render the same page again in parallel.
            entry = self._wait_for(key, lock, version)
            if entry is not None:
                return self._hit(request, entry)
        try:
            response = render()
        except BaseException:
            self._release(lock)
            raise

        def finish(rendered: HttpResponse) -> HttpResponse:
            try:
                if request.method == "GET" and _is_cacheable_response(request, rendered):
                    _revalidation_headers(rendered, version)
                    self._store(key, version, rendered)
                    return self._labelled(_conditional(request, rendered), "MISS")
                return rendered
            finally:
                self._release(lock)

        if getattr(response, "is_rendered", True):
            return finish(response)
        response.add_post_render_callback(finish)
        return response

    @staticmethod
    def _read(request: HttpRequest, keys: list[str], api: bool) -> tuple[dict, bool]:
        """The cache entries ``keys`` and whether the request is over the API's rate limit
        (counted here for the API, and handed to its throttle through the request)."""
        counter = count_for_page_cache(request) if api else None
        if counter is None:
            return cache.get_many(keys), False
        counter_key, lifetime, limit = counter
        found, count = read_and_count(keys, counter_key, lifetime)
        setattr(request, COUNTED_ATTRIBUTE, {counter_key: count})
        return found, count > limit

    def _hit(self, request: HttpRequest, entry: dict) -> HttpResponse:
        return self._labelled(_conditional(request, self._rebuild(entry)), "HIT")

    @staticmethod
    def _acquire(lock: str) -> bool:
        try:
            return cache.add(lock, 1, timeout=RENDER_LOCK_SECONDS)
        except Exception:
            return True

    @staticmethod
    def _release(lock: str):
        try:
            cache.delete(lock)
        except Exception:
            logger.warning("Page cache unreachable; render lock left to expire", exc_info=True)

    @staticmethod
    def _wait_for(key: str, lock: str, version: float):
        """The entry another request is rendering, once stored; None if it never comes (the
        page was not cacheable, the render failed, or it took too long)."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        try:
            while time.monotonic() < deadline:
                time.sleep(RENDER_POLL_SECONDS)
                found = cache.get_many([key, lock])
                entry = found.get(key)
                if entry is not None and entry["version"] == version:
                    return entry
                if lock not in found:
                    return None
        except Exception:
            logger.warning("Page cache unreachable while waiting; rendering", exc_info=True)
        return None

    @staticmethod
    def _store(key: str, version: float, response: HttpResponse):
        entry = {
            "version": version,
            "content": response.content,
            "headers": [(name, response[name]) for name in STORED_HEADERS if name in response],
        }
        try:
            cache.set(key, entry, timeout=_lifetime(version))
        except Exception:
            logger.warning("Page cache unreachable; page not stored", exc_info=True)

    @staticmethod
    def _rebuild(entry: dict) -> HttpResponse:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        # What CommonMiddleware adds on a miss (a hit answers before it): with the length
        # known, the server sends the body as it is instead of in chunks.
        response["Content-Length"] = str(len(entry["content"]))
        return response

    @staticmethod
    def _labelled(response: HttpResponse, outcome: str) -> HttpResponse:
        """Say whether the cache answered: for benchmarks, tests and anyone reading headers."""
        response[CACHE_HEADER] = outcome
        return response


page_cache = PageCache()


# --- The entry point -----------------------------------------------------------------------


class PageCacheMiddleware(PageCache):
    """Serve anonymous GET and HEAD requests for public pages from the cache; store misses.

    Place it right after the compression (which compresses hits and misses alike) and the
    home page's language redirect, before the session and locale middleware: a hit then skips
    the session, the locale, CSRF, authentication, message and history middleware, none of
    which an anonymous cached page needs (the language is read from the address, as the
    locale middleware reads it), while everything outside it (security headers,
    Content-Security-Policy, CORS) still runs on every response. A miss renders through all
    of them, so that what is stored is what the reader was sent, ``Content-Language`` and
    ``Vary`` included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # What the locale middleware further in will activate, active already: an error
        # answered from here (a Host header not allowed, raised by the key) is in the language
        # of its address, not in the one this thread served last.
        translation.activate(path_language(request))
        if self.is_candidate(request):
            kind = _cached_kind(request)
            if kind is not None:
                return self.answer(request, lambda: self.get_response(request), api=kind == API)
        response = self.get_response(request)
        self._mark_private(request, response)
        return response

    @staticmethod
    def _mark_private(request: HttpRequest, response: HttpResponse):
        """A public page rendered for a signed-in official must not be kept by a shared cache."""
        if (
            _has_private_cookie(request)
            and request.method in ("GET", "HEAD")
            and not response.has_header("Cache-Control")
            and _is_public_page(request)
        ):
            patch_cache_control(response, private=True, no_cache=True)
