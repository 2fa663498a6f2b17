"""The Excel export of a filtered view, read back with openpyxl as a spreadsheet program would."""

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from projects.models import Project
from tests.factories import BudgetFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def workbook(client, path="/projects/export.xlsx", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response, load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_rows_are_the_projects_of_the_filtered_page(client):
    _, book = workbook(client, sector="it")
    slugs = [row["slug"] for row in rows(book.active)]
    expected = Project.objects.published().in_sectors(["it"])
    assert sorted(slugs) == sorted(expected.values_list("slug", flat=True))
    assert len(slugs) == client.get("/api/projects/", {"sector": "it"}).json()["count"]


def test_amounts_are_integer_numbers_with_thousands_separators(client):
    _, book = workbook(client)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("budget_total_krw")
    slug = "bs-financial-computer-center"
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == slug)
    cell = row[column]
    assert cell.value == 190_200_000_000 and isinstance(cell.value, int)
    assert cell.number_format == "#,##0"
    year = row[header.index("start_year")]
    assert year.value == 2015 and year.number_format == "0"


def test_dates_are_dates(client):
    _, book = workbook(client)
    cell = book.active.cell(row=2, column=[c.value for c in book.active[1]].index("updated_at") + 1)
    assert isinstance(cell.value, datetime)


def test_the_header_row_is_frozen(client):
    _, book = workbook(client)
    assert book.active.freeze_panes == "A2"


def test_korean_is_intact_under_ko(client):
    response, book = workbook(client, "/ko/projects/export.xlsx")
    sheet = book.active
    assert sheet.title == "사업"
    assert sheet["A1"].value == "식별자"
    titles = [row["사업명(국문)"] for row in rows(sheet)]
    assert "BS금융그룹 통합전산센터 건립" in titles
    assert 'filename="busan-projects-ko_' in response["Content-Disposition"]


def test_a_formula_typed_in_the_admin_stays_text(client):
    project = ProjectFactory(slug="formula", title_en='=HYPERLINK("http://evil")')
    BudgetFactory(project=project, amount_krw=5)
    _, book = workbook(client)
    row = next(r for r in book.active.iter_rows(min_row=2) if r[0].value == "formula")
    assert row[1].value == '=HYPERLINK("http://evil")'
    assert row[1].data_type == "s"


def test_a_bad_filter_is_a_400_naming_it(client):
    response = client.get("/projects/export.xlsx", {"year": "20x5"})
    assert response.status_code == 400
    assert "year" in response.content.decode()


def test_the_list_page_offers_the_xlsx_of_its_filter(client):
    html = client.get("/projects/", {"sector": "it"}).content.decode()
    assert 'href="/projects/export.xlsx?sector=it"' in html


def test_the_workbook_has_the_phases_and_budgets_of_the_same_projects(client):
    _, book = workbook(client, sector="it")
    assert book.sheetnames == ["Projects", "Phases", "Stated costs"]
    slugs = {row["slug"] for row in rows(book["Projects"])}
    phases = rows(book["Phases"])
    assert phases and {row["project"] for row in phases} <= slugs
    expected = sum(len(p.phases.all()) for p in Project.objects.published().in_sectors(["it"]))
    assert len(phases) == expected
    budget = next(r for r in book["Stated costs"].iter_rows(min_row=2) if r[2].value)
    assert isinstance(budget[2].value, int) and budget[2].number_format == "#,##0"
