"""Atom feeds: recently added or changed projects (the whole portfolio and per sector) and every
change to published content (``/feeds/changes/``).

Built on Django's syndication framework, in both languages (/feeds/… in English, /ko/feeds/… in
Korean, ``xml:lang`` set accordingly). Only published projects appear; the newest change comes
first, so a feed reader shows an official's correction as an updated entry, each with its own
``updated`` time and a summary saying what changed.

Entries are plain text (``type="text"``): titles and summaries are what officials typed, not
HTML, so "R&D" stays "R&D" and a ``<img src=x>`` typed in the admin reaches a reader as those
characters, never as markup. The ``self`` link is the address actually asked for, query
included, and each answer carries an ``ETag`` so that a reader polling the feed gets a 304.
"""

import re

from django.contrib.syndication.views import Feed
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.changelog import build_entries, change_rows
from projects.models import Project
from sectors.models import Sector

# Enough for a reader to catch up after a busy week; the contract asks for at least 20.
FEED_LENGTH = 50
# Fields whose change is bookkeeping, not news ("version" is django-concurrency's counter).
UNREPORTED_FIELDS = {"updated_at", "created_at", "position", "version"}

#: ETag from the body and 304 for a matching If-None-Match, as ConditionalGetMiddleware does.
conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


# XML 1.0 cannot carry these at all (Django's feed writer raises on them): an official's text
# that contains one (pasted from a terminal, say) loses it in the feed instead of breaking it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class TextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are declared plain text (Django's generator says "html"),
    with the characters XML 1.0 forbids dropped from every text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class PortalFeed(Feed):
    """What every feed of the portal does: plain-text Atom in the language of its address
    (/feeds/… or /ko/feeds/…), an ETag with 304s, and ``self`` as the address asked for."""

    feed_type = TextAtomFeed

    def __call__(self, request, *args, **kwargs):
        return conditional_get(super().__call__)(request, *args, **kwargs)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The address asked for, query and all: a reader subscribed to it must see it as self.
        feed.feed["feed_url"] = request.build_absolute_uri()
        return feed


def recently_changed(queryset):
    """Newest change first; the slug breaks ties so that the order is stable."""
    return (
        queryset.published()
        .prefetch_related("sectors")
        .order_by("-updated_at", "slug")[:FEED_LENGTH]
    )


def with_latest_changes(projects) -> list:
    """The projects, each with ``latest_change``: the names of the fields its latest recorded
    edit changed ([] for a new entry, None when no history was recorded or the edit changed
    only links). One query for all.

    The project's links (sectors, places, organisations) are versioned too, but comparing
    them would take queries per project: they are left out of the comparison. A version that
    changed only links right after the project was created (a project is saved, then given its
    sectors) is part of the addition."""
    projects = list(projects)
    history = Project.history.filter(id__in=[project.pk for project in projects]).order_by(
        "id", "-history_date", "-history_id"
    )
    last_two = {}
    for record in history:
        records = last_two.setdefault(record.id, [])
        if len(records) < 2:
            records.append(record)
    links = {field.name for field in Project._meta.many_to_many}
    excluded = sorted(UNREPORTED_FIELDS | links)
    for project in projects:
        records = last_two.get(project.pk, [])
        if len(records) == 2:
            latest, earlier = records
            delta = latest.diff_against(earlier, excluded_fields=excluded)
            changed = [name for name in delta.changed_fields if name not in UNREPORTED_FIELDS]
            if changed:
                project.latest_change = [
                    str(Project._meta.get_field(name).verbose_name) for name in changed
                ]
            elif earlier.history_type == "+":
                project.latest_change = []  # its links given right after it was added
            else:
                project.latest_change = None  # only its links changed
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


class LatestProjectsFeed(PortalFeed):
    """The most recently added or updated published projects."""

    title = gettext_lazy("Busan Strategic Projects: latest changes")
    subtitle = gettext_lazy(
        "Projects of Busan Metropolitan City's strategic-industry plan, most recently added or "
        "updated first."
    )
    author_name = gettext_lazy("Busan Strategic Projects Portal")

    def link(self):
        return reverse("projects:list")

    def items(self):
        return with_latest_changes(recently_changed(Project.objects.all()))

    def item_title(self, project):
        return project.title

    def item_description(self, project):
        return change_summary(project)

    def item_link(self, project):
        # The project's change log says what changed, when, why and on what source.
        return reverse("projects:project_changes", args=[project.slug])

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


class ChangesFeed(PortalFeed):
    """Every change to published content, newest first: what changed, its kind, the reason
    and the source; who made it is "Busan Metropolitan City" (feeds are public)."""

    title = gettext_lazy("Busan Strategic Projects: changes since the plan")
    subtitle = gettext_lazy(
        "Every change Busan Metropolitan City has made to the published projects: what changed, "
        "the kind of change, the reason and the source."
    )
    author_name = gettext_lazy("Busan Metropolitan City")

    def link(self):
        return reverse("projects:changes")

    def items(self):
        return build_entries(change_rows(Project.objects.published())[:FEED_LENGTH])

    def item_title(self, entry):
        return f"{entry.project.title}: {entry.summary}"

    def item_description(self, entry):
        lines = [entry.summary]
        if entry.kind_label:
            lines.append(_("Kind: %(kind)s") % {"kind": entry.kind_label})
        lines.append(_("Reason: %(reason)s") % {"reason": entry.reason or _("none given")})
        if entry.source:
            lines.append(_("Source: %(source)s") % {"source": entry.source})
        lines.append(
            _("Changed on %(date)s by Busan Metropolitan City.")
            % {"date": date_format(entry.when, "DATE_FORMAT")}
        )
        return "\n".join(lines)

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
