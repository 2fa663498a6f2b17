"""The ``q`` search: what it finds, in which order, and how it keeps its text current.

The same cases run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://… make pytest``); the
typo case needs PostgreSQL's trigram similarity and is skipped on SQLite.
"""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.filters import ProjectFilterSet
from projects.models import Organisation, Place, Program, Project, SearchWord
from projects.search import (
    MAX_CORRECTIONS,
    misspelt_words,
    normalise,
    query_words,
    refresh_search_text,
)
from sectors.models import Sector
from tests import factories
from tests.test_query_counts import CONTROL

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="typo tolerance is PostgreSQL's trigram search"
)


def found(q, **filters):
    """The slugs the search finds, in the order the list shows them."""
    filterset = ProjectFilterSet({"q": q, **filters}, queryset=Project.objects.published())
    return [project.slug for project in filterset.qs]


def sector_slugs(sector):
    return set(Project.objects.published().in_sectors([sector]).values_list("slug", flat=True))


def test_radiation_finds_every_project_of_the_radiation_medicine_and_bio_sector():
    assert sector_slugs("bio-medical") <= set(found("radiation"))
    assert len(sector_slugs("bio-medical")) == 5


def test_green_energy_finds_every_green_energy_project_and_ranks_them_first():
    green = sector_slugs("green-energy")
    results = found("green energy")
    assert green <= set(results)
    # The robot projects mention green energy only in their program's name: they come after.
    assert set(results[: len(green)]) == green


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("방사선", "bio-medical"),  # the sector's Korean name
        ("그린에너지", "green-energy"),
        ("신발", "footwear-textile"),
    ],
)
def test_a_korean_sector_name_finds_every_project_of_the_sector(q, expected):
    assert sector_slugs(expected) <= set(found(q))


def test_a_korean_word_is_found_inside_a_longer_compound():
    # "풍력" sits inside "해상풍력단지": both offshore wind entries, and nothing else.
    assert set(found("풍력")) == {"offshore-wind-farm", "renewable-energy-and-offshore-wind"}


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("미음", "cloud-data-center-complex"),  # a place's Korean name
        ("Seokdae", "cloud-cluster-designation"),  # a place's English name
        ("한국전자통신연구원", "etri-busan-branch"),  # an organisation's Korean name
        ("BS Financial", "bs-financial-computer-center"),
        ("ETRI", "etri-busan-branch"),  # an acronym
        ("일자리 창출", "etri-busan-branch"),  # a goal's Korean title
        ("드릴십", "world-level-drill-ships"),  # a Korean title
        ("deep sea", "offshore-plant-research-infrastructure"),  # source text
    ],
)
def test_names_of_places_organisations_goals_and_titles_are_found(q, slug):
    assert slug in found(q)


def test_case_width_and_surrounding_punctuation_do_not_matter():
    assert found("ＩＴＵ") == found("itu") == found("“ITU,”")
    assert found("itu")[0] == "itu-post-project"


def test_an_exact_title_match_comes_first():
    results = found("Offshore wind farm")
    assert results[0] == "offshore-wind-farm"
    assert found("해상풍력단지 조성")[0] == "offshore-wind-farm"


def test_a_title_holding_the_query_comes_before_a_mere_mention():
    # "robot" is in two titles, and in two green-energy projects' program name only.
    results = found("robot")
    assert set(results[:2]) == {"marine-robot-center", "robot-convergence-ecosystem"}


def test_relevance_is_the_default_order_with_q_and_another_sort_still_wins():
    assert found("robot") == found("robot", sort="relevance")
    titles = [Project.objects.get(slug=slug).title_en for slug in found("robot", sort="title")]
    assert titles == sorted(titles)


def test_relevance_without_q_keeps_the_document_order():
    filterset = ProjectFilterSet({"sort": "relevance"}, queryset=Project.objects.published())
    assert filterset.is_valid()
    assert list(filterset.qs) == list(Project.objects.published())


@postgres_only
def test_a_typo_still_finds_on_postgresql():
    assert sector_slugs("bio-medical") <= set(found("radation"))
    assert "marine-robot-center" in found("robt")


@postgres_only
def test_a_misspelt_word_is_searched_as_the_known_words_nearest_it():
    misspelt = misspelt_words(Project, ["radation", "robot", "wind"])
    assert set(misspelt) == {"radation"}  # the words some project holds are not corrected
    assert misspelt["radation"][0] == "radiation"
    assert len(misspelt["radation"]) <= MAX_CORRECTIONS


@postgres_only
def test_a_misspelt_search_is_a_plain_or_of_indexed_conditions():
    sql = str(Project.objects.published().matching("radation").query)
    assert "radiation" in sql
    assert "NOT EXISTS" not in sql.upper()  # no "in no project" subquery inside the search


def test_a_new_word_of_a_project_joins_the_dictionary(make_project):
    make_project(slug="w", title_en="Hyperloop terminal", title_ko="하이퍼루프 터미널")
    assert {"hyperloop", "terminal", "하이퍼루프"} <= set(
        SearchWord.objects.values_list("word", flat=True)
    )


