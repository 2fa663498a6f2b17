"""The sitemap's address, at the site's root and in no language (it lists both)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from projects.sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
