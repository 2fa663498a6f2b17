"""Korean first: the home page sends each reader to the language they read, and remembers it.

English lives at unprefixed paths and Korean under ``/ko/`` (``i18n_patterns`` without a prefix
for the default language), so every address names its language and the page cache can key on
it. Only ``/`` is negotiated: ``PreferredLanguageMiddleware`` redirects it to ``/ko/`` for a
reader whose language cookie says Korean, or, with no cookie, whose browser prefers Korean
(``Accept-Language``). Every other address shows the language it names, so that a shared or
cited link shows what its sender saw.

The middleware sits before the page cache: a Korean browser is redirected before the cache is
consulted, so the cached English home page can never answer it. Both answers of ``/`` (the
redirect and the English page) carry ``Vary: Accept-Language, Cookie`` for browsers and any
cache in front. ``Cookie`` is added outside the page cache, which refuses to store pages that
vary on cookies, and is right here: the English home page is stored once, under the English
key, and only ever served to readers the redirect let through.

The language switch (``templates/base.html``) posts to ``set_language``: Django's own view,
which stores the choice in the language cookie and redirects to the same page in that
language. A reader who switches to English on a Korean page is therefore not sent back to
Korean by ``/``.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from busanportal.http import accepts_methods

#: The one address whose language is negotiated.
NEGOTIATED_PATHS = ("/",)


def preferred_language(request: HttpRequest) -> str:
    """The reader's language: the cookie if it names a site language, else the browser's
    best ``Accept-Language`` match, else the default (English)."""
    return get_language_from_request(request, check_path=False)


class PreferredLanguageMiddleware:
    """Redirect ``/`` to the reader's language; mark both answers ``Vary: Accept-Language,
    Cookie``. Place it before ``PageCacheMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in NEGOTIATED_PATHS:
            return self.get_response(request)
        language = preferred_language(request)
        if language != settings.LANGUAGE_CODE and request.method in ("GET", "HEAD"):
            # This runs before the locale middleware has activated the address's language,
            # which for a negotiated (unprefixed) address is the default one.
            with translation.override(settings.LANGUAGE_CODE):
                target = translate_url(request.path_info, language)
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponseRedirect(f"{target}?{query}" if query else target)
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def _is_same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from the site's own pages, judged by the headers browsers set.

    The switch form sits on cached pages, which cannot carry a per-reader CSRF token. A
    browser states where a POST comes from (``Sec-Fetch-Site``, ``Origin``); a cross-site
    one is refused. A request without either header is not from a browser that could have
    been tricked, and is let through: the worst it can do is set its own language cookie.
    """
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" in allowed


@accepts_methods("POST")  # the site's method rule (busanportal/http.py): a form's target
@csrf_exempt  # replaced by the same-origin check: see _is_same_origin
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie and redirect to the page in the chosen language),
    for same-origin posts only."""
    if not _is_same_origin(request):
        return HttpResponseForbidden("Cross-site language change refused.")
    # Django accepts any language it has a catalogue for ("fr" would redirect to a 404).
    if request.POST.get("language") not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest("Choose one of the site's languages: en or ko.")
    # set_language translates ``next`` by resolving it in the active language, which for this
    # unprefixed address is English: resolve it in the language its own path names instead.
    next_path = urlsplit(request.POST.get("next", "")).path
    next_language = translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE
    with translation.override(next_language):
        return django_set_language(request)
