"""/sectors/ and /sectors/<slug>/."""

import pytest
from django.core.cache import cache

from projects.models import Project
from projects.selectors import recount_portfolio

pytestmark = pytest.mark.django_db


def test_the_sector_list_shows_each_sector_with_its_count(client):
    response = client.get("/sectors/")
    counts = {sector.slug: sector.project_count for sector in response.context["sectors"]}
    assert counts == {
        "it": 9,
        "offshore-shipbuilding": 6,
        "bio-medical": 5,
        "footwear-textile": 2,
        "robotics": 2,
        "green-energy": 3,
    }
    assert "Projects in cloud computing" in response.content.decode()


def test_a_sector_page_lists_its_projects_and_their_timeline(client):
    response = client.get("/sectors/robotics/")
    assert [p.slug for p in response.context["projects"]] == [
        "marine-robot-center",
        "robot-convergence-ecosystem",
    ]
    assert len(response.context["timeline"].rows) == 2


def test_an_unknown_sector_is_a_404(client):
    assert client.get("/sectors/atlantis/").status_code == 404


def test_sector_pages_hide_unpublished_projects(client, make_project):
    make_project(slug="hidden", is_published=False)
    response = client.get("/sectors/it/")
    assert "hidden" not in [p.slug for p in response.context["projects"]]


def test_sector_query_counts_are_constant(client, many_projects, django_assert_num_queries):
    assert Project.objects.count() == 525
    with django_assert_num_queries(5):  # sector, count, page, and two prefetches
        client.get("/sectors/footwear-textile/")
    with django_assert_num_queries(5):  # the portfolio's counts, then kept
        client.get("/sectors/")
    cache.clear()
    recount_portfolio()
    with django_assert_num_queries(0):
        client.get("/sectors/")
    with django_assert_num_queries(4):  # the count is the kept one
        client.get("/sectors/footwear-textile/?page=3")


def test_a_sector_page_counts_and_pages_its_projects_the_same_kept_or_not(client, many_projects):
    def pages(path):
        body = client.get(path).content.decode()
        return body[body.index("<h1") : body.index("</main>")]

    cache.clear()
    not_kept = pages("/sectors/footwear-textile/?page=2")
    cache.clear()
    recount_portfolio()
    assert pages("/sectors/footwear-textile/?page=2") == not_kept
    assert '<a href="?page=4">4</a>' in not_kept and '<a href="?page=3" rel="next">' in not_kept
