"""Middleware that keeps the portal honest under attack and under failure.

``ApiJsonErrorsMiddleware`` keeps the API's promise that every answer under /api/ is JSON, the
errors Django itself answers (an unknown address, a forged Host header) included.

``SecurityHeadersMiddleware`` removes anything that names the server software and adds the headers
Django has no setting for; ``DatabaseUnavailableMiddleware`` turns a lost database into a short 503
page instead of a traceback. ``client_ip`` tells django-axes who is knocking, trusting
``X-Forwarded-For`` only as far as the operator says there are proxies in front.
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.db import InterfaceError, OperationalError, connections, router
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

#: Seconds a client (or a proxy) should wait before asking again while the database is down.
RETRY_AFTER_SECONDS = 30

#: Errors that mean "the database cannot be reached", as opposed to a bug in a query.
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)

# Headers that advertise software and versions; a reviewer's first scan looks for them.
_REVEALING_HEADERS = ("Server", "X-Powered-By", "X-AspNet-Version", "X-Runtime")

# Browser features the portal never uses; denying them limits what injected content could do.
_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Cross-Origin-Resource-Policy: other sites' pages may not embed the portal's responses (an
# image, a script, a frame), except the open data meant for them: the API (read cross-origin
# under CORS as well) and the feeds.
_CROSS_ORIGIN_PREFIXES = ("/api/", "/feeds/")


class SecurityHeadersMiddleware:
    """Strip server-identifying headers; add ``Permissions-Policy`` and
    ``Cross-Origin-Resource-Policy`` to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header in _REVEALING_HEADERS:
            if header in response:
                del response[header]
        response.setdefault("Permissions-Policy", _PERMISSIONS_POLICY)
        response.setdefault(
            "Cross-Origin-Resource-Policy",
            "cross-origin" if request.path.startswith(_CROSS_ORIGIN_PREFIXES) else "same-origin",
        )
        return response


class PathLanguageMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` without a ``Vary: Accept-Language`` that does not apply.

    With ``i18n_patterns(prefix_default_language=False)`` the language comes from the path alone:
    ``/ko/…`` is Korean and every other address English, whatever the browser asks for. Django
    adds ``Vary: Accept-Language`` to every unprefixed answer all the same, which tells caches
    (and feed readers) to keep a copy per browser language of an answer that never differs.
    """

    def process_response(self, request, response):
        vary_before = response.get("Vary")
        response = super().process_response(request, response)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        used, prefixed_default = is_language_prefix_patterns_used(urlconf)
        if used and not prefixed_default:
            if vary_before is None:
                del response["Vary"]
            else:
                response["Vary"] = vary_before
        return response


API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    """Turn any error under /api/ that is not JSON into ``{"detail": ...}`` with its status.

    DRF answers its own errors in JSON, but some come from Django before or outside a DRF view:
    a 404 for an address that matches no route, a 400 for a Host header not in ``ALLOWED_HOSTS``
    (raised before URL resolution, so no view or URL pattern can catch it), a 405 from a plain
    Django view. Placed near the top of ``MIDDLEWARE``, it sees all of those as responses. The
    path is read from ``request.path`` alone, never from the (possibly forged) host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = "Error"
        replacement = JsonResponse({"detail": f"{phrase}."}, status=response.status_code)
        # The headers that say what to do next survive (Allow on a 405, Retry-After on a 429/503).
        for header in ("Allow", "Retry-After", "Cache-Control", "Vary"):
            if header in response:
                replacement[header] = response[header]
        return replacement


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 answer while the database is unreachable: a page (or JSON for the API).

    The page is rendered without a request context on purpose: the context processors may touch
    the session or the user, which live in the database that is down. If even that fails, a
    hard-coded page still goes out, so a visitor never sees a traceback.
    """
    message = gettext("The portal is temporarily unavailable. Please try again in a minute.")
    if request is not None and request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        try:
            body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        except Exception:  # the last line of defence must not raise
            logger.exception("Could not render 503.html")
            body = f"<!DOCTYPE html><title>503</title><h1>503</h1><p>{message}</p>"
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def connect_before_streaming(model) -> None:
    """Reach the database a streamed body will read, now, while the view can still answer 503.

    A streamed response sends its 200 and headers before the body's first query; if the database
    is gone by then, the client gets a truncated 200. Called in the view, a lost database raises
    here instead and becomes the 503 below. (Django's health check runs once per request anyway;
    this only brings it forward.)
    """
    connection = connections[router.db_for_read(model)]
    connection.close_if_health_check_failed()
    connection.ensure_connection()


class DatabaseUnavailableMiddleware:
    """Answer 503 with ``Retry-After`` when a view fails because the database is unreachable.

    Pages served from the cache never reach a view, so they keep working during the outage.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN_ERRORS):
            return None
        logger.error(
            "Database unavailable: %s",
            exception.__class__.__name__,
            exc_info=exception,
            extra={"status_code": 503, "request": request},
        )
        return database_unavailable_response(request)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for django-axes (``AXES_CLIENT_IP_CALLABLE``).

    With no proxy in front (``TRUSTED_PROXY_COUNT`` 0), ``X-Forwarded-For`` is whatever the client
    wrote and is ignored. Behind N trusted proxies, each appends the address it received the
    request from, so the client is the N-th entry from the right; anything further left was
    written by the client and cannot be trusted. Too few entries means the request bypassed the
    proxies, and the socket address is used.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote_addr
    return forwarded[-count]
