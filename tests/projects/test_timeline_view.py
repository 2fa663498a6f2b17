"""/timeline/: every project on one year axis, grouped by sector, filterable."""

import pytest

from projects.models import Project
from tests.test_query_counts import assert_queries

pytestmark = pytest.mark.django_db


def test_the_timeline_draws_every_dated_project_and_lists_the_undated(client):
    response = client.get("/timeline/")
    timeline = response.context["timeline"]
    assert len(timeline.rows) == 14
    assert len(response.context["undated"]) == 11
    assert (timeline.first_year, timeline.last_year) == (2010, 2020)


def test_the_timeline_groups_rows_by_primary_sector(client):
    rows = client.get("/timeline/").context["timeline"].rows
    positions = [row.project.primary_sector.position for row in rows]
    assert positions == sorted(positions)
    assert "<h3>IT (cloud, IoT, IT convergence)</h3>" in client.get("/timeline/").content.decode()


def test_the_timeline_takes_the_same_filters_as_the_list(client):
    response = client.get("/timeline/?sector=it&year=2012")
    assert [row.project.slug for row in response.context["timeline"].rows] == [
        "it-convergence-cluster"
    ]
    assert response.context["undated"] == []


def test_a_milestone_is_placed_at_its_month(client):
    rows = client.get("/timeline/?q=ETRI").context["timeline"].rows
    (bar,) = rows[0].bars
    assert bar.is_milestone
    assert bar.x == pytest.approx(5 + 6 / 12)  # July 2015 on an axis from 2010


def test_bad_input_on_the_timeline_shows_a_message(client):
    response = client.get("/timeline/?year=soon")
    assert response.status_code == 200
    assert "Enter a year as four digits" in response.content.decode()


# Data queries; transaction control of the facets' time limit apart (tests/test_query_counts.py).
def test_timeline_query_count_is_constant(client):
    assert_queries(client, "/timeline/?sector=it", 7)


def test_timeline_query_count_is_the_same_with_500_more_projects(client, many_projects):
    assert Project.objects.count() == 525
    assert_queries(client, "/timeline/?sector=it", 7)
