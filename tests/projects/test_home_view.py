"""/: the plan in two sentences, highlights, key figures and sectors."""

import pytest
from django.core.cache import cache

from projects.selectors import recount_portfolio

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_three_highlights(client):
    response = client.get("/")
    assert [project.slug for project in response.context["featured"]] == [
        "radiological-medical-sciences-complex",
        "offshore-wind-farm",
        "world-level-drill-ships",
    ]


def test_the_key_figures_are_honest_about_budgets(client):
    response = client.get("/")
    figures = response.context["figures"]
    assert (figures.projects, figures.with_budget) == (25, 1)
    assert len(response.context["sectors"]) == 6
    assert (figures.first_year, figures.last_year) == (2010, 2020)
    assert "1 of 25" in response.content.decode()


def test_sectors_link_to_the_filtered_list_with_counts(client):
    body = client.get("/").content.decode()
    assert 'href="/projects/?sector=it"' in body
    assert "9 projects" in body


def test_home_query_count(client, django_assert_num_queries):
    # The plan, the highlights and their sectors, and the whole portfolio's counts (five
    # aggregates, kept for the next pages)...
    with django_assert_num_queries(8):
        client.get("/")
    cache.clear()
    recount_portfolio()  # ...which any committed change counts at once.
    with django_assert_num_queries(3):
        client.get("/")
