"""The CSV and JSON exports: same filters as the list, Excel-friendly, streamed, honest."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from projects.filters import ProjectFilterSet
from projects.models import Project
from tests.factories import (
    BudgetFactory,
    PhaseFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    create_many_projects,
)

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def download(client, path="/projects/export.csv", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def csv_rows(client, path="/projects/export.csv", **params) -> list[dict]:
    _, body = download(client, path, **params)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def row_for(client, slug, **params):
    return next(row for row in csv_rows(client, **params) if row["slug"] == slug)


def test_the_csv_starts_with_the_utf8_byte_order_mark(client):
    _, body = download(client)
    assert body.startswith(BOM)


def test_the_csv_is_declared_as_utf8_csv(client):
    response, _ = download(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_the_csv_is_streamed(client):
    response, _ = download(client)
    assert isinstance(response, StreamingHttpResponse)


def test_the_csv_has_one_row_per_published_project(client):
    rows = csv_rows(client)
    assert len(rows) == Project.objects.published().count() == 25


def test_the_csv_headers_are_english_by_default(client):
    _, body = download(client)
    header = body.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("slug,title_en,title_ko,")


def test_the_csv_headers_are_korean_under_ko(client):
    _, body = download(client, "/ko/projects/export.csv")
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header[:3] == ["식별자", "사업명(영문)", "사업명(국문)"]


def test_korean_text_survives_a_round_trip_through_python_csv(client):
    row = row_for(client, "cloud-data-center-complex")
    assert row["title_ko"] == "클라우드 데이터센터 모델단지 및 유통기지 조성"
    expected = Project.objects.get(slug="cloud-data-center-complex").summary_ko
    assert row["summary_ko"] == expected


def test_a_csv_row_reads_as_the_document_states_it(client):
    row = row_for(client, "cloud-data-center-complex")
    assert row["url"] == "http://testserver/projects/cloud-data-center-complex/"
    assert (row["sectors"], row["program"], row["goal"]) == (
        "it",
        "cloud-iot",
        "it-global-competitiveness",
    )
    assert (row["start_year"], row["end_year"]) == ("2014", "2018")
    assert row["phases"] == "Model complex and distribution base (2014–2018)"
    assert row["places"] == "Mieum District"


def test_the_budget_is_whole_won_in_digits(client):
    slug = Project.objects.get(budgets__amount_krw=190_200_000_000).slug
    assert row_for(client, slug)["budget_total_krw"] == "190200000000"


def test_facts_not_stated_are_empty_cells(client):
    project = ProjectFactory()
    row = row_for(client, project.slug)
    assert (row["start_year"], row["end_year"], row["budget_total_krw"]) == ("", "", "")


def test_an_open_ended_project_has_an_empty_end_year(client):
    project = ProjectFactory()
    PhaseFactory(project=project, start_year=2016, end_year=None)
    row = row_for(client, project.slug)
    assert (row["start_year"], row["end_year"]) == ("2016", "")


def test_several_sectors_are_separated_by_semicolons(client):
    create_many_projects(1)
    assert row_for(client, "bulk-project-0")["sectors"] == "it; offshore-shipbuilding"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(client):
    project = ProjectFactory(title_en='=HYPERLINK("http://evil.example","click")')
    assert row_for(client, project.slug)["title_en"] == "'" + project.title_en


def test_phase_names_are_korean_under_ko(client):
    _, body = download(client, "/ko/projects/export.csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    row = next(row for row in rows if row[0] == "cloud-data-center-complex")
    assert "모델단지 및 유통기지 조성 (2014–2018)" in row


def test_an_unpublished_project_is_not_in_the_csv(client):
    ProjectFactory(slug="secret-draft", is_published=False)
    assert "secret-draft" not in [row["slug"] for row in csv_rows(client)]


def test_the_file_name_says_the_filter_and_the_date(client):
    response, _ = download(client, sector="it", year="2016")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="busan-projects_sector-it_year-2016_{today}.csv"'
    )


def test_the_file_name_of_the_whole_portfolio_has_only_the_date(client):
    response, _ = download(client)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"].endswith(f'filename="busan-projects_{today}.csv"')


def test_a_search_cannot_shape_the_file_name(client):
    response, _ = download(client, q='a"; filename=evil.exe\r\nX: ../..')
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert name.startswith("busan-projects_q-a-filename-evil-exe-x_")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_an_invalid_parameter_is_a_plain_400_naming_it(client):
    response = client.get("/projects/export.csv", {"year": "twenty"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Invalid parameter “year”:")


def test_the_csv_reads_in_chunks_not_row_by_row(client, django_assert_max_num_queries):
    create_many_projects(1100)  # 1,125 rows: three chunks of 500
    # The file's fingerprint (three), the ids, then per chunk the rows plus one query for each
    # of the five related lists.
    with django_assert_max_num_queries(3 + 1 + 3 * 6):
        _, body = download(client)
    assert body.count(b"\n") == 1 + 1125


def export_queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        download(client, path, **params)
    return len(queries)


@pytest.mark.parametrize(
    ("path", "per_chunk"), [("/projects/export.csv", 6), ("/projects/export.json", 7)]
)
def test_a_filtered_export_takes_a_fixed_number_of_queries_per_chunk(
    client, monkeypatch, path, per_chunk
):
    """The queries of a chunk are the same however many rows it holds: the project columns
    and one per related list (the JSON adds the budgets); the rest (the filter's ids, the
    fingerprint of the full file it would be copied from) is paid once. ``sort`` makes it a
    filtered export of every project; no full file is built, so it is written from the
    database (tests/projects/test_export_files.py has the copied one)."""
    from projects import export

    create_many_projects(75)  # 100 published projects
    monkeypatch.setattr(export, "CHUNK_SIZE", 100)
    one_chunk = export_queries(client, path, sort="title")
    # The ids (the JSON's count is theirs), the fingerprint (three), a chunk; a transaction.
    assert one_chunk <= 1 + 3 + per_chunk + 1
    monkeypatch.setattr(export, "CHUNK_SIZE", 25)
    assert export_queries(client, path, sort="title") == one_chunk + 3 * per_chunk
    monkeypatch.setattr(export, "CHUNK_SIZE", 10)
    assert export_queries(client, path, sort="title") == one_chunk + 9 * per_chunk
    # Fewer rows in the chunk, the same queries (and one to read the sector of the filter).
    monkeypatch.setattr(export, "CHUNK_SIZE", 100)
    it, robots = (Project.objects.published().in_sectors([s]).count() for s in ("it", "robotics"))
    assert 0 < robots < it < 100
    assert export_queries(client, path, sector="it") == one_chunk + 1
    assert export_queries(client, path, sector="robotics") == one_chunk + 1


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_json_records_are_what_the_api_serializer_gives(rf, language):
    """The JSON export reads values, not instances; for every project it gives what the API's
    serializer gives (milestones with their state, actual dates, reports, budgets, places,
    organisations, related projects, Korean fallbacks), in the same order."""
    from rest_framework.utils.encoders import JSONEncoder

    from projects.api import api_projects
    from projects.export import json_records
    from projects.serializers import ProjectSerializer

    project = ProjectFactory(slug="milestone-one", title_ko="")
    PhaseFactory(project=project, start_year=2014, end_year=2016, actual_start_year=2015)
    PhaseFactory(
        project=project,
        kind="milestone",
        start_year=2015,
        end_year=None,
        milestone_state="met",
        actual_start_year=2016,
    )
    PhaseFactory(project=project, kind="milestone", start_year=2018, end_year=None)
    BudgetFactory(project=project, year=2016)
    ProgressUpdateFactory(project=project)
    open_ended = ProjectFactory(slug="open-ended-one")
    PhaseFactory(project=open_ended, start_year=2019, end_year=None)
    request = rf.get("/projects/export.json")
    with translation.override(language):
        queryset = ProjectFilterSet(QueryDict(""), queryset=api_projects()).qs
        expected = ProjectSerializer(queryset, many=True, context={"request": request}).data
        exported = list(json_records(queryset, request))

    def text(items):
        return json.dumps(items, cls=JSONEncoder, ensure_ascii=False)

    assert len(exported) == Project.objects.published().count() == 27
    assert text(exported) == text(expected)
    assert any(phase["milestone_state"] == "met" for item in exported for phase in item["phases"])


# --- JSON export -----------------------------------------------------------------------------


def json_export(client, path="/projects/export.json", **params):
    _, body = download(client, path, **params)
    return json.loads(body)


def test_the_json_export_has_the_api_page_shape_with_every_result(client):
    create_many_projects(60)
    body = json_export(client)
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) == 85


def test_the_json_export_results_equal_the_api_results(client):
    exported = json_export(client, sector="robotics")["results"]
    api = client.get("/api/projects/", {"sector": "robotics"}).json()["results"]
    assert exported == api


def test_the_json_export_under_ko_gives_korean_titles(client):
    body = json_export(client, "/ko/projects/export.json", sector="robotics")
    assert [project["title"] for project in body["results"]] == [
        project["title_ko"] for project in body["results"]
    ]


def test_an_unpublished_project_is_not_in_the_json_export(client):
    ProjectFactory(slug="secret-draft", is_published=False)
    slugs = [project["slug"] for project in json_export(client)["results"]]
    assert "secret-draft" not in slugs


def test_an_invalid_parameter_is_a_json_400_naming_it(client):
    response = client.get("/projects/export.json", {"status": "finished"})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_the_json_file_name_says_the_filter(client):
    response, _ = download(client, "/projects/export.json", status="not-stated")
    assert "_status-not-stated_" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.json"')


# --- The same filter gives the same projects everywhere ---------------------------------------

FILTERS = [
    {},
    {"sector": "it"},
    {"sector": ["robotics", "green-energy"]},
    {"year": "2016"},
    {"year": "undated"},
    {"sector": "bio-medical", "year": "2015"},
    {"q": "offshore"},
    {"status": "not-stated", "sort": "-start"},
    {"program": "cloud-iot", "year": "2014"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda params: str(params) or "all")
def test_csv_rows_equal_the_api_count_and_the_filtered_list(client, params):
    BudgetFactory(project=ProjectFactory(is_published=False))  # never counted anywhere
    query = QueryDict(urlencode(params, doseq=True))  # what the list view receives
    expected = ProjectFilterSet(query, queryset=Project.objects.published()).qs.count()
    api_count = client.get("/api/projects/", params).json()["count"]
    csv_count = len(csv_rows(client, **params))
    json_count = json_export(client, **params)["count"]
    html_count = client.get("/projects/", params).context["page"].paginator.count
    assert csv_count == api_count == json_count == html_count == expected
