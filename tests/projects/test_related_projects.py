"""Entries of the plan that name the same undertaking link to each other (issue 16, item 2)."""

import pytest

from projects import datadictionary as dd
from projects.models import Project
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db

HIGHLIGHT = "offshore-wind-farm"
BULLET = "renewable-energy-and-offshore-wind"


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_fixture_links_the_offshore_wind_highlight_and_its_dated_bullet_both_ways():
    highlight = Project.objects.get(slug=HIGHLIGHT)
    assert [p.slug for p in highlight.related.all()] == [BULLET]
    assert [p.slug for p in Project.objects.get(slug=BULLET).related.all()] == [HIGHLIGHT]


def test_the_highlight_links_to_the_bullet_and_says_where_its_dates_are(client):
    body = page(client, f"/projects/{HIGHLIGHT}/")
    assert (
        "<strong>Also in the plan:</strong> "
        '<a href="/projects/renewable-energy-and-offshore-wind/">'
        "Regional renewable energy support and offshore wind power complex</a> (2013–2017)"
    ) in body
    assert (
        "The source dates the same undertaking under “Regional renewable energy support and "
        "offshore wind power complex”: 2013–2017."
    ) in body


def test_the_bullet_links_back_to_the_highlight_in_korean(client):
    body = page(client, f"/ko/projects/{BULLET}/")
    link = '<a href="/ko/projects/offshore-wind-farm/">해상풍력단지 조성</a>'
    assert f"<strong>계획의 관련 항목:</strong> {link}" in body


def test_an_unpublished_related_project_is_not_linked(client):
    Project.objects.filter(slug=BULLET).update(is_published=False)
    body = page(client, f"/projects/{HIGHLIGHT}/")
    assert "Also in the plan" not in body
    assert "The source dates the same undertaking" not in body


def test_officials_set_related_projects_in_the_admin_and_the_link_is_symmetrical(editor_client):
    project = Project.objects.get(slug="marine-robot-center")
    other = Project.objects.get(slug="robot-convergence-ecosystem")
    url = f"/admin/projects/project/{project.pk}/change/"
    form = editor_client.get(url)
    assert 'name="related"' in form.content.decode()
    data = rendered_form_data(form)
    data["related"] = [str(other.pk)]
    assert editor_client.post(url, data).status_code == 302
    assert list(other.related.all()) == [project]


def test_the_related_projects_are_edited_and_published_by_slug():
    assert "related" in dd.EDITABLE_PROJECT_FIELDS
    assert "related" in dd.api_names(dd.PROJECT_FIELDS)


def test_the_api_and_the_csv_list_the_related_projects(client):
    body = client.get("/api/projects/offshore-wind-farm/").json()
    assert body["related"] == ["renewable-energy-and-offshore-wind"]
    response = client.get("/projects/export.csv?q=offshore+wind+farm")
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "renewable-energy-and-offshore-wind" in csv.splitlines()[1]
