"""Progress reports: a project's current status is its latest published report's, shown with its
date everywhere (pages, list facet, timeline, API, CSV), in English and Korean."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import Project, ProjectStatus
from projects.progress import progress_sentence, refresh_current_progress
from tests.factories import ProgressUpdateFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SLUG = "export-research-reactor"


def report(**fields):
    fields.setdefault("project", Project.objects.get(slug=SLUG))
    return ProgressUpdateFactory(**fields)


def current(slug=SLUG):
    project = Project.objects.get(slug=slug)
    return project.current_status, project.status_as_of, project.progress_percent


# --- The current status, kept by one service function -----------------------------------------


def test_every_project_of_the_document_says_no_progress_was_reported(client):
    for language, words in (("en", "No progress reported since the plan"), ("ko", "계획 이후")):
        body = client.get(f"/{language}/projects/".replace("/en/", "/")).content.decode()
        assert body.count(words) == 20  # every card of the first page
    assert set(Project.objects.values_list("current_status", flat=True)) == {"not-stated"}


def test_a_published_report_becomes_the_current_status():
    report(status=ProjectStatus.IMPLEMENTATION, progress_percent=40)
    assert current() == ("implementation", datetime.date(2026, 11, 30), 40)


def test_the_latest_report_by_date_wins_then_the_one_entered_later():
    report(as_of=datetime.date(2026, 6, 1), status=ProjectStatus.PREPARATION, progress_percent=10)
    report(as_of=datetime.date(2026, 3, 1), status=ProjectStatus.SUSPENDED, progress_percent=None)
    assert current() == ("preparation", datetime.date(2026, 6, 1), 10)
    report(as_of=datetime.date(2026, 6, 1), status=ProjectStatus.IMPLEMENTATION, progress_percent=2)
    assert current() == ("implementation", datetime.date(2026, 6, 1), 2)


def test_a_draft_report_changes_nothing_until_it_is_published():
    draft = report(is_published=False)
    assert current() == ("not-stated", None, None)
    draft.is_published = True
    draft.save()
    assert current() == ("implementation", datetime.date(2026, 11, 30), 40)


def test_deleting_the_latest_report_goes_back_to_the_one_before():
    report(as_of=datetime.date(2026, 1, 5), status=ProjectStatus.PREPARATION, progress_percent=5)
    latest = report()
    latest.delete()
    assert current() == ("preparation", datetime.date(2026, 1, 5), 5)
    Project.objects.get(slug=SLUG).progress_updates.get().delete()
    assert current() == ("not-stated", None, None)


def test_a_report_moved_to_another_project_updates_both():
    moved = report()
    other = ProjectFactory(slug="other-project")
    moved.project = other
    moved.save()
    assert current() == ("not-stated", None, None)
    assert current("other-project") == ("implementation", datetime.date(2026, 11, 30), 40)


def test_a_report_stamps_its_project_as_updated_without_a_project_version():
    project = Project.objects.get(slug=SLUG)
    versions = project.history.count()
    report()
    project.refresh_from_db()
    assert project.updated_at > project.created_at
    assert project.history.count() == versions


def test_refreshing_every_project_repairs_a_stale_copy():
    report()
    Project.objects.filter(slug=SLUG).update(current_status="cancelled", progress_percent=99)
    refresh_current_progress()
    assert current() == ("implementation", datetime.date(2026, 11, 30), 40)


def test_the_sentence_reads_as_the_issue_asks():
    item = report()
    with translation.override("en"):
        assert progress_sentence(item) == "In implementation · 40% · as of 30 Nov 2026"
        assert progress_sentence(ProjectFactory()) == "No progress reported since the plan"
    with translation.override("ko"):
        assert progress_sentence(item) == "시행 단계 · 40% · 2026년 11월 30일 기준"
        assert progress_sentence(ProjectFactory()) == "계획 이후 보고된 진행 상황 없음"


# --- Shown everywhere ---------------------------------------------------------------------------


def test_the_project_page_shows_the_status_with_its_date_and_the_report(client):
    report(note_en="Reactor building topped out.", note_ko="원자로 건물 골조 완료.")
    body = client.get(f"/projects/{SLUG}/").content.decode()
    dated = '<time datetime="2026-11-30">as of 30 Nov 2026</time>'
    assert f"In implementation · 40% · {dated}" in body
    assert "Reactor building topped out." in body
    assert 'href="https://www.busan.go.kr/report"' in body
    assert "No progress reported since the plan" not in body
    body = client.get(f"/ko/projects/{SLUG}/").content.decode()
    assert '시행 단계 · 40% · <time datetime="2026-11-30">2026년 11월 30일 기준</time>' in body
    assert "원자로 건물 골조 완료." in body


def test_a_project_without_a_report_keeps_not_stated_in_the_source(client):
    body = client.get(f"/projects/{SLUG}/").content.decode()
    marker = '<span class="not-stated">not stated</span>'
    assert f'{marker} · <span class="no-progress">No progress reported since the plan' in body
    assert "No progress reported since the plan. The source document states no status." in body
    body = client.get(f"/ko/projects/{SLUG}/").content.decode()
    assert "계획 이후 보고된 진행 상황이 없습니다." in body


def test_the_list_filters_and_counts_by_the_current_status(client):
    report()
    response = client.get("/projects/", {"status": "implementation"})
    assert [project.slug for project in response.context["page"]] == [SLUG]
    counts = {value: count for value, _, count in response.context["facets"].statuses}
    assert (counts["implementation"], counts["not-stated"]) == (1, 24)
    body = client.get("/ko/projects/", {"status": "implementation"}).content.decode()
    assert "시행 (1)" in body
    assert "시행 단계 · 40%" in body


def test_a_former_status_value_is_refused_with_a_message(client):
    response = client.get("/projects/", {"status": "in-progress"})
    assert response.status_code == 200
    assert "There is no status “in-progress”." in response.content.decode()
    assert client.get("/api/projects/", {"status": "planned"}).status_code == 400


def test_the_timeline_shows_the_current_status(client):
    report()
    body = client.get("/timeline/").content.decode()
    assert "In implementation · 40%" in body
    assert "시행 단계 · 40%" in client.get("/ko/timeline/").content.decode()


def test_the_api_gives_status_its_date_and_percent(client):
    report()
    body = client.get(f"/api/projects/{SLUG}/").json()
    assert (body["status"], body["status_as_of"], body["progress_percent"]) == (
        "implementation",
        "2026-11-30",
        40,
    )
    listed = client.get("/api/projects/", {"status": "implementation", "lang": "ko"}).json()
    assert [item["slug"] for item in listed["results"]] == [SLUG]


def test_the_csv_gives_status_its_date_and_percent_in_both_languages(client):
    report()
    body = b"".join(client.get("/projects/export.csv").streaming_content).decode("utf-8-sig")
    row = next(row for row in csv.DictReader(io.StringIO(body)) if row["slug"] == SLUG)
    assert (row["status"], row["status_as_of"], row["progress_percent"]) == (
        "implementation",
        "2026-11-30",
        "40",
    )
    undated = next(row for row in csv.DictReader(io.StringIO(body)) if row["slug"] != SLUG)
    assert (undated["status"], undated["status_as_of"], undated["progress_percent"]) == (
        "not-stated",
        "",
        "",
    )
    body = b"".join(client.get("/ko/projects/export.csv").streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body)))
    assert {"진행 상태", "진행 상태 기준일", "진행률(%)"} <= set(header)


def test_a_report_of_an_unpublished_project_shows_nowhere(client):
    hidden = ProjectFactory(slug="hidden-one", is_published=False)
    report(project=hidden)
    assert client.get("/api/projects/", {"status": "implementation"}).json()["count"] == 0


def test_a_new_report_misses_the_page_cache_at_once(client):
    assert "In implementation" not in client.get(f"/projects/{SLUG}/").content.decode()
    report()
    assert "In implementation" in client.get(f"/projects/{SLUG}/").content.decode()


def test_the_data_page_explains_status_and_planned_against_actual(client):
    body = client.get(reverse("projects:data")).content.decode()
    assert "status_as_of" in body
    assert "on the phase's actual dates once an actual start is reported" in body
    with translation.override("ko"):
        body = client.get(reverse("projects:data")).content.decode()
    assert "실제 시작이 보고되면 실제 일정으로" in body


def test_the_last_updated_time_after_a_report_is_a_valid_html_datetime(client):
    # A report stamps the project with microseconds; HTML allows at most three digits.
    report()
    body = client.get(f"/projects/{SLUG}/").content.decode()
    stamp = body.split('<p class="updated">', 1)[1].split('datetime="', 1)[1].split('"', 1)[0]
    assert len(stamp) == len("2026-12-01T16:59:18+0900")
    assert "." not in stamp


def test_every_project_page_says_no_progress_was_reported_in_both_languages(client):
    for slug in Project.objects.published().values_list("slug", flat=True):
        for prefix, words in (("", "No progress reported since the plan"), ("/ko", "계획 이후")):
            body = client.get(f"{prefix}/projects/{slug}/").content.decode()
            assert words in body, (prefix, slug)


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "planned", "x" * 10_000, "\x1b"])
def test_a_hostile_status_gets_a_message_or_a_400_never_a_500(client, value):
    response = client.get("/projects/", {"status": value})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    response = client.get("/api/projects/", {"status": value})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    assert client.get("/projects/export.csv", {"status": value}).status_code == 400


def test_the_migration_keeps_former_statuses_as_unpublished_draft_reports():
    """0005 turns each status an official had set by hand into a draft report to source."""
    import importlib
    from types import SimpleNamespace

    from projects.models import ProgressUpdate

    migration = importlib.import_module("projects.migrations.0005_i14_progress")
    project = Project.objects.get(slug=SLUG)
    moment = datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC)
    old_rows = [SimpleNamespace(pk=project.pk, status="in-progress", updated_at=moment)]

    class OldProjects:
        def filter(self, status__in):
            assert set(status__in) == {"planned", "in-progress", "completed"}
            return self

        def only(self, *names):
            return old_rows

    models = {"Project": SimpleNamespace(objects=OldProjects()), "ProgressUpdate": ProgressUpdate}
    apps = SimpleNamespace(get_model=lambda app, name: models[name])
    migration.statuses_to_draft_reports(apps, None)
    draft = ProgressUpdate.objects.get()
    assert (draft.status, draft.as_of, draft.is_published) == (
        "implementation",
        datetime.date(2026, 5, 4),
        False,
    )
    assert current() == ("not-stated", None, None)


def test_reverting_a_project_to_an_older_version_keeps_its_current_status():
    project = Project.objects.get(slug=SLUG)
    project.summary_en = "An older summary."
    project.save()
    older = project.history.first()
    report()
    older.instance.save()  # what the admin's revert does
    assert Project.objects.get(slug=SLUG).summary_en == "An older summary."
    assert current() == ("implementation", datetime.date(2026, 11, 30), 40)
