"""Site-wide views that belong to no app: the health check, the 500 handler, the lockout page,
robots.txt."""

import logging
import secrets
import sys

from axes.helpers import get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from busanportal.middleware import DATABASE_DOWN_ERRORS, database_unavailable_response

logger = logging.getLogger(__name__)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: database unreachable", exc_info=True)
        return "error"
    return "ok"


def _cache_state() -> str:
    # A random value proves a round trip, not a stale key left by an earlier check.
    probe = secrets.token_hex(8)
    try:
        cache.set("healthz-probe", probe, timeout=10)
        if cache.get("healthz-probe") != probe:
            return "error"
    except Exception:  # any backend (Redis, memcached) has its own error types
        logger.warning("Health check: cache unreachable", exc_info=True)
        return "error"
    return "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database and cache state; 200 when both work, 503 otherwise."""
    state = {"database": _database_state(), "cache": _cache_state()}
    healthy = all(value == "ok" for value in state.values())
    return JsonResponse(state, status=200 if healthy else 503)


def _render_without_request(template_name: str, status: int, fallback: str) -> str:
    """Render an error page from static text only; never raise, whatever broke."""
    try:
        return loader.get_template(template_name).render()
    except Exception:  # the last line of defence must not raise
        logger.exception("Could not render %s", template_name)
        return f"<!DOCTYPE html><title>{status}</title><h1>{status}</h1><p>{fallback}</p>"


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 handler, rendered without a request context.

    Django's own handler renders with the request, and the site's templates read the request (the
    host for hreflang links, for one): a forged Host header would then raise again inside the
    error page and turn a 400 into a 500.
    """
    fallback = gettext("The request was malformed.")
    return HttpResponseBadRequest(_render_without_request("400.html", 400, fallback))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler; a database outage seen outside a view still becomes the 503 page.

    Like Django's own handler it renders without a request context, so nothing in the page can
    reach the session, the user or the database that may be the reason we are here.
    """
    if isinstance(sys.exc_info()[1], DATABASE_DOWN_ERRORS):
        return database_unavailable_response(request)
    fallback = gettext("Something went wrong on our side. Please try again later.")
    return HttpResponseServerError(_render_without_request("500.html", 500, fallback))


def axes_lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes shows once a username and address are locked out.

    Axes calls this (``AXES_LOCKOUT_CALLABLE``) instead of its plain-text message, so the page is
    in the site's design, says when to retry, and carries ``Retry-After``.
    """
    cool_off = get_cool_off(request)
    # Axes restarts the cool-off on every attempt made while locked, so it runs from now.
    now = timezone.now()
    retry_at = now + cool_off if cool_off else None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "now": now, "retry_at": retry_at}
    response = render(request, "axes/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every public page; the admin and the language switch are not pages.
    Filtered lists stay crawlable (their links lead to projects) but say ``noindex``."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "Allow: /",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
