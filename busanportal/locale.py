"""The language of pages outside ``i18n_patterns``: the admin follows the official's browser.

Django's ``LocaleMiddleware`` gives every unprefixed path the default language when the default
language is unprefixed (``prefix_default_language=False``): right for the public site, where
``/projects/`` is English and ``/ko/projects/`` Korean, but it made the admin English even for a
Korean browser. For the paths in ``LANGUAGE_NEGOTIATED_PATHS`` this middleware chooses the
language as Django does where no URL prefix decides: the language cookie (set by the admin's
language switch, Django's ``set_language`` view), then ``Accept-Language``, then the default.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class NegotiatedLanguageMiddleware:
    """Activate the cookie's or the browser's language on language-neutral paths (the admin).

    Placed right after ``LocaleMiddleware``, whose choice it replaces on those paths only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(tuple(settings.LANGUAGE_NEGOTIATED_PATHS)):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
