"""Atom feeds of recently added or changed projects, for the whole portfolio and per sector, and
the feed of every change to published content (``/feeds/changes/``, in Korean under
``/ko/feeds/changes/``).

Built on Django's syndication framework. Only published projects appear; the newest change
comes first, so a feed reader shows an official's correction as an updated entry.
"""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.changelog import build_entries, change_rows
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


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text (``type="text"``): an official's reason is
    shown as typed, never read as markup."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class ChangesFeed(Feed):
    """Every change to published content, newest first: what changed, its kind, the reason
    and the source; who made it is "Busan Metropolitan City" (feeds are public)."""

    feed_type = PlainTextAtomFeed
    language = "en"
    title = _("Busan Strategic Projects: changes since the plan")
    subtitle = _(
        "Every change Busan Metropolitan City has made to the published projects: what changed, "
        "the kind of change, the reason and the source."
    )
    author_name = _("Busan Metropolitan City")

    def __call__(self, request, *args, **kwargs):
        # Each language's feed is in its language whatever the reader's browser asks for.
        with translation.override(self.language):
            return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("projects:changes")

    def items(self):
        return build_entries(change_rows(Project.objects.published())[:FEED_LENGTH])

    def item_title(self, entry):
        return xml_safe(f"{entry.project.title}: {entry.summary}")

    def item_description(self, entry):
        lines = [entry.summary]
        if entry.kind_label:
            lines.append(gettext("Kind: %(kind)s") % {"kind": entry.kind_label})
        lines.append(
            gettext("Reason: %(reason)s") % {"reason": entry.reason or gettext("none given")}
        )
        if entry.source:
            lines.append(gettext("Source: %(source)s") % {"source": entry.source})
        lines.append(
            gettext("Changed on %(date)s by Busan Metropolitan City.")
            % {"date": date_format(entry.when, "DATE_FORMAT")}
        )
        return xml_safe("\n".join(lines))

    def item_link(self, entry):
        url = reverse("projects:project_changes", args=[entry.project.slug])
        return f"{url}#{entry.anchor}"

    def item_guid(self, entry):
        return f"tag:busan-portal,change:{entry.tag}:{entry.history_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.when

    def item_updateddate(self, entry):
        return entry.when

    def item_categories(self, entry):
        return [entry.kind_label] if entry.kind_label else []


class KoreanChangesFeed(ChangesFeed):
    """The feed of changes in Korean (``/ko/feeds/changes/``): Korean titles and text."""

    language = "ko"
