"""Spreadsheet import of progress reports (issue 15, item 5): upload, preview, confirm, as an
editor would (tests/projects/test_part_import.py has the same steps for phases and budgets)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ProgressUpdate
from tests.factories import ProgressUpdateFactory, ProjectFactory
from tests.projects.test_part_import import (
    confirm,
    csv_bytes,
    export_rows,
    import_file,
    invalid_rows,
    upload,
)

pytestmark = pytest.mark.django_db

MODEL = "progressupdate"
SLUG = "progress-import-test"
REASON = "2026 progress round"


@pytest.fixture
def project():
    return ProjectFactory(slug=SLUG)


def report_row(**values):
    return {
        "번호 (id)": "",
        "사업 (project)": SLUG,
        "기준일 (as_of)": "2026-10-31",
        "상태 (status)": "implementation",
        "진척률(%) (progress_percent)": "45",
        "설명(영어) (note_en)": "Foundations laid.",
        "설명(한국어) (note_ko)": "기초 공사 완료.",
        "출처(제목) (source_title)": "Busan city progress report",
        "출처(주소) (source_url)": "https://www.busan.go.kr/report",
        **values,
    }


def test_a_good_file_adds_reports_and_updates_the_project_status(editor_client, editor, project):
    rows = [
        report_row(),
        report_row(
            **{
                "기준일 (as_of)": "2026-06-30",
                "상태 (status)": "preparation",
                "진척률(%) (progress_percent)": "",
            }
        ),
    ]
    preview = upload(editor_client, MODEL, csv_bytes(rows), reason=REASON)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new"]
    assert not ProgressUpdate.objects.filter(project=project).exists()

    assert confirm(editor_client, MODEL, preview).status_code == 302
    reports = list(ProgressUpdate.objects.filter(project=project).order_by("as_of"))
    assert [(r.as_of, r.status, r.progress_percent) for r in reports] == [
        (datetime.date(2026, 6, 30), "preparation", None),
        (datetime.date(2026, 10, 31), "implementation", 45),
    ]
    latest = reports[1]
    assert (latest.note_ko, latest.source_url, latest.is_published) == (
        "기초 공사 완료.",
        "https://www.busan.go.kr/report",
        True,
    )
    assert {r.entered_by for r in reports} == {editor}
    project.refresh_from_db()
    assert (project.current_status, project.status_as_of, project.progress_percent) == (
        "implementation",
        datetime.date(2026, 10, 31),
        45,
    )
    record = latest.history.latest()
    assert record.history_user == editor
    assert REASON in record.history_change_reason


def test_bare_field_names_are_read_and_an_exported_report_updates(editor_client, project):
    report = ProgressUpdateFactory(project=project, progress_percent=40)
    row = export_rows(editor_client, MODEL)[0]
    assert row["번호 (id)"] == str(report.pk)
    row["진척률(%) (progress_percent)"] = "60"
    import_file(editor_client, MODEL, csv_bytes([row]))
    report.refresh_from_db()
    assert report.progress_percent == 60
    project.refresh_from_db()
    assert project.progress_percent == 60

    bare = {
        "project": SLUG,
        "as_of": "2026-11-30",
        "source_title": "Report",
        "source_url": "https://example.org/r",
        "status": "completed",
    }
    import_file(editor_client, MODEL, csv_bytes([bare]))
    assert ProgressUpdate.objects.filter(project=project, status="completed").exists()


def test_a_file_with_one_bad_row_saves_nothing_and_names_the_row(editor_client, project):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        report_row(),
        report_row(**{"기준일 (as_of)": tomorrow, "진척률(%) (progress_percent)": "120"}),
        report_row(**{"출처(주소) (source_url)": "ftp://example.org/x"}),
        report_row(**{"사업 (project)": "no-such-project", "출처(주소) (source_url)": ""}),
    ]
    preview = upload(editor_client, MODEL, csv_bytes(rows))
    errors = dict(invalid_rows(preview))
    assert sorted(errors) == [2, 3, 4]
    assert {"as_of", "progress_percent"} <= set(errors[2])
    assert "source_url" in errors[3]
    assert {"project", "source_url"} <= set(errors[4])
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None

    # Forced through the confirmation step, the file still saves nothing.
    confirm_url = reverse("admin:projects_progressupdate_process_import")
    editor_client.post(confirm_url, {})
    assert not ProgressUpdate.objects.filter(project=project).exists()
    project.refresh_from_db()
    assert project.current_status == "not-stated"


def test_a_report_number_that_does_not_exist_is_an_error(editor_client, project):
    preview = upload(editor_client, MODEL, csv_bytes([report_row(**{"번호 (id)": "99999"})]))
    assert dict(invalid_rows(preview))[1].keys() >= {"id"}
    assert not ProgressUpdate.objects.filter(pk=99999).exists()


def test_a_file_from_a_stale_export_is_refused(editor_client, project):
    report = ProgressUpdateFactory(project=project, progress_percent=40)
    row = export_rows(editor_client, MODEL)[0]
    report.progress_percent = 50
    report.save()  # someone else saves after the export
    row["진척률(%) (progress_percent)"] = "70"
    preview = upload(editor_client, MODEL, csv_bytes([row]))
    assert "version" in dict(invalid_rows(preview))[1]
    report.refresh_from_db()
    assert report.progress_percent == 50


def test_the_template_downloads_with_korean_headers(editor_client):
    response = editor_client.get(
        reverse("admin:projects_progressupdate_import_template", args=["csv"])
    )
    assert response["Content-Disposition"] == 'attachment; filename="progressupdate-template.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        "번호 (id),사업 (project),기준일 (as_of),상태 (status),진척률(%) (progress_percent),"
        "설명(영어) (note_en),설명(한국어) (note_ko),출처(제목) (source_title),"
        "출처(주소) (source_url),공개 (is_published),버전 (version)"
    ]
    xlsx = editor_client.get(
        reverse("admin:projects_progressupdate_import_template", args=["xlsx"])
    )
    assert xlsx.content.startswith(b"PK")
    page = editor_client.get(reverse("admin:projects_progressupdate_import")).content.decode()
    assert reverse("admin:projects_progressupdate_import_template", args=["csv"]) in page
