"""URLs of the Atom feeds: /feeds/… in English and /ko/feeds/… in Korean (``i18n_patterns``)."""

from django.urls import path

from projects.feeds import ChangesFeed, LatestProjectsFeed, SectorProjectsFeed

app_name = "feeds"

urlpatterns = [
    path("projects/", LatestProjectsFeed(), name="projects"),
    path("sectors/<slug:slug>/", SectorProjectsFeed(), name="sector"),
    path("changes/", ChangesFeed(), name="changes"),
]
