"""SQL queries per public page: a small constant (at most 8), the same at 25 projects and at
2,025, for every filter combination, with or without progress reports.

Each page is rendered uncached (the page cache starts empty in every test); a cached page runs no
query at all (tests/test_caching.py). The counts are of statements that read data; on PostgreSQL
the facets' time limit (``busanportal.deadline``) adds transaction control around them, counted
apart: inside a test's transaction a SAVEPOINT, five SET LOCAL and a RELEASE (in production,
with autocommit, one SET LOCAL per facet: BEGIN and COMMIT are not statements Django logs).
The year facet reads the derived ``ProjectYear`` rows; the last tests check it against the
overlap rule in SQL over the phases.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from projects.filters import ProjectFilterSet
from projects.models import Phase, PhaseKind, ProgressUpdate, Project, phase_overlaps
from projects.selectors import FACET_YEARS, recount_portfolio, year_facet
from tests import factories

#: At most this many queries for any HTML page, whatever the number of projects (issues 10, 19).
QUERY_BUDGET = 8
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL", "ROLLBACK TO SAVEPOINT")

#: page -> the data queries it runs today.
PAGES = {
    # The whole portfolio's counts not kept (a lost cache): the home page and the sector list
    # count them (five aggregates) and keep them; KEPT_COUNT_PAGES reads them.
    "/": 8,
    "/projects/": 6,
    "/projects/?sector=it&year=2016": 7,
    "/projects/?status=not-stated&year=2015": 6,
    "/projects/?sector=it&program=cloud-iot": 8,
    "/projects/?sector=it&sector=marine&year=2016&status=implementation&program=cloud-iot&q=port"
    "&sort=-budget": 7,
    "/projects/?year=undated&sort=start": 6,
    "/projects/?q=robot&sort=-start": 6,
    "/projects/?sort=title&page=2": 6,
    "/projects/?page=101": 6,
    # The project; its phases, budgets, quantities; its sectors, places and organisations (one
    # UNION); its published progress reports; its related projects; the versions of its parts,
    # for the marks of changed facts.
    "/projects/offshore-wind-farm/": 8,
    "/sectors/": 5,
    "/sectors/it/": 5,
    "/timeline/": 6,
    "/timeline/?sector=it&program=cloud-iot": 8,
}
#: Pages whose facets run under the time limit (one block of transaction control each).
WITH_FACETS = ("/projects/", "/timeline/")
FACETS = {"status", "sector", "year", "program"}
#: page -> its data queries once the whole portfolio's counts are kept (as after any committed
#: change: ``selectors.recount_portfolio``). A filter of sectors, programs, statuses and years
#: is counted off the kept facet index, with no query; with a search the facets are counted.
KEPT_COUNT_PAGES = {
    "/": 3,
    "/sectors/": 0,
    "/projects/": 2,
    "/projects/?page=101": 2,
    "/projects/?sort=-budget": 2,
    "/timeline/": 2,
    "/projects/?year=undated&sort=start": 2,
    # The sector's slug is looked up (the filter's own validation), then the page's rows.
    "/projects/?sector=it": 3,
    "/projects/?sector=it&year=2016": 3,
    "/projects/?sector=it&sector=marine&year=2016&status=implementation&program=cloud-iot": 3,
    "/timeline/?sector=it&program=cloud-iot": 4,
    # The sector's slug, the ids of the search's matches (the facets count off the index), rows.
    "/projects/?q=port&sector=it&sort=title": 3,
}


def split(captured):
    control = [q for q in captured if q["sql"].startswith(CONTROL)]
    data = [q for q in captured if not q["sql"].startswith(CONTROL)]
    return data, control


def facets_counted_live(path: str, counts_kept: bool) -> int:
    """How many statements of ``path`` run under the facets' time limit: the four facets,
    unless the whole portfolio's counts (and the facet index) are kept; then none, or the ids
    of a search's matches."""
    if path.partition("?")[0] not in WITH_FACETS:
        return 0
    if not counts_kept:
        return len(FACETS)
    # Counted off the facet index; a search's matches are read under the time limit.
    return 1 if "q" in QueryDict(path.partition("?")[2]) else 0


def assert_queries(client, path, expected, counts_kept=False):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    data, control = split(context.captured_queries)
    if connection.vendor == "postgresql" and "q" in QueryDict(path.partition("?")[2]):
        # PostgreSQL's search first asks which words are in no project (to correct them).
        expected += 1
    assert len(data) == expected, "\n".join(q["sql"] for q in data)
    live = facets_counted_live(path, counts_kept)
    # SAVEPOINT, a SET LOCAL per facet and one lifting the limit, RELEASE.
    assert len(control) == (live + 3 if live and connection.vendor == "postgresql" else 0)


