"""sitemap.xml: every public page in English and Korean, each entry naming its twin.

``i18n=True`` lists each page once per language (``/…`` and ``/ko/…``) and ``alternates=True``
adds the ``hreflang`` links between them, with the English page as ``x-default``. Filtered
lists are left out: they say ``noindex`` and their projects are listed here one by one.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from projects.models import Project
from sectors.models import Sector


class BilingualSitemap(Sitemap):
    """Every entry in both languages, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(BilingualSitemap):
    """The site's fixed pages."""

    changefreq = "weekly"

    def items(self):
        return [
            "projects:home",
            "projects:list",
            "projects:timeline",
            "sectors:list",
            "projects:data",
            "privacy",
            "accessibility",
        ]

    def location(self, item):
        return reverse(item)


class ProjectSitemap(BilingualSitemap):
    """Each published project's permanent page."""

    def items(self):
        return Project.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, project):
        return project.updated_at


class SectorSitemap(BilingualSitemap):
    """Each sector's page."""

    def items(self):
        return Sector.objects.order_by("position", "slug")


SITEMAPS = {"pages": PagesSitemap, "projects": ProjectSitemap, "sectors": SectorSitemap}
