"""/projects/: filters, facet counts, chips, sort, pagination and bad input."""

import re

import pytest
from django.urls import reverse

from projects.models import Project, ProjectStatus
from tests.factories import PhaseFactory, ProgressUpdateFactory, ProjectFactory
from tests.test_query_counts import assert_queries

pytestmark = pytest.mark.django_db


def listed(client, query="", path=None):
    response = client.get((path or reverse("projects:list")) + query)
    assert response.status_code == 200
    page = response.context["page"]
    return response, [project.slug for project in page.object_list], page.paginator.count


def test_the_list_shows_every_published_project_over_two_pages(client):
    response, slugs, count = listed(client)
    assert count == 25
    assert len(slugs) == 20
    assert "Projects – page 1 of 2" in response.content.decode()


def test_year_2012_lists_exactly_the_documents_projects_active_in_2012(client):
    _, slugs, _ = listed(client, "?year=2012")
    assert set(slugs) == {
        "export-research-reactor",
        "it-convergence-cluster",
        "marine-robot-center",
    }


def test_it_in_2012_is_exactly_the_it_convergence_cluster(client):
    _, slugs, _ = listed(client, "?sector=it&year=2012")
    assert slugs == ["it-convergence-cluster"]


def test_two_sectors_give_projects_of_either(client):
    _, slugs, _ = listed(client, "?sector=robotics&sector=footwear-textile")
    assert set(slugs) == {
        "marine-robot-center",
        "robot-convergence-ecosystem",
        "world-class-footwear",
        "marine-convergence-materials",
    }


def test_undated_lists_the_projects_without_dates(client):
    _, slugs, count = listed(client, "?year=undated")
    assert count == 11
    assert "itu-post-project" in slugs
    assert "export-research-reactor" not in slugs


def test_undated_combines_with_a_sector(client):
    _, slugs, _ = listed(client, "?year=undated&sector=footwear-textile")
    assert set(slugs) == {"world-class-footwear", "marine-convergence-materials"}


def test_program_filter(client):
    _, slugs, _ = listed(client, "?program=it-convergence-base")
    assert slugs == ["it-convergence-cluster", "etri-busan-branch"]


def test_status_filter(client):
    finished = ProjectFactory(slug="finished-one")
    ProgressUpdateFactory(project=finished, status=ProjectStatus.COMPLETED, progress_percent=100)
    _, slugs, _ = listed(client, "?status=completed")
    assert slugs == ["finished-one"]


def test_search_matches_words_of_title_summary_or_source(client):
    _, slugs, _ = listed(client, "?q=reactor export")
    assert slugs == ["export-research-reactor"]


def test_search_in_korean_finds_the_project(client):
    _, slugs, _ = listed(client, "?q=연구로")
    assert slugs == ["export-research-reactor"]


def test_unpublished_projects_are_not_listed(client):
    # A word found nowhere else: on PostgreSQL "Generated" is near enough to "cogeneration".
    ProjectFactory(slug="draft", title_en="Zyxwvut draft", is_published=False)
    _, slugs, count = listed(client, "?q=Zyxwvut")
    assert (slugs, count) == ([], 0)


def test_sort_by_start_puts_the_earliest_first_and_undated_last(client):
    _, slugs, _ = listed(client, "?sort=start")
    assert slugs[0] == "export-research-reactor"  # 2010
    _, last_page, _ = listed(client, "?sort=start&page=2")
    undated = set(Project.objects.undated().values_list("slug", flat=True))
    assert set(last_page) <= undated


def test_sort_by_budget_descending_puts_the_stated_budget_first(client):
    _, slugs, _ = listed(client, "?sort=-budget")
    assert slugs[0] == "bs-financial-computer-center"


def test_sort_by_title(client):
    _, slugs, _ = listed(client, "?sort=title&year=2012")
    assert slugs == ["it-convergence-cluster", "marine-robot-center", "export-research-reactor"]


def test_year_facet_counts_follow_the_sector_filter(client):
    response, _, _ = listed(client, "?sector=it")
    years = dict(response.context["facets"].years)
    assert years[2012] == 1  # only the IT convergence cluster runs in 2012
    assert years[2015] == 6
    assert response.context["facets"].undated == 2


