"""Atom feeds of recently added or changed projects, for the whole portfolio and per sector.

Built on Django's syndication framework. Only published projects appear; the newest change
comes first, so a feed reader shows an official's correction as an updated entry.
"""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from sectors.models import Sector

# Enough for a reader to catch up after a busy week; the contract asks for at least 20.
FEED_LENGTH = 50


# XML 1.0 cannot carry these at all (Django's feed writer raises on them): an official's text
# that contains one (pasted from a terminal, say) loses it in the feed instead of breaking it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom, with the characters XML 1.0 forbids dropped from every text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})


def recently_changed(queryset):
    """Newest change first; the slug breaks ties so that the order is stable."""
    return (
        queryset.published()
        .prefetch_related("sectors")
        .order_by("-updated_at", "slug")[:FEED_LENGTH]
    )


class LatestProjectsFeed(Feed):
    """The most recently added or updated published projects."""

    feed_type = XmlSafeAtom1Feed
    title = _("Busan Strategic Projects: latest changes")
    subtitle = _(
        "Projects of Busan Metropolitan City's strategic-industry plan, most recently added or "
        "updated first."
    )
    author_name = _("Busan Strategic Projects Portal")

    def link(self):
        return reverse("projects:list")

    def items(self):
        return recently_changed(Project.objects.all())

    def item_title(self, project):
        return project.title

    def item_description(self, project):
        # The summary when there is one; otherwise the document's own words, never nothing.
        return project.summary or project.source_text

    def item_link(self, project):
        return project.get_absolute_url()

    def item_pubdate(self, project):
        return project.created_at

    def item_updateddate(self, project):
        return project.updated_at

    def item_categories(self, project):
        return [sector.name for sector in project.sectors.all()]


class SectorProjectsFeed(LatestProjectsFeed):
    """The most recently added or updated published projects of one sector."""

    def get_object(self, request, slug):
        return get_object_or_404(Sector, slug=slug)

    def title(self, sector):
        return _("Busan Strategic Projects: latest changes in %(sector)s") % {"sector": sector.name}

    def subtitle(self, sector):
        return _("Projects in the sector %(sector)s, most recently added or updated first.") % {
            "sector": sector.name
        }

    def link(self, sector):
        return sector.get_absolute_url()

    def items(self, sector):
        return recently_changed(Project.objects.in_sectors([sector.slug]))