@postgres_only
def test_an_inflected_word_is_found_by_full_text_search_on_postgresql():
    # "designating" is in no project's text, but the English stemmer makes it "designate".
    assert "cloud-cluster-designation" in found("designating")


def test_a_correctly_spelt_word_is_not_matched_loosely():
    # "cloud" is in several texts, so no project is found by a word merely near it.
    assert set(found("cloud")) == {
        slug
        for slug in Project.objects.published().values_list("slug", flat=True)
        if "cloud" in Project.objects.get(slug=slug).search_text
    }


def test_every_word_must_match():
    assert found("radiation zzqxw") == []


# --- Keeping the search text current --------------------------------------------------------


def test_renaming_a_sector_updates_its_projects_search_text():
    sector = Sector.objects.get(slug="robotics")
    sector.name_ko = "지능형로봇"
    sector.save()
    assert set(found("지능형로봇")) >= {"marine-robot-center", "robot-convergence-ecosystem"}


def test_renaming_a_program_place_or_organisation_updates_the_search_text():
    program = Program.objects.get(slug="footwear-textile")
    program.title_en = "Footwear and textile renaissance"
    program.save()
    place = Place.objects.get(slug="mieum-district")
    place.name_en = "Mieum Knowledge District"
    place.save()
    organisation = Organisation.objects.get(slug="itu")
    organisation.name_ko = "국제전기통신연합"
    organisation.save()
    assert "world-class-footwear" in found("renaissance")
    assert "cloud-data-center-complex" in found("knowledge district")
    assert found("국제전기통신연합") == ["itu-post-project"]


def test_adding_a_place_to_a_project_makes_it_findable_by_the_place():
    project = Project.objects.get(slug="it-convergence-cluster")
    project.places.add(Place.objects.get(slug="seokdae-centum"))
    assert "it-convergence-cluster" in found("석대")
    project.places.clear()
    assert "it-convergence-cluster" not in found("석대")


def test_an_edited_title_is_found_at_once_and_the_search_text_adds_no_history():
    project = Project.objects.get(slug="bio-cogeneration-plant")
    versions = project.history.count()
    project.title_en = "Bio cogeneration power station"
    project.save()
    assert found("power station")[0] == "bio-cogeneration-plant"
    assert project.history.count() == versions + 1  # the edit, not the derived text


def test_refresh_search_text_rebuilds_bulk_created_projects():
    projects = factories.create_many_projects(3)
    assert not Project.objects.get(pk=projects[0].pk).search_text
    assert refresh_search_text(Project.objects.filter(pk__in=[p.pk for p in projects])) == 3
    assert "bulk-project-0" in found("Bulk project 0")


def test_the_loaded_document_has_a_search_text_for_every_project():
    assert not Project.objects.filter(search_text="").exists()
    text = Project.objects.get(slug="cloud-cluster-designation").search_text
    for name in ("designate a cloud cluster", "mieum district", "미음지구", "석대–센텀", "it("):
        assert name in text


def test_normalise_and_query_words():
    assert normalise("  ＩｏＴ\x00 Test\u202e bed ") == "iot test bed"
    assert query_words('"Green", energy energy') == ["green", "energy"]


# --- The pages ---------------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_its_header(client):
    for path in ("/", "/projects/", "/sectors/", "/timeline/", "/data/", "/projects/no-such/"):
        body = client.get(path).content.decode()
        assert 'role="search" method="get" action="/projects/"' in body
        label = '<label for="site-search-q" class="visually-hidden">Search the projects</label>'
        assert label in body


def test_the_home_page_has_its_own_search_box(client):
    body = client.get("/ko/").content.decode()
    assert 'aria-label="계획 검색"' in body
    assert '<label for="home-search-q">사업 검색</label>' in body
    assert 'action="/ko/projects/"' in body


def test_a_query_naming_a_sector_offers_that_filter(client):
    body = client.get("/projects/?q=green+energy").content.decode()
    assert '<a href="?sector=green-energy">Show the sector Green energy</a>' in body
    # The program's name holds the words too, and is offered as well.
    assert "?program=robot-green-energy" in body


def test_the_offer_keeps_the_other_filters_and_speaks_korean(client):
    body = client.get("/ko/projects/?q=방사선&year=2015").content.decode()
    assert '<a href="?year=2015&amp;sector=bio-medical">방사선 의료·바이오 분야 보기</a>' in body


def test_no_offer_for_a_sector_already_chosen_or_without_q(client):
    body = client.get("/projects/?q=robots&sector=robotics").content.decode()
    assert "Show the sector" not in body
    assert "Show the sector" not in client.get("/projects/").content.decode()


def test_the_list_shows_search_results_best_first(client):
    body = client.get(reverse("projects:list"), {"q": "Offshore wind farm"}).content.decode()
    first_card = body.index('class="card-title"')
    assert "/projects/offshore-wind-farm/" in body[first_card : first_card + 200]


