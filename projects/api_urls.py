"""URLs of the public API under /api/: the resources, the OpenAPI schema and its human docs.

The docs page is Swagger UI from drf-spectacular-sidecar's static files (no CDN), and its start-up
script is served as a separate file so that a strict Content-Security-Policy needs no inline code.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from projects.api import ProgramViewSet, ProjectViewSet, SectorViewSet

app_name = "api"

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("sectors", SectorViewSet, basename="sector")
router.register("programs", ProgramViewSet, basename="program")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    path("", include(router.urls)),
]
