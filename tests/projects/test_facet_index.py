"""The kept facet index (``projects.facet_index``): a filter of sectors, programs, statuses and
years is counted off bitsets kept per change, with no query, and its counts are exactly those
the SQL facets count."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from busanportal.deadline import TIMED_OUT
from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.selectors import kept_portfolio_counts, project_facets, recount_portfolio
from sectors.models import Sector
from tests import factories
from tests.projects.test_portfolio_counts import counts, live_facets
from tests.test_query_counts import split

pytestmark = pytest.mark.django_db

QUERIES = [
    "sector=it",
    "sector=it&sector=robotics",
    "year=2016",
    "year=2012&sector=bio-medical",
    "year=undated",
    "year=1995",  # before the facet's years: counts nothing, honestly
    "status=implementation",
    "status=completed&year=2015",
    "program=cloud-iot",
    "program=cloud-iot&sector=it&year=2014",
    "sector=it&sector=green-energy&year=2016&status=implementation&program=cloud-iot",
    "sector=nope&year=2016",  # a bad value is not applied, here as in SQL
    "year=2016&sort=-budget&page=3",
]


@pytest.fixture
def larger_portfolio(db):
    """The real 25 projects, 300 generated ones with progress reports (statuses), and one
    unpublished project, which no count may include."""
    factories.create_many_projects(300, with_reports=True)
    hidden = Project.objects.get(slug="bulk-project-7")
    Project.objects.filter(pk=hidden.pk).update(is_published=False)


def indexed_facets(query):
    filterset = ProjectFilterSet(QueryDict(query), queryset=Project.objects.published())
    filterset.is_valid()  # the filters' own validation (a sector's slug) is not the facets'
    return project_facets(filterset)


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_counts_what_sql_counts(larger_portfolio, query):
    recount_portfolio()
    assert counts(indexed_facets(query)) == counts(live_facets(query))


def test_the_index_counts_a_filter_with_no_query(larger_portfolio, django_assert_num_queries):
    recount_portfolio()
    filterset = ProjectFilterSet(
        QueryDict("sector=it&sector=robotics&year=2016"),
        queryset=Project.objects.published(),
    )
    filterset.is_valid()
    with django_assert_num_queries(0):
        facets = project_facets(filterset)
    expected = Project.objects.published().in_sectors(["it", "robotics"]).active_in(2016).count()
    assert facets.matching == expected > 0


@pytest.mark.parametrize("query", ["q=port", "q=robot&sector=it&year=2016", "q=nothingatall"])
def test_a_search_is_counted_off_the_index_with_the_ids_of_its_matches(larger_portfolio, query):
    recount_portfolio()
    filterset = ProjectFilterSet(QueryDict(query), queryset=Project.objects.published())
    assert filterset.qs is not None  # as the view does first; PostgreSQL keeps misspelt words
    with CaptureQueriesContext(connection) as captured:
        facets = project_facets(filterset)
    data, _control = split(captured.captured_queries)
    assert len(data) == 1  # the ids of the search's matches
    assert counts(facets) == counts(live_facets(query))


def test_a_search_finding_too_many_to_count_shows_its_facets_without_counts(
    larger_portfolio, monkeypatch
):
    recount_portfolio()
    everywhere = live_facets("q=industry").matching
    assert everywhere > 5
    monkeypatch.setattr("projects.selectors.MAX_SEARCH_MATCHES_COUNTED", 5)
    facets = indexed_facets("q=industry")
    assert facets.matching is None  # the page then counts its rows up to a bound
    assert set(facets.timed_out) == {"status", "sector", "year", "program"}
    monkeypatch.setattr("projects.selectors.MAX_SEARCH_MATCHES_COUNTED", everywhere)
    assert indexed_facets("q=industry").matching == everywhere


def test_a_year_past_the_horizon_is_counted_in_sql(larger_portfolio):
    recount_portfolio()
    with mock.patch("projects.selectors.facets_from_index") as from_index:
        assert counts(indexed_facets("year=2050")) == counts(live_facets("year=2050"))
    from_index.assert_not_called()


def test_a_search_whose_matches_overrun_the_budget_shows_the_facets_without_counts(
    larger_portfolio,
):
    recount_portfolio()
    with mock.patch("projects.selectors.run_within_budget", return_value={"q": TIMED_OUT}):
        facets = indexed_facets("q=port")
    assert set(facets.timed_out) == {"status", "sector", "year", "program"}
    assert facets.matching is None
    assert {sector.project_count for sector in facets.sectors} == {None}


def test_the_kept_objects_are_never_changed_by_a_page(larger_portfolio):
    recount_portfolio()
    before = [sector.project_count for sector in kept_portfolio_counts().sectors]
    indexed_facets("year=2016")
    assert [sector.project_count for sector in kept_portfolio_counts().sectors] == before
    assert dict(counts(indexed_facets("year=2016"))["sector"])["it"] < before[0]


def test_a_committed_change_moves_the_index_with_it(
    larger_portfolio, django_capture_on_commit_callbacks
):
    recount_portfolio()
    in_robotics = dict(counts(indexed_facets("year=2016"))["sector"])["robotics"]
    project = Project.objects.published().active_in(2016).exclude(sectors__slug="robotics").first()
    with django_capture_on_commit_callbacks(execute=True):
        project.sectors.add(Sector.objects.get(slug="robotics"))
    assert dict(counts(indexed_facets("year=2016"))["sector"])["robotics"] == in_robotics + 1


@pytest.mark.parametrize(
    "path", ["/projects/?sector=it&year=2016", "/timeline/?status=preparation"]
)
def test_a_page_counted_off_the_index_reads_as_one_counted_in_sql(client, larger_portfolio, path):
    cache.clear()  # nothing kept: the facets are counted in SQL
    live = client.get(path).content.decode()
    cache.clear()
    recount_portfolio()
    with mock.patch("projects.selectors.run_within_budget") as counted_live:
        kept = client.get(path).content.decode()
    counted_live.assert_not_called()
    assert kept == live
