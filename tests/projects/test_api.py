"""The public JSON API: fields, filters, errors, pagination, limits, CORS, schema and docs."""

import re
from html.parser import HTMLParser

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from rest_framework.throttling import AnonRateThrottle

from projects.models import Program, Project
from tests.factories import BudgetFactory, PhaseFactory, ProjectFactory, create_many_projects

pytestmark = pytest.mark.django_db

PROJECT_FIELDS = {
    "slug",
    "title",
    "title_en",
    "title_ko",
    "summary_en",
    "summary_ko",
    "url",
    "sectors",
    "primary_sector",
    "program",
    "goal",
    "status",
    "status_as_of",
    "progress_percent",
    "start_year",
    "end_year",
    "phases",
    "budget_total_krw",
    "budgets",
    "places",
    "organisations",
    "source_text",
    "updated_at",
}


def get_json(client, path, **params):
    response = client.get(path, params)
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.status_code, response.json()


def test_a_project_has_every_field_of_the_contract(client):
    status, body = get_json(client, "/api/projects/export-research-reactor/")
    assert status == 200
    assert set(body) == PROJECT_FIELDS


def test_a_project_reads_as_the_document_states_it(client):
    _, body = get_json(client, "/api/projects/cloud-data-center-complex/")
    assert body["slug"] == "cloud-data-center-complex"
    assert body["title"] == body["title_en"]
    assert body["title_ko"] == "클라우드 데이터센터 모델단지 및 유통기지 조성"
    assert body["url"] == "http://testserver/projects/cloud-data-center-complex/"
    assert body["sectors"] == ["it"]
    assert body["program"] == "cloud-iot"
    assert (body["start_year"], body["end_year"]) == (2014, 2018)
    assert body["phases"] == [
        {
            "name_en": "Model complex and distribution base",
            "name_ko": "모델단지 및 유통기지 조성",
            "kind": "period",
            "start_year": 2014,
            "start_month": None,
            "end_year": 2018,
            "end_month": None,
            "actual_start_year": None,
            "actual_start_month": None,
            "actual_end_year": None,
            "actual_end_month": None,
            "milestone_state": None,
            "date_met": None,
            "actual_source_title": "",
            "actual_source_url": "",
        }
    ]
    assert (body["status"], body["status_as_of"], body["progress_percent"]) == (
        "not-stated",
        None,
        None,
    )


def test_the_stated_budget_is_an_integer_of_won(client):
    project = Project.objects.get(budgets__amount_krw=190_200_000_000)
    _, body = get_json(client, f"/api/projects/{project.slug}/")
    assert body["budgets"][0]["amount_krw"] == 190_200_000_000
    assert isinstance(body["budgets"][0]["amount_krw"], int)
    assert body["budget_total_krw"] == 190_200_000_000


def test_an_undated_project_has_null_years(client):
    project = ProjectFactory()
    _, body = get_json(client, f"/api/projects/{project.slug}/")
    assert (body["start_year"], body["end_year"], body["phases"]) == (None, None, [])


def test_an_open_ended_project_has_a_start_and_a_null_end(client):
    project = ProjectFactory()
    PhaseFactory(project=project, start_year=2016, end_year=None)
    _, body = get_json(client, f"/api/projects/{project.slug}/")
    assert (body["start_year"], body["end_year"]) == (2016, None)


def test_a_project_without_a_stated_budget_has_a_null_total(client):
    _, body = get_json(client, "/api/projects/cloud-data-center-complex/")
    assert (body["budget_total_krw"], body["budgets"]) == (None, [])


def test_budgets_of_a_project_add_up_in_the_total(client):
    project = ProjectFactory()
    BudgetFactory(project=project, amount_krw=3)
    BudgetFactory(project=project, amount_krw=4)
    _, body = get_json(client, f"/api/projects/{project.slug}/")
    assert body["budget_total_krw"] == 7


def test_the_list_is_paginated_in_the_contract_shape(client):
    status, body = get_json(client, "/api/projects/")
    assert status == 200
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == Project.objects.published().count()
    assert body["previous"] is None


def test_the_list_holds_fifty_projects_a_page(client):
    create_many_projects(60)
    _, body = get_json(client, "/api/projects/")
    assert len(body["results"]) == 50
    assert body["next"] == "http://testserver/api/projects/?page=2"


def test_the_next_page_keeps_the_filter(client):
    create_many_projects(300)  # a third of them are in the IT sector
    _, body = get_json(client, "/api/projects/", sector="it")
    assert body["next"] == "http://testserver/api/projects/?page=2&sector=it"


def test_a_page_past_the_end_is_a_json_404(client):
    status, body = get_json(client, "/api/projects/", page="99")
    assert status == 404
    assert "detail" in body


