"""Bilingual content fields.

Content is stored as explicit ``<field>_en`` and ``<field>_ko`` columns rather than through a
field-patching library: the columns are plain Django fields, so migrations, the audit history,
fixtures, the admin and the API all see them without special cases. ``translated("title")``
gives a model a ``title`` attribute that reads the active language and falls back to English.
"""

from django.utils import translation

CONTENT_LANGUAGES = ("en", "ko")


def active_content_language() -> str:
    """The content language for the current request: Korean for 'ko*', otherwise English."""
    language = (translation.get_language() or "en").lower()
    return "ko" if language.startswith("ko") else "en"


def translated(base: str, doc: str = "") -> property:
    """A read-only attribute giving ``<base>_<language>``, falling back to English when blank."""

    def getter(instance):
        value = getattr(instance, f"{base}_{active_content_language()}", "")
        return value or getattr(instance, f"{base}_en", "")

    return property(getter, doc=doc or f"The {base} in the active language (English fallback).")
