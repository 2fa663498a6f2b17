"""The API keeps its word: JSON for every answer under /api/, a schema that states exactly what
the server accepts, the exports inside the same rate limit, and a reference page in both
languages generated from the schema. (schemathesis checks the schema against the running server
in tests/e2e/test_api_schemathesis.py.)"""

import re

import pytest
import yaml
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from projects.filters import MAX_QUERY_LENGTH, YEAR_PATTERN
from projects.models import MAX_YEAR, MIN_YEAR, Program, ProjectStatus
from sectors.models import Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def parameters(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/projects/"]["get"]
    return {parameter["name"]: parameter for parameter in operation["parameters"]}


# --- Every answer under /api/ is JSON ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/no-such-endpoint/", 404), ("/api/programs/.exe/", 404), ("/api/projects/x/y/", 404)],
)
def test_an_address_matching_no_route_is_a_json_404(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found."}


def test_a_method_not_allowed_is_a_json_405_with_allow(client):
    response = client.post("/api/projects/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]


def test_a_bad_host_is_a_json_400_under_the_api(client):
    response = client.get("/api/projects/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Bad Request."}


def test_a_bad_host_is_still_an_html_400_on_the_site(client):
    response = client.get("/projects/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_page_abc_is_a_400_naming_page(client):
    response = client.get("/api/projects/", {"page": "abc"})
    assert response.status_code == 400
    assert list(response.json()) == ["page"]


@pytest.mark.parametrize("page", ["0", "-1", "1.5", "", "٣"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(client, page):
    assert client.get("/api/projects/", {"page": page}).status_code == 400


def test_a_page_past_the_end_is_still_a_404(client):
    response = client.get("/api/projects/", {"page": "9" * 5000})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- The schema states exactly what the server accepts ---------------------------------------


def test_the_schema_enumerates_the_sector_slugs_of_the_database(client, parameters):
    items = parameters["sector"]["schema"]["items"]
    assert items["enum"] == sorted(Sector.objects.values_list("slug", flat=True))
    Sector.objects.create(slug="space", name_en="Space")
    cache.clear()
    schema = yaml.safe_load(client.get("/api/schema/").content)
    sector = next(
        p for p in schema["paths"]["/api/projects/"]["get"]["parameters"] if p["name"] == "sector"
    )
    assert "space" in sector["schema"]["items"]["enum"]


def test_the_schema_enumerates_the_program_slugs_and_the_empty_any(parameters):
    enum = parameters["program"]["schema"]["enum"]
    assert enum == ["", *sorted(Program.objects.values_list("slug", flat=True))]


def test_the_schema_enumerates_the_statuses(parameters):
    assert parameters["status"]["schema"]["enum"] == ["", *ProjectStatus.values]


def test_the_schema_limits_q_to_the_filtersets_length(parameters):
    assert parameters["q"]["schema"]["maxLength"] == MAX_QUERY_LENGTH == 200


def test_the_schema_states_page_as_an_integer_from_1(parameters):
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}


def test_the_year_pattern_is_the_year_range_of_the_models(parameters):
    pattern = parameters["year"]["schema"]["pattern"]
    assert pattern == YEAR_PATTERN
    accepted = [str(year) for year in range(MIN_YEAR - 50, MAX_YEAR + 50)]
    assert [y for y in accepted if re.match(pattern, y)] == [
        str(year) for year in range(MIN_YEAR, MAX_YEAR + 1)
    ]
    assert re.match(pattern, "undated") and re.match(pattern, "")


@pytest.mark.parametrize(
    ("year", "status"),
    [("", 200), ("2016", 200), ("undated", 200), (" 2016", 400), ("UNDATED", 400), ("1899", 400)],
)
def test_the_server_accepts_the_years_the_pattern_allows_and_no_others(client, year, status):
    assert client.get("/api/projects/", {"year": year}).status_code == status
    assert bool(re.match(YEAR_PATTERN, year)) is (status == 200)


def test_q_longer_than_the_limit_is_refused_even_with_spaces(client):
    assert client.get("/api/projects/", {"q": " " * 201}).status_code == 400
    assert client.get("/api/projects/", {"q": "a" * 200}).status_code == 200


def test_an_empty_sector_is_refused_as_the_schema_says(client, parameters):
    assert "" not in parameters["sector"]["schema"]["items"]["enum"]
    assert client.get("/api/projects/", {"sector": ""}).status_code == 400


# --- Exports share the API's rate limit; cross-origin readers can read Retry-After -----------


@pytest.mark.parametrize(
    "export", ["/projects/export.csv", "/projects/export.json", "/projects/export.xlsx"]
)
def test_the_exports_count_against_the_api_rate_limit(client, monkeypatch, export):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/hour"})
    statuses = [client.get("/api/sectors/").status_code for _ in range(2)]
    statuses += [client.get(export).status_code for _ in range(2)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(export)
    assert int(limited["Retry-After"]) > 0
    assert client.get("/api/sectors/").status_code == 429


def test_cross_origin_readers_may_read_retry_after(client):
    response = client.get("/api/projects/", headers={"origin": "https://newsroom.example"})
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


# --- The reference page --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_the_reference_lists_every_operation_and_filter_value(client, prefix):
    response = client.get(f"{prefix}/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in ("/api/projects/", "/api/projects/{slug}/", "/api/sectors/", "/api/programs/"):
        assert f"<code>GET {path}</code>" in html
    assert "<code>bio-medical</code>" in html  # a sector slug, from the database
    assert "at most 200 characters" in html or "최대 200자" in html


def test_the_korean_reference_is_in_korean(client):
    html = client.get("/ko/api/docs/").content.decode()
    assert '<html lang="ko">' in html
    assert "API 참조" in html
    assert "공개된 사업 목록" in html  # an operation summary, from the schema in Korean