def test_a_sector_filter_gives_the_sectors_projects_only(client):
    _, body = get_json(client, "/api/projects/", sector="robotics")
    assert body["count"] == 2
    assert all("robotics" in project["sectors"] for project in body["results"])


def test_several_sectors_give_projects_of_any_of_them(client):
    _, robots = get_json(client, "/api/projects/", sector="robotics")
    _, shoes = get_json(client, "/api/projects/", sector="footwear-textile")
    response = client.get("/api/projects/?sector=robotics&sector=footwear-textile")
    assert response.json()["count"] == robots["count"] + shoes["count"]


def test_an_unknown_sector_is_a_400_naming_the_parameter(client):
    status, body = get_json(client, "/api/projects/", sector="space")
    assert status == 400
    assert list(body) == ["sector"]
    assert "space" in body["sector"][0]


def test_a_malformed_year_is_a_400_naming_the_parameter(client):
    status, body = get_json(client, "/api/projects/", year="20x6")
    assert status == 400
    assert list(body) == ["year"]


def test_an_unknown_slug_is_a_json_404(client):
    status, body = get_json(client, "/api/projects/no-such-project/")
    assert status == 404
    assert body == {"detail": "No Project matches the given query."}


def test_an_unpublished_project_is_not_listed(client):
    ProjectFactory(slug="secret-draft", is_published=False)
    _, body = get_json(client, "/api/projects/", sector="it")
    assert "secret-draft" not in [project["slug"] for project in body["results"]]


def test_an_unpublished_project_has_no_api_address(client):
    ProjectFactory(slug="secret-draft", is_published=False)
    status, _ = get_json(client, "/api/projects/secret-draft/")
    assert status == 404


def test_list_filters_do_not_apply_to_a_projects_own_address(client):
    status, body = get_json(client, "/api/projects/export-research-reactor/", sector="it")
    assert (status, body["slug"]) == (200, "export-research-reactor")


def test_lang_ko_gives_korean_titles_and_korean_page_links(client):
    _, body = get_json(client, "/api/projects/cloud-data-center-complex/", lang="ko")
    assert body["title"] == body["title_ko"]
    assert body["url"] == "http://testserver/ko/projects/cloud-data-center-complex/"


def test_lang_ko_is_declared_in_the_content_language_header(client):
    response = client.get("/api/sectors/", {"lang": "ko"})
    assert response["Content-Language"] == "ko"


def test_an_unknown_lang_is_a_400_naming_the_parameter(client):
    status, body = get_json(client, "/api/projects/", lang="fr")
    assert (status, list(body)) == (400, ["lang"])


def test_sectors_carry_their_published_project_counts(client):
    ProjectFactory(is_published=False)  # in the IT sector, and not counted
    _, body = get_json(client, "/api/sectors/")
    counts = {sector["slug"]: sector["project_count"] for sector in body}
    assert counts["it"] == Project.objects.published().in_sectors(["it"]).count()
    assert counts["robotics"] == 2


def test_a_sector_links_to_its_api_project_list(client):
    _, body = get_json(client, "/api/sectors/robotics/")
    assert body["projects"] == "http://testserver/api/projects/?sector=robotics"


def test_an_unknown_sector_slug_is_a_json_404(client):
    status, body = get_json(client, "/api/sectors/space/")
    assert (status, list(body)) == (404, ["detail"])


def test_programs_carry_their_goal_and_counts(client):
    _, body = get_json(client, "/api/programs/")
    cloud = next(program for program in body if program["slug"] == "cloud-iot")
    assert cloud["goal"] == "it-global-competitiveness"
    assert (
        cloud["project_count"]
        == Project.objects.published().filter(program__slug="cloud-iot").count()
    )


def test_programs_count_only_published_projects(client):
    ProjectFactory(is_published=False, program=Program.objects.get(slug="cloud-iot"))
    _, body = get_json(client, "/api/programs/cloud-iot/")
    assert body["project_count"] == (
        Project.objects.published().filter(program__slug="cloud-iot").count()
    )
    assert body["project_count"] < Project.objects.filter(program__slug="cloud-iot").count()


def test_the_api_is_read_only(client):
    response = client.post("/api/projects/", {}, content_type="application/json")
    assert response.status_code == 405


@pytest.mark.parametrize("extra", [0, 500])
def test_the_project_list_takes_the_same_number_of_queries_at_any_size(
    client, django_assert_num_queries, extra
):
    create_many_projects(extra)
    # count, page, then one each for sectors, phases, budgets, places and organisations.
    with django_assert_num_queries(7):
        response = client.get("/api/projects/")
    assert len(response.json()["results"]) == min(50, response.json()["count"])


