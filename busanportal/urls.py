"""Root URL configuration.

Public pages sit under ``i18n_patterns`` with English unprefixed and Korean under ``/ko/``; the
admin, API and feeds are language-neutral.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from busanportal import language
from busanportal import views as site_views

urlpatterns = [
    # The one-time link `create_editor --no-input` prints lets a new official set a password;
    # the admin app's own templates render these pages. They precede the admin's catch-all.
    path(
        "admin/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("healthz", site_views.healthz, name="healthz"),
    path("api/", include("projects.api_urls")),
    path("feeds/", include("projects.feed_urls")),
    # The language switch: Django's set_language behind a same-origin check.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("", include("projects.sitemap_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("projects.urls")),
    path("sectors/", include("projects.sector_urls")),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    prefix_default_language=False,
)

# 403 and 404 use Django's handlers with the site's templates. 400 and 500 render without the
# request (which may be forged, or need the database that failed); 500 also turns a database
# outage seen outside a view into the 503 page.
handler400 = "busanportal.views.bad_request"
handler500 = "busanportal.views.server_error"
