"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url


def language_links(request):
    """The current page (path and query) in each language, for the switch and hreflang."""
    path = request.get_full_path()
    return {
        "language_links": [
            (code, name, translate_url(path, code)) for code, name in settings.LANGUAGES
        ]
    }
