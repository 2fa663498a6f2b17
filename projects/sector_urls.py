"""Public URLs of the sector pages, under /sectors/ in the ``sectors`` namespace.

They live in the projects app because a sector page lists projects: projects depends on sectors,
never the reverse (the import-linter contract in pyproject.toml).
"""

from django.urls import path

from projects import sector_views

app_name = "sectors"

urlpatterns = [
    path("", sector_views.sector_list, name="list"),
    path("<slug:slug>/", sector_views.sector_detail, name="detail"),
]
