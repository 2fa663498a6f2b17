"""Root URL configuration.

Public pages sit under ``i18n_patterns`` with English unprefixed and Korean under ``/ko/``; the
admin, API and feeds are language-neutral.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("projects.urls")),
    path("sectors/", include("sectors.urls")),
    prefix_default_language=False,
)
