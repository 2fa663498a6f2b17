"""Officials post progress reports and actual dates in the admin; every bad value gets its
message by the field (English and Korean), nothing hostile is a server error or runs on a page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Budget, Phase, PhaseKind, ProgressUpdate, Project
from tests.factories import PhaseFactory, ProgressUpdateFactory, ProjectFactory
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db

SLUG = "export-research-reactor"
ADD_URL = reverse("admin:projects_progressupdate_add")
SCRIPT = '<script>alert("x")</script><b>bold</b>'


def report_data(**values):
    data = {
        "project": str(Project.objects.get(slug=SLUG).pk),
        "as_of": "2026-11-30",
        "status": "implementation",
        "progress_percent": "40",
        "note_en": "Building works under way.",
        "note_ko": "건축 공사 진행 중.",
        "source_title": "Busan progress report, November 2026",
        "source_url": "https://www.busan.go.kr/progress/2026-11",
        "is_published": "on",
    }
    data.update(values)
    return {name: value for name, value in data.items() if value is not None}


def post_report(client, **values):
    return client.post(ADD_URL, report_data(**values))


def field_errors(response):
    errors = response.context["adminform"].form.errors
    return {name: list(messages) for name, messages in errors.items()}


def test_an_editor_posts_a_report_and_is_recorded_as_its_author(editor_client, editor):
    response = post_report(editor_client)
    assert response.status_code == 302
    saved = ProgressUpdate.objects.get()
    assert (saved.status, saved.progress_percent) == ("implementation", 40)
    assert saved.entered_by == editor
    assert saved.history.get().history_user == editor
    project = Project.objects.get(slug=SLUG)
    assert (project.current_status, project.progress_percent) == ("implementation", 40)


def test_the_report_list_shows_project_date_status_and_percent(editor_client):
    ProgressUpdateFactory(project=Project.objects.get(slug=SLUG))
    body = editor_client.get(reverse("admin:projects_progressupdate_changelist")).content.decode()
    assert "New research reactor for export" in body
    assert "40%" in body
    assert "Implementation" in body


def test_the_messages_speak_korean_for_a_korean_official():
    future = timezone.localdate() + datetime.timedelta(days=3)
    item = ProgressUpdate(
        project=Project.objects.get(slug=SLUG),
        as_of=future,
        status="completed",
        progress_percent=60,
        note_en="a\x1bb",
        source_title="t",
        source_url="https://x.kr",
    )
    with translation.override("ko"):
        with pytest.raises(ValidationError) as raised:
            item.full_clean()
        errors = raised.value.message_dict
        messages = {name: [str(message) for message in errors[name]] for name in errors}
    assert messages == {
        "as_of": ["미래의 날짜입니다. 오늘까지의 날짜를 입력하십시오."],
        "note_en": ["이 글에서 보이지 않는 제어 문자를 지우십시오."],
        "progress_percent": ["완료된 사업의 진행률은 100%입니다. 100을 입력하거나 비워 두십시오."],
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"as_of": "1899-12-31"}, "as_of", "Enter a date from 1900-01-01 on."),
        (
            {"as_of": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "as_of",
            "This date is in the future; enter a date up to today.",
        ),
        ({"as_of": "99999-01-01"}, "as_of", "Enter a valid date."),
        ({"as_of": ""}, "as_of", "This field is required."),
        (
            {"progress_percent": "101"},
            "progress_percent",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            {"progress_percent": "-1"},
            "progress_percent",
            "Ensure this value is greater than or equal to 0.",
        ),
        ({"progress_percent": "40.5"}, "progress_percent", "Enter a whole number."),
        (
            {"progress_percent": "9" * 40},
            "progress_percent",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            {"status": "in-progress"},
            "status",
            "Select a valid choice. in-progress is not one of the available choices.",
        ),
        ({"source_url": ""}, "source_url", "This field is required."),
        ({"source_title": ""}, "source_title", "This field is required."),
        ({"source_url": "javascript:alert(1)"}, "source_url", "Enter a valid URL."),
        ({"source_url": "https://" + "a" * 600 + ".kr"}, "source_url", None),
        (
            {"note_en": "x" * 10_000},
            "note_en",
            "Ensure this value has at most 4000 characters (it has 10000).",
        ),
        (
            {"note_ko": "bell\x07 and escape\x1b"},
            "note_ko",
            "Remove the invisible control characters from this text.",
        ),
        ({"source_title": "nul\x00byte"}, "source_title", "Null characters are not allowed."),
        (
            {"status": "completed", "progress_percent": "60"},
            "progress_percent",
            "A completed project is at 100%: enter 100 or leave it blank.",
        ),
        ({"project": "99999999999999999999999"}, "project", None),
    ],
)
def test_a_bad_value_is_reported_by_its_field_and_nothing_is_saved(
    editor_client, values, field, message
):
    response = post_report(editor_client, **values)
    assert response.status_code == 200
    errors = field_errors(response)
    assert field in errors
    if message is not None:
        assert errors[field] == [message]
    assert not ProgressUpdate.objects.exists()


def test_html_in_a_report_is_shown_escaped_on_every_page(editor_client, client):
    assert post_report(editor_client, note_en=SCRIPT, source_title=SCRIPT).status_code == 302
    for path in (f"/projects/{SLUG}/", "/projects/", "/timeline/"):
        body = client.get(path).content.decode()
        assert "<script>alert" not in body
    body = client.get(f"/projects/{SLUG}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in body
    admin = editor_client.get(reverse("admin:projects_progressupdate_changelist"))
    assert "<script>alert" not in admin.content.decode()


def test_a_report_is_added_on_the_project_page_with_its_author(editor_client, editor):
    project = ProjectFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = rendered_form_data(editor_client.get(url))
    data["progress_updates-TOTAL_FORMS"] = "1"
    row = report_data()
    row.pop("project")
    data.update({f"progress_updates-0-{name}": value for name, value in row.items()})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = project.progress_updates.get()
    assert saved.entered_by == editor
    project.refresh_from_db()
    assert project.current_status == "implementation"


# --- Actual dates and milestone states -----------------------------------------------------------


def phase_data(phase, **values):
    data = {
        "project": str(phase.project_id),
        "key": phase.key,
        "name_en": phase.name_en,
        "name_ko": phase.name_ko,
        "kind": phase.kind,
        "start_year": str(phase.start_year),
        "start_month": phase.start_month or "",
        "end_year": phase.end_year or "",
        "end_month": phase.end_month or "",
        "source_text": phase.source_text,
        "position": str(phase.position),
        "milestone_state": phase.milestone_state,
        "actual_source_title": "City report",
        "actual_source_url": "https://www.busan.go.kr/r",
    }
    data.update(values)
    return data


def post_phase(client, phase, **values):
    url = reverse("admin:projects_phase_change", args=[phase.pk])
    return client.post(url, phase_data(phase, **values))


def milestone():
    return Phase.objects.get(project__slug=SLUG, kind=PhaseKind.MILESTONE)


def test_an_official_reports_a_milestone_met_with_its_date(editor_client):
    response = post_phase(editor_client, milestone(), milestone_state="met", date_met="2015-05-20")
    assert response.status_code == 302
    phase = milestone()
    assert (phase.milestone_state, phase.actual_start_year, phase.actual_start_month) == (
        "met",
        2015,
        5,
    )


def test_an_official_reports_a_period_started_late_and_still_running(editor_client):
    phase = PhaseFactory(project=ProjectFactory(), start_year=2015, end_year=2017)
    assert post_phase(editor_client, phase, actual_start_year="2016").status_code == 302
    phase.refresh_from_db()
    assert (phase.actual_when, phase.actual_is_open_ended) == ("2016–", True)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"actual_start_year": "1899"}, "actual_start_year", None),
        ({"actual_start_year": str(timezone.localdate().year + 1)}, "actual_start_year", None),
        (
            {"actual_start_year": "2016", "actual_end_year": "2015"},
            "actual_end_year",
            "The actual end year cannot be before the actual start year.",
        ),
        (
            {"actual_end_year": "2016"},
            "actual_start_year",
            "Enter the actual start before an actual end.",
        ),
        (
            {"actual_start_year": "2016", "actual_start_month": "13"},
            "actual_start_month",
            "Enter a month from 1 to 12.",
        ),
        (
            {"actual_start_year": "2016", "actual_source_url": ""},
            "actual_source_url",
            "Give the web address of the report that states this.",
        ),
        (
            {"actual_start_year": "2016", "actual_source_url": "javascript:alert(1)"},
            "actual_source_url",
            None,
        ),
        (
            {"milestone_state": "met"},
            "milestone_state",
            "Only a milestone is met or not met; for a period, enter its actual dates.",
        ),
        ({"milestone_state": "done"}, "milestone_state", None),
        (
            {"actual_source_title": "a\x1bb", "actual_start_year": "2016"},
            "actual_source_title",
            "Remove the invisible control characters from this text.",
        ),
        ({"actual_start_year": "9" * 30}, "actual_start_year", None),
    ],
)
def test_a_bad_actual_value_is_reported_by_its_field(editor_client, values, field, message):
    phase = PhaseFactory(project=ProjectFactory(), start_year=2015, end_year=2017)
    response = post_phase(editor_client, phase, **values)
    assert response.status_code == 200
    errors = field_errors(response)
    assert field in errors, errors
    if message is not None:
        assert errors[field] == [message]
    phase.refresh_from_db()
    assert phase.actual_start_year is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"milestone_state": "not-met", "date_met": "2015-04-02"},
            "date_met",
            "A date met needs the state “met” or “partially met”.",
        ),
        (
            {"milestone_state": "met", "date_met": "2999-01-01"},
            "date_met",
            "This date is in the future; enter a date up to today.",
        ),
        (
            {"milestone_state": "met", "date_met": "1850-01-01"},
            "date_met",
            "Enter a date from 1900-01-01 on.",
        ),
        (
            {"milestone_state": "met", "actual_start_year": "2015", "actual_end_year": "2016"},
            "actual_end_year",
            "A milestone has a single date: leave the end blank.",
        ),
        (
            {"milestone_state": "met", "date_met": "2015-04-02", "actual_start_year": "2016"},
            "date_met",
            "The date met does not match the actual year and month.",
        ),
    ],
)
def test_a_bad_milestone_report_is_reported_by_its_field(editor_client, values, field, message):
    response = post_phase(editor_client, milestone(), **values)
    assert response.status_code == 200
    assert field_errors(response)[field] == [message]
    assert milestone().milestone_state == "scheduled"


def test_a_budget_says_who_pays_and_its_stage_only_when_entered(editor_client, client):
    body = client.get("/projects/bs-financial-computer-center/").content.decode()
    assert "Stated cost" in body
    assert "city budget" not in body.lower()
    assert body.count('<dt>Who pays</dt><dd><span class="not-stated">not stated</span>') == 1
    assert body.count('<dt>Stage</dt><dd><span class="not-stated">not stated</span>') == 1
    budget = Budget.objects.get(project__slug="bs-financial-computer-center")
    budget.payer, budget.stage = "private", "approved"
    budget.save()
    body = client.get("/projects/bs-financial-computer-center/").content.decode()
    assert "<dt>Who pays</dt><dd>Private</dd>" in body
    assert "<dt>Stage</dt><dd>Approved</dd>" in body
    body = client.get("/ko/projects/bs-financial-computer-center/").content.decode()
    assert "<dt>부담 주체</dt><dd>민간</dd>" in body
    assert "명시된 사업비" in body
