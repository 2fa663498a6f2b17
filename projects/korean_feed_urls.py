"""URLs of the Korean twins of the feeds, under /ko/feeds/ (outside ``i18n_patterns``, like the
feeds themselves): the feed of changes, in Korean whatever the reader's browser asks for."""

from django.urls import path

from projects.feeds import KoreanChangesFeed

app_name = "feeds_ko"

urlpatterns = [
    path("changes/", KoreanChangesFeed(), name="changes"),
]
