"""The Frictionless Data Package and the SQLite offline copy, checked with the tools a data
journalist uses: frictionless' validator, and Datasette serving the copy."""

import asyncio
import csv
import io
import json
import zipfile

import pytest
from datasette.app import Datasette
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from frictionless import validate

from projects import datapackage
from projects.history import ChangeKind
from projects.models import ProgressUpdate, Project, ProjectStatus
from tests.factories import (
    BudgetFactory,
    PhaseFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    create_many_projects,
)

pytestmark = pytest.mark.django_db

TABLE_NAMES = [
    "projects",
    "project_sectors",
    "project_places",
    "project_organisations",
    "phases",
    "budgets",
    "quantities",
    "progress_reports",
    "changes",
    "sectors",
    "goals",
    "programs",
    "places",
    "organisations",
    "documents",
]


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.PORTAL_DATA_DIR = tmp_path / "data"
    return settings.PORTAL_DATA_DIR


@pytest.fixture
def package(client):
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200
    return response.json()


def table(client, name) -> list[dict]:
    response = client.get(f"/data/{name}.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def unzipped(client, directory):
    response = client.get("/data/busan-portal.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    archive.extractall(directory)
    return directory / "datapackage.json"


def test_the_package_lists_every_table(package):
    assert [resource["name"] for resource in package["resources"]] == TABLE_NAMES
    assert all(r["path"] == f"{r['name']}.csv" for r in package["resources"])


def test_the_package_states_the_licence_with_its_attribution_rule_and_the_source(package):
    (licence,) = package["licenses"]
    assert licence["path"] == "https://www.kogl.or.kr/info/licenseTypeEn.do"
    assert "credited" in package["attribution"]
    assert package["sources"][0]["title"] == "Future Strategic Industry and New Growth Industry"


def test_table_schemas_come_from_the_data_dictionary(package):
    resources = {resource["name"]: resource["schema"] for resource in package["resources"]}
    projects = {field["name"]: field for field in resources["projects"]["fields"]}
    assert resources["projects"]["primaryKey"] == ["slug"]
    assert projects["budget_total_krw"]["type"] == "integer"
    assert projects["updated_at"]["type"] == "datetime"
    assert projects["title_en"]["constraints"]["required"] is True
    assert projects["status"]["constraints"]["enum"] == list(ProjectStatus.values)
    assert (projects["title_en"]["title"], projects["title_en"]["title_ko"]) == (
        "Title (English)",
        "사업명(영문)",
    )
    assert {"fields": ["project"], "reference": {"resource": "projects", "fields": ["slug"]}} in (
        resources["phases"]["foreignKeys"]
    )
    assert resources["phases"]["primaryKey"] == ["project", "key"]


def with_a_report_and_a_change():
    """A published project with a phase, a budget, two progress reports (one a draft) and a
    recorded change, so that no table of the package is empty."""
    project = ProjectFactory(slug="with-parts", title_en='Quotes "and", commas; R&D')
    phase = PhaseFactory(project=project)
    BudgetFactory(project=project, amount_krw=12)
    ProgressUpdateFactory(project=project, note_en='Said "so", and; more')
    ProgressUpdateFactory(project=project, progress_percent=None, is_published=False)
    ProgressUpdateFactory(project=ProjectFactory(slug="hidden", is_published=False))
    phase.end_year = 2031
    phase._change_kind = ChangeKind.AMENDMENT
    phase._change_reason = "The city moved the end, said the report."
    phase._change_source = "Busan press release"
    phase.save()
    return project


def test_frictionless_finds_the_package_valid(client, tmp_path):
    with_a_report_and_a_change()
    report = validate(unzipped(client, tmp_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["errors"] == 0
    assert report.stats["tasks"] == len(TABLE_NAMES)


def test_frictionless_would_catch_a_broken_foreign_key(client, tmp_path):
    descriptor = unzipped(client, tmp_path)
    projects_csv = tmp_path / "projects.csv"
    projects_csv.write_text(projects_csv.read_text().replace(",it,", ",no-such-sector,", 1))
    assert not validate(descriptor).valid


def test_the_row_counts_equal_the_apis(client):
    api = client.get("/projects/export.json")
    projects = json.loads(b"".join(api.streaming_content))["results"]
    assert len(table(client, "projects")) == client.get("/api/projects/").json()["count"]
    assert len(table(client, "projects")) == len(projects)
    assert len(table(client, "phases")) == sum(len(p["phases"]) for p in projects)
    assert len(table(client, "budgets")) == sum(len(p["budgets"]) for p in projects)
    assert len(table(client, "project_sectors")) == sum(len(p["sectors"]) for p in projects)
    assert len(table(client, "sectors")) == len(client.get("/api/sectors/").json())
    assert len(table(client, "programs")) == len(client.get("/api/programs/").json())


def test_the_progress_reports_and_changes_tables_match_the_reports_and_the_change_log(client):
    with_a_report_and_a_change()
    reports = table(client, "progress_reports")
    published = ProgressUpdate.objects.published().filter(project__is_published=True)
    assert len(reports) == published.count() >= 1
    assert {row["project"] for row in reports} <= {row["slug"] for row in table(client, "projects")}
    assert "entered_by" not in reports[0]
    changes = table(client, "changes")
    page = client.get("/changes/")
    assert len(changes) == page.context["page"].paginator.count >= 1
    assert len(changes) == len(page.context["entries"])
    (change,) = [row for row in changes if row["id"].startswith("change-phase-")]
    assert change["project"] == "with-parts"
    assert change["kind"] == "amendment"
    assert change["reason"] == "The city moved the end, said the report."
    assert change["source"] == "Busan press release"
    assert "2031" in change["change"]
    assert "user" not in change and "history_user" not in change


def test_unpublished_projects_are_in_no_table(client):
    draft = ProjectFactory(slug="secret-draft", is_published=False)
    PhaseFactory(project=draft)
    BudgetFactory(project=draft)
    for name in ("projects", "phases", "budgets", "project_sectors"):
        rows = table(client, name)
        assert "secret-draft" not in {row.get("project") or row.get("slug") for row in rows}


def test_an_unknown_table_is_a_404(client):
    assert client.get("/data/no-such-table.csv").status_code == 404


# --- The SQLite offline copy ---------------------------------------------------------------


def datasette_json(path, metadata, url):
    async def fetch():
        datasette = Datasette(files=[str(path)], metadata=metadata)
        response = await datasette.client.get(url)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(fetch())


def test_datasette_serves_the_copy_and_its_it_facet_equals_the_api(client, data_dir):
    call_command("build_offline_copy", "--base-url", "http://localhost")
    path = data_dir / "busan-portal.sqlite3"
    metadata = json.loads((data_dir / "busan-portal.metadata.json").read_text())
    data = datasette_json(
        path, metadata, "/busan-portal/project_sectors.json?_facet=sector&_size=0"
    )
    counts = {item["value"]: item["count"] for item in data["facet_results"]["sector"]["results"]}
    assert counts["it"] == client.get("/api/projects/", {"sector": "it"}).json()["count"]


def test_the_datasette_metadata_describes_every_column(data_dir):
    call_command("build_offline_copy")
    metadata = json.loads((data_dir / "busan-portal.metadata.json").read_text())
    assert metadata["license_url"] == "https://www.kogl.or.kr/info/licenseTypeEn.do"
    assert metadata["source"] == "Future Strategic Industry and New Growth Industry"
    tables = metadata["databases"]["busan-portal"]["tables"]
    assert set(tables) == set(TABLE_NAMES)
    assert all(description for t in tables.values() for description in t["columns"].values())


def test_the_download_is_rebuilt_once_after_a_change_and_not_on_every_request(
    client, data_dir, monkeypatch
):
    builds = []
    real = datapackage.write_sqlite
    monkeypatch.setattr(datapackage, "write_sqlite", lambda *a: builds.append(1) or real(*a))
    for _ in range(3):
        response = client.get("/data/busan-portal.sqlite3")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"SQLite format 3")
    assert len(builds) == 1
    Project.objects.filter(slug="bs-financial-computer-center").first().save()
    client.get("/data/busan-portal.sqlite3")
    client.get("/data/busan-portal.sqlite3")
    assert len(builds) == 2


@pytest.mark.parametrize("name", ["projects", "phases", "project_sectors", "sectors"])
def test_a_table_takes_the_same_number_of_queries_at_any_size(client, name):
    def queries_for_table():
        with CaptureQueriesContext(connection) as captured:
            table(client, name)
        return len(captured)

    before = queries_for_table()
    create_many_projects(400)
    assert queries_for_table() == before
