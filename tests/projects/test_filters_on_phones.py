"""Phones first, as the HTML says it: the filters fold away, applying them lands on the results,
and facets that cannot narrow the result are not offered."""

import re

import pytest

from projects.models import Project, ProjectStatus
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def body_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", ["/projects/", "/timeline/", "/ko/projects/?sector=it"])
def test_the_filters_fold_into_a_closed_disclosure_before_the_results(client, path):
    body = body_of(client, path)
    assert '<details class="filter-panel">' in body  # closed: no "open"
    assert body.index('<details class="filter-panel">') < body.index('id="results"')


@pytest.mark.parametrize(
    ("path", "action"),
    [("/projects/", "/projects/#results"), ("/ko/timeline/", "/ko/timeline/#results")],
)
def test_applying_the_filters_lands_on_the_results(client, path, action):
    body = body_of(client, path)
    assert f'<form class="filters" method="get" action="{action}"' in body
    assert '<section class="results" id="results"' in body


def test_the_summary_says_how_many_filters_are_applied(client):
    body = body_of(client, "/projects/?sector=it&sector=robotics&year=2015")
    summary = re.search(r"<summary>(.*?)</summary>", body, re.S).group(1)
    assert summary == 'Filter projects <span class="count">(3 applied)</span>'
    korean = body_of(client, "/ko/projects/?sector=it")
    assert "(1개 적용)" in re.search(r"<summary>(.*?)</summary>", korean, re.S).group(1)


def test_a_rejected_filter_opens_the_filters_so_that_the_message_is_seen(client):
    body = body_of(client, "/projects/?year=20x5")
    assert '<details class="filter-panel" open>' in body
    assert 'class="error-summary"' in body


def test_a_status_every_project_shares_is_not_offered_as_a_filter(client):
    assert set(Project.objects.published().values_list("current_status", flat=True)) == {
        ProjectStatus.NOT_STATED
    }
    body = body_of(client, "/projects/")
    assert 'id="id_status"' not in body
    for facet in ('id="id_sector"', 'id="id_year"', 'id="id_program"'):
        assert facet in body


def test_the_status_filter_returns_once_projects_differ_in_status(client):
    ProgressUpdateFactory(project=Project.objects.get(slug="export-research-reactor"))
    assert 'id="id_status"' in body_of(client, "/projects/")


def test_an_applied_or_rejected_facet_stays_offered_so_it_can_be_changed(client):
    assert 'id="id_status"' in body_of(client, f"/projects/?status={ProjectStatus.NOT_STATED}")
    assert 'id="id_status"' in body_of(client, "/projects/?status=bogus")


def test_a_facet_is_left_out_when_the_selection_leaves_it_nothing_to_narrow(client):
    # One project selected: no choice of sector, year or program can narrow one project.
    body = body_of(client, "/projects/?q=demolition")
    assert "1 project" in body
    for facet in ("id_sector", "id_year", "id_status", "id_program"):
        assert f'id="{facet}"' not in body
    assert 'id="id_q"' in body  # the search box always stays
