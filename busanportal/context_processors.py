"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url

from busanportal.i18n import active_content_language


def language_links(request):
    """The current page (path and query) in each language, for the switch and hreflang."""
    path = request.get_full_path()
    return {
        "language_links": [
            (code, name, translate_url(path, code)) for code, name in settings.LANGUAGES
        ]
    }


def site_identity(request):
    """Who runs the site, for the footer: the responsible department in the page's language
    (English fallback) and the contact, as configured; empty where the operator set nothing."""
    departments = settings.SITE_DEPARTMENT
    return {
        "site_department": departments.get(active_content_language()) or departments.get("en"),
        "site_contact_email": settings.SITE_CONTACT_EMAIL,
        "site_contact_phone": settings.SITE_CONTACT_PHONE,
        "privacy_retention_days": settings.PRIVACY_RETENTION_DAYS,
    }


def search_engine_hints(request):
    """``noindex`` for a page narrowed or reordered by its query (a filter, a sort, a list's
    "back" filters): such pages are crawled for their links but not indexed; the page's
    canonical address (``base.html``) keeps only the page number."""
    return {"noindex": any(name != "page" for name in request.GET)}