@pytest.mark.parametrize(
    "q",
    ["x" * 10_000, "\x00", "radiation\x07\x1b[31m", "'; DROP TABLE projects_project; --", "%_%"],
)
def test_a_hostile_query_gets_a_message_or_an_answer_never_a_500(client, q):
    response = client.get("/projects/", {"q": q})
    assert response.status_code == 200
    body = response.content.decode()
    if len(q) > 200:
        assert "Ensure this value has at most 200 characters" in body
    assert Project.objects.count() >= 25


def test_like_wildcards_in_a_query_are_taken_literally():
    assert found("%") == []
    assert found("_") == []


def data_queries(captured):
    """The statements that read data: PostgreSQL's facet time budget adds transaction control
    around each facet (tests/test_query_counts.py counts it apart)."""
    return [q for q in captured if not q["sql"].startswith(CONTROL)]


#: The facets, the page's rows and their sectors; on PostgreSQL two more: which words are in no
#: project (``search.misspelt_words``; none is misspelt here, so no corrections are looked up)
#: and the bounded count that decides whether the matches are few enough to rank by full text
#: (search.FULL_RANK_LIMIT).
SEARCH_QUERIES = 8 if connection.vendor == "postgresql" else 6


def test_the_search_list_runs_a_fixed_number_of_queries(client):
    with CaptureQueriesContext(connection) as captured:
        client.get("/projects/?q=green+energy")
    assert len(data_queries(captured.captured_queries)) == SEARCH_QUERIES


def test_the_search_query_count_does_not_grow_with_the_portfolio(client):
    created = factories.create_many_projects(300)
    refresh_search_text(Project.objects.filter(pk__in=[project.pk for project in created]))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/projects/?q=bulk+project")
    assert len(data_queries(captured.captured_queries)) == SEARCH_QUERIES
    assert response.context["page"].paginator.count == 300


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the full-text rank is PostgreSQL's")
def test_a_broad_search_is_ranked_by_its_titles_alone(monkeypatch):
    from projects import search

    query = ProjectFilterSet(QueryDict("q=busan"), queryset=Project.objects.published()).qs
    ranked = str(query.query)
    monkeypatch.setattr(search, "FULL_RANK_LIMIT", 1)
    broad = ProjectFilterSet(QueryDict("q=busan"), queryset=Project.objects.published()).qs
    assert "ts_rank" in ranked and "ts_rank" not in str(broad.query)
    titles_first = list(broad.values_list("relevance", flat=True))
    assert titles_first == sorted(titles_first, reverse=True)


@postgres_only
def test_a_broad_search_lists_titles_holding_it_first_then_the_rest_in_the_plans_order(
    client, monkeypatch
):
    from projects import search

    monkeypatch.setattr(search, "FULL_RANK_LIMIT", 1)
    matches = Project.objects.published().matching("industry")
    in_title = [
        project.slug
        for project in matches
        if "industry" in project.title_en.lower() or "industry" in project.title_ko.lower()
    ]
    rest = [project.slug for project in matches if project.slug not in in_title]
    shown, page, pages = [], 1, 1
    while page <= pages:
        response = client.get("/projects/", {"q": "industry", "page": page})
        shown += [project.slug for project in response.context["page"].object_list]
        pages, page = response.context["page"].paginator.num_pages, page + 1
    assert len(matches) > 20 and in_title and rest  # both tiers, over more than one page
    assert shown == in_title + rest
    # The exports and the API read the filterset's own order: the same.
    assert found("industry") == shown


@postgres_only
def test_an_exact_title_comes_first_in_a_broad_search(monkeypatch):
    from projects import search

    monkeypatch.setattr(search, "FULL_RANK_LIMIT", 0)  # any search is broad
    title = Project.objects.get(slug="offshore-wind-farm").title_en
    ranked = ProjectFilterSet(QueryDict(f"q={title}"), queryset=Project.objects.published()).qs
    assert search.bucketed_page_ids(ranked, 0, 1) == [
        Project.objects.get(slug="offshore-wind-farm").pk
    ]


@postgres_only
def test_a_broad_search_whose_facets_are_not_counted_is_counted_once(client, monkeypatch):
    from projects import search, selectors

    monkeypatch.setattr(search, "FULL_RANK_LIMIT", 5)
    monkeypatch.setattr(selectors, "MAX_SEARCH_MATCHES_COUNTED", 5)
    selectors.recount_portfolio()  # as any committed change does: the facet index is kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/projects/", {"q": "industry"})
    page = response.context["page"]
    # More than five matches, as the ranking counted: "at least 6", from that one count.
    assert (page.paginator.count, page.count_is_bounded) == (6, True)
    counts = [q for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "At least 6 projects" in response.content.decode()


@postgres_only
def test_many_misspelt_words_cost_two_queries_not_one_per_word(django_assert_num_queries):
    words = ["radation", "robtics", "shipbilding", "hydrogin", "ofshore"]
    with django_assert_num_queries(2):
        misspelt = misspelt_words(Project, words)
    assert set(misspelt) == set(words)
    assert misspelt["radation"][0] == "radiation"
    assert all(len(corrections) <= MAX_CORRECTIONS for corrections in misspelt.values())
