"""/projects/<slug>/: everything the source says about one project."""

import pytest
from django.urls import reverse

from projects.models import Organisation, Place
from sectors.models import Sector
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def detail(client, slug):
    response = client.get(reverse("projects:detail", args=[slug]))
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_project_page_quotes_the_source_with_the_documents_title(client):
    _, body = detail(client, "export-research-reactor")
    assert "Establish a new research reactor for export (2010–2018)" in body
    assert (
        "From “Future Strategic Industry and New Growth Industry”, Busan Metropolitan City." in body
    )


def test_the_project_page_lists_each_phase_with_its_dates(client):
    _, body = detail(client, "export-research-reactor")
    planned = '<span class="muted">(planned)</span>'
    assert f"<strong>2010–2018</strong> {planned} – New research reactor for export" in body
    assert f"<strong>2015-04</strong> {planned} – Complete the site construction" in body
    assert (
        f"<strong>2015–2019</strong> {planned} – Radioactive isotope convergence research base"
        in body
    )


def test_the_timeline_svg_has_a_text_equivalent(client):
    _, body = detail(client, "export-research-reactor")
    assert 'role="img" aria-label="New research reactor for export: planned 2010–2018;' in body
    assert (
        "<td>Complete the site construction</td><td>Milestone</td><td>2015-04</td>"
        "<td>not reported</td><td>Scheduled</td>"
    ) in body


def test_the_budget_is_shown_readably_and_exactly(client):
    _, body = detail(client, "bs-financial-computer-center")
    assert "KRW 190.2 billion" in body
    assert "190,200,000,000 won" in body


def test_a_project_without_a_cost_or_dates_says_not_stated_the_one_way(client):
    _, body = detail(client, "itu-post-project")
    cost = body.split('id="budget-heading">Stated cost</h2>', 1)[1].split("</section>", 1)[0]
    dates = body.split('id="timeline-heading">', 1)[1].split("</section>", 1)[0]
    marker = '<span class="not-stated">not stated</span>'
    assert marker in cost
    assert marker in dates
    assert body.count('<dfn class="not-stated">Not stated</dfn>') == 1  # explained once


def test_places_organisations_and_quantities_are_shown(client):
    _, body = detail(client, "new-port-hinterland-complex")
    assert "Busan New Port hinterland" in body
    assert "Land area of the complex: <strong>660,000 m²</strong>" in body
    _, body = detail(client, "etri-busan-branch")
    assert "Electronics and Telecommunications Research Institute (ETRI)" in body


def test_program_goal_and_sector_link_to_filtered_lists(client):
    _, body = detail(client, "it-convergence-cluster")
    assert 'href="/projects/?program=it-convergence-base"' in body
    assert 'href="/projects/?sector=it"' in body
    assert 'href="/projects/?year=2011"' in body
    assert "Create jobs through Busan’s own strategic projects" in body


def test_the_page_shows_when_it_was_last_updated(client):
    _, body = detail(client, "it-convergence-cluster")
    assert '<time datetime="2026-11-25T' in body


def test_an_unknown_slug_is_a_404_in_the_sites_design(client):
    response = client.get("/projects/no-such-project/")
    assert response.status_code == 404
    assert "Skip to main content" in response.content.decode()


def test_an_unpublished_project_is_a_404(client):
    ProjectFactory(slug="draft-project", is_published=False)
    assert client.get("/projects/draft-project/").status_code == 404


def test_detail_query_count(client, django_assert_num_queries):
    # The project and its relations (its sectors, places and organisations are one union; the
    # published progress reports and the related projects one prefetch each), and one union of
    # its parts' versions (the marks of changed facts); the plan's latest month is a subquery of
    # the first.
    with django_assert_num_queries(8):
        client.get("/projects/export-research-reactor/")


def test_list_cards_carry_the_filter_to_the_project_page(client):
    body = client.get("/projects/?sector=bio-medical&year=2015&page=1").content.decode()
    assert 'href="/projects/export-research-reactor/?sector=bio-medical&amp;year=2015"' in body


def test_a_project_reached_from_a_filtered_list_links_back_to_it(client):
    _, body = detail(client, "export-research-reactor")
    assert "Back to the list" not in body
    response = client.get("/projects/export-research-reactor/?sector=bio-medical&year=2015")
    body = response.content.decode()
    assert '<a href="/projects/?sector=bio-medical&amp;year=2015">Back to the list</a>' in body
    assert "Sector: Radiation medicine &amp; bio · Year: 2015" in body


def test_the_permalink_of_a_project_has_no_query(client):
    response = client.get("/projects/export-research-reactor/?sector=bio-medical")
    assert (
        '<link rel="canonical" href="http://testserver/projects/export-research-reactor/">'
        in response.content.decode()
    )


def test_a_bad_filter_in_the_project_url_is_ignored(client):
    response = client.get("/projects/export-research-reactor/?sector=<b>x</b>&year=abc")
    assert response.status_code == 200
    assert "Back to the list" not in response.content.decode()
    assert "<b>x</b>" not in response.content.decode()


def test_the_page_names_sectors_places_and_organisations_in_their_order(client):
    project = ProjectFactory(slug="many-names", primary_sector=Sector.objects.get(slug="it"))
    project.sectors.set(Sector.objects.filter(slug__in=["green-energy", "it", "robotics"]))
    project.places.set(Place.objects.all())
    project.organisations.set(Organisation.objects.all())
    body = client.get("/projects/many-names/").content.decode()

    def order_shown(names):
        return [
            body.index(f">{name}<") if f">{name}<" in body else body.index(name) for name in names
        ]

    chosen = ["green-energy", "it", "robotics"]
    sectors = [sector.name_en for sector in Sector.objects.filter(slug__in=chosen)]
    places = list(Place.objects.order_by("name_en").values_list("name_en", flat=True))
    organisations = list(Organisation.objects.order_by("name_en").values_list("name_en", flat=True))
    assert len(sectors) == 3 and len(places) >= 2 and len(organisations) >= 2
    for names in (sectors, places, organisations):
        assert order_shown(names) == sorted(order_shown(names))
    assert "(primary)" in body.split(">IT (cloud, IoT, IT convergence)<")[1][:60]