def test_sector_facet_counts_ignore_the_sector_filter_itself(client):
    response, _, _ = listed(client, "?sector=it&year=2012")
    counts = {sector.slug: sector.project_count for sector in response.context["facets"].sectors}
    assert counts == {
        "it": 1,
        "offshore-shipbuilding": 0,
        "bio-medical": 1,
        "footwear-textile": 0,
        "robotics": 1,
        "green-energy": 0,
    }


def test_status_and_program_facets_count_the_filtered_projects(client):
    response, _, _ = listed(client, "?year=2012")
    facets = response.context["facets"]
    assert {value: count for value, _, count in facets.statuses}["not-stated"] == 3
    programs = {program.slug: program.project_count for program in facets.programs}
    assert programs["it-convergence-base"] == 1
    assert programs["cloud-iot"] == 0


def test_applied_filters_are_chips_that_remove_one_value(client):
    response, _, _ = listed(client, "?sector=it&sector=robotics&year=2015&page=2")
    chips = response.context["filterset"].chips()
    assert [(label, value) for label, value, _ in chips] == [
        ("Sector", "IT (cloud, IoT, IT convergence)"),
        ("Sector", "Robots"),
        ("Year", "2015"),
    ]
    assert chips[0][2] == "sector=robotics&year=2015"  # the page is dropped too
    assert "Clear all filters" in response.content.decode()


def test_the_result_count_is_announced_in_a_live_region(client):
    response, _, _ = listed(client, "?sector=it&year=2012")
    assert re.search(r'role="status" aria-live="polite">1 project<', response.content.decode())


def test_an_empty_result_explains_itself_and_offers_to_clear(client):
    response, slugs, _ = listed(client, "?q=nothing-matches-this")
    body = response.content.decode()
    assert slugs == []
    assert "No projects match these filters" in body
    assert "Clear all filters and show every project" in body


def test_pagination_links_keep_the_filter(client):
    response, _, _ = listed(client, "?sort=title")
    assert 'href="?sort=title&amp;page=2"' in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client):
    response, slugs, _ = listed(client, "?page=999")
    assert response.context["page"].number == 2
    assert len(slugs) == 5


def test_a_malformed_page_shows_the_first_page(client):
    response, _, _ = listed(client, "?page=abc")
    assert response.context["page"].number == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?sector=atlantis", "There is no sector “atlantis”."),
        ("?year=20x5", "Enter a year as four digits between 1900 and 2100, or “undated”."),
        ("?year=99999", "Enter a year as four digits between 1900 and 2100, or “undated”."),
        ("?sort=price", "There is no sort order “price”."),
        ("?status=done", "There is no status “done”."),
        ("?program=nope", "There is no such program."),
        ("?q=" + "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_bad_input_gives_the_page_with_a_message_and_ignores_that_filter(client, query, message):
    response, _, count = listed(client, query)
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert count == 25


def test_bad_input_keeps_the_valid_filters(client):
    _, slugs, _ = listed(client, "?sector=it&year=abc&sector=nope")
    # The unknown sector invalidates the sector parameter as a whole; the year too.
    assert len(slugs) == 20


def test_hostile_input_is_never_reflected_unescaped(client):
    response, _, _ = listed(client, "?q=<script>alert(1)</script>&sector=<b>x</b>")
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<b>x</b>" not in body


def test_a_project_with_an_open_ended_phase_shows_its_open_span(client):
    PhaseFactory(project=ProjectFactory(slug="open-one", title_en="Open one"), end_year=None)
    response, slugs, _ = listed(client, "?q=Open+one")
    assert slugs == ["open-one"]
    assert "2015–" in response.content.decode()


# Data queries; transaction control of the facets' time limit apart (tests/test_query_counts.py).
def test_list_query_count_is_constant_with_the_real_fixtures(client):
    assert_queries(client, reverse("projects:list") + "?sector=it&year=2015&sort=-start", 7)


def test_list_query_count_is_the_same_with_500_more_projects(client, many_projects):
    assert Project.objects.count() == 525
    assert_queries(client, reverse("projects:list") + "?sector=it&year=2015&sort=-start", 7)


def test_pagination_is_elided_around_the_current_page(client, many_projects):
    body = client.get("/projects/?page=10").content.decode()
    numbers = re.findall(r'<li><a (?:aria-current="page" )?href="\?page=(\d+)">', body)
    assert numbers == ["1", "8", "9", "10", "11", "12", "27"]
    assert body.count('<li aria-hidden="true">…</li>') == 2
