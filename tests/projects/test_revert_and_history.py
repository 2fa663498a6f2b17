"""Reverting returns to the project and says what it returned to; the history holds no empty
versions and dates a document row's first version at the load (projects/admin.py)."""

import pytest
from django.urls import reverse

from projects.models import Phase, Project
from tests.factories import PhaseFactory, ProjectFactory
from tests.helpers import rendered_form_data
from tests.projects.test_admin import change_title, change_url

pytestmark = pytest.mark.django_db

IMPORTED_SLUG = "radiological-medical-sciences-complex"


def revert(client, model_name, object_id, record):
    url = reverse(f"admin:projects_{model_name}_simple_history", args=[object_id, record.pk])
    return client.post(url, rendered_form_data(client.get(url)))


def test_reverting_a_project_returns_to_its_page_and_records_the_version(editor_client):
    project = ProjectFactory(title_en="First title")
    change_title(editor_client, project, "Second title")
    first = project.history.earliest()

    response = revert(editor_client, "project", project.pk, first)

    assert response.status_code == 302
    assert response["Location"] == change_url(project)
    project.refresh_from_db()
    assert project.title_en == "First title"
    latest = project.history.latest()
    date = first.history_date.astimezone().strftime("%Y-%m-%d")
    assert latest.history_change_reason.startswith(f"Revert to version {first.version} of {date}")


def test_reverting_a_phase_returns_to_its_projects_page(editor_client):
    phase = PhaseFactory(name_en="Groundwork")
    url = reverse("admin:projects_phase_change", args=[phase.pk])
    data = rendered_form_data(editor_client.get(url))
    data["name_en"] = "Foundations"
    editor_client.post(url, data)

    response = revert(editor_client, "phase", phase.pk, phase.history.earliest())

    assert response["Location"] == change_url(phase.project)
    assert Phase.objects.get(pk=phase.pk).name_en == "Groundwork"
    assert (
        Phase.history.filter(id=phase.pk)
        .latest()
        .history_change_reason.startswith("Revert to version 1 of ")
    )


def test_a_revert_page_opened_before_another_save_is_refused(editor_client, client, editor):
    project = ProjectFactory(title_en="First title")
    change_title(editor_client, project, "Second title")
    url = reverse(
        "admin:projects_project_simple_history", args=[project.pk, project.history.earliest().pk]
    )
    stale_revert = rendered_form_data(editor_client.get(url))
    change_title(editor_client, project, "Third title")

    response = editor_client.post(url, stale_revert)

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).title_en == "Third title"


def test_saving_an_unchanged_form_records_no_empty_version(editor_client):
    project = ProjectFactory()
    change_title(editor_client, project, "Changed once")
    versions = project.history.count()
    version = Project.objects.get(pk=project.pk).version

    data = rendered_form_data(editor_client.get(change_url(project)))
    assert editor_client.post(change_url(project), data).status_code == 302

    assert project.history.count() == versions
    assert Project.objects.get(pk=project.pk).version == version


def test_the_history_page_numbers_the_versions(editor_client):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    change_title(editor_client, project, "Radiation medicine complex")
    page = editor_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    body = page.content.decode()
    assert "Version 1: Radiation medicine complex" in body
    assert "Version 0: Dongnam region" in body
    assert "<strong>Title (English):</strong>" in body
    assert "<strong>Version:</strong>" not in body  # it changes every time: not a change
