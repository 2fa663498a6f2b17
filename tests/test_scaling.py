"""Issue 19: structures kept current on write, time-limited facets, narrow pages, exports that
never break."""

import csv
import gzip
import io
import time

import pytest
from django.db import connection
from django.http import QueryDict

from busanportal.deadline import TIMED_OUT, run_within_budget
from projects import selectors
from projects.facts import refresh_all_project_facts
from projects.filters import ProjectFilterSet
from projects.models import Budget, Phase, PhaseKind, Project, ProjectYear
from sectors.models import Sector
from tests.factories import BudgetFactory, PhaseFactory, create_many_projects

pytestmark = pytest.mark.django_db


def years_of(project):
    return sorted(
        (y for y in ProjectYear.objects.filter(project=project).values_list("year", flat=True)),
        key=lambda y: (y is not None, y),
    )


# --- Derived facts ----------------------------------------------------------------------------


def test_a_new_project_is_undated_until_it_has_a_phase(make_project):
    project = make_project(slug="fresh")
    assert years_of(project) == [None]
    project.refresh_from_db()
    assert (project.span_start, project.span, project.budget_total) == (None, None, None)


def test_saving_and_deleting_phases_and_budgets_keeps_the_facts_current(make_project):
    project = make_project(slug="moving")
    phase = Phase.objects.create(
        project=project, key="p", name_en="P", start_year=2014, end_year=2016
    )
    Phase.objects.create(
        project=project, key="m", name_en="M", kind=PhaseKind.MILESTONE, start_year=2019
    )
    Budget.objects.create(project=project, key="b", amount_krw=5)
    Budget.objects.create(project=project, key="c", amount_krw=7)
    assert years_of(project) == [2014, 2015, 2016, 2019]
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.span_start, fresh.span_end, fresh.budget_sum_krw) == (2014, 2019, 12)
    assert str(fresh.span) == "2014–2019"

    phase.end_year = None  # open-ended: runs to the horizon of the year rows
    phase.save()
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.span_open_ended, str(fresh.span)) == (True, "2014–")
    assert years_of(project)[-1] == 2040

    Phase.objects.filter(project=project).delete()  # a queryset delete sends the signals too
    Budget.objects.get(key="b", project=project).delete()
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.span_start, fresh.budget_sum_krw, years_of(project)) == (None, 7, [None])


def test_deleting_a_project_with_its_parts_leaves_no_derived_row(make_project):
    project = make_project(slug="going")
    PhaseFactory(project=project, start_year=2015, end_year=2016)
    BudgetFactory(project=project)
    project.delete()
    assert not ProjectYear.objects.filter(project_id=project.pk).exists()


def test_the_facts_match_the_phases_for_the_whole_portfolio():
    before = sorted(ProjectYear.objects.values_list("project_id", "year"), key=str)
    ProjectYear.objects.all().delete()
    refresh_all_project_facts()
    assert sorted(ProjectYear.objects.values_list("project_id", "year"), key=str) == before
    for project in Project.objects.prefetch_related("phases", "budgets"):
        plain = Project.objects.get(pk=project.pk)
        assert (plain.span, plain.budget_total) == (project.span, project.budget_total)


def test_a_year_beyond_the_horizon_is_answered_from_the_phases(make_project):
    project = make_project(slug="long-runner")
    PhaseFactory(project=project, start_year=2030, end_year=None)
    assert Project.objects.active_in(2075).filter(pk=project.pk).exists()
    assert not Project.objects.active_in(2075).filter(slug="offshore-wind-farm").exists()


# --- Time limits ----------------------------------------------------------------------------


def slow_statement():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_sleep(2)")
        else:  # a long recursive count
            cursor.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100000000) SELECT count(*) FROM n"
            )
        return cursor.fetchone()


def quick_statement():
    return Project.objects.published().count()


def test_a_statement_over_the_budget_is_abandoned_and_nothing_runs_after_it():
    started = time.monotonic()
    results = run_within_budget(
        100, {"before": quick_statement, "slow": slow_statement, "after": quick_statement}
    )
    assert results == {"before": 25, "slow": TIMED_OUT, "after": TIMED_OUT}
    assert time.monotonic() - started < 1.5
    assert Project.objects.count() >= 25  # the connection is still usable


def test_with_no_limit_everything_runs():
    assert run_within_budget(0, {"one": quick_statement}) == {"one": 25}


def test_a_facet_over_its_time_limit_is_shown_without_counts(client, monkeypatch, settings):
    settings.PORTAL_FACET_TIME_BUDGET_MS = 50
    monkeypatch.setattr(selectors, "year_facet", lambda projects: slow_statement())
    response = client.get("/projects/?sector=it")
    assert response.status_code == 200
    facets = response.context["facets"]
    assert facets.timed_out == ["year", "program"]  # the budget is spent after the year
    assert facets.years[:2] == [(2000, None), (2001, None)]
    assert facets.undated is None
    assert facets.matching == response.context["page"].paginator.count > 0
    assert all(sector.project_count is not None for sector in facets.sectors)
    assert all(program.project_count is None for program in facets.programs)
    html = response.content.decode()
    assert '<option value="2016">2016</option>' in html  # offered, without a count
    assert "(None)" not in html


