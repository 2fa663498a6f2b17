"""HTTP as the RFCs say: which methods a view accepts, and compression that keeps secrets safe.

``AllowedMethodsMiddleware`` answers 405 with ``Allow`` for any method a view does not accept,
in one place instead of a decorator on every view: the public pages, the exports and the feeds
accept GET and HEAD only (RFC 9110 §9.1: a server that knows a method but refuses it for the
resource says 405 and lists what it allows). A view that takes a form opts in with
``@accepts_methods("GET", "HEAD", "POST")``. The admin and the API keep their own method
handling (DRF answers 405 in JSON by itself); ``TRACE`` is refused everywhere, since echoing a
request back is all it does and no page needs it.

``CompressionMiddleware`` is Django's ``GZipMiddleware`` (which weakens ETags as RFC 9110 asks,
streams the exports compressed, adds ``Vary: Accept-Encoding`` and pads each response with
random bytes against BREACH) that leaves uncompressed every response that could carry a secret:
BREACH recovers a secret reflected in a compressed body, and the anonymous public pages hold
none, while a page with a CSRF token, the admin and anything sent to a signed-in official might.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils.translation import gettext

#: What the public views accept when they say nothing.
SAFE_METHODS = ("GET", "HEAD")
#: Never answered: TRACE reflects the request (cookies included) back to the client.
REFUSED_EVERYWHERE = frozenset({"TRACE", "TRACK", "CONNECT"})
#: Django's own POST-only form views, if mounted as they are; they keep their own checks.
_OWN_METHOD_HANDLING_VIEWS = frozenset({"django.views.i18n.set_language"})


def accepts_methods(*methods: str):
    """Let a view accept these methods (e.g. a form's POST) besides refusing all others.

    Works on a function view, on ``SomeView.as_view()``, and (through ``method_decorator`` on
    ``dispatch``) on a class, since Django copies ``dispatch``'s attributes to the view.
    """
    allowed = tuple(dict.fromkeys(method.upper() for method in methods))

    def mark(view):
        view.allowed_methods = allowed
        return view

    return mark


def _keeps_own_method_handling(request: HttpRequest, view_func) -> bool:
    """The admin (its forms POST), DRF views (405 as JSON) and Django's own form views."""
    match = getattr(request, "resolver_match", None)
    if match is not None and "admin" in match.namespaces:
        return True
    admin_prefix = getattr(settings, "ADMIN_URL_PREFIX", "/admin/")
    if request.path_info.startswith(admin_prefix):
        return True  # the password-reset pages the admin links to live under it too
    if getattr(view_func, "cls", None) is not None:  # rest_framework's APIView.as_view()
        return True
    name = f"{getattr(view_func, '__module__', '')}.{getattr(view_func, '__name__', '')}"
    return name in _OWN_METHOD_HANDLING_VIEWS


def method_not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> HttpResponse:
    """405 with ``Allow``: JSON under /api/, the site's page elsewhere."""
    if request.path_info.startswith("/api/"):
        message = gettext("Method “%(method)s” is not allowed here.") % {"method": request.method}
        response = JsonResponse({"detail": message}, status=405)
    else:
        response = render(request, "405.html", {"allowed": allowed}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


class AllowedMethodsMiddleware:
    """Refuse, with 405 and ``Allow``, the methods the resolved view does not accept.

    Place it before ``CsrfViewMiddleware``: a POST to a page that takes no form is a 405, not a
    CSRF failure.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        own = _keeps_own_method_handling(request, view_func)
        if own:
            if request.method in REFUSED_EVERYWHERE:
                return method_not_allowed(request, ("GET", "HEAD", "POST"))
            return None
        allowed = getattr(view_func, "allowed_methods", SAFE_METHODS)
        if request.method in allowed and request.method not in REFUSED_EVERYWHERE:
            return None
        return method_not_allowed(request, allowed)


def may_carry_a_secret(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response may hold something BREACH could extract from a compressed body.

    A CSRF token (Django puts ``CSRF_COOKIE`` in ``request.META`` once the request has one or a
    page asked for one), anything read from the session, a cookie being set, the admin. The
    anonymous public pages have none of these (a page may still vary on the language cookie,
    which is no secret).
    """
    admin_prefix = getattr(settings, "ADMIN_URL_PREFIX", "/admin/")
    session = getattr(request, "session", None)
    return (
        request.path_info.startswith(admin_prefix)
        or settings.SESSION_COOKIE_NAME in request.COOKIES  # possibly a signed-in official
        or "CSRF_COOKIE" in request.META
        or (session is not None and session.accessed)
        or bool(response.cookies)
    )


class CompressionMiddleware(GZipMiddleware):
    """gzip for clients that accept it, except for responses that may carry a secret."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if may_carry_a_secret(request, response):
            return response
        return super().process_response(request, response)
