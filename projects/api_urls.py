"""URLs of the public API under /api/: the resources and the OpenAPI schema.

The human reference generated from the schema is a page of the site in both languages
(``projects:api_docs``: /api/docs/ and /ko/api/docs/), so it lives with the public pages.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from projects.api import ProgramViewSet, ProjectViewSet, SectorViewSet

app_name = "api"

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("sectors", SectorViewSet, basename="sector")
router.register("programs", ProgramViewSet, basename="program")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
]