def test_an_anonymous_client_is_throttled_past_the_rate(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/hour"})
    statuses = [client.get("/api/sectors/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_configured_rate_is_generous(settings):
    count, period = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")
    assert (int(count), period) == (2000, "hour")


def test_any_origin_may_read_the_api(client):
    response = client.get("/api/projects/", headers={"Origin": "https://newsroom.example"})
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_cors_preflight_allows_reading_only(client):
    response = client.options(
        "/api/projects/",
        headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET"},
    )
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_the_html_site_sends_no_cors_header(client):
    response = client.get("/projects/", headers={"Origin": "https://newsroom.example"})
    assert "Access-Control-Allow-Origin" not in response


# --- Bad parameters never give anything but 200, 400 or 404 --------------------------------

PARAMETER_NAMES = ["sector", "year", "status", "program", "q", "sort", "page", "lang", "other"]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", " ", "\x00", "it\x00", "'; DROP TABLE projects_project;--", "<script>", "9" * 40]
        + ["-1", "0", "2016", "undated", "it", "robotics", "%", "%%", "1e9", "NaN"]
    ),
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.lists(st.tuples(st.sampled_from(PARAMETER_NAMES), hostile_text), max_size=6),
    path=st.sampled_from(
        ["/api/projects/", "/api/sectors/", "/api/projects/export-research-reactor/"]
    ),
)
def test_generated_bad_parameters_give_only_200_400_or_404(client, params, path):
    cache.clear()
    response = client.get(path, [(name, value) for name, value in params])
    assert response.status_code in (200, 400, 404), (params, response.content[:300])
    assert response["Content-Type"] == "application/json"


# --- OpenAPI schema and human docs -----------------------------------------------------------


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_documents_every_endpoint(schema):
    assert set(schema["paths"]) == {
        "/api/projects/",
        "/api/projects/{slug}/",
        "/api/sectors/",
        "/api/sectors/{slug}/",
        "/api/programs/",
        "/api/programs/{slug}/",
    }


def test_every_parameter_in_the_schema_has_a_description(schema):
    undescribed = [
        (path, parameter["name"])
        for path, item in schema["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert undescribed == []


def test_the_project_list_documents_the_filter_parameters(schema):
    parameters = schema["paths"]["/api/projects/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert names == {"sector", "year", "status", "program", "q", "sort", "page", "lang"}


def test_every_field_in_the_schema_has_a_description(schema):
    undescribed = []
    for name, component in schema["components"]["schemas"].items():
        for field, definition in component.get("properties", {}).items():
            if name.startswith("Paginated"):
                continue  # the paginator's own envelope (count, next, previous, results)
            if not definition.get("description"):
                undescribed.append(f"{name}.{field}")
    assert undescribed == []


def test_amounts_and_years_are_integers_in_the_schema(schema):
    project = schema["components"]["schemas"]["Project"]["properties"]
    budget = schema["components"]["schemas"]["Budget"]["properties"]
    assert budget["amount_krw"]["type"] == "integer"
    assert project["start_year"]["type"] == "integer"
    assert project["end_year"]["nullable"] is True


class AssetCollector(HTMLParser):
    """Collects the addresses a page loads: script sources, stylesheets and icons."""

    def __init__(self):
        super().__init__()
        self.assets = []
        self.inline_scripts = 0
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.assets.append(attrs["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link":
            self.assets.append(attrs.get("href", ""))
        elif tag in ("img", "iframe"):
            self.assets.append(attrs.get("src", ""))
        elif tag == "style":
            self.styles += 1


def docs_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = AssetCollector()
    page.feed(response.content.decode())
    return page


def test_the_docs_page_loads_nothing_from_another_host(client):
    assets = docs_page(client).assets
    assert len(assets) >= 4
    assert [asset for asset in assets if not asset.startswith("/")] == []
    assert [asset for asset in assets if asset.startswith("//")] == []


def test_the_docs_page_has_no_inline_script_or_style(client):
    page = docs_page(client)
    assert (page.inline_scripts, page.styles) == (0, 0)


def test_the_docs_static_files_exist(client):
    static = [
        a.removeprefix("/static/") for a in docs_page(client).assets if a.startswith("/static/")
    ]
    # Source names are found by the finders; hashed production names in the collected files.
    assert all(finders.find(name) or staticfiles_storage.exists(name) for name in static), static


def test_the_docs_start_up_script_points_at_our_schema_only(client):
    script_url = next(a for a in docs_page(client).assets if a.startswith("/api/docs/"))
    script = client.get(script_url).content.decode()
    assert '"/api/schema/"' in script
    assert re.findall(r"https?://", script) == []
