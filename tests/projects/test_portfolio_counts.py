"""The whole portfolio's counts, kept per change (``selectors.portfolio_counts``): counted once
when a change commits, read by every page whose facets have no other filter set, and never
older than the data they describe."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.http import QueryDict

from busanportal import cache as page_cache
from projects.filters import ProjectFilterSet
from projects.models import Project
from projects.selectors import (
    PORTFOLIO_COUNTS_KEY,
    count_portfolio,
    kept_portfolio_counts,
    portfolio_counts,
    project_facets,
    recount_portfolio,
)
from sectors.models import Sector

pytestmark = pytest.mark.django_db


def live_facets(query=""):
    """The facets counted under the time limit, as if nothing were kept."""
    with mock.patch("projects.selectors.kept_portfolio_counts", return_value=None):
        filterset = ProjectFilterSet(QueryDict(query), queryset=Project.objects.published())
        with mock.patch("projects.selectors._counts_whole_portfolio", return_value=False):
            return project_facets(filterset)


def kept_facets(query=""):
    recount_portfolio()
    filterset = ProjectFilterSet(QueryDict(query), queryset=Project.objects.published())
    return project_facets(filterset)


def counts(facets):
    return {
        "status": facets.statuses,
        "sector": [(sector.slug, sector.project_count) for sector in facets.sectors],
        "program": [(program.slug, program.project_count) for program in facets.programs],
        "year": facets.years,
        "undated": facets.undated,
        "matching": facets.matching,
    }


@pytest.mark.parametrize("query", ["", "sort=-budget", "page=2"])
def test_the_kept_counts_are_the_counts_of_every_facet(query):
    kept, live = counts(kept_facets(query)), counts(live_facets(query))
    assert kept == live
    assert kept["matching"] == 25
    assert (
        dict(kept["sector"])["it"] == Project.objects.published().filter(sectors__slug="it").count()
    )


def test_a_facet_whose_own_filter_is_the_only_one_reads_the_kept_counts():
    assert counts(kept_facets("sector=it"))["sector"] == counts(live_facets("sector=it"))["sector"]
    with mock.patch("projects.selectors.count_portfolio", wraps=count_portfolio) as counted:
        kept_facets("sector=it")
    counted.assert_called_once()  # by recount_portfolio alone


def test_a_committed_change_is_counted_at_once(django_capture_on_commit_callbacks):
    recount_portfolio()
    before = {sector.slug: sector.project_count for sector in kept_portfolio_counts().sectors}
    project = Project.objects.published().exclude(sectors__slug="robotics").first()
    with django_capture_on_commit_callbacks(execute=True):
        project.sectors.add(Sector.objects.get(slug="robotics"))
    after = {sector.slug: sector.project_count for sector in kept_portfolio_counts().sectors}
    assert after["robotics"] == before["robotics"] + 1


def test_a_change_not_yet_committed_is_not_served_the_old_counts():
    recount_portfolio()
    Project.objects.published().filter(slug="offshore-wind-farm").get().save()
    # The content version moved on with the save: the old counts are not this version's.
    assert kept_portfolio_counts() is None


def test_a_transaction_of_many_changes_is_counted_once(django_capture_on_commit_callbacks):
    with (
        mock.patch("projects.selectors.count_portfolio", wraps=count_portfolio) as counted,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        for project in Project.objects.published()[:5]:
            project.save()
            project.sectors.add(Sector.objects.get(slug="it"))
    assert len(callbacks) == 1
    assert counted.call_count == 1


def test_counts_read_just_after_a_change_are_kept_only_for_the_replicas_lag(settings):
    settings.PAGE_CACHE_REPLICA_LAG_SECONDS = 5
    Sector.objects.get(slug="it").save()  # a change, this very second
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        portfolio_counts()  # as the home page and the sector list read them
    kept = [
        call.kwargs["timeout"]
        for call in stored.call_args_list
        if call.args[0] == PORTFOLIO_COUNTS_KEY
    ]
    assert kept == [5]


def test_a_failing_recount_never_fails_the_officials_save(django_capture_on_commit_callbacks):
    project = Project.objects.get(slug="offshore-wind-farm")
    with (
        mock.patch("projects.selectors.count_portfolio", side_effect=RuntimeError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        project.save()
    assert page_cache.current_content_version()


@pytest.mark.parametrize("path", ["/", "/projects/offshore-wind-farm/"])
def test_the_plans_latest_month_reads_the_same_kept_or_not(client, path):
    def plan_age():
        body = client.get(path).content.decode()
        return body[body.index('<p class="plan-age">') :].split("</p>")[0]

    cache.clear()
    not_kept = plan_age()
    cache.clear()
    recount_portfolio()
    assert plan_age() == not_kept
    assert "the latest month it mentions is" in not_kept


def test_the_counts_are_kept_with_the_page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    recount_portfolio()
    assert kept_portfolio_counts() is not None
    cache.clear()
    portfolio_counts()
    assert kept_portfolio_counts() is not None


@pytest.mark.parametrize("path", ["/", "/sectors/", "/projects/", "/projects/?sector=it"])
def test_pages_are_served_when_the_cache_is_down(client, path):
    down = ConnectionError("cache down")
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "get_many", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
    ):
        response = client.get(path)
    assert response.status_code == 200
    assert b"projects" in response.content.lower()


def test_only_the_latest_counts_are_held_whatever_the_number_of_changes():
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        for _ in range(3):
            page_cache.bump_content_version()
            recount_portfolio()
    keys = {call.args[0] for call in stored.call_args_list}
    assert PORTFOLIO_COUNTS_KEY in keys
    assert not [key for key in keys if key.startswith(f"{PORTFOLIO_COUNTS_KEY}:")]
    assert kept_portfolio_counts() is not None


def test_counts_of_an_older_version_are_not_served_for_a_newer_one():
    recount_portfolio()
    page_cache.bump_content_version()  # a change committed after those counts were taken
    assert kept_portfolio_counts() is None