def test_the_count_is_bounded_when_the_status_facet_times_out(client, monkeypatch, settings):
    settings.PORTAL_FACET_TIME_BUDGET_MS = 50
    monkeypatch.setattr(selectors, "MAX_COUNTED", 5)
    monkeypatch.setattr(
        selectors,
        "run_within_budget",
        lambda limit, work, using: {
            name: (TIMED_OUT if name == "status" else run()) for name, run in work.items()
        },
    )
    response = client.get("/projects/?sector=it")
    assert response.context["facets"].matching is None
    assert response.context["page"].paginator.count == 5
    assert {count for _, _, count in response.context["facets"].statuses} == {None}
    body = response.content.decode()
    assert "(None)" not in body
    # The bound is no count of the portfolio's: the page says so.
    assert "At least 5 projects" in body
    assert "Counting every match took too long" in body
    korean = client.get("/ko/projects/?sector=it").content.decode()
    assert "사업 5건 이상" in korean


def test_a_count_below_its_bound_is_exact(client, monkeypatch, settings):
    monkeypatch.setattr(selectors, "MAX_COUNTED", 1000)
    monkeypatch.setattr(
        selectors,
        "run_within_budget",
        lambda limit, work, using: dict.fromkeys(work, TIMED_OUT),
    )
    body = client.get("/projects/?sector=it").content.decode()
    it = Project.objects.published().filter(sectors__slug="it").count()
    assert f"{it} projects" in body and "At least" not in body


def timeline_order_by_join():
    return list(
        Project.objects.published()
        .order_by("primary_sector__position", "position", "slug")
        .values_list("slug", flat=True)
    )


def test_the_timeline_order_follows_primary_sectors_and_their_order(client):
    project = Project.objects.get(slug="offshore-wind-farm")
    project.primary_sector = Sector.objects.get(slug="it")
    project.save()  # a new primary sector
    robots = Sector.objects.get(slug="robotics")
    robots.position = 0
    robots.save()  # a sector moved to the front
    kept = list(
        Project.objects.published()
        .order_by("primary_sector_position", "position", "slug")
        .values_list("slug", flat=True)
    )
    assert kept == timeline_order_by_join()
    assert kept[0] in set(robots.primary_projects.values_list("slug", flat=True))
    shown = [row.project.slug for row in client.get("/timeline/").context["timeline"].rows]
    assert shown == [slug for slug in kept if slug in shown]


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["", "start", "-start", "budget", "-budget", "title", "updated"])
def test_every_page_of_a_sorted_list_holds_the_rows_of_the_plain_sorted_query(client, sort):
    expected = list(
        ProjectFilterSet(
            QueryDict(f"sort={sort}"), queryset=Project.objects.published()
        ).qs.values_list("slug", flat=True)
    )
    pages = [client.get("/projects/", {"sort": sort, "page": n}).context["page"] for n in (1, 2)]
    assert [p.slug for page in pages for p in page.object_list] == expected


@pytest.mark.parametrize("path", ["/timeline/", "/ko/timeline/", "/timeline/?page=5"])
def test_a_timeline_page_of_fifty_projects_stays_under_60_kb_compressed(client, path):
    create_many_projects(500)
    response = client.get(path)
    assert len(response.context["page"].object_list) == 50
    rows = response.context["timeline"].rows  # the dated ones (the undated are listed apart)
    assert len(rows) >= 40
    body = response.content
    assert body.count(b'<path class="grid"') == len(rows)  # the year lines: one path per row
    assert len(gzip.compress(body)) < 60_000


# --- Exports ----------------------------------------------------------------------------------


def test_the_full_csv_is_a_file_with_a_length_rebuilt_after_a_change(client, settings):
    first = client.get("/projects/export.csv")
    body = b"".join(first.streaming_content)
    assert int(first["Content-Length"]) == len(body)
    files = list(settings.PORTAL_EXPORT_DIR.glob("*.csv"))
    assert len(files) == 1

    again = client.get("/projects/export.csv")
    assert b"".join(again.streaming_content) == body  # served from the same file

    project = Project.objects.get(slug="offshore-wind-farm")
    project.title_en = "Offshore wind farm, renamed"
    project.save()
    changed = b"".join(client.get("/projects/export.csv").streaming_content)
    assert b"Offshore wind farm, renamed" in changed
    assert len(list(settings.PORTAL_EXPORT_DIR.glob("*.csv"))) == 1  # the old file is gone


def test_the_korean_full_csv_is_a_file_of_its_own(client, settings):
    english = b"".join(client.get("/projects/export.csv").streaming_content)
    korean = b"".join(client.get("/ko/projects/export.csv").streaming_content)
    assert english != korean
    assert len(list(settings.PORTAL_EXPORT_DIR.glob("*.csv"))) == 2


def test_a_filtered_csv_is_streamed_without_a_length(client):
    response = client.get("/projects/export.csv", {"sector": "it"})
    assert not response.has_header("Content-Length")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and all("it" in row["sectors"].split("; ") for row in rows)


def test_a_stream_that_fails_half_way_raises_instead_of_ending_quietly(client, monkeypatch):
    from projects import export

    real = export.csv_records  # not looked up inside: that would be ``failing`` itself

    def failing(queryset, permalink, **options):
        yield from list(real(queryset, permalink, **options))[:3]
        raise RuntimeError("database went away")

    monkeypatch.setattr(export, "csv_records", failing)
    monkeypatch.setattr(export, "CHUNK_SIZE", 1)
    response = client.get("/projects/export.csv", {"sector": "it"})
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"\xef\xbb\xbf")
    with pytest.raises(RuntimeError, match="database went away"):
        list(chunks)


def test_the_json_full_export_is_served_from_its_file_once_built(client, settings):
    from django.core.management import call_command

    streamed = client.get("/projects/export.json")
    assert not streamed.has_header("Content-Length")
    call_command("build_exports", "--base-url", "http://testserver", stdout=io.StringIO())
    served = client.get("/projects/export.json")
    assert int(served["Content-Length"]) > 0
    assert b"".join(served.streaming_content) == b"".join(streamed.streaming_content)
