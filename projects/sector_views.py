"""Public pages of the sectors: all sectors with counts, and one sector's projects."""

from django.shortcuts import get_object_or_404, render

from projects.selectors import build_timeline, portfolio_counts, sector_page
from sectors.models import Sector

#: Twenty, as the project list: each project is drawn twice (a card and a timeline row, with
#: the chart's table twin), and fifty of them took most of the page's 50 ms first render.
PAGE_SIZE = 20


def sector_list(request):
    """Every sector with its number of published projects."""
    return render(request, "sectors/list.html", {"sectors": portfolio_counts().sectors})


def sector_detail(request, slug):
    """A sector, its published projects and their timeline."""
    sector = get_object_or_404(Sector, slug=slug)
    page = sector_page(sector, PAGE_SIZE, request.GET.get("page"))
    projects = page.object_list
    context = {
        "sector": sector,
        "page": page,
        "projects": projects,
        "timeline": build_timeline(projects),
        "undated": [project for project in projects if project.span is None],
    }
    return render(request, "sectors/detail.html", context)
