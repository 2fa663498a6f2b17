"""Public pages of the portfolio: the overview, the filtered list, a project and the timeline.

Views stay thin: filtering is ``ProjectFilterSet``, counting and layout are in ``selectors``,
and every query starts from ``Project.objects.published()``.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from projects.changelog import (
    build_entries,
    change_rows,
    mark_provenance,
)
from projects.filters import ProjectFilterSet
from projects.forms import ChangeLogFilterForm
from projects.linkeddata import project_json_ld
from projects.models import Project
from projects.selectors import (
    build_timeline,
    filters_named_by,
    offered_facets,
    page_of_projects,
    plan_document,
    portfolio_counts,
    project_facets,
    project_for_page,
    project_labels,
)
from sectors.models import Sector

PAGE_SIZE = 20
# Fifty rows: a chart a reader can scan, and a page that renders in the time of a list page.
TIMELINE_PAGE_SIZE = 50
CHANGES_PAGE_SIZE = 25


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
    counts = portfolio_counts()  # first: with them kept, the plan's month is read off them
    document = plan_document()
    context = {
        "document": document,
        "plan_month": document.plan_month if document else None,
        "featured": published.filter(is_featured=True).for_listing(),
        "figures": counts.figures,
        "sectors": counts.sectors,
    }
    return render(request, "projects/home.html", context)


def project_list(request):
    """The portfolio: filters with facet counts, applied-filter chips, sort and pages."""
    filterset, projects = filtered_projects(request)
    filters = filter_context(filterset)
    page = paginate(
        projects, PAGE_SIZE, request, filters["facets"], lambda rows: rows.for_listing()
    )
    named_filters = filters_named_by(filterset, filters["facets"])
    context = {**filters, "page": page, "named_filters": named_filters}
    return render(request, "projects/list.html", context)


def project_detail(request, slug):
    """One project with its phases on a timeline, budget, places and source quote.

    Reached from a filtered list, the URL carries that list's filters (``?sector=…&year=…``),
    so that the page can link back to the very list the reader came from; the project itself
    is the same whatever the query, and its permalink has none.
    """
    project = project_for_page(slug)
    if project is None:
        raise Http404
    came_from = ProjectFilterSet(request.GET, queryset=Project.objects.none())
    labels = project_labels(project)
    context = {
        "project": project,
        "labels": labels,
        "plan_month": project.plan_month,
        "provenance": mark_provenance(project),
        "timeline": build_timeline([project]),
        "back_chips": came_from.chips() if came_from.is_valid() else [],
        "back_query": list_query(came_from) if came_from.is_valid() else "",
        "project_json_ld": project_json_ld(request, project, labels),
    }
    return render(request, "projects/detail.html", context)


def timeline(request):
    """Every (filtered) project on one year axis, grouped by primary sector."""
    filterset, projects = filtered_projects(request)
    filters = filter_context(filterset)
    by_sector = projects.order_by("primary_sector_position", "position", "slug")
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


def is_official(user) -> bool:
    """Who made a change is shown to signed-in officials only (staff of the admin)."""
    return bool(user.is_authenticated and user.is_staff)


def change_log(request):
    """Every change to published content, newest first, filterable by sector and dates."""
    sectors = list(Sector.objects.order_by("position", "slug"))
    form = ChangeLogFilterForm(request.GET, sectors)
    applied = form.applied
    projects = Project.objects.published()
    if "sector" in applied:
        projects = projects.in_sectors([applied["sector"]])
    rows = change_rows(projects, applied.get("since"), applied.get("until"))
    page = Paginator(rows, CHANGES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "applied": applied,
        "page": page,
        "entries": build_entries(page.object_list),
        "show_officials": is_official(request.user),
    }
    return render(request, "projects/changes.html", context)


def project_changes(request, slug):
    """One published project's change log, newest first."""
    project = get_object_or_404(Project.objects.published(), slug=slug)
    rows = change_rows(Project.objects.filter(pk=project.pk))
    page = Paginator(rows, CHANGES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "page": page,
        "entries": build_entries(page.object_list, {project.pk: project}),
        "show_officials": is_official(request.user),
    }
    return render(request, "projects/project_changes.html", context)