@pytest.fixture(scope="module")
def two_thousand_more(django_db_blocker):
    """2,000 generated projects, each with two progress reports, for this module's tests, and
    reports for the 25 real projects too; rolled back at the end of the module (each test's own
    transaction is a savepoint inside this one)."""
    with django_db_blocker.unblock(), transaction.atomic():
        factories.create_many_projects(2000, with_reports=True)
        factories.add_progress_reports(list(Project.objects.filter(position__lt=1000)))
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reports_on_the_real_portfolio(db):
    factories.add_progress_reports(list(Project.objects.all()))


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_query_count_with_the_real_portfolio(client, path, expected):
    assert Project.objects.published().count() == 25
    assert_queries(client, path, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_query_count_with_progress_reports_on_every_project(
    reports_on_the_real_portfolio, client, path, expected
):
    assert ProgressUpdate.objects.count() == 50
    assert_queries(client, path, expected)


REPORTED_PAGES = {
    "/projects/?status=implementation": 6,
    "/projects/?status=preparation&sort=-start": 6,
    "/timeline/?status=suspended": 6,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), REPORTED_PAGES.items())
def test_a_status_filter_costs_no_more_with_25_or_2025_reported_projects(
    reports_on_the_real_portfolio, client, path, expected
):
    assert_queries(client, path, expected)
    with transaction.atomic():
        factories.create_many_projects(2000, with_reports=True)
        cache.clear()  # bulk creation sends no signal to move the page cache on
        assert_queries(client, path, expected)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_query_count_is_the_same_with_2000_more_projects(two_thousand_more, client, path, expected):
    assert Project.objects.published().count() == 2025
    assert ProgressUpdate.objects.count() == 4050
    assert_queries(client, path, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), KEPT_COUNT_PAGES.items())
def test_with_the_portfolio_counts_kept_a_page_counts_only_what_its_filters_narrow(
    client, path, expected
):
    recount_portfolio()
    assert_queries(client, path, expected, counts_kept=True)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), KEPT_COUNT_PAGES.items())
def test_kept_counts_cost_the_same_with_2000_more_projects(
    two_thousand_more, client, path, expected
):
    recount_portfolio()
    assert_queries(client, path, expected, counts_kept=True)


def test_every_page_is_within_the_budget():
    pages = {**PAGES, **REPORTED_PAGES, **KEPT_COUNT_PAGES}
    assert {path: n for path, n in pages.items() if n > QUERY_BUDGET} == {}


# --- The year facet, computed in Python, against the rule in SQL ------------------------------


def year_facet_in_sql(projects):
    counts = projects.aggregate(
        undated=Count("pk", filter=Q(phases__isnull=True)),
        **{
            f"y{year}": Count("pk", distinct=True, filter=phase_overlaps(year, "phases__"))
            for year in FACET_YEARS
        },
    )
    years = [(year, counts[f"y{year}"]) for year in FACET_YEARS if counts[f"y{year}"]]
    return years, counts["undated"]


def filtered(query: str):
    return ProjectFilterSet(QueryDict(query), queryset=Project.objects.published()).qs


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "sector=it", "q=port", "status=implementation", "year=2016"])
def test_the_year_facet_counts_what_the_overlap_rule_counts(query):
    assert year_facet(filtered(query)) == year_facet_in_sql(filtered(query))


@pytest.mark.django_db
def test_the_year_facet_handles_milestones_open_ends_and_the_edges_of_its_range(make_project):
    project = make_project(slug="edges")
    Phase.objects.create(
        project=project,
        key="m",
        name_en="M",
        kind=PhaseKind.MILESTONE,
        start_year=2030,
        start_month=5,
    )
    Phase.objects.create(project=project, key="open", name_en="O", start_year=2036)
    Phase.objects.create(project=project, key="old", name_en="P", start_year=1990, end_year=2001)
    make_project(slug="undated-one")
    projects = Project.objects.filter(slug__in=["edges", "undated-one"])
    years, undated = year_facet(projects)
    assert (years, undated) == year_facet_in_sql(projects)
    assert dict(years) == {2000: 1, 2001: 1, 2030: 1, **dict.fromkeys(range(2036, 2041), 1)}
    assert undated == 1


@pytest.mark.django_db
def test_with_a_status_chosen_the_list_count_comes_from_the_status_facet(client, make_project):
    # "completed" is a status the generated reports of this module never give.
    for slug in ("done-one", "done-two"):
        factories.ProgressUpdateFactory(
            project=make_project(slug=slug), status="completed", progress_percent=100
        )
    response = client.get("/projects/?status=completed")
    assert response.context["page"].paginator.count == 2
    assert [p.slug for p in response.context["page"]] == ["done-one", "done-two"]
