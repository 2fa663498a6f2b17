"""Planned and actual: phases keep the plan's dates; once an actual start is reported, "active in
a year", the year facet, spans and timelines count the actual dates, and pages say which."""

import pytest
from django.utils import timezone

from projects.models import Phase, PhaseKind, Project
from projects.selectors import build_timeline, year_facet
from tests.factories import PhaseFactory, ProjectFactory
from tests.test_query_counts import year_facet_in_sql

pytestmark = pytest.mark.django_db

SOURCE = {"actual_source_title": "City report", "actual_source_url": "https://www.busan.go.kr/r"}


def slugs_active_in(year, projects):
    return set(projects.active_in(year).values_list("slug", flat=True))


@pytest.fixture
def late():
    """Planned 2015–2017, actually 2018–2020."""
    project = ProjectFactory(slug="late-one")
    PhaseFactory(
        project=project,
        start_year=2015,
        end_year=2017,
        actual_start_year=2018,
        actual_end_year=2020,
        **SOURCE,
    )
    return project


@pytest.fixture
def running():
    """Planned 2015–2016, actually started 2019 and still running."""
    project = ProjectFactory(slug="running-one")
    PhaseFactory(project=project, start_year=2015, end_year=2016, actual_start_year=2019, **SOURCE)
    return project


def test_active_in_a_year_uses_actual_dates_once_reported(late, running):
    mine = Project.objects.filter(slug__in=["late-one", "running-one"])
    assert slugs_active_in(2016, mine) == set()
    assert slugs_active_in(2018, mine) == {"late-one"}
    assert slugs_active_in(2020, mine) == {"late-one", "running-one"}
    assert slugs_active_in(2035, mine) == {"running-one"}  # still running: runs on


def test_a_phase_without_actual_dates_keeps_the_planned_rule():
    mine = Project.objects.filter(slug="export-research-reactor")
    assert slugs_active_in(2010, mine) == {"export-research-reactor"}
    assert slugs_active_in(2020, mine) == set()


def test_a_milestone_met_counts_in_the_year_it_was_met():
    project = ProjectFactory(slug="milestone-one")
    PhaseFactory(
        project=project,
        kind=PhaseKind.MILESTONE,
        start_year=2015,
        end_year=None,
        milestone_state="met",
        actual_start_year=2016,
        **SOURCE,
    )
    mine = Project.objects.filter(slug="milestone-one")
    assert (slugs_active_in(2015, mine), slugs_active_in(2016, mine)) == (set(), {"milestone-one"})


def test_the_year_facet_in_python_agrees_with_the_rule_in_sql(late, running):
    projects = Project.objects.published()
    assert year_facet(projects) == year_facet_in_sql(projects)
    years = dict(year_facet(Project.objects.filter(slug__in=["late-one", "running-one"]))[0])
    assert (years.get(2016), years[2018], years[2020], years[2040]) == (None, 1, 2, 1)


def test_the_span_and_the_start_sort_use_actual_dates(client, late):
    late = Project.objects.get(slug="late-one")
    assert str(late.span) == "2018–2020"
    first = Project.objects.filter(slug="late-one").with_start_year().get().first_year
    assert first == 2018
    body = client.get("/api/projects/late-one/").json()
    assert (body["start_year"], body["end_year"]) == (2018, 2020)
    assert body["phases"][0]["actual_start_year"] == 2018


def test_the_timeline_draws_planned_as_outline_and_actual_filled(late):
    project = Project.objects.prefetch_related("phases").get(slug="late-one")
    timeline = build_timeline([project])
    (row,) = timeline.rows
    assert [bar.css_class for bar in row.bars] == ["bar planned", "bar actual"]
    planned, actual = row.bars
    assert (planned.x, planned.width, actual.x, actual.width) == (5, 3, 8, 3)
    assert actual.y > planned.y and actual.height < planned.height  # inside the outline


def test_a_running_phase_reaches_this_year_on_the_axis(running):
    project = Project.objects.prefetch_related("phases").get(slug="running-one")
    timeline = build_timeline([project])
    assert timeline.last_year >= timezone.localdate().year
    assert timeline.rows[0].bars[1].css_class == "bar actual open"


def test_milestones_are_marked_met_or_not_met():
    project = ProjectFactory(slug="two-milestones")
    PhaseFactory(
        project=project,
        key="m1",
        kind=PhaseKind.MILESTONE,
        start_year=2015,
        end_year=None,
        milestone_state="met",
        actual_start_year=2015,
        actual_start_month=6,
        **SOURCE,
    )
    PhaseFactory(
        project=project,
        key="m2",
        kind=PhaseKind.MILESTONE,
        start_year=2016,
        end_year=None,
        milestone_state="not-met",
        **SOURCE,
    )
    project = Project.objects.prefetch_related("phases").get(slug="two-milestones")
    classes = [bar.css_class for bar in build_timeline([project]).rows[0].bars]
    assert classes == ["milestone planned met", "milestone actual met", "milestone planned not-met"]


def test_the_project_page_says_planned_and_actual_in_words_and_table(client, late):
    body = client.get("/projects/late-one/").content.decode()
    assert '<strong>2015–2017</strong> <span class="muted">(planned)</span>' in body
    assert "actual: <strong>2018–2020</strong>" in body
    assert "<td>2015–2017</td><td>2018–2020</td><td>–</td>" in body
    assert "planned (outline)" in body and "actual, as reported (filled)" in body
    assert 'aria-label="Construction: planned 2015–2017, actual 2018–2020"' in body
    assert 'href="https://www.busan.go.kr/r"' in body
    body = client.get("/ko/projects/late-one/").content.decode()
    assert "실제: <strong>2018–2020</strong>" in body
    assert "계획(테두리)" in body


def test_the_csv_gives_planned_and_actual_dates(client, late):
    body = b"".join(client.get("/projects/export.csv").streaming_content).decode("utf-8-sig")
    assert "Construction (2015–2017; actual 2018–2020)" in body


def test_the_fixture_phases_are_all_planned_only():
    assert not Phase.objects.filter(actual_start_year__isnull=False).exists()
