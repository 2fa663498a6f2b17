"""Atom feeds of recently added or changed projects, for the whole portfolio and per sector.

Built on Django's syndication framework, in both languages (/feeds/… in English, /ko/feeds/… in
Korean, ``xml:lang`` set accordingly). Only published projects appear; the newest change comes
first, so a feed reader shows an official's correction as an updated entry, each with its own
``updated`` time and a summary saying what changed.

Entries are plain text (``type="text"``): titles and summaries are what officials typed, not
HTML, so "R&D" stays "R&D" and a ``<img src=x>`` typed in the admin reaches a reader as those
characters, never as markup. The ``self`` link is the address actually asked for, query
included, and each answer carries an ``ETag`` so that a reader polling the feed gets a 304.
"""

from django.contrib.syndication.views import Feed
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from sectors.models import Sector

# Enough for a reader to catch up after a busy week; the contract asks for at least 20.
FEED_LENGTH = 50
# Fields whose change is bookkeeping, not news.
UNREPORTED_FIELDS = {"updated_at", "created_at", "position"}

#: ETag from the body and 304 for a matching If-None-Match, as ConditionalGetMiddleware does.
conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


class TextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are declared plain text (Django's generator says "html")."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        item["description"] = None  # the parent would write it as type="html"
        super().add_item_elements(handler, item)
        item["description"] = summary
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


def recently_changed(queryset):
    """Newest change first; the slug breaks ties so that the order is stable."""
    return (
        queryset.published()
        .prefetch_related("sectors")
        .order_by("-updated_at", "slug")[:FEED_LENGTH]
    )


def with_latest_changes(projects) -> list:
    """The projects, each with ``latest_change``: the names of the fields its latest recorded
    edit changed ([] for a new entry, None when no history was recorded). One query for all."""
    projects = list(projects)
    history = Project.history.filter(id__in=[project.pk for project in projects]).order_by(
        "id", "-history_date", "-history_id"
    )
    last_two = {}
    for record in history:
        records = last_two.setdefault(record.id, [])
        if len(records) < 2:
            records.append(record)
    for project in projects:
        records = last_two.get(project.pk, [])
        if len(records) == 2:
            delta = records[0].diff_against(records[1])
            changed = [name for name in delta.changed_fields if name not in UNREPORTED_FIELDS]
            project.latest_change = [
                str(Project._meta.get_field(name).verbose_name) for name in changed
            ]
        else:
            project.latest_change = [] if records else None
    return projects


def change_summary(project) -> str:
    """What the latest change was, in words, followed by what the project is."""
    changed = getattr(project, "latest_change", None)
    if changed:
        what = _("Updated: %(fields)s.") % {"fields": ", ".join(changed)}
    elif changed == []:
        what = _("Added to the portal.")
    else:
        what = _("Added or updated.")
    # The summary when there is one; otherwise the document's own words, never nothing.
    about = project.summary or project.source_text
    return f"{what}\n\n{about}" if about else what


class LatestProjectsFeed(Feed):
    """The most recently added or updated published projects."""

    feed_type = TextAtomFeed
    title = gettext_lazy("Busan Strategic Projects: latest changes")
    subtitle = gettext_lazy(
        "Projects of Busan Metropolitan City's strategic-industry plan, most recently added or "
        "updated first."
    )
    author_name = gettext_lazy("Busan Strategic Projects Portal")

    def __call__(self, request, *args, **kwargs):
        return conditional_get(super().__call__)(request, *args, **kwargs)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The address asked for, query and all: a reader subscribed to it must see it as self.
        feed.feed["feed_url"] = request.build_absolute_uri()
        return feed

    def link(self):
        return reverse("projects:list")

    def items(self):
        return with_latest_changes(recently_changed(Project.objects.all()))

    def item_title(self, project):
        return project.title

    def item_description(self, project):
        return change_summary(project)

    def item_link(self, project):
        # The project's page shows its current state and when it was last changed; the change
        # log of issue 14 (/changes/) is the place to link once it exists.
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
        return with_latest_changes(recently_changed(Project.objects.in_sectors([sector.slug])))
