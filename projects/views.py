"""Public pages of the portfolio: the overview, the filtered list, a project and the timeline.

Views stay thin: filtering is ``ProjectFilterSet``, counting and layout are in ``selectors``,
and every query starts from ``Project.objects.published()``.
"""

from django.shortcuts import get_object_or_404, render

from projects.filters import ProjectFilterSet
from projects.models import Project, SourceDocument
from projects.selectors import (
    build_timeline,
    key_figures,
    offered_facets,
    page_of_projects,
    project_facets,
    sectors_with_project_counts,
)

PAGE_SIZE = 20
TIMELINE_PAGE_SIZE = 100


def filtered_projects(request):
    """The published projects the request's query parameters select, and the filterset."""
    filterset = ProjectFilterSet(request.GET, queryset=Project.objects.published())
    return filterset, filterset.qs


def paginate(queryset, per_page, request, facets, listing):
    """The requested page (the last one past the end, the first for a malformed number),
    reusing the facets' count of matching projects to save a COUNT query when it is known;
    ``listing`` adds what a row shows to the page's rows (``page_of_projects``)."""
    return page_of_projects(queryset, per_page, request.GET.get("page"), facets.matching, listing)


def list_query(filterset) -> str:
    """The filterset's query string without the page: the same selection, from its start."""
    query = filterset.data.copy()
    query.pop("page", None)
    return query.urlencode()


def filter_context(filterset) -> dict:
    """What the filter form, chips and facet counts need, shared by the list and timeline."""
    applied = filterset.applied
    facets = project_facets(filterset)
    return {
        "filterset": filterset,
        "export_query": list_query(filterset),
        "facets": facets,
        "offered_facets": offered_facets(facets, filterset),
        "selected_sectors": [sector.slug for sector in applied.get("sector", [])],
        "selected_year": applied.get("year"),
    }


def home(request):
    """The overview: the plan in two sentences, highlights, key figures and sectors."""
    published = Project.objects.published()
    context = {
        "document": SourceDocument.objects.first(),
        "featured": published.filter(is_featured=True).for_listing(),
        "figures": key_figures(),
        "sectors": sectors_with_project_counts(),
    }
    return render(request, "projects/home.html", context)


def project_list(request):
    """The portfolio: filters with facet counts, applied-filter chips, sort and pages."""
    filterset, projects = filtered_projects(request)
    filters = filter_context(filterset)
    page = paginate(
        projects, PAGE_SIZE, request, filters["facets"], lambda rows: rows.for_listing()
    )
    context = {**filters, "page": page}
    return render(request, "projects/list.html", context)


def project_detail(request, slug):
    """One project with its phases on a timeline, budget, places and source quote.

    Reached from a filtered list, the URL carries that list's filters (``?sector=…&year=…``),
    so that the page can link back to the very list the reader came from; the project itself
    is the same whatever the query, and its permalink has none.
    """
    project = get_object_or_404(Project.objects.published().for_detail(), slug=slug)
    came_from = ProjectFilterSet(request.GET, queryset=Project.objects.none())
    context = {
        "project": project,
        "timeline": build_timeline([project]),
        "back_chips": came_from.chips() if came_from.is_valid() else [],
        "back_query": list_query(came_from) if came_from.is_valid() else "",
    }
    return render(request, "projects/detail.html", context)


def timeline(request):
    """Every (filtered) project on one year axis, grouped by primary sector."""
    filterset, projects = filtered_projects(request)
    filters = filter_context(filterset)
    by_sector = projects.order_by("primary_sector__position", "position", "slug")
    page = paginate(
        by_sector,
        TIMELINE_PAGE_SIZE,
        request,
        filters["facets"],
        # The chart names no sector but the primary one: no sectors prefetch.
        lambda rows: rows.select_related("primary_sector").with_phases(),
    )
    rows = list(page.object_list)
    context = {
        **filters,
        "page": page,
        "timeline": build_timeline(rows),
        "undated": [project for project in rows if project.span is None],
    }
    return render(request, "projects/timeline.html", context)
